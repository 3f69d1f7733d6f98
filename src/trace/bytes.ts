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

/**
 * Encodes text as UTF-8 (a lone surrogate becomes U+FFFD, as writing the string to a Node stream does).
 * @param text - the text
 * @returns its bytes
 */
export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Splits byte chunks (any boundaries, inside a UTF-8 character too) into lines of text: calls `onLine(text)` for each
 * line without its `\n` (and without a `\r` before it). Invalid UTF-8 becomes U+FFFD. Each chunk is decoded once, and
 * a line that spans chunks is joined once, so the work is linear in the input however long its lines.
 * @internal
 */
export class LineSplitter {
  readonly #decoder = new platform.TextDecoder('utf-8');
  // The start of a line whose end has not come yet, in pieces.
  readonly #carry: string[] = [];
  readonly #onLine: (text: string) => void;

  /** @param onLine - called for each complete line */
  constructor(onLine: (text: string) => void) {
    this.#onLine = onLine;
  }

  /**
   * Feeds a chunk.
   * @param chunk - the next bytes
   */
  push(chunk: Uint8Array): void {
    this.#text(this.#decoder.decode(chunk, { stream: true }));
  }

  /** Delivers a last line that had no `\n` (without a `\r` at its end, as every line). */
  end(): void {
    this.#text(this.#decoder.decode());
    if (this.#carry.length > 0) this.#emit(this.#carry.splice(0).join(''));
  }

  #text(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      this.#emit(this.#carry.length === 0 ? piece : this.#carry.splice(0).join('') + piece);
      start = nl + 1;
    }
    if (start < text.length) this.#carry.push(text.slice(start));
  }

  #emit(line: string): void {
    this.#onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
