/**
 * A {@link Timeline} as Chrome trace-event JSON, the format Perfetto (ui.perfetto.dev) and chrome://tracing open:
 * each task's run slices on its thread track (`X`), its thread states (`T`: `Running` with `args.cpu`, which recent
 * Perfetto turns into CPU scheduling tracks; `R`, `S`, `D` off the CPU), a process per CPU holding the tasks' slices
 * and the host's steal for older viewers, counters (`C`) of each vCPU's stolen total and each task's charged time,
 * and an instant (`i`) per anomaly. Times are µs with the ns in the fraction, written from the integer ns.
 * @module
 */
import { argError, checkFunction, checkObject } from '../check.js';
import type { Timeline, TimelineInterval, TimelineSlice } from './timeline.js';

/**
 * The pid of CPU `n`'s process in the per-CPU layout: above any Linux pid (`PID_MAX_LIMIT` is 4194304), so it never
 * meets a task's.
 * @example
 * ```ts
 * import { CPU_PID_BASE, perfettoJson } from 'schedacct/export';
 * const json = perfettoJson({ source: 'simulate', title: 'one CPU', cpus: 1, startNs: 0, endNs: 0, slices: [], steal: [], tasks: [], anomalies: [] });
 * JSON.parse(json).traceEvents[0].pid === CPU_PID_BASE; // true: CPU 0's process
 * ```
 */
export const CPU_PID_BASE = 100_000_000;

// Thread ids inside a CPU's process: its tasks' slices, and the host's steal.
const CPU_RUN_TID = 1;
const CPU_STEAL_TID = 2;
// Events joined into one write.
const BATCH = 2048;
// Off-CPU states Perfetto knows by letter (a `T` event's name).
const OFF_CPU = new Set(['R', 'S', 'D']);

/**
 * Integer ns as µs with the ns kept exactly in three decimals (`1234567` → `1234.567`): no float division, so no
 * drift however large the time.
 * @param ns - a whole number of ns
 * @returns the µs, as JSON number text
 * @internal
 */
export function usText(ns: number): string {
  if (!Number.isSafeInteger(ns)) throw argError('invalid-argument', 'ns', 'a whole number of ns', ns);
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(ns);
  const frac = abs % 1000;
  const whole = (abs - frac) / 1000;
  if (frac === 0) return `${sign}${String(whole)}`;
  return `${sign}${String(whole)}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

// One event's text (keys in a fixed order, `ts` from integer ns).
function event(ph: string, name: string, pid: number, tid: number, tsNs: number, rest = ''): string {
  return `{"ph":"${ph}","name":${JSON.stringify(name)},"pid":${String(pid)},"tid":${String(tid)},"ts":${usText(tsNs)}${rest}}`;
}

function meta(
  kind: 'process_name' | 'thread_name' | 'process_sort_index',
  pid: number,
  tid: number,
  value: string | number,
): string {
  const arg = kind === 'process_sort_index' ? `{"sort_index":${String(value)}}` : `{"name":${JSON.stringify(value)}}`;
  return `{"ph":"M","name":"${kind}","pid":${String(pid)},"tid":${String(tid)},"args":${arg}}`;
}

/**
 * Writes a timeline as Chrome trace-event JSON, in chunks (a big run is never one string): `{"traceEvents":[…],
 * "displayTimeUnit":"ns","metadata":{…}}`.
 * @param timeline - the run
 * @param write - takes each chunk, in order
 * @throws {@link SchedacctError} `invalid-argument` for a timeline that is not one or a write that is not a function
 * @example
 * ```ts
 * import { writePerfettoJson, type Timeline } from 'schedacct/export';
 * const timeline: Timeline = {
 *   source: 'replay', title: 'demo', cpus: 1, startNs: 0, endNs: 3_000_000,
 *   slices: [{ cpu: 0, tid: 42, name: 'sh', startNs: 1_000_000, endNs: 3_000_000, stolenNs: 500_000, delayNs: 0, state: 'S' }],
 *   steal: [], tasks: [{ tid: 42, name: 'sh', runNs: 2_000_000, chargedNs: 1_500_000, stolenNs: 500_000, slices: 1 }],
 *   anomalies: [],
 * };
 * let json = '';
 * writePerfettoJson(timeline, (chunk) => (json += chunk));
 * JSON.parse(json).traceEvents.some((e: { ph: string; name: string }) => e.ph === 'T' && e.name === 'Running'); // true
 * ```
 */
export function writePerfettoJson(timeline: Timeline, write: (chunk: string) => void): void {
  checkObject('timeline', timeline);
  checkFunction('write', write);
  let batch: string[] = [];
  let first = true;
  const emit = (text: string): void => {
    batch.push(text);
    if (batch.length >= BATCH) flush();
  };
  const flush = (): void => {
    if (batch.length === 0) return;
    write(`${first ? '' : ','}${batch.join(',')}`);
    first = false;
    batch = [];
  };
  write('{"traceEvents":[');
  metadataEvents(timeline, emit);
  sliceEvents(timeline.slices, emit);
  stealEvents(timeline, emit);
  anomalyEvents(timeline, emit);
  flush();
  const { source, title, cpus, startNs, endNs } = timeline;
  const about = { generator: 'schedacct', source, title, cpus, startNs, endNs };
  write(`],"displayTimeUnit":"ns","metadata":${JSON.stringify(about)}}\n`);
}

/**
 * The whole JSON as one string (for small runs and tests; {@link writePerfettoJson} streams).
 * @param timeline - the run
 * @returns the JSON text
 * @throws {@link SchedacctError} `invalid-argument` for a timeline that is not one
 * @example
 * ```ts
 * import { perfettoJson } from 'schedacct/export';
 * const json = perfettoJson({ source: 'simulate', title: 'empty', cpus: 1, startNs: 0, endNs: 0, slices: [], steal: [], tasks: [], anomalies: [] });
 * JSON.parse(json).displayTimeUnit; // 'ns'
 * ```
 */
export function perfettoJson(timeline: Timeline): string {
  const chunks: string[] = [];
  writePerfettoJson(timeline, (chunk) => chunks.push(chunk));
  return chunks.join('');
}

// Names of every task's process and thread, and of every CPU's process (sorted first, by CPU).
function metadataEvents(timeline: Timeline, emit: (text: string) => void): void {
  for (let cpu = 0; cpu < timeline.cpus; cpu++) {
    const pid = CPU_PID_BASE + cpu;
    emit(meta('process_name', pid, 0, `CPU ${String(cpu)}`));
    emit(meta('process_sort_index', pid, 0, cpu - timeline.cpus));
    emit(meta('thread_name', pid, CPU_RUN_TID, 'running'));
    emit(meta('thread_name', pid, CPU_STEAL_TID, 'stolen by the host'));
  }
  const named = new Map<number, string>();
  for (const t of timeline.tasks) named.set(t.tid, t.name);
  for (const s of timeline.slices) if (!named.has(s.tid)) named.set(s.tid, s.name);
  for (const [tid, name] of named) {
    emit(meta('process_name', tid, tid, name));
    emit(meta('thread_name', tid, tid, name));
  }
}

// Per slice: X on the task's thread and on its CPU's process, T Running with the CPU, the off-CPU state since the
// task's previous slice, and the task's charged-time counter.
function sliceEvents(slices: readonly TimelineSlice[], emit: (text: string) => void): void {
  const last = new Map<number, { endNs: number; state: string; chargedNs: number }>();
  for (const s of slices) {
    const dur = `,"dur":${usText(s.endNs - s.startNs)}`;
    const args = `,"args":{"cpu":${String(s.cpu)},"stolen_ns":${String(s.stolenNs)},"delay_ns":${String(s.delayNs)},"state":${JSON.stringify(s.state)}}`;
    emit(event('X', s.name, s.tid, s.tid, s.startNs, `,"cat":"run"${dur}${args}`));
    emit(event('T', 'Running', s.tid, s.tid, s.startNs, `,"cat":"thread_state"${dur},"args":{"cpu":${String(s.cpu)}}`));
    emit(
      event(
        'X',
        `${s.name} [${String(s.tid)}]`,
        CPU_PID_BASE + s.cpu,
        CPU_RUN_TID,
        s.startNs,
        `,"cat":"cpu"${dur}${args}`,
      ),
    );
    const before = last.get(s.tid);
    if (before !== undefined && s.startNs > before.endNs) {
      const letter = before.state.charAt(0);
      if (OFF_CPU.has(letter))
        emit(
          event(
            'T',
            letter,
            s.tid,
            s.tid,
            before.endNs,
            `,"cat":"thread_state","dur":${usText(s.startNs - before.endNs)}`,
          ),
        );
    }
    const chargedNs = (before?.chargedNs ?? 0) + s.endNs - s.startNs - s.stolenNs;
    emit(event('C', 'charged', s.tid, s.tid, s.endNs, `,"args":{"ns":${String(chargedNs)}}`));
    last.set(s.tid, { endNs: s.endNs, state: s.state, chargedNs });
  }
}

// The host's steal: each interval on its CPU's steal thread, and the CPU's stolen total as a counter. A replay has
// no intervals; its counter steps at each slice's end by the steal booked for the slice.
function stealEvents(timeline: Timeline, emit: (text: string) => void): void {
  const totals = new Map<number, number>();
  const counter = (cpu: number, atNs: number, addNs: number): void => {
    const ns = (totals.get(cpu) ?? 0) + addNs;
    totals.set(cpu, ns);
    emit(event('C', 'stolen', CPU_PID_BASE + cpu, 0, atNs, `,"args":{"ns":${String(ns)}}`));
  };
  for (let cpu = 0; cpu < timeline.cpus; cpu++) counter(cpu, timeline.startNs, 0);
  if (timeline.steal.length > 0) {
    for (const i of timeline.steal) {
      emit(stealSlice(i));
      counter(i.cpu, i.endNs, i.endNs - i.startNs);
    }
    return;
  }
  for (const s of timeline.slices) if (s.stolenNs > 0) counter(s.cpu, s.endNs, s.stolenNs);
}

function stealSlice(i: TimelineInterval): string {
  return event(
    'X',
    'stolen',
    CPU_PID_BASE + i.cpu,
    CPU_STEAL_TID,
    i.startNs,
    `,"cat":"steal","dur":${usText(i.endNs - i.startNs)}`,
  );
}

// An instant per anomaly: on its task's thread, else on its CPU's process, else global.
function anomalyEvents(timeline: Timeline, emit: (text: string) => void): void {
  for (const a of timeline.anomalies) {
    const args = `,"cat":"anomaly","args":{"message":${JSON.stringify(a.message)}}`;
    if (a.tid !== undefined) emit(event('i', a.code, a.tid, a.tid, a.timeNs, `,"s":"t"${args}`));
    else if (a.cpu !== undefined)
      emit(event('i', a.code, CPU_PID_BASE + a.cpu, CPU_RUN_TID, a.timeNs, `,"s":"p"${args}`));
    else emit(event('i', a.code, 0, 0, a.timeNs, `,"s":"g"${args}`));
  }
}
