/**
 * A bounds-checked reader of perf.data's numbers in the writer's byte order: every read past the end throws a
 * {@link PerfDataError} with the offset, so no corrupt size can read out of the input or size an allocation.
 * @module
 * @internal
 */
import { decodeText } from '../bytes.js';
import { PerfDataError } from './error.js';

/**
 * The input with its byte order: numbers read at offsets, each read checked against the input's end.
 * @internal
 */
export class ByteView {
  readonly bytes: Uint8Array;
  readonly #view: DataView;
  /** Little-endian numbers. */
  readonly little: boolean;

  /**
   * @param bytes - the input
   * @param little - its byte order
   */
  constructor(bytes: Uint8Array, little: boolean) {
    this.bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.little = little;
  }

  /** @returns the input's size, bytes */
  get length(): number {
    return this.bytes.length;
  }

  /**
   * Throws unless [offset, offset + size) lies inside the input.
   * @param offset - start
   * @param size - bytes
   * @param what - what is read, for the message
   */
  need(offset: number, size: number, what: string): void {
    if (!(offset >= 0 && size >= 0 && offset + size <= this.bytes.length)) {
      throw new PerfDataError(
        `${what} needs ${String(size)} bytes but the input ends at byte ${String(this.bytes.length)}`,
        offset,
      );
    }
  }

  /**
   * A u8.
   * @param offset - where
   * @param what - what is read, for the message
   * @returns the value
   */
  u8(offset: number, what: string): number {
    this.need(offset, 1, what);
    return this.bytes[offset] as number;
  }

  /**
   * A u16.
   * @param offset - where
   * @param what - what is read, for the message
   * @returns the value
   */
  u16(offset: number, what: string): number {
    this.need(offset, 2, what);
    return this.#view.getUint16(offset, this.little);
  }

  /**
   * A u32.
   * @param offset - where
   * @param what - what is read, for the message
   * @returns the value
   */
  u32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.#view.getUint32(offset, this.little);
  }

  /**
   * An s32.
   * @param offset - where
   * @param what - what is read, for the message
   * @returns the value
   */
  i32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.#view.getInt32(offset, this.little);
  }

  /**
   * A u64 as a number: exact below 2^53 (times, sizes, offsets); larger values come out above 2^53 − 1.
   * @param offset - where
   * @param what - what is read, for the message
   * @returns the value
   */
  u64(offset: number, what: string): number {
    this.need(offset, 8, what);
    const lo = this.#view.getUint32(offset + (this.little ? 0 : 4), this.little);
    const hi = this.#view.getUint32(offset + (this.little ? 4 : 0), this.little);
    return hi * 2 ** 32 + lo;
  }

  /**
   * An s64 as a number (exact within ±2^53).
   * @param offset - where
   * @param what - what is read, for the message
   * @returns the value
   */
  i64(offset: number, what: string): number {
    this.need(offset, 8, what);
    const lo = this.#view.getUint32(offset + (this.little ? 0 : 4), this.little);
    const hi = this.#view.getInt32(offset + (this.little ? 4 : 0), this.little);
    return hi * 2 ** 32 + lo;
  }

  /**
   * A NUL-terminated string within [offset, offset + max), as UTF-8.
   * @param offset - where
   * @param max - the most bytes it may take
   * @param what - what is read, for the message
   * @returns the text
   */
  cstring(offset: number, max: number, what: string): string {
    this.need(offset, 0, what);
    const end = Math.min(offset + max, this.bytes.length);
    let nul = this.bytes.indexOf(0, offset);
    if (nul < 0 || nul > end) nul = end;
    return decodeText(this.bytes.subarray(offset, nul));
  }
}

/**
 * UTF-8 text of some bytes.
 * @param bytes - the bytes
 * @returns the text
 * @internal
 */
export const utf8: (bytes: Uint8Array) => string = decodeText;
