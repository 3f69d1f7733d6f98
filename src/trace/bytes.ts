/**
 * Byte-level helpers for the trace readers: a trace is read as raw bytes and only the strings a replay needs (comm
 * names, state letters) are decoded, each once per task rather than once per line. Runtime-neutral (`Uint8Array`,
 * `TextDecoder`).
 * @module
 */

// The standard TextDecoder and TextEncoder (every runtime has them), typed here so the runtime-neutral entry needs
// neither DOM nor Node type definitions.
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
/** The part of the standard `TextEncoder` the readers use. */
export interface Utf8Encoder {
  /** Writes the UTF-8 of `text` into `into`; returns how many bytes were written. */
  encodeInto(text: string, into: Uint8Array): { written: number };
}
const platform = globalThis as unknown as {
  TextDecoder: new (label: string) => Utf8Decoder;
  TextEncoder: new () => Utf8Encoder;
};
const decoder = new platform.TextDecoder('utf-8');

/**
 * A UTF-8 encoder (the standard `TextEncoder`).
 * @returns the encoder
 */
export function utf8Encoder(): Utf8Encoder {
  return new platform.TextEncoder();
}

/**
 * Decodes bytes as UTF-8 (invalid sequences become U+FFFD, as Node's stream decoders do).
 * @param bytes - the buffer
 * @param start - first byte
 * @param end - one past the last byte
 * @returns the text
 */
export function decodeBytes(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}

/**
 * Whether the bytes are exactly the ASCII text `s` (a non-ASCII byte never matches: it decodes differently).
 * @param bytes - the buffer
 * @param start - first byte
 * @param end - one past the last byte
 * @param s - the text
 * @returns true when they match
 */
export function bytesEqual(bytes: Uint8Array, start: number, end: number, s: string): boolean {
  if (end - start !== s.length) return false;
  for (let i = start, j = 0; i < end; i++, j++) {
    const c = bytes[i] as number;
    if (c >= 128 || c !== s.charCodeAt(j)) return false;
  }
  return true;
}

/**
 * Position of `pattern` in `bytes[from, end)`, or −1.
 * @param bytes - the buffer
 * @param pattern - the bytes to find
 * @param from - where to start
 * @param end - one past the last byte to search
 * @returns the first position, or −1
 */
export function indexOfBytes(bytes: Uint8Array, pattern: Uint8Array, from: number, end: number): number {
  const first = pattern[0] as number;
  const last = end - pattern.length;
  outer: for (let i = from; i <= last; i++) {
    if (bytes[i] !== first) continue;
    for (let j = 1; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The ASCII bytes of a text (for patterns).
 * @param s - ASCII text
 * @returns its bytes
 */
export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/**
 * Strings by a numeric key (a tid), reused while the bytes they were decoded from come again: a task's comm is
 * decoded once, not on every line that names it.
 */
export class StringCache {
  readonly #byKey = new Map<number, string>();

  /**
   * The text of `bytes[start, end)`, from the cache when the key's last text has the same bytes.
   * @param key - e.g. the tid the comm belongs to
   * @param bytes - the buffer
   * @param start - first byte
   * @param end - one past the last byte
   * @returns the text
   */
  get(key: number, bytes: Uint8Array, start: number, end: number): string {
    return this.hit(key, bytes, start, end) ?? this.put(key, bytes, start, end);
  }

  /**
   * The key's cached text when it has exactly these bytes.
   * @param key - e.g. the tid the comm belongs to
   * @param bytes - the buffer
   * @param start - first byte
   * @param end - one past the last byte
   * @returns the text, or undefined
   */
  hit(key: number, bytes: Uint8Array, start: number, end: number): string | undefined {
    const cached = this.#byKey.get(key);
    return cached !== undefined && bytesEqual(bytes, start, end, cached) ? cached : undefined;
  }

  /**
   * Decodes the bytes and keeps the text as the key's.
   * @param key - e.g. the tid the comm belongs to
   * @param bytes - the buffer
   * @param start - first byte
   * @param end - one past the last byte
   * @returns the text
   */
  put(key: number, bytes: Uint8Array, start: number, end: number): string {
    const text = decodeBytes(bytes, start, end);
    this.#byKey.set(key, text);
    return text;
  }
}

/**
 * Splits byte chunks (any boundaries) into lines: calls `onLine(bytes, start, end)` for each line without its
 * `\n` (and without a `\r` before it). Bytes after the last `\n` wait for the next chunk; {@link LineSplitter.end}
 * delivers them as a last line.
 */
export class LineSplitter {
  #carry: Uint8Array = new Uint8Array(0);
  readonly #onLine: (bytes: Uint8Array, start: number, end: number) => void;

  /** @param onLine - called for each complete line */
  constructor(onLine: (bytes: Uint8Array, start: number, end: number) => void) {
    this.#onLine = onLine;
  }

  /**
   * Feeds a chunk.
   * @param chunk - the next bytes
   */
  push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.#carry.length > 0) {
      bytes = new Uint8Array(this.#carry.length + chunk.length);
      bytes.set(this.#carry, 0);
      bytes.set(chunk, this.#carry.length);
      this.#carry = new Uint8Array(0);
    }
    let start = 0;
    for (let nl = bytes.indexOf(10, start); nl >= 0; nl = bytes.indexOf(10, start)) {
      this.#emit(bytes, start, nl);
      start = nl + 1;
    }
    if (start < bytes.length) this.#carry = bytes.slice(start);
  }

  /** Delivers a last line that had no `\n` (without a `\r` at its end, as every line). */
  end(): void {
    if (this.#carry.length > 0) this.#emit(this.#carry, 0, this.#carry.length);
    this.#carry = new Uint8Array(0);
  }

  #emit(bytes: Uint8Array, start: number, end: number): void {
    this.#onLine(bytes, start, end > start && bytes[end - 1] === 13 ? end - 1 : end);
  }
}
