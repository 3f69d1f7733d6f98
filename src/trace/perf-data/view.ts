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
  /** The bytes as a DataView (reads at offsets less {@link base}). */
  readonly data: DataView;
  /** Little-endian numbers. */
  readonly little: boolean;
  /** The input's offset of `bytes[0]`: offsets given to the reads are the input's. */
  readonly base: number;

  /**
   * @param bytes - the input, or a part of it
   * @param little - its byte order
   * @param base - the input's offset of its first byte (0: the whole input)
   */
  constructor(bytes: Uint8Array, little: boolean, base = 0) {
    this.bytes = bytes;
    this.data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.little = little;
    this.base = base;
  }

  /** @returns the input's offset just past these bytes */
  get end(): number {
    return this.base + this.bytes.length;
  }

  /**
   * The same bytes read in another byte order.
   * @param little - the order
   * @returns a view
   */
  withOrder(little: boolean): ByteView {
    return little === this.little ? this : new ByteView(this.bytes, little, this.base);
  }

  /**
   * Throws unless [offset, offset + size) lies inside these bytes.
   * @param offset - start
   * @param size - bytes
   * @param what - what is read, for the message
   */
  need(offset: number, size: number, what: string): void {
    const local = offset - this.base;
    if (!(local >= 0 && size >= 0 && local + size <= this.bytes.length)) {
      throw new PerfDataError(
        `${what} needs ${String(size)} bytes but the input ends at byte ${String(this.end)}`,
        offset,
      );
    }
  }

  /**
   * Bytes [start, end).
   * @param start - the first
   * @param end - past the last
   * @param what - what is read, for the message
   * @returns the bytes (not a copy)
   */
  sub(start: number, end: number, what: string): Uint8Array {
    this.need(start, end - start, what);
    return this.bytes.subarray(start - this.base, end - this.base);
  }

  /**
   * A u8.
   * @param offset - where
   * @param what - what is read, for the message
   * @returns the value
   */
  u8(offset: number, what: string): number {
    this.need(offset, 1, what);
    return this.bytes[offset - this.base] as number;
  }

  /**
   * A u16.
   * @param offset - where
   * @param what - what is read, for the message
   * @returns the value
   */
  u16(offset: number, what: string): number {
    this.need(offset, 2, what);
    return this.data.getUint16(offset - this.base, this.little);
  }

  /**
   * A u32.
   * @param offset - where
   * @param what - what is read, for the message
   * @returns the value
   */
  u32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.data.getUint32(offset - this.base, this.little);
  }

  /**
   * An s32.
   * @param offset - where
   * @param what - what is read, for the message
   * @returns the value
   */
  i32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.data.getInt32(offset - this.base, this.little);
  }

  /**
   * A u64 as a number: exact below 2^53 (times, sizes, offsets); larger values come out above 2^53 − 1.
   * @param offset - where
   * @param what - what is read, for the message
   * @returns the value
   */
  u64(offset: number, what: string): number {
    this.need(offset, 8, what);
    const at = offset - this.base;
    const lo = this.data.getUint32(at + (this.little ? 0 : 4), this.little);
    const hi = this.data.getUint32(at + (this.little ? 4 : 0), this.little);
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
    const at = offset - this.base;
    const lo = this.data.getUint32(at + (this.little ? 0 : 4), this.little);
    const hi = this.data.getInt32(at + (this.little ? 4 : 0), this.little);
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
    const at = offset - this.base;
    const end = Math.min(at + max, this.bytes.length);
    let nul = this.bytes.indexOf(0, at);
    if (nul < 0 || nul > end) nul = end;
    return decodeText(this.bytes.subarray(at, nul));
  }
}

/**
 * UTF-8 text of some bytes.
 * @param bytes - the bytes
 * @returns the text
 * @internal
 */
export const utf8: (bytes: Uint8Array) => string = decodeText;
