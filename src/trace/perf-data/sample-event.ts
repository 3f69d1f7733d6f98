/**
 * A tracepoint sample's event, decoded where the sample lies: one object literal of one shape per kind, with the
 * parts the thread table gives (comms, pids) left empty for delivery to fill in, in perf's order.
 * @module
 * @internal
 */
import type { TraceEvent } from '../events.js';
import { fieldValue, stateLetters, TP, type Decoder } from './decode.js';
import { PerfDataError } from './error.js';
import type { TraceField } from './tracing-data.js';
import type { ByteView } from './view.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * An event as decoded, its thread parts still to fill in.
 * @internal
 */
export type Pending = Mutable<TraceEvent> & { pid: number; ppid: number };

/**
 * What delivery does with a queued item.
 * @internal
 */
export const K = { SWITCH: 1, TARGET: 2, FORK_TP: 3, BASE: 4, COMM: 5, FORK: 6 } as const;

/**
 * The delivery kind of each tracepoint kind.
 * @internal
 */
export const DELIVERY: Readonly<Record<number, number>> = {
  [TP.SWITCH]: K.SWITCH,
  [TP.WAKEUP]: K.TARGET,
  [TP.MIGRATE]: K.TARGET,
  [TP.FORK]: K.FORK_TP,
  [TP.EXIT]: K.BASE,
  [TP.RUNTIME]: K.BASE,
};

/**
 * A sample's common part, as read.
 * @internal
 */
export interface SampleHead {
  timeNs: number;
  cpu: number;
  tid: number;
  pid: number;
  line: number;
}

/**
 * The event of a sample of a tracepoint the replay uses.
 * @param view - the bytes
 * @param d - the tracepoint's decoder
 * @param raw - its raw data (the input's offset)
 * @param rawSize - the raw data's size (checked to hold every field read)
 * @param little - the tracepoint's byte order
 * @param h - the sample's common part
 * @param comms - read a switch's next_comm too (perf's `-n`)
 * @returns the event
 * @internal
 */
export function sampleEvent(
  view: ByteView,
  d: Decoder,
  raw: number,
  rawSize: number,
  little: boolean,
  h: SampleHead,
  comms: boolean,
): Pending {
  const r = raw - view.base;
  const { timeNs, cpu, tid, pid, line } = h;
  const comm = '';
  const ppid = -1;
  switch (d.kind) {
    case TP.SWITCH: {
      const prevTid = field(view, r, d, 0, little);
      const prevState = stateLetters(d, field(view, r, d, 1, little));
      const nextTid = field(view, r, d, 2, little);
      const kind = 'switch';
      const nextTracepointComm = comms ? nextCommOf(view.withOrder(little), d, raw, rawSize) : undefined;
      return {
        timeNs,
        cpu,
        tid,
        comm,
        line,
        pid,
        ppid,
        kind,
        prevTid,
        prevComm: comm,
        prevState,
        nextTid,
        nextComm: comm,
        nextTracepointComm,
      };
    }
    case TP.WAKEUP:
    case TP.MIGRATE:
      return targetEvent(view, d, r, little, h);
    case TP.FORK: {
      const parentTid = field(view, r, d, 0, little);
      const childTid = field(view, r, d, 1, little);
      const childComm = stringField(view.withOrder(little), d, raw, rawSize, 2);
      return { timeNs, cpu, tid, comm, line, pid, ppid, kind: 'fork', parentTid, childTid, childComm };
    }
    case TP.EXIT:
      return { timeNs, cpu, tid, comm, line, pid, ppid, kind: 'exit', targetTid: field(view, r, d, 0, little) };
    default: {
      const targetTid = field(view, r, d, 0, little);
      const runtimeNs = field(view, r, d, 1, little);
      return { timeNs, cpu, tid, comm, line, pid, ppid, kind: 'runtime', targetTid, runtimeNs };
    }
  }
}

// The i-th number field the decoder reads (a function, not a closure: this runs per sample).
function field(view: ByteView, r: number, d: Decoder, i: number, little: boolean): number {
  return fieldValue(view.data, r, d.fields[i] as TraceField, little);
}

// A wakeup or a migration: an event about another task than the sample's.
function targetEvent(view: ByteView, d: Decoder, r: number, little: boolean, h: SampleHead): Pending {
  const { timeNs, cpu, tid, pid, line } = h;
  const comm = '';
  const ppid = -1;
  const targetTid = field(view, r, d, 0, little);
  if (d.kind === TP.MIGRATE) {
    const origCpu = field(view, r, d, 1, little);
    const destCpu = field(view, r, d, 2, little);
    const kind = 'migrate';
    return {
      timeNs,
      cpu,
      tid,
      comm,
      line,
      pid,
      ppid,
      kind,
      targetTid,
      targetComm: comm,
      targetPid: 0,
      origCpu,
      destCpu,
    };
  }
  const targetCpu = d.targetCpu === undefined ? -1 : fieldValue(view.data, r, d.targetCpu, little);
  const variant = d.variant;
  const kind = 'wakeup';
  return {
    timeNs,
    cpu,
    tid,
    comm,
    line,
    pid,
    ppid,
    kind,
    variant,
    targetTid,
    targetComm: comm,
    targetCpu,
    targetPid: 0,
  };
}

// A switch's next_comm, where its format has one.
function nextCommOf(view: ByteView, d: Decoder, raw: number, rawSize: number): string | undefined {
  return d.nextComm === undefined ? undefined : textOf(view, d.nextComm, `${d.format.name}.next_comm`, raw, rawSize);
}

// A string field of a raw record: a char array, or a __data_loc's data.
function stringField(view: ByteView, d: Decoder, raw: number, rawSize: number, index: number): string {
  return textOf(view, d.fields[index] as TraceField, d.format.name, raw, rawSize);
}

function textOf(view: ByteView, f: TraceField, name: string, raw: number, rawSize: number): string {
  if (!f.dataLoc) {
    if (f.offset + f.size > rawSize)
      throw new PerfDataError(`${name} lies past the record's ${String(rawSize)} bytes`, raw);
    return view.cstring(raw + f.offset, f.size, name);
  }
  const loc = view.u32(raw + f.offset, name);
  const offset = loc & 0xffff;
  const length = loc >>> 16;
  if (offset + length > rawSize) throw new PerfDataError(`${name}'s data lies past the record`, raw + f.offset);
  return view.cstring(raw + offset, length, name);
}
