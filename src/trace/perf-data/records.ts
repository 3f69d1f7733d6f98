/**
 * perf.data's records in perf's order (time, then file order): samples into {@link TraceEvent}s, COMM/FORK kept.
 * @module
 * @internal
 */
import type { TraceEvent } from '../events.js';
import { MAX_CPUS } from '../events.js';
import { PerfDataError } from './error.js';
import type { EventFormat, TraceField, TracingData } from './tracing-data.js';
import { LETTERS, readBytes, RECORD, S, sampleOffset, type Attr } from './layout.js';
import { ThreadTable } from './threads.js';
import { ByteView } from './view.js';

/** What reading a perf.data file gave, besides its events. */
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

/** What every sample gives its event. */
interface SampleBase {
  readonly timeNs: number;
  readonly cpu: number;
  readonly tid: number;
  readonly comm: string;
  readonly line: number;
  readonly pid: number;
  readonly ppid: number;
}

/**
 * Reads the data section's records.
 * @internal
 */
export class RecordReader {
  readonly #view: ByteView;
  readonly #attrs: readonly Attr[];
  readonly #byId: ReadonlyMap<number, Attr>;
  readonly #tracing: TracingData;
  readonly #raw: ByteView;
  readonly #cpusOnline: number;
  readonly #skipped: Record<string, number> = {};
  readonly #threads = new ThreadTable();
  #samples = 0;
  #lostEvents = 0;
  #lostRecords = 0;

  /**
   * @param view - the input
   * @param attrs - the file's attrs, in order
   * @param byId - each sample id's attr
   * @param tracing - the tracepoint formats
   * @param cpusOnline - from the NRCPUS header
   */
  constructor(
    view: ByteView,
    attrs: readonly Attr[],
    byId: ReadonlyMap<number, Attr>,
    tracing: TracingData,
    cpusOnline: number,
  ) {
    this.#view = view;
    this.#attrs = attrs;
    this.#byId = byId;
    this.#tracing = tracing;
    this.#raw = new ByteView(view.bytes, tracing.little);
    this.#cpusOnline = cpusOnline;
  }

  // The attr of a record: by its identifier (a sample's first u64, the last of other records), else the first attr.
  #attrOf(at: number, end: number, sample: boolean): Attr {
    const first = this.#attrs[0] as Attr;
    if ((first.sampleType & S.IDENTIFIER) === 0) return first;
    if (!sample && !first.sampleIdAll) return first;
    const id = this.#view.u64(sample ? at + 8 : end - 8, 'record id');
    return this.#byId.get(id) ?? first; // synthesized records carry id 0
  }

  /**
   * @param start - the data section's first byte
   * @param end - its end
   * @param emit - gets the events, in perf's order
   * @returns the counts
   */
  read(start: number, end: number, emit: (event: TraceEvent) => void): PerfDataRecords {
    const view = this.#view;
    // pass 1: the records that matter, with their times, in file order
    const offsets: number[] = [];
    const times: number[] = [];
    for (let at = start; at < end;) {
      if (at + 8 > end) throw new PerfDataError('a record header cut off by the end of the data section', at);
      const type = view.u32(at, 'record type');
      const size = view.u16(at + 6, 'record size');
      if (size < 8) throw new PerfDataError(`record size ${String(size)} (below the 8-byte header)`, at + 6);
      if (at + size > end) {
        throw new PerfDataError(`a record of ${String(size)} bytes past the end of the data section`, at + 6);
      }
      let next = at + size;
      if (type === RECORD.COMPRESSED || type === RECORD.COMPRESSED2) {
        throw new PerfDataError(
          'compressed records (perf record -z) are not read yet: decompress with perf inject -i FILE -o PLAIN.data, or convert: perf script --ns -i FILE | schedacct replay -',
          at,
        );
      }
      if (type === RECORD.AUXTRACE) {
        next += view.u64(at + 8, 'AUXTRACE size');
        if (next > end) throw new PerfDataError('an AUXTRACE payload past the end of the data section', at + 8);
      }
      const time = this.#timeOf(type, at, size);
      if (time !== undefined) {
        offsets.push(at);
        times.push(time);
      }
      at = next;
    }
    // perf's order: by time, ties in file order
    const order = Array.from(offsets.keys()).sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
    for (const i of order) {
      const event = this.#decode(offsets[i] as number, times[i] as number);
      if (event !== undefined) emit(event);
    }
    return {
      samples: this.#samples,
      skipped: this.#skipped,
      lostEvents: this.#lostEvents,
      lostRecords: this.#lostRecords,
      cpusOnline: this.#cpusOnline,
    };
  }

  // The time of a record the replay uses (a sample, COMM, FORK, EXIT, LOST), undefined for the others.
  #timeOf(type: number, at: number, size: number): number | undefined {
    const end = at + size;
    if (type === RECORD.SAMPLE) {
      const attr = this.#attrOf(at, end, true);
      if ((attr.sampleType & S.TIME) === 0) throw new PerfDataError('a sample without a time', at);
      return this.#view.u64(at + 8 + sampleOffset(attr.sampleType, S.TIME), 'sample time');
    }
    if (type === RECORD.COMM || type === RECORD.FORK || type === RECORD.EXIT || type === RECORD.LOST) {
      const attr = this.#attrOf(at, end, false);
      if (attr.trailerTimeFromEnd === 0) return 0;
      if (size < 8 + attr.trailerBytes)
        throw new PerfDataError(`a record of ${String(size)} bytes without its sample_id`, at);
      return this.#view.u64(end - attr.trailerTimeFromEnd, 'record time');
    }
    if (type === RECORD.LOST_SAMPLES) {
      this.#lostRecords++;
      this.#lostEvents += this.#view.u64(at + 8, 'LOST_SAMPLES count');
    }
    return undefined;
  }

  #decode(at: number, timeNs: number): TraceEvent | undefined {
    const view = this.#view;
    const type = view.u32(at, 'record type');
    switch (type) {
      case RECORD.COMM: {
        const tid = view.i32(at + 12, 'COMM tid');
        this.#threads.comm(
          tid,
          view.i32(at + 8, 'COMM pid'),
          view.cstring(at + 16, view.u16(at + 6, 'size') - 16, 'COMM comm'),
        );
        return undefined;
      }
      case RECORD.FORK: {
        // (perf's machine__process_fork_event: see ThreadTable.fork)
        const pid = view.i32(at + 8, 'FORK pid');
        const ppid = view.i32(at + 12, 'FORK ppid');
        const tid = view.i32(at + 16, 'FORK tid');
        const ptid = view.i32(at + 20, 'FORK ptid');
        this.#threads.fork(pid, ppid, tid, ptid);
        return undefined;
      }
      case RECORD.LOST:
        this.#lostRecords++;
        this.#lostEvents += view.u64(at + 16, 'LOST count');
        return undefined;
      case RECORD.SAMPLE:
        return this.#sample(at, timeNs);
      default:
        return undefined;
    }
  }

  #sample(at: number, timeNs: number): TraceEvent | undefined {
    const view = this.#view;
    const size = view.u16(at + 6, 'size');
    const end = at + size;
    const attr = this.#attrOf(at, end, true);
    const st = attr.sampleType;
    this.#samples++;
    let p = at + 8;
    let tid = 0;
    let pid = -1;
    let cpu = 0;
    if (st & S.IDENTIFIER) p += 8;
    if (st & S.IP) p += 8;
    if (st & S.TID) {
      pid = view.i32(p, 'sample pid');
      tid = view.i32(p + 4, 'sample tid'); // perf's tid is a pid_t: -1 is a thread perf does not know
      p += 8;
    }
    if (st & S.TIME) p += 8;
    if (st & S.ADDR) p += 8;
    if (st & S.ID) p += 8;
    if (st & S.STREAM_ID) p += 8;
    if (st & S.CPU) {
      cpu = view.u32(p, 'sample cpu');
      p += 8;
    }
    if (st & S.PERIOD) p += 8;
    if (st & S.READ) p += readBytes(view, p, attr.readFormat);
    if (st & S.CALLCHAIN) {
      const nr = view.u64(p, 'callchain length');
      if (nr > size)
        throw new PerfDataError(`a callchain of ${String(nr)} entries in a ${String(size)}-byte sample`, p);
      p += 8 + nr * 8;
    }
    if ((st & S.RAW) === 0) return undefined;
    const rawSize = view.u32(p, 'raw size');
    const raw = p + 4;
    if (raw + rawSize > end) throw new PerfDataError(`raw data of ${String(rawSize)} bytes past the sample's end`, p);
    if (cpu >= MAX_CPUS) throw new PerfDataError(`sample on CPU ${String(cpu)} (at most ${String(MAX_CPUS - 1)})`, p);
    const commonType = this.#raw.u16(raw, 'common_type');
    const format = this.#tracing.events.get(commonType);
    if (format === undefined) {
      const key = `tracepoint ${String(commonType)}`;
      this.#skipped[key] = (this.#skipped[key] ?? 0) + 1;
      return undefined;
    }
    const thread =
      tid === 0 ? { pid: 0, ppid: -1 } : { pid: this.#threads.findnew(tid, pid), ppid: this.#threads.parent(tid) };
    return this.#event(format, raw, rawSize, {
      timeNs,
      cpu,
      tid,
      comm: this.#threads.commOf(tid),
      line: at,
      ...thread,
    });
  }

  // A sample's event: literals of one shape per kind (no spread, no closure: this runs per sample).
  #event(format: EventFormat, raw: number, rawSize: number, b: SampleBase): TraceEvent | undefined {
    const { timeNs, cpu, tid, comm, line, pid, ppid } = b;
    switch (format.name) {
      case 'sched_switch': {
        const prevTid = this.#int(format, raw, rawSize, 'prev_pid');
        const prevState = this.#stateLetters(format, this.#int(format, raw, rawSize, 'prev_state'));
        const nextTid = this.#int(format, raw, rawSize, 'next_pid');
        const nextComm = this.#threads.commOf(nextTid);
        // (the row is the sample thread's, as perf's: prevComm is its comm)
        return {
          timeNs,
          cpu,
          tid,
          comm,
          line,
          pid,
          ppid,
          kind: 'switch',
          prevTid,
          prevComm: comm,
          prevState,
          nextTid,
          nextComm,
        };
      }
      case 'sched_waking':
      case 'sched_wakeup':
      case 'sched_wakeup_new':
      case 'sched_migrate_task':
        return this.#targetEvent(format, raw, rawSize, b);
      case 'sched_process_fork': {
        const childTid = this.#int(format, raw, rawSize, 'child_pid');
        const parentTid = this.#int(format, raw, rawSize, 'parent_pid');
        const childComm = this.#threads.knownComm(childTid) ?? this.#str(format, raw, rawSize, 'child_comm');
        return { timeNs, cpu, tid, comm, line, pid, ppid, kind: 'fork', parentTid, childTid, childComm };
      }
      case 'sched_process_exit': {
        const targetTid = this.#int(format, raw, rawSize, 'pid');
        return { timeNs, cpu, tid, comm, line, pid, ppid, kind: 'exit', targetTid };
      }
      case 'sched_stat_runtime': {
        const targetTid = this.#int(format, raw, rawSize, 'pid');
        const runtimeNs = this.#int(format, raw, rawSize, 'runtime');
        return { timeNs, cpu, tid, comm, line, pid, ppid, kind: 'runtime', targetTid, runtimeNs };
      }
      default: {
        const key = `${format.system}:${format.name}`;
        this.#skipped[key] = (this.#skipped[key] ?? 0) + 1;
        return undefined;
      }
    }
  }

  // A wakeup or a migration: an event about another task than the sample's.
  #targetEvent(format: EventFormat, raw: number, rawSize: number, b: SampleBase): TraceEvent {
    const { timeNs, cpu, tid, comm, line, pid, ppid } = b;
    const targetTid = this.#int(format, raw, rawSize, 'pid');
    const targetComm = this.#threads.commOf(targetTid);
    const targetPid = this.#threads.findnew(targetTid, 0); // perf: machine__findnew_thread(machine, 0, pid)
    if (format.name === 'sched_migrate_task') {
      const origCpu = this.#int(format, raw, rawSize, 'orig_cpu');
      const destCpu = this.#int(format, raw, rawSize, 'dest_cpu');
      return {
        timeNs,
        cpu,
        tid,
        comm,
        line,
        pid,
        ppid,
        kind: 'migrate',
        targetTid,
        targetComm,
        targetPid,
        origCpu,
        destCpu,
      };
    }
    const variant =
      format.name === 'sched_waking' ? 'waking' : format.name === 'sched_wakeup' ? 'wakeup' : 'wakeup_new';
    const targetCpu = format.fields.has('target_cpu') ? this.#int(format, raw, rawSize, 'target_cpu') : -1;
    return {
      timeNs,
      cpu,
      tid,
      comm,
      line,
      pid,
      ppid,
      kind: 'wakeup',
      variant,
      targetTid,
      targetComm,
      targetCpu,
      targetPid,
    };
  }

  #field(format: EventFormat, rawSize: number, name: string, raw: number): TraceField {
    const field = format.fields.get(name);
    if (field === undefined) throw new PerfDataError(`${format.name} has no field ${name} in its format`, raw);
    if (field.offset + field.size > rawSize) {
      throw new PerfDataError(`${format.name}.${name} lies past the record's ${String(rawSize)} bytes`, raw);
    }
    return field;
  }

  #int(format: EventFormat, raw: number, rawSize: number, name: string): number {
    const f = this.#field(format, rawSize, name, raw);
    const at = raw + f.offset;
    const v = this.#raw;
    switch (f.size) {
      case 1:
        return f.signed ? (v.u8(at, name) << 24) >> 24 : v.u8(at, name);
      case 2:
        return f.signed ? (v.u16(at, name) << 16) >> 16 : v.u16(at, name);
      case 4:
        return f.signed ? v.i32(at, name) : v.u32(at, name);
      case 8:
        return f.signed ? v.i64(at, name) : v.u64(at, name);
      default:
        throw new PerfDataError(`${format.name}.${name} has size ${String(f.size)}, not a number's`, at);
    }
  }

  #str(format: EventFormat, raw: number, rawSize: number, name: string): string {
    const f = this.#field(format, rawSize, name, raw);
    if (!f.dataLoc) return this.#raw.cstring(raw + f.offset, f.size, name);
    const loc = this.#raw.u32(raw + f.offset, name);
    const offset = loc & 0xffff;
    const length = loc >>> 16;
    if (offset + length > rawSize)
      throw new PerfDataError(`${format.name}.${name}'s data lies past the record`, raw + f.offset);
    return this.#raw.cstring(raw + offset, length, name);
  }

  // prev_state as the print format shows it: report-bit letters or R, `+` for the format's TASK_REPORT_MAX bit.
  #stateLetters(format: EventFormat, state: number): string {
    const preempt = format.preemptBit;
    const bits = state & (preempt - 1);
    let letters = '';
    for (let i = 0; i < LETTERS.length; i++) {
      if (bits & (1 << i)) letters += (letters === '' ? '' : '|') + (LETTERS[i] as string);
    }
    return (letters === '' ? 'R' : letters) + (state & preempt ? '+' : '');
  }
}
