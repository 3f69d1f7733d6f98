/**
 * Splits a byte stream into the protocol's lines (`\n`, or `\r\n`), in bounded memory: a line over the limit is
 * counted and skipped as it streams past, never held whole. Runtime-neutral (the transports are in serve.ts).
 * @module
 */

/** One line of input, as a transport answers it. */
export type Frame =
  /** A line of UTF-8 text, without its `\n` or `\r\n`. */
  | { readonly kind: 'line'; readonly text: string }
  /** A line over the limit: skipped, only its length kept. */
  | { readonly kind: 'too-long'; readonly bytes: number }
  /** A line that is not valid UTF-8. */
  | { readonly kind: 'not-utf8' };

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Splits byte chunks into {@link Frame}s. Holds at most `maxLineBytes` (+1 for a `\r`) of a partial line.
 * @internal
 */
export class LineFramer {
  readonly #maxLineBytes: number;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  // the partial line's pieces (copies: a piece never keeps its whole chunk alive) and their length
  #parts: Uint8Array[] = [];
  #bytes = 0;
  // the partial line went over the limit: its bytes are counted, not kept
  #skipping = false;

  /**
   * @param maxLineBytes - the longest line kept, bytes without its `\n` or `\r\n`
   */
  constructor(maxLineBytes: number) {
    this.#maxLineBytes = maxLineBytes;
  }

  /**
   * The lines a chunk completes; the rest of it is kept for the next chunk.
   * @param chunk - bytes as they came
   * @returns the completed lines, in order
   */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      if (newline !== -1 && this.#bytes === 0 && !this.#skipping) {
        // the common case: a whole line inside one chunk, decoded where it lies
        frames.push(this.#frame(chunk.subarray(start, end)));
      } else {
        this.#keep(chunk, start, end);
        if (newline === -1) break;
        frames.push(this.#finish());
      }
      start = newline + 1;
    }
    return frames;
  }

  /**
   * The last line, when the input ended without a newline after it.
   * @returns it, or nothing
   */
  end(): Frame[] {
    return this.#bytes > 0 || this.#skipping ? [this.#finish()] : [];
  }

  #keep(chunk: Uint8Array, start: number, end: number): void {
    this.#bytes += end - start;
    if (this.#skipping) return;
    // one byte of slack: a `\r` before the newline is not part of the line
    if (this.#bytes > this.#maxLineBytes + 1) {
      this.#skipping = true;
      this.#parts = [];
      return;
    }
    if (end > start) this.#parts.push(new Uint8Array(chunk.subarray(start, end)));
  }

  #finish(): Frame {
    const { length } = this;
    let frame: Frame;
    if (this.#skipping) frame = { kind: 'too-long', bytes: length };
    else if (this.#parts.length === 1) frame = this.#frame(this.#parts[0] ?? new Uint8Array());
    else {
      const whole = new Uint8Array(this.#bytes);
      let at = 0;
      for (const part of this.#parts) {
        whole.set(part, at);
        at += part.length;
      }
      frame = this.#frame(whole);
    }
    this.#parts = [];
    this.#bytes = 0;
    this.#skipping = false;
    return frame;
  }

  /** The partial line's length so far, bytes. */
  get length(): number {
    return this.#bytes;
  }

  #frame(bytes: Uint8Array): Frame {
    const line = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes;
    if (line.length > this.#maxLineBytes) return { kind: 'too-long', bytes: line.length };
    try {
      return { kind: 'line', text: this.#decoder.decode(line) };
    } catch {
      return { kind: 'not-utf8' };
    }
  }
}
