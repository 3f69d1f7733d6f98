/**
 * perf.data's records, as the {@link Framer} cuts them, into the replay's events in perf's order: tracepoint samples
 * decoded where they lie (fields by their format's offsets), COMM and FORK kept, all of them queued by time and
 * delivered round by round as perf's ordered_events does ({@link OrderedQueue}); the thread table is read and changed
 * at delivery, in that order, as perf's is. Pipe mode's metadata records (attrs, tracing data, features) are read
 * as they come.
 * @module
 * @internal
 */
import type { TraceEvent } from '../events.js';
import { MAX_CPUS } from '../events.js';
import { Inflater } from './compressed.js';
import { decoderOf, pastRecord, TP, type Decoder, type StateDecoder } from './decode.js';
import { Delivery } from './deliver.js';
import { checkRow, fillSample, K, ROW, rowCode, sampleItem } from './sample-event.js';
import { PerfDataError } from './error.js';
import { parseAttr, RECORD, S, variableRawAt, type Attr } from './layout.js';
import { OrderedQueue, STRIDE } from './queue.js';
import { readTracingData, type TracingData } from './tracing-data.js';
import type { ByteView } from './view.js';

/** What a perf.data file gave, besides its events. */
export interface PerfDataRecords {
  /** Samples read (tracepoints this replay uses or not). */
  readonly samples: number;
  /** Samples of tracepoints the replay does not use, by name. */
  readonly skipped: Readonly<Record<string, number>>;
  /** Events the kernel lost (the sum of LOST records' counts) and LOST records. */
  readonly lostEvents: number;
  /** LOST and LOST_SAMPLES records. */
  readonly lostRecords: number;
  /** Online CPUs, from the NRCPUS header (0 when absent). */
  readonly cpusOnline: number;
}

/**
 * How perf.data is read.
 * @internal
 */
export interface PerfDataOptions {
  /** Read each switch's next_comm as the tracepoint recorded it (`nextTracepointComm`, for perf's `-n`). */
  readonly tracepointComms?: boolean;
  /** Called once before the first sample (or at the end, when none came) with the online CPUs the input gives. */
  readonly onStart?: (cpusOnline: number) => void;
  /** The consumer keeps no event past its call: one object per kind is filled anew each time (no garbage). */
  readonly reuseEvents?: boolean;
  /**
   * Hand the queue's records over as rows instead of making events here (`emit` then gets none): a worker thread
   * sends them to the replay's, where a {@link Delivery} makes the events. Each call names the decoders so far (a
   * row's code names one by its place); the row and the list are valid until the call returns.
   */
  readonly handOver?: (rows: Float64Array, at: number, item: unknown, decoders: readonly StateDecoder[]) => void;
}

/**
 * What the records are read with: the attrs (the header's, or pipe mode's as they come) and the tracing data.
 * @internal
 */
export interface Metadata {
  readonly attrs: Attr[];
  readonly byId: Map<number, Attr>;
  tracing: TracingData | undefined;
  cpusOnline: number;
}

const FEATURE_NRCPUS = 7;
// A row's code has 16 bits for its decoder.
const MAX_DECODERS = 65_536;

/**
 * Records into events.
 * @internal
 */
export class RecordStream {
  readonly #little: boolean;
  readonly #meta: Metadata;
  readonly #queue: OrderedQueue;
  readonly #skipped: Record<string, number> = {};
  // Every decoder made, in order (a row names its decoder by its place here: pipe mode's tracing data may come again
  // while rows decoded with the earlier one wait), and each common_type's place.
  readonly #decoderList: Decoder[] = [];
  #decoderIds: number[] = [];
  #samples = 0;
  #lostEvents = 0;
  #lostRecords = 0;
  #lastId = -1;
  #lastAttr: Attr | undefined;
  #inflater: Inflater | undefined;
  // The row a record is decoded into before the queue copies it (or delivers it at once).
  readonly #row = new Float64Array(STRIDE);
  // where the queue's records go: made into events here, or handed over as rows (options.handOver)
  readonly #deliver: (rows: Float64Array, at: number, item: unknown) => void;
  readonly #comms: boolean;
  #onStart: ((cpusOnline: number) => void) | undefined;

  /**
   * @param little - the file's byte order
   * @param meta - the attrs and tracing data (pipe mode fills them in as its records come)
   * @param emit - gets the events, in perf's order
   * @param options - see {@link PerfDataOptions}
   */
  constructor(little: boolean, meta: Metadata, emit: (event: TraceEvent) => void, options: PerfDataOptions = {}) {
    this.#little = little;
    this.#comms = options.tracepointComms ?? false;
    this.#onStart = options.onStart;
    this.#meta = meta;
    const { handOver } = options;
    const decoders = this.#decoderList;
    if (handOver === undefined) {
      const delivery = new Delivery(emit, options.reuseEvents ?? false, decoders);
      this.#deliver = (rows, at, item) => {
        delivery.deliver(rows, at, item);
      };
    } else this.#deliver = (rows, at, item) => handOver(rows, at, item, decoders);
    this.#queue = new OrderedQueue(this.#deliver);
  }

  /** @returns whether the tracing data has been read */
  get hasTracing(): boolean {
    return this.#meta.tracing !== undefined;
  }

  /**
   * One record (the Framer's callback).
   * @param view - bytes holding it (offsets are the input's)
   * @param at - its first byte
   * @param length - its length
   */
  record(view: ByteView, at: number, length: number): void {
    const type = view.data.getUint32(at - view.base, this.#little);
    if (type === RECORD.SAMPLE) this.#sample(view, at, length);
    else if (type === RECORD.FINISHED_ROUND) this.#queue.round();
    else if (type === RECORD.COMM || type === RECORD.FORK) this.#side(view, at, length, type);
    else if (type === RECORD.EXIT) this.#exitRecord(view, at, length);
    else if (type === RECORD.LOST) {
      this.#lostRecords++;
      this.#lostEvents += view.u64(at + 16, 'LOST count');
    } else if (type === RECORD.LOST_SAMPLES) {
      this.#lostRecords++;
      this.#lostEvents += view.u64(at + 8, 'LOST_SAMPLES count');
    } else if (type === RECORD.COMPRESSED || type === RECORD.COMPRESSED2) {
      this.#inflater ??= new Inflater(this.#little, (inner, innerAt, innerLength) => {
        this.record(inner, innerAt, innerLength);
      });
      this.#inflater.push(view, at, length, type);
    } else if (type >= RECORD.HEADER_ATTR) this.#pipe(view, at, length, type);
  }

  /**
   * The input's end: the queue delivers the rest.
   * @returns the counts
   */
  finish(): PerfDataRecords {
    this.#inflater?.end();
    this.#start();
    this.#queue.finish();
    return {
      samples: this.#samples,
      skipped: this.#skipped,
      lostEvents: this.#lostEvents,
      lostRecords: this.#lostRecords,
      cpusOnline: this.#meta.cpusOnline,
    };
  }

  // Pipe mode's metadata records.
  #pipe(view: ByteView, at: number, length: number, type: number): void {
    const meta = this.#meta;
    if (type === RECORD.HEADER_ATTR) {
      const attrSize = view.u32(at + 8 + 4, 'attr.size');
      if (attrSize < 64 || 8 + attrSize > length)
        throw new PerfDataError(`attr.size ${String(attrSize)} in a ${String(length)}-byte HEADER_ATTR`, at + 12);
      const attr = parseAttr(view, at + 8);
      meta.attrs.push(attr);
      for (let i = at + 8 + attrSize; i + 8 <= at + length; i += 8) meta.byId.set(view.u64(i, 'attr id'), attr);
    } else if (type === RECORD.HEADER_TRACING_DATA) {
      const size = view.u16(at + 6, 'record size');
      meta.tracing = readTracingData(view, at + size, at + size + view.u32(at + 8, 'tracing data size'));
      this.#decoderIds = [];
    } else if (type === RECORD.HEADER_FEATURE) {
      if (view.u64(at + 8, 'feature id') === FEATURE_NRCPUS && length >= 24)
        meta.cpusOnline = view.u32(at + 20, 'NRCPUS online');
    }
  }

  // The attr of a sample: by its identifier (its first u64) where the attrs have one, else the first attr.
  #sampleAttr(view: ByteView, at: number): Attr {
    const attrs = this.#meta.attrs;
    const first = attrs[0];
    if (first === undefined) throw new PerfDataError('a sample before any attr', at);
    if (attrs.length === 1 || (first.sampleType & S.IDENTIFIER) === 0) return first;
    const id = view.u64(at + 8, 'sample id');
    if (id === this.#lastId && this.#lastAttr !== undefined) return this.#lastAttr;
    const attr = this.#meta.byId.get(id) ?? first;
    this.#lastId = id;
    this.#lastAttr = attr;
    return attr;
  }

  #start(): void {
    const onStart = this.#onStart;
    this.#onStart = undefined;
    onStart?.(this.#meta.cpusOnline);
  }

  #sample(view: ByteView, at: number, size: number): void {
    if (this.#onStart !== undefined) this.#start();
    const attr = this.#sampleAttr(view, at);
    const layout = attr.layout;
    this.#samples++;
    if (layout.timeAt < 0) throw new PerfDataError('a sample without a time', at);
    const end = at + size;
    const rawAt = layout.rawAt >= 0 ? at + layout.rawAt : variableRawAt(view, at, size, attr);
    if (rawAt + (layout.hasRaw ? 4 : 0) > end)
      throw new PerfDataError(`a sample of ${String(size)} bytes, short of its attr's fields`, at);
    if (!layout.hasRaw) return;
    const data = view.data;
    const little = this.#little;
    const p = at - view.base;
    const rawSize = data.getUint32(rawAt - view.base, little);
    const raw = rawAt + 4;
    if (raw + rawSize > end)
      throw new PerfDataError(`raw data of ${String(rawSize)} bytes past the sample's end`, rawAt);
    const cpu = layout.cpuAt < 0 ? 0 : data.getUint32(p + layout.cpuAt, little);
    if (cpu >= MAX_CPUS) throw new PerfDataError(`sample on CPU ${String(cpu)} (at most ${String(MAX_CPUS - 1)})`, at);
    const tracing = this.#meta.tracing;
    if (tracing === undefined) throw new PerfDataError('a sample before the tracing data', at);
    if (rawSize < 2) throw new PerfDataError(`raw data of ${String(rawSize)} bytes: no common_type`, rawAt);
    const commonType = data.getUint16(raw - view.base, tracing.little);
    const known = this.#decoderIds[commonType];
    const decoder = known === undefined ? this.#decoderFor(commonType, raw) : this.#decoderList[known];
    if (decoder === undefined) return;
    if (decoder.kind === TP.OTHER) {
      this.#skipped[decoder.key] = (this.#skipped[decoder.key] ?? 0) + 1;
      return;
    }
    if (rawSize < decoder.minRaw) throw pastRecord(decoder, rawSize, raw);
    const lo = data.getUint32(p + layout.timeAt + (little ? 0 : 4), little);
    const hi = data.getUint32(p + layout.timeAt + (little ? 4 : 0), little);
    const timeNs = hi * 2 ** 32 + lo;
    const row = this.#row; // (one row, filled per sample and copied into the queue: no allocation)
    row[ROW.PID] = layout.tidAt < 0 ? -1 : data.getInt32(p + layout.tidAt, little);
    row[ROW.TID] = layout.tidAt < 0 ? 0 : data.getInt32(p + layout.tidAt + 4, little); // -1: a thread perf does not know
    row[ROW.LINE] = at;
    fillSample(row, view, decoder, raw, tracing.little, cpu, known ?? (this.#decoderIds[commonType] as number));
    checkRow(row, at);
    this.#queued(timeNs, sampleItem(view, decoder, raw, rawSize, tracing.little, this.#comms));
  }

  #decoderFor(commonType: number, raw: number): Decoder | undefined {
    const format = (this.#meta.tracing as TracingData).events.get(commonType);
    if (format === undefined) {
      const key = `tracepoint ${String(commonType)}`;
      this.#skipped[key] = (this.#skipped[key] ?? 0) + 1;
      return undefined;
    }
    const decoder = decoderOf(format, raw);
    if (this.#decoderList.length >= MAX_DECODERS)
      throw new PerfDataError(`more than ${String(MAX_DECODERS)} tracepoint formats met`, raw);
    this.#decoderIds[commonType] = this.#decoderList.push(decoder) - 1;
    return decoder;
  }

  // COMM and FORK: their time from the sample_id trailer (none: delivered now, as perf does).
  #side(view: ByteView, at: number, size: number, type: number): void {
    const attr = this.#sideAttr(view, at, size, type === RECORD.COMM ? 16 : 24);
    const row = this.#row;
    let comm: string | undefined;
    if (type === RECORD.COMM) {
      row[ROW.CODE] = K.COMM;
      row[ROW.TID] = view.i32(at + 12, 'COMM tid');
      row[ROW.PID] = view.i32(at + 8, 'COMM pid');
      comm = view.cstring(at + 16, size - 16, 'COMM comm');
    } else {
      row[ROW.CODE] = K.FORK;
      row[ROW.PID] = view.i32(at + 8, 'FORK pid');
      row[ROW.F0] = view.i32(at + 12, 'FORK ppid');
      row[ROW.TID] = view.i32(at + 16, 'FORK tid');
      row[ROW.F1] = view.i32(at + 20, 'FORK ptid');
    }
    this.#queued(trailerTime(view, at, size, attr), comm);
  }

  // EXIT: perf marks the thread dead (its summary lists it under Terminated tasks), whether or not its last switch
  // came; it goes to the replay as an exit event of the thread, at the record's time and CPU.
  #exitRecord(view: ByteView, at: number, size: number): void {
    const attr = this.#sideAttr(view, at, size, 24);
    const timeNs = trailerTime(view, at, size, attr);
    const cpu = attr.trailerCpuFromEnd === 0 ? 0 : view.u32(at + size - attr.trailerCpuFromEnd, 'record cpu');
    if (cpu >= MAX_CPUS)
      throw new PerfDataError(`a record on CPU ${String(cpu)} (at most ${String(MAX_CPUS - 1)})`, at);
    const row = this.#row;
    const tid = view.i32(at + 16, 'EXIT tid');
    row[ROW.CODE] = rowCode(K.EXIT, cpu, 0);
    row[ROW.TID] = tid;
    row[ROW.PID] = view.i32(at + 8, 'EXIT pid');
    row[ROW.LINE] = at;
    row[ROW.F0] = tid;
    checkRow(row, at);
    this.#queued(timeNs, undefined);
  }

  // The record in #row queued by its time; a record without one (0) is delivered now, as perf does.
  #queued(time: number, item: string | undefined): void {
    if (time === 0) this.#deliver(this.#row, 0, item);
    else this.#queue.add(time, this.#row, item);
  }

  // The attr of a non-sample record (by the identifier ending its sample_id trailer, else the first), its size checked
  // to hold the record's fields and that trailer.
  #sideAttr(view: ByteView, at: number, size: number, fieldBytes: number): Attr {
    const attr = this.#trailerAttr(view, at, size);
    if (size < fieldBytes + attr.trailerBytes)
      throw new PerfDataError(`a record of ${String(size)} bytes, short of its fields`, at);
    return attr;
  }

  #trailerAttr(view: ByteView, at: number, size: number): Attr {
    const first = this.#meta.attrs[0];
    if (first === undefined) throw new PerfDataError('a record before any attr', at);
    if ((first.sampleType & S.IDENTIFIER) === 0 || !first.sampleIdAll) return first;
    if (size < 16) throw new PerfDataError(`a record of ${String(size)} bytes without its sample_id`, at);
    return this.#meta.byId.get(view.u64(at + size - 8, 'record id')) ?? first; // synthesized records carry id 0
  }
}

// A non-sample record's time, from its sample_id trailer (0: none).
function trailerTime(view: ByteView, at: number, size: number, attr: Attr): number {
  return attr.trailerTimeFromEnd === 0 ? 0 : view.u64(at + size - attr.trailerTimeFromEnd, 'record time');
}
