/**
 * Byte-level helpers for the trace readers: a trace is read as raw bytes and only the strings a replay needs (comm
 * names, state letters) are decoded, each once per task rather than once per line. Runtime-neutral (`Uint8Array`,
 * `TextDecoder`).
 * @module
 */

// The standard TextDecoder (every runtime has it), typed here so the runtime-neutral entry needs neither DOM nor Node
// type definitions.
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
interface Utf8Encoder {
  encode(input: string): Uint8Array;
}
const platform = globalThis as unknown as {
  TextDecoder: new (label: string) => Utf8Decoder;
  TextEncoder: new () => Utf8Encoder;
};
const decoder = new platform.TextDecoder('utf-8');
const encoder = new platform.TextEncoder();

/**
 * Encodes text as UTF-8 (a lone surrogate becomes U+FFFD, as writing the string to a Node stream does).
 * @param text - the text
 * @returns its bytes
 */
export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
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
 * Two byte runs as one.
 * @param a - the first
 * @param b - the second
 * @returns a new buffer holding `a` then `b`
 */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
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
      bytes = concatBytes(this.#carry, chunk);
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
