/**
 * A record's way through the queue: decoded where it lies into a row of numbers ({@link STRIDE}: its time, a code for
 * its kind, CPU and decoder, its thread, pid, byte offset and up to three fields), and made an event at delivery,
 * where the thread table gives its comms and pids in perf's order.
 * @module
 * @internal
 */
import { fieldValue, TP, type Decoder } from './decode.js';
import { MAX_CPUS } from '../events.js';
import { PerfDataError } from './error.js';
import type { TraceField } from './tracing-data.js';
import type { ByteView } from './view.js';

/**
 * What delivery does with a queued row (3 bits of its code).
 * @internal
 */
export const K = { SWITCH: 0, WAKEUP: 1, MIGRATE: 2, FORK_TP: 3, EXIT: 4, RUNTIME: 5, COMM: 6, FORK: 7 } as const;

/**
 * Where a row keeps what (its time is at 0).
 * @internal
 */
export const ROW = { CODE: 1, TID: 2, PID: 3, LINE: 4, F0: 5, F1: 6, F2: 7 } as const;

const KIND_OF_TP: Readonly<Record<number, number>> = {
  [TP.SWITCH]: K.SWITCH,
  [TP.WAKEUP]: K.WAKEUP,
  [TP.MIGRATE]: K.MIGRATE,
  [TP.FORK]: K.FORK_TP,
  [TP.EXIT]: K.EXIT,
  [TP.RUNTIME]: K.RUNTIME,
};

/**
 * A row's code: its kind, CPU (below 8192) and decoder (the stream's number for it, below 65536) in one exact number.
 * @param kind - a {@link K}
 * @param cpu - its CPU
 * @param decoder - its tracepoint's decoder (0 for other records)
 * @returns the code
 * @internal
 */
export function rowCode(kind: number, cpu: number, decoder: number): number {
  return kind + cpu * 8 + decoder * 65_536;
}

/**
 * Fills a row from a tracepoint sample's raw data (the row's time, thread, pid and offset are the caller's).
 * @param row - the row (from 0)
 * @param view - the bytes
 * @param d - the tracepoint's decoder
 * @param raw - its raw data (the input's offset)
 * @param little - the tracepoint's byte order
 * @param cpu - the sample's CPU
 * @param id - the decoder's number
 * @internal
 */
export function fillSample(
  row: Float64Array,
  view: ByteView,
  d: Decoder,
  raw: number,
  little: boolean,
  cpu: number,
  id: number,
): void {
  const r = raw - view.base;
  const data = view.data;
  const fields = d.fields;
  const kind = KIND_OF_TP[d.kind] as number;
  row[ROW.CODE] = rowCode(kind, cpu, id);
  row[ROW.F0] = fieldValue(data, r, fields[0] as TraceField, little);
  if (kind === K.SWITCH || kind === K.MIGRATE) {
    row[ROW.F1] = fieldValue(data, r, fields[1] as TraceField, little);
    row[ROW.F2] = fieldValue(data, r, fields[2] as TraceField, little);
  } else if (kind === K.WAKEUP) {
    row[ROW.F1] = d.targetCpu === undefined ? -1 : fieldValue(data, r, d.targetCpu, little);
  } else if (kind === K.RUNTIME || kind === K.FORK_TP) {
    row[ROW.F1] = fieldValue(data, r, fields[1] as TraceField, little);
  }
}

const isTid = (v: number): boolean => Number.isSafeInteger(v) && v >= -1;
const isCpu = (v: number): boolean => v >>> 0 === v && v < MAX_CPUS;

/**
 * Checks a filled row as the replay checks an event it is handed (tids safe integers ≥ −1, CPUs below
 * {@link MAX_CPUS}, a runtime a whole number of ns): the replay takes the reader's events unchecked.
 * @param row - a sample's or an EXIT record's row
 * @param at - the record's byte, for the error
 * @throws {@link PerfDataError} naming the field
 * @internal
 */
export function checkRow(row: Float64Array, at: number): void {
  const kind = (row[ROW.CODE] as number) & 7;
  const f0 = row[ROW.F0] as number;
  const f1 = row[ROW.F1] as number;
  const f2 = row[ROW.F2] as number;
  let bad = '';
  if (!isTid(row[ROW.TID] as number)) bad = 'its thread';
  else if (!isTid(f0)) bad = 'its first task field';
  else if (kind === K.SWITCH && !isTid(f2)) bad = 'next_pid';
  else if (kind === K.WAKEUP && f1 !== -1 && !isCpu(f1)) bad = 'target_cpu';
  else if (kind === K.MIGRATE && !(isCpu(f1) && isCpu(f2))) bad = 'orig_cpu or dest_cpu';
  else if (kind === K.FORK_TP && !isTid(f1)) bad = 'child_pid';
  else if (kind === K.RUNTIME && !(Number.isSafeInteger(f1) && f1 >= 0)) bad = 'runtime';
  if (bad !== '') throw new PerfDataError(`a record the replay refuses: ${bad} is out of range`, at);
}

/**
 * The string a sample carries through the queue, if any: a fork's child comm, a switch's next_comm when asked.
 * @param view - the bytes
 * @param d - the tracepoint's decoder
 * @param raw - its raw data
 * @param rawSize - its size (checked to hold the string)
 * @param little - the tracepoint's byte order
 * @param comms - read a switch's next_comm (perf's `-n`)
 * @returns the string, or undefined
 * @internal
 */
export function sampleItem(
  view: ByteView,
  d: Decoder,
  raw: number,
  rawSize: number,
  little: boolean,
  comms: boolean,
): string | undefined {
  if (d.kind === TP.FORK) return textOf(view.withOrder(little), d.fields[2] as TraceField, d.format.name, raw, rawSize);
  if (d.kind === TP.SWITCH && comms && d.nextComm !== undefined)
    return textOf(view.withOrder(little), d.nextComm, `${d.format.name}.next_comm`, raw, rawSize);
  return undefined;
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
