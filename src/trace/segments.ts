/**
 * Node-only: a plain trace file cut into segments that the threads of `readTraceFile` share. A line belongs to the
 * segment its first byte is in, so every thread that takes a segment reads the same lines for it.
 * @module
 * @internal
 */
import { readSync } from 'node:fs';
import type { ChunkScanner, RecordBatch } from './wasm-scan.js';

/**
 * Reads `length` bytes at `position` into `buf`, however many calls it takes (fewer only at the end of the file).
 * @param fd - the open file
 * @param buf - where the bytes go, from its start
 * @param length - how many
 * @param position - where in the file
 * @returns the bytes read
 */
export function readAt(fd: number, buf: Uint8Array, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

const probe = new Uint8Array(1 << 16);

// The first position at or after `from` that starts a line: `from` itself when the byte before it is a line end (or
// it is the file's start), else the byte after the next line end (`size` when there is none).
function lineStartAt(fd: number, from: number, size: number): number {
  if (from === 0) return 0;
  for (let pos = from - 1; pos < size;) {
    const n = readAt(fd, probe, Math.min(probe.length, size - pos), pos);
    if (n === 0) break;
    const nl = probe.subarray(0, n).indexOf(10);
    if (nl >= 0) return pos + nl + 1;
    pos += n;
  }
  return size;
}

/**
 * Scans one segment's lines: read straight into the scanner's input area, numbered from 1.
 * @param scanner - the thread's scanner (its interned strings carry from segment to segment)
 * @param fd - the open file
 * @param segment - the segment's index
 * @param segmentBytes - bytes per segment
 * @param size - the file's size when the read began
 * @param onBatch - gets the segment's batches, in order
 * @returns the segment's lines
 */
export function scanSegment(
  scanner: ChunkScanner,
  fd: number,
  segment: number,
  segmentBytes: number,
  size: number,
  onBatch: (batch: RecordBatch) => void,
): number {
  const from = lineStartAt(fd, segment * segmentBytes, size);
  const to = lineStartAt(fd, Math.min(size, (segment + 1) * segmentBytes), size);
  scanner.lines = 0;
  for (let pos = from; pos < to;) {
    const free = scanner.writable();
    const n = readAt(fd, free, Math.min(free.length, to - pos), pos);
    if (n === 0) break;
    pos += n;
    scanner.commit(n, onBatch);
  }
  scanner.end(onBatch);
  return scanner.lines;
}

/**
 * How many segments a file of `size` bytes has.
 * @param size - bytes
 * @param segmentBytes - bytes per segment
 * @returns at least 1
 */
export function segmentCount(size: number, segmentBytes: number): number {
  return Math.max(1, Math.ceil(size / segmentBytes));
}
