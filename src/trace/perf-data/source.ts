/**
 * Where perf.data's bytes come from: a file read at offsets (its data section streamed in chunks, so memory does
 * not grow with the file) or bytes already in memory. Runtime-neutral: the file source lives with the Node code.
 * @module
 * @internal
 */
import type { TraceEvent } from '../events.js';
import { PerfDataError } from './error.js';
import type { PerfDataOptions, PerfDataRecords } from './stream.js';
import { ByteView } from './view.js';

/**
 * A perf.data input read at offsets.
 * @internal
 */
export interface ByteSource {
  /** Its size, bytes. */
  readonly size: number;
  /**
   * Bytes [position, position + length), which lie inside the input.
   * @param position - the first
   * @param length - how many
   * @returns the bytes (the reader neither keeps nor changes them past its next read of the same region)
   */
  read(position: number, length: number): Uint8Array;
  /**
   * As `read`, for the data section's chunks: the bytes may lie in one buffer reused by the next call (a file's
   * source does so, so that chunks read do not pile up as memory outside the heap until a full GC).
   * @param position - the first
   * @param length - how many
   * @returns the bytes, valid until the next call
   */
  readChunk?(position: number, length: number): Uint8Array;
}

/**
 * Bytes in memory as a source (reads are views, not copies).
 * @param bytes - the input
 * @returns the source
 * @internal
 */
export function memorySource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (position, length) => bytes.subarray(position, position + length) };
}

/**
 * A region of the input, checked against its size before it is read: a corrupt offset or size is an error, never a
 * read or an allocation sized by it.
 * @param source - the input
 * @param little - its byte order
 * @param offset - the region's first byte
 * @param size - its bytes
 * @param what - what it is, for the message
 * @returns a view whose offsets are the input's
 * @throws {@link PerfDataError} for a region past the end
 * @internal
 */
export function regionOf(source: ByteSource, little: boolean, offset: number, size: number, what: string): ByteView {
  checkRange(source, offset, size, what);
  return new ByteView(source.read(offset, size), little, offset);
}

/**
 * Throws unless a region lies inside the input (nothing is read).
 * @param source - the input
 * @param offset - the region's first byte
 * @param size - its bytes
 * @param what - what it is, for the message
 * @throws {@link PerfDataError} for a region past the end
 * @internal
 */
export function checkRange(source: ByteSource, offset: number, size: number, what: string): void {
  if (!(
    Number.isSafeInteger(offset) &&
    Number.isSafeInteger(size) &&
    offset >= 0 &&
    size >= 0 &&
    offset + size <= source.size
  )) {
    throw new PerfDataError(
      `${what} needs ${String(size)} bytes but the input ends at byte ${String(source.size)}`,
      offset,
    );
  }
}

/**
 * The bytes a data section is streamed in, at a time.
 * @internal
 */
export const CHUNK_BYTES: number = 1 << 22;

/**
 * The key under which a byte stream offers a {@link ByteSource} for the same input (a file's stream does): perf.data
 * is then read at offsets, not gathered whole.
 * @internal
 */
export const RANDOM_ACCESS: unique symbol = Symbol('schedacct.randomAccess');

/**
 * The key under which a byte stream may offer to read its perf.data elsewhere (a large file's stream, on a worker
 * thread in Node): a function that reads it whole, handing its events over in perf's order.
 * @internal
 */
export const PARALLEL_READ: unique symbol = Symbol('schedacct.parallelRead');

/**
 * A read of perf.data somewhere else: the events handed to `emit` in order (each valid until the next).
 * @internal
 */
export type ParallelRead = (emit: (event: TraceEvent) => void, options: PerfDataOptions) => Promise<PerfDataRecords>;

/**
 * A stream that may offer its input at offsets.
 * @internal
 */
export interface RandomAccess {
  readonly [RANDOM_ACCESS]?: () => (ByteSource & { close(): void }) | undefined;
  readonly [PARALLEL_READ]?: () => ParallelRead | undefined;
}
