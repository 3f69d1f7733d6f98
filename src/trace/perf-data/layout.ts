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
  HEADER_ATTR: 64,
  HEADER_TRACING_DATA: 66,
  FINISHED_ROUND: 68,
  AUXTRACE: 71,
  HEADER_FEATURE: 80,
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
  /** Offset of the CPU from the record's end in that trailer (0: no CPU). */
  readonly trailerCpuFromEnd: number;
  /** Where its samples' parts are. */
  readonly layout: SampleLayout;
}

/**
 * A perf_event_attr (the file's attrs section, or pipe mode's HEADER_ATTR record).
 * @param view - the input
 * @param a - the attr's first byte
 * @returns the part a reader needs
 * @internal
 */
export function parseAttr(view: ByteView, a: number): Attr {
  const sampleType = view.u64(a + 24, 'attr.sample_type');
  const readFormat = view.u64(a + 32, 'attr.read_format');
  const flags = view.u32(a + 40, 'attr flags');
  const sampleIdAll = (flags & (1 << 18)) !== 0;
  const trailer = trailerOf(sampleType, sampleIdAll);
  return { sampleType, readFormat, sampleIdAll, ...trailer, layout: layoutOf(sampleType, readFormat) };
}

// sample_id_all's trailer: {pid,tid}? {time}? {id}? {stream_id}? {cpu,res}? {identifier}?
function trailerOf(
  sampleType: number,
  sampleIdAll: boolean,
): { trailerBytes: number; trailerTimeFromEnd: number; trailerCpuFromEnd: number } {
  if (!sampleIdAll) return { trailerBytes: 0, trailerTimeFromEnd: 0, trailerCpuFromEnd: 0 };
  const has = (bit: number): number => (sampleType & bit ? 8 : 0);
  const after = has(S.ID) + has(S.STREAM_ID) + has(S.CPU) + has(S.IDENTIFIER);
  const trailerBytes = has(S.TID) + has(S.TIME) + after;
  const trailerCpuFromEnd = sampleType & S.CPU ? has(S.IDENTIFIER) + 8 : 0;
  return { trailerBytes, trailerTimeFromEnd: sampleType & S.TIME ? after + 8 : 0, trailerCpuFromEnd };
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

/**
 * Where a sample's parts are, from the record's start; −1 for a part the attr does not record.
 * @internal
 */
export interface SampleLayout {
  readonly tidAt: number;
  readonly timeAt: number;
  readonly cpuAt: number;
  /** The raw data's u32 size; −1 when READ or CALLCHAIN make it vary per sample. */
  readonly rawAt: number;
  readonly hasRaw: boolean;
}

// The layout of an attr's samples.
function layoutOf(st: number, readFormat: number): SampleLayout {
  const at = (bit: number): number => (st & bit ? 8 + sampleOffset(st, bit) : -1);
  const fixedRead = (st & S.READ) === 0 || (readFormat & 8) === 0;
  const variable = (st & S.CALLCHAIN) !== 0 || !fixedRead;
  const fixedEnd = 8 + sampleOffset(st, -1) + (st & S.READ ? readFixedBytes(readFormat) : 0);
  return {
    tidAt: at(S.TID),
    timeAt: at(S.TIME),
    cpuAt: at(S.CPU),
    rawAt: variable ? -1 : fixedEnd,
    hasRaw: (st & S.RAW) !== 0,
  };
}

// PERF_SAMPLE_READ's size without PERF_FORMAT_GROUP.
function readFixedBytes(readFormat: number): number {
  return 8 + (readFormat & 1 ? 8 : 0) + (readFormat & 2 ? 8 : 0) + (readFormat & 4 ? 8 : 0) + (readFormat & 16 ? 8 : 0);
}

/**
 * The offset of a sample's raw size when READ or CALLCHAIN make it vary.
 * @param view - the record's bytes
 * @param at - the record
 * @param size - its size
 * @param attr - its attr
 * @returns the offset (the input's)
 * @throws {@link PerfDataError} for a callchain or read group larger than the record
 * @internal
 */
export function variableRawAt(view: ByteView, at: number, size: number, attr: Attr): number {
  const st = attr.sampleType;
  let p = at + 8 + sampleOffset(st, -1);
  if (st & S.READ) p += readBytes(view, p, attr.readFormat);
  if (st & S.CALLCHAIN) {
    const nr = view.u64(p, 'callchain length');
    if (nr > size) throw new PerfDataError(`a callchain of ${String(nr)} entries in a ${String(size)}-byte sample`, p);
    p += 8 + nr * 8;
  }
  return p;
}
