/**
 * perf.data's layouts as perf_event.h gives them: record types, sample_type bits, the attr's part a reader needs,
 * and the sizes that follow from them.
 * @module
 * @internal
 */
import { PerfDataError } from './error.js';
import type { ByteView } from './view.js';

/**
 * perf_event_header types.
 * @internal
 */
export const RECORD = {
  LOST: 2,
  COMM: 3,
  EXIT: 4,
  FORK: 7,
  SAMPLE: 9,
  LOST_SAMPLES: 13,
  AUXTRACE: 71,
  COMPRESSED: 81,
  COMPRESSED2: 83,
} as const;

/**
 * sample_type bits.
 * @internal
 */
export const S = {
  IP: 1,
  TID: 2,
  TIME: 4,
  ADDR: 8,
  READ: 16,
  CALLCHAIN: 32,
  ID: 64,
  CPU: 128,
  PERIOD: 256,
  STREAM_ID: 512,
  RAW: 1024,
  IDENTIFIER: 65_536,
} as const;

/**
 * One attr of the file: what its samples hold.
 * @internal
 */
export interface Attr {
  readonly sampleType: number;
  readonly readFormat: number;
  readonly sampleIdAll: boolean;
  /** Bytes of the sample_id trailer of non-sample records. */
  readonly trailerBytes: number;
  /** Offset of the time from the record's end in that trailer (0: no time). */
  readonly trailerTimeFromEnd: number;
}

/**
 * The state letters of sched_switch's print format, by report bit.
 * @internal
 */
export const LETTERS: readonly string[] = ['S', 'D', 'T', 't', 'X', 'Z', 'P', 'I'];

/**
 * Offset of a sample field after the header, by the bits before it.
 * @param sampleType - the attr's sample_type
 * @param field - the field's bit
 * @returns bytes after the header
 * @internal
 */
export function sampleOffset(sampleType: number, field: number): number {
  const before = [S.IDENTIFIER, S.IP, S.TID, S.TIME, S.ADDR, S.ID, S.STREAM_ID, S.CPU, S.PERIOD];
  let offset = 0;
  for (const bit of before) {
    if (bit === field) return offset;
    if (sampleType & bit) offset += 8;
  }
  return offset;
}

/**
 * PERF_SAMPLE_READ's size under a read_format.
 * @param view - the input
 * @param at - where the read values start
 * @param readFormat - the attr's read_format
 * @returns bytes
 * @internal
 */
export function readBytes(view: ByteView, at: number, readFormat: number): number {
  const extra = (readFormat & 1 ? 8 : 0) + (readFormat & 2 ? 8 : 0);
  const perValue = 8 + (readFormat & 4 ? 8 : 0) + (readFormat & 16 ? 8 : 0);
  if ((readFormat & 8) === 0) return perValue + extra;
  const nr = view.u64(at, 'read group size');
  if (nr > 65_536) throw new PerfDataError(`a read group of ${String(nr)} values`, at);
  return 8 + extra + nr * perValue;
}
