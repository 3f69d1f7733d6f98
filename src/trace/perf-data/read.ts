/**
 * perf.data in file mode (`PERFILE2`, either byte order), as `perf sched record` writes it: the header, the attrs
 * (each with its own sample type), the tracing data's formats (every field's offset from the file, never
 * hard-coded), and the data section's records: tracepoint samples become {@link TraceEvent}s, COMM and FORK
 * side-band records give each thread the comm perf gives it, LOST records are counted. Records are put in time
 * order, ties in file order (a stable sort: what perf's FINISHED_ROUND queue gives on every recording checked, see
 * ../../../docs/replay.md). Every size and offset is checked against the input before it is used: corrupt input is a
 * {@link PerfDataError} with the byte, never a crash, a hang or an allocation sized by a corrupt field.
 * Runtime-neutral.
 * @module
 */
import { argError } from '../../check.js';
import type { TraceEvent } from '../events.js';
import { PerfDataError } from './error.js';
import { S, type Attr } from './layout.js';
import { RecordReader, type PerfDataRecords } from './records.js';
import { readTracingData } from './tracing-data.js';
import { ByteView } from './view.js';
export type { PerfDataRecords } from './records.js';

const MAGIC_LE = 'PERFILE2';
const MAGIC_BE = '2ELIFREP';
const HEADER_BYTES = 104;
const FEATURE_TRACING_DATA = 1;
const FEATURE_NRCPUS = 7;

/** What {@link readPerfData} gives. */
export interface PerfData {
  /** The replay's events, in perf's order. */
  readonly events: TraceEvent[];
  /** What was counted on the way. */
  readonly records: PerfDataRecords;
}

function checkBytes(bytes: unknown): void {
  if (!(bytes instanceof Uint8Array)) throw argError('invalid-argument', 'bytes', 'a Uint8Array', bytes);
}

/**
 * Is this perf.data (file mode or pipe mode)? Told by the magic.
 * @param bytes - the input's first bytes (8 are enough)
 * @returns whether it starts with `PERFILE2` (either byte order)
 * @throws {@link SchedacctError} `invalid-argument` for bytes that are not a Uint8Array
 * @example
 * ```ts
 * isPerfData(new TextEncoder().encode('PERFILE2')); // true
 * ```
 */
export function isPerfData(bytes: Uint8Array): boolean {
  checkBytes(bytes);
  if (bytes.length < 8) return false;
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  return magic === MAGIC_LE || magic === MAGIC_BE;
}

/**
 * Reads a perf.data file into the replay's events, in perf's order.
 * @param bytes - the whole file
 * @returns the events, and what was counted on the way
 * @throws {@link SchedacctError} `invalid-argument` for bytes that are not a Uint8Array
 * @throws {@link PerfDataError} for input that is not perf.data file mode, or is corrupt (with the byte offset);
 *   pipe mode and compressed (`-z`) records are refused with a message that says how to convert them
 * @example
 * ```ts
 * try {
 *   readPerfData(new TextEncoder().encode('PERFILE2')); // the magic, and nothing after it
 * } catch (e) {
 *   (e as PerfDataError).offset; // 8: where the header's size should be
 * }
 * ```
 */
export function readPerfData(bytes: Uint8Array): PerfData {
  const events: TraceEvent[] = [];
  const records = replayPerfData(bytes, (event) => events.push(event));
  return { events, records };
}

/**
 * Reads a perf.data file, handing each event over as it is decoded (nothing is held per event).
 * @param bytes - the whole file
 * @param emit - gets the events, in perf's order
 * @returns what was counted on the way
 * @throws {@link PerfDataError} as {@link readPerfData}
 * @internal
 */
export function replayPerfData(bytes: Uint8Array, emit: (event: TraceEvent) => void): PerfDataRecords {
  if (!isPerfData(bytes)) throw new PerfDataError('not perf.data: no PERFILE2 magic', 0);
  const little = String.fromCharCode(...bytes.subarray(0, 8)) === MAGIC_LE;
  const view = new ByteView(bytes, little);
  const headerSize = view.u64(8, 'header size');
  if (headerSize === 16) {
    throw new PerfDataError(
      'pipe-mode perf.data (perf record -o -) is not read yet: record to a file, or convert it: perf script --ns -i - < FILE | schedacct replay -',
      8,
    );
  }
  if (headerSize < HEADER_BYTES) throw new PerfDataError(`header size ${String(headerSize)} below 104`, 8);
  const attrSize = view.u64(16, 'attr size');
  const attrsAt = view.u64(24, 'attrs offset');
  const attrsSize = view.u64(32, 'attrs size');
  const dataAt = view.u64(40, 'data offset');
  const dataSize = view.u64(48, 'data size');
  view.need(attrsAt, attrsSize, 'attrs section');
  view.need(dataAt, dataSize, 'data section');
  if (attrSize < 64 + 16 || attrsSize % attrSize !== 0 || attrsSize === 0) {
    throw new PerfDataError(`attr size ${String(attrSize)} in a section of ${String(attrsSize)} bytes`, 16);
  }
  const { attrs, byId } = readAttrs(view, attrsAt, attrsSize, attrSize);
  const features = featureSections(view, dataAt + dataSize);
  const tracingSection = features.get(FEATURE_TRACING_DATA);
  if (tracingSection === undefined) {
    throw new PerfDataError(
      'no tracing data: this perf.data has no tracepoints (record it with perf sched record)',
      72,
    );
  }
  const tracing = readTracingData(view, tracingSection.offset, tracingSection.offset + tracingSection.size);
  const nrcpus = features.get(FEATURE_NRCPUS);
  const cpusOnline = nrcpus !== undefined && nrcpus.size >= 8 ? view.u32(nrcpus.offset + 4, 'NRCPUS online') : 0;
  return new RecordReader(view, attrs, byId, tracing, cpusOnline).read(dataAt, dataAt + dataSize, emit);
}

function readAttrs(
  view: ByteView,
  at: number,
  size: number,
  attrSize: number,
): { attrs: Attr[]; byId: Map<number, Attr> } {
  const attrs: Attr[] = [];
  const byId = new Map<number, Attr>();
  for (let a = at; a < at + size; a += attrSize) {
    const declared = view.u32(a + 4, 'attr.size');
    if (declared < 64 || declared + 16 > attrSize) {
      throw new PerfDataError(
        `attr.size ${String(declared)} does not fit the file's attrs of ${String(attrSize)}`,
        a + 4,
      );
    }
    const sampleType = view.u64(a + 24, 'attr.sample_type');
    const readFormat = view.u64(a + 32, 'attr.read_format');
    const flags = view.u32(a + 40, 'attr flags');
    const sampleIdAll = (flags & (1 << 18)) !== 0;
    const attr: Attr = { sampleType, readFormat, sampleIdAll, ...trailerOf(sampleType, sampleIdAll) };
    attrs.push(attr);
    const idsAt = view.u64(a + attrSize - 16, 'attr ids offset');
    const idsSize = view.u64(a + attrSize - 8, 'attr ids size');
    view.need(idsAt, idsSize, 'attr ids');
    for (let i = idsAt; i + 8 <= idsAt + idsSize; i += 8) byId.set(view.u64(i, 'attr id'), attr);
  }
  return { attrs, byId };
}

// sample_id_all's trailer: {pid,tid}? {time}? {id}? {stream_id}? {cpu,res}? {identifier}?
function trailerOf(sampleType: number, sampleIdAll: boolean): { trailerBytes: number; trailerTimeFromEnd: number } {
  if (!sampleIdAll) return { trailerBytes: 0, trailerTimeFromEnd: 0 };
  const has = (bit: number): number => (sampleType & bit ? 8 : 0);
  const after = has(S.ID) + has(S.STREAM_ID) + has(S.CPU) + has(S.IDENTIFIER);
  const trailerBytes = has(S.TID) + has(S.TIME) + after;
  return { trailerBytes, trailerTimeFromEnd: sampleType & S.TIME ? after + 8 : 0 };
}

// The feature sections: an array of {offset, size} after the data, one per bit set in the header's bitmap.
function featureSections(view: ByteView, at: number): Map<number, { offset: number; size: number }> {
  const sections = new Map<number, { offset: number; size: number }>();
  let entry = at;
  for (let word = 0; word < 4; word++) {
    const bits = view.u64(72 + word * 8, 'feature bitmap');
    for (let bit = 0; bit < 64; bit++) {
      if (Math.floor(bits / 2 ** bit) % 2 === 0) continue;
      const offset = view.u64(entry, 'feature section offset');
      const size = view.u64(entry + 8, 'feature section size');
      view.need(offset, size, `feature ${String(word * 64 + bit)} section`);
      sections.set(word * 64 + bit, { offset, size });
      entry += 16;
    }
  }
  return sections;
}
