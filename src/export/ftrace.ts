/**
 * A {@link Timeline} as ftrace text, through the simulator's {@link FtraceWriter} (one writer for both producers):
 * the text Perfetto opens as CPU tracks and `schedacct replay` reads back to the same per-task totals.
 * @module
 */
import { checkFunction, checkObject } from '../check.js';
import { FtraceWriter } from '../sim/ftrace-writer.js';
import type { SimTaskRef } from '../sim/types.js';
import type { Timeline, TimelineSlice } from './timeline.js';

/** One event of the text, in time order. */
interface Mark {
  readonly atNs: number;
  // 0: the switch out of a slice (with its runtime), 1: a wakeup, 2: the switch into one; at one instant in this order
  readonly order: 0 | 1 | 2;
  readonly slice: TimelineSlice;
}

// A trace's state letter as the writer takes it: R preempted, X exited, anything else asleep.
function switchState(state: string): 'R' | 'S' | 'X' {
  const c = state.charAt(0);
  return c === 'R' ? 'R' : c === 'X' || c === 'Z' ? 'X' : 'S';
}

/**
 * Writes a timeline as ftrace text: per slice a `sched_switch` in and out, a `sched_stat_runtime` of its charged time
 * before it leaves (so a replay's steal, wall minus runtime, is the slice's), and a `sched_waking` where it waited
 * after sleeping. Times are the timeline's (a replay's trace clock). What the timeline does not hold is not written:
 * priorities (120), `D` (written as `S`), migrations and forks; slices of a task perf could not name (tid −1) are
 * left out. A task a trace shows on two CPUs at once reads back with its runtime on one of them.
 * @param timeline - the run
 * @param write - takes each batch of text, in order
 * @throws {@link SchedacctError} `invalid-argument` for a timeline that is not one, a write that is not a function,
 * or times below 0
 * @example
 * ```ts
 * import { writeTimelineFtrace } from 'schedacct/export';
 * let text = '';
 * writeTimelineFtrace(
 *   {
 *     source: 'replay', title: 'demo', cpus: 1, startNs: 0, endNs: 3_000_000,
 *     slices: [{ cpu: 0, tid: 42, name: 'sh', startNs: 1_000_000, endNs: 3_000_000, stolenNs: 500_000, delayNs: 0, state: 'S' }],
 *     steal: [], tasks: [], anomalies: [],
 *   },
 *   (chunk) => (text += chunk),
 * );
 * text.includes('runtime=1500000'); // true
 * ```
 */
export function writeTimelineFtrace(timeline: Timeline, write: (chunk: string) => void): void {
  checkObject('timeline', timeline);
  checkFunction('write', write);
  const writer = new FtraceWriter(write, { offsetNs: 0 });
  const refs = new Map<number, SimTaskRef>();
  const ref = (s: TimelineSlice): SimTaskRef => {
    let r = refs.get(s.tid);
    if (r?.name !== s.name) refs.set(s.tid, (r = { tid: s.tid, name: s.name, prio: 120 }));
    return r;
  };
  const marks = marksOf(timeline.slices);
  // per CPU: the slice switched out at this instant and not yet followed (so out and in make one switch)
  const leaving = new Map<number, Mark>();
  const close = (cpu: number): void => {
    const m = leaving.get(cpu);
    if (m === undefined) return;
    leaving.delete(cpu);
    writer.onSwitch(m.atNs, cpu, ref(m.slice), switchState(m.slice.state), undefined);
  };
  let nowNs = -Infinity;
  for (const m of marks) {
    const s = m.slice;
    // time moves on: every switch-out not followed at its instant goes to idle, so the lines stay in time order
    if (m.atNs !== nowNs) for (const cpu of [...leaving.keys()]) close(cpu);
    nowNs = m.atNs;
    if (m.order === 0 && leaving.has(s.cpu)) close(s.cpu);
    if (m.order === 0) {
      writer.onRuntime(m.atNs, s.cpu, ref(s), s.endNs - s.startNs - s.stolenNs);
      leaving.set(s.cpu, m);
    } else if (m.order === 1) {
      writer.onWakeup(m.atNs, s.cpu, ref(s), s.cpu);
    } else {
      const out = leaving.get(s.cpu);
      leaving.delete(s.cpu);
      writer.onSwitch(m.atNs, s.cpu, out && ref(out.slice), out ? switchState(out.slice.state) : 'R', ref(s));
    }
  }
  for (const cpu of [...leaving.keys()]) close(cpu);
  writer.end();
}

// Every slice's switch-in, switch-out and wakeup (where it slept before and waited), sorted by time, then kind, then
// CPU: a CPU's slice ends before the next begins at the same instant.
function marksOf(slices: readonly TimelineSlice[]): Mark[] {
  const marks: Mark[] = [];
  const lastState = new Map<number, string>();
  // a task perf could not name (tid -1) has no line of its own
  const byStart = slices.filter((s) => s.tid >= 0).sort((a, b) => a.startNs - b.startNs || a.cpu - b.cpu);
  for (const s of byStart) {
    const before = lastState.get(s.tid);
    if (s.delayNs > 0 && (before === undefined || switchState(before) === 'S'))
      marks.push({ atNs: s.startNs - s.delayNs, order: 1, slice: s });
    marks.push({ atNs: s.startNs, order: 2, slice: s }, { atNs: s.endNs, order: 0, slice: s });
    lastState.set(s.tid, s.state);
  }
  return marks.sort((a, b) => a.atNs - b.atNs || a.order - b.order || a.slice.cpu - b.slice.cpu);
}
