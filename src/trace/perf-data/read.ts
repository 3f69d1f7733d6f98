/**
 * perf.data in file mode (`PERFILE2`, either byte order), as `perf sched record` writes it: the header, the attrs
 * (each with its own sample type), the tracing data's formats (every field's offset from the file, never
 * hard-coded), and the data section's records, streamed in chunks: tracepoint samples become {@link TraceEvent}s,
 * COMM and FORK side-band records give each thread the comm perf gives it, LOST records are counted. Records are
 * delivered in perf's order, round by round as its FINISHED_ROUND queue does (queue.ts). Pipe mode (`perf record
 * -o -`) is one stream whose attrs and tracing data come as records. Every size and offset is checked against the
 * input before it is used: corrupt input is a {@link PerfDataError} with the byte, never a crash, a hang or an
 * allocation sized by a corrupt field.
 * Runtime-neutral.
 * @module
 */
import { argError } from '../../check.js';
import type { TraceEvent } from '../events.js';
import { PerfDataError } from './error.js';
import { Framer } from './framer.js';
import { parseAttr, type Attr } from './layout.js';
import { checkRange, CHUNK_BYTES, memorySource, regionOf, type ByteSource } from './source.js';
import { RecordStream, type Metadata, type PerfDataOptions, type PerfDataRecords } from './stream.js';
import { readTracingData } from './tracing-data.js';
import type { ByteView } from './view.js';
export type { PerfDataRecords } from './stream.js';

const MAGIC_LE = 'PERFILE2';
const MAGIC_BE = '2ELIFREP';
const HEADER_BYTES = 104;
/**
 * Pipe mode's header: the magic and a size of 16.
 * @internal
 */
export const PIPE_HEADER_BYTES = 16;
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
  const magic = String.fromCharCode(...bytes.subarray(0, MAGIC_BYTES));
  return magic === MAGIC_LE || magic === MAGIC_BE;
}

/**
 * The magic's length.
 * @internal
 */
export const MAGIC_BYTES = 8;

/**
 * Could these first bytes (fewer than the magic's 8) begin perf.data?
 * @param bytes - the input's first bytes
 * @returns whether they are the start of the magic (either byte order)
 * @internal
 */
export function couldBePerfData(bytes: Uint8Array): boolean {
  const start = String.fromCharCode(...bytes.subarray(0, MAGIC_BYTES));
  return MAGIC_LE.startsWith(start) || MAGIC_BE.startsWith(start);
}

/**
 * Reads a perf.data file into the replay's events, in perf's order.
 * @param bytes - the whole file (file mode or pipe mode, `-z` or not)
 * @returns the events, and what was counted on the way
 * @throws {@link SchedacctError} `invalid-argument` for bytes that are not a Uint8Array
 * @throws {@link PerfDataError} for input that is not perf.data, or is corrupt (with the byte offset)
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
 * Reads a perf.data file in memory, handing each event over as it is decoded (nothing is held per event).
 * @param bytes - the whole file
 * @param emit - gets the events, in perf's order
 * @returns what was counted on the way
 * @throws {@link PerfDataError} as {@link readPerfData}
 * @internal
 */
export function replayPerfData(bytes: Uint8Array, emit: (event: TraceEvent) => void): PerfDataRecords {
  checkBytes(bytes);
  return replaySource(memorySource(bytes), emit);
}

/**
 * Reads perf.data from a source read at offsets: the header, attrs and feature sections first, then the data
 * section streamed in chunks (a file is never held whole). Pipe mode is read as one stream.
 * @param source - the input
 * @param emit - gets the events, in perf's order
 * @param options - see {@link PerfDataOptions}
 * @returns what was counted on the way
 * @throws {@link PerfDataError} as {@link readPerfData}
 * @internal
 */
export function replaySource(
  source: ByteSource,
  emit: (event: TraceEvent) => void,
  options: PerfDataOptions = {},
): PerfDataRecords {
  const head = source.read(0, Math.min(source.size, 16));
  if (!isPerfData(head)) throw new PerfDataError('not perf.data: no PERFILE2 magic', 0);
  const little = isLittle(head);
  const headerSize = regionOf(source, little, 8, 8, 'header size').u64(8, 'header size');
  if (headerSize === PIPE_HEADER_BYTES)
    return stream(source, openPipe(little, emit, options), PIPE_HEADER_BYTES, source.size);
  if (headerSize < HEADER_BYTES) throw new PerfDataError(`header size ${String(headerSize)} below 104`, 8);
  const view = regionOf(source, little, 0, HEADER_BYTES, 'header');
  const attrSize = view.u64(16, 'attr size');
  const attrsAt = view.u64(24, 'attrs offset');
  const attrsSize = view.u64(32, 'attrs size');
  const dataAt = view.u64(40, 'data offset');
  const dataSize = view.u64(48, 'data size');
  checkRange(source, dataAt, dataSize, 'data section');
  if (attrSize < 64 + 16 || attrsSize % attrSize !== 0 || attrsSize === 0) {
    throw new PerfDataError(`attr size ${String(attrSize)} in a section of ${String(attrsSize)} bytes`, 16);
  }
  const attrs = regionOf(source, little, attrsAt, attrsSize, 'attrs section');
  const meta = readAttrs(source, attrs, attrSize);
  const features = featureSections(source, view, dataAt + dataSize);
  const tracingSection = features.get(FEATURE_TRACING_DATA);
  if (tracingSection === undefined) throw noTracing(72);
  const { offset, size } = tracingSection;
  meta.tracing = readTracingData(regionOf(source, little, offset, size, 'tracing data'), offset, offset + size);
  const nrcpus = features.get(FEATURE_NRCPUS);
  if (nrcpus !== undefined && nrcpus.size >= 8)
    meta.cpusOnline = regionOf(source, little, nrcpus.offset, 8, 'NRCPUS').u32(nrcpus.offset + 4, 'NRCPUS online');
  return stream(source, openRecords(little, meta, emit, options, dataAt), dataAt, dataAt + dataSize);
}

// The records of [start, end), streamed in chunks.
function stream(source: ByteSource, reader: RecordsReader, start: number, end: number): PerfDataRecords {
  // (the framer keeps no chunk past its call, nor does anything it hands records to: a reused buffer is safe)
  for (let at = start; at < end; at += CHUNK_BYTES) {
    const length = Math.min(CHUNK_BYTES, end - at);
    reader.framer.push(source.readChunk?.(at, length) ?? source.read(at, length));
  }
  return closeRecords(reader);
}

/**
 * A record stream and the framer that cuts its records out of chunks.
 * @internal
 */
export interface RecordsReader {
  readonly framer: Framer;
  readonly records: RecordStream;
}

/**
 * Records from `start` on, into events.
 * @param little - the file's byte order
 * @param meta - the header's attrs and tracing data (pipe mode: empty, filled as its records come)
 * @param emit - gets the events
 * @param options - see {@link PerfDataOptions}
 * @param start - the input's offset of the first record
 * @returns the reader: push chunks to its framer, then {@link closeRecords}
 * @internal
 */
export function openRecords(
  little: boolean,
  meta: Metadata,
  emit: (event: TraceEvent) => void,
  options: PerfDataOptions,
  start: number,
): RecordsReader {
  const records = new RecordStream(little, meta, emit, options);
  const framer = new Framer(little, start, (view, at, length) => {
    records.record(view, at, length);
  });
  return { framer, records };
}

/**
 * The records' end: the framer's last record whole, tracing data met, the queue delivered.
 * @param reader - the reader
 * @returns the counts
 * @throws {@link PerfDataError} for a record cut off, or no tracing data
 * @internal
 */
export function closeRecords(reader: RecordsReader): PerfDataRecords {
  reader.framer.end();
  if (!reader.records.hasTracing) throw noTracing(reader.framer.offset);
  return reader.records.finish();
}

const noTracing = (at: number): PerfDataError =>
  new PerfDataError('no tracing data: this perf.data has no tracepoints (record it with perf sched record)', at);

/**
 * The byte order perf.data's magic says.
 * @param head - its first 8 bytes (or more)
 * @returns little-endian
 * @internal
 */
export function isLittle(head: Uint8Array): boolean {
  return String.fromCharCode(...head.subarray(0, MAGIC_BYTES)) === MAGIC_LE;
}

const emptyMeta = (): Metadata => ({ attrs: [], byId: new Map(), tracing: undefined, cpusOnline: 0 });

/**
 * Pipe mode's records, read as they come.
 * @param little - the stream's byte order
 * @param emit - gets the events
 * @param options - see {@link PerfDataOptions}
 * @returns the reader, from the record after the 16-byte header
 * @internal
 */
export function openPipe(little: boolean, emit: (event: TraceEvent) => void, options: PerfDataOptions): RecordsReader {
  return openRecords(little, emptyMeta(), emit, options, PIPE_HEADER_BYTES);
}

function readAttrs(source: ByteSource, view: ByteView, attrSize: number): Metadata {
  const attrs: Attr[] = [];
  const byId = new Map<number, Attr>();
  for (let a = view.base; a < view.end; a += attrSize) {
    const declared = view.u32(a + 4, 'attr.size');
    if (declared < 64 || declared + 16 > attrSize) {
      throw new PerfDataError(
        `attr.size ${String(declared)} does not fit the file's attrs of ${String(attrSize)}`,
        a + 4,
      );
    }
    const attr = parseAttr(view, a);
    attrs.push(attr);
    const idsAt = view.u64(a + attrSize - 16, 'attr ids offset');
    const idsSize = view.u64(a + attrSize - 8, 'attr ids size');
    const ids = regionOf(source, view.little, idsAt, idsSize, 'attr ids');
    for (let i = idsAt; i + 8 <= idsAt + idsSize; i += 8) byId.set(ids.u64(i, 'attr id'), attr);
  }
  return { attrs, byId, tracing: undefined, cpusOnline: 0 };
}

// The feature sections: an array of {offset, size} after the data, one per bit set in the header's bitmap.
function featureSections(
  source: ByteSource,
  header: ByteView,
  at: number,
): Map<number, { offset: number; size: number }> {
  const sections = new Map<number, { offset: number; size: number }>();
  let entry = at;
  for (let word = 0; word < 4; word++) {
    const bits = header.u64(72 + word * 8, 'feature bitmap');
    for (let bit = 0; bit < 64; bit++) {
      if (Math.floor(bits / 2 ** bit) % 2 === 0) continue;
      const table = regionOf(source, header.little, entry, 16, 'feature section table');
      const offset = table.u64(entry, 'feature section offset');
      const size = table.u64(entry + 8, 'feature section size');
      checkRange(source, offset, size, `feature ${String(word * 64 + bit)} section`);
      sections.set(word * 64 + bit, { offset, size });
      entry += 16;
    }
  }
  return sections;
}
