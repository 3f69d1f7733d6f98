/**
 * Text helpers for the trace readers: byte chunks (cut anywhere) into lines, and text into UTF-8 for the reports.
 * Runtime-neutral (`Uint8Array`, `TextDecoder`).
 * @module
 */

// The standard TextDecoder (every runtime has it), typed here so the runtime-neutral entry needs neither DOM nor Node
// type definitions.
interface Utf8Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
interface Utf8Encoder {
  encode(input: string): Uint8Array;
}
const platform = globalThis as unknown as {
  TextDecoder: new (label: string) => Utf8Decoder;
  TextEncoder: new () => Utf8Encoder;
};
const encoder = new platform.TextEncoder();

const decoder = new platform.TextDecoder('utf-8');

/**
 * Decodes UTF-8 (invalid bytes become U+FFFD).
 * @param bytes - the bytes
 * @returns the text
 * @internal
 */
export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * Encodes text as UTF-8 (a lone surrogate becomes U+FFFD, as writing the string to a Node stream does).
 * @param text - the text
 * @returns its bytes
 */
export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * The longest line a trace reader takes, in characters (UTF-16 code units, so at most 192 KiB of UTF-8): real trace
 * lines are ~200. A longer line is one malformed line, and no reader holds more than this much of it.
 * @internal
 */
export const MAX_LINE_CHARS = 65_536;

/**
 * Splits byte chunks (any boundaries, inside a UTF-8 character too) into lines of text: calls `onLine(text)` for each
 * line without its `\n` (and without a `\r` before it). Invalid UTF-8 becomes U+FFFD. Each chunk is decoded once, and
 * a line that spans chunks is joined once, so the work is linear in the input however long its lines. A line longer
 * than {@link MAX_LINE_CHARS} goes to `onOverlong()` instead: it is passed over up to its `\n` (found in the bytes,
 * which are not decoded), never held.
 * @internal
 */
export class LineSplitter {
  readonly #decoder = new platform.TextDecoder('utf-8');
  // The start of a line whose end has not come yet, in pieces, and its length (at most MAX_LINE_CHARS + 1: a `\r`).
  readonly #carry: string[] = [];
  #carried = 0;
  // Inside a line too long to hold, passing over it.
  #skipping = false;
  /** Some bytes were pushed. */
  started = false;
  readonly #onLine: (text: string) => void;
  readonly #onOverlong: () => void;

  /**
   * @param onLine - called for each complete line
   * @param onOverlong - called for each line longer than {@link MAX_LINE_CHARS}, in its place
   */
  constructor(onLine: (text: string) => void, onOverlong: () => void) {
    this.#onLine = onLine;
    this.#onOverlong = onOverlong;
  }

  /**
   * Feeds a chunk.
   * @param chunk - the next bytes
   */
  push(chunk: Uint8Array): void {
    if (chunk.length > 0) this.started = true;
    if (this.#skipping) {
      const nl = chunk.indexOf(10); // a UTF-8 character never holds the byte of `\n`
      if (nl < 0) return;
      this.#decoder.decode(); // the end of a character cut at the chunk's start belongs to the skipped line
      this.#skipping = false;
      this.#onOverlong();
      chunk = chunk.subarray(nl + 1);
    }
    this.#text(this.#decoder.decode(chunk, { stream: true }));
  }

  /** Delivers a last line that had no `\n` (without a `\r` at its end, as every line). */
  end(): void {
    const rest = this.#decoder.decode();
    if (!this.#skipping) this.#text(rest);
    if (this.#skipping) this.#onOverlong();
    else if (this.#carried > 0) this.#line(this.#carry.join(''));
    this.#skipping = false;
    this.#carry.length = 0;
    this.#carried = 0;
  }

  #text(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      this.#line(this.#carried === 0 ? piece : this.#carry.join('') + piece);
      this.#carry.length = 0;
      this.#carried = 0;
      start = nl + 1;
    }
    if (start >= text.length) return;
    // the start of a line: kept while it is short enough, else passed over (the next chunks too, up to a `\n`)
    this.#carried += text.length - start;
    if (this.#carried <= MAX_LINE_CHARS + 1) this.#carry.push(text.slice(start));
    else {
      this.#skipping = true;
      this.#carry.length = 0;
      this.#carried = 0;
    }
  }

  #line(line: string): void {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.length > MAX_LINE_CHARS) this.#onOverlong();
    else this.#onLine(text);
  }
}
