// What the real kernel did in each recording of fixtures/kernel (Linux 6.18, 2 vCPUs, HZ=250): for the target tasks
// (the hog and periodic programs pinned to CPU 1), their share of the targets' run time, switches, mean run slice and
// mean scheduling delay after a wakeup, measured by replaying the recording through the library. The same figures
// are measured on a simulation by an observer (TargetObserver) with perf's rules, so both sides are counted the same
// way: a run is from the CPU's previous switch to the task's switch-out, a delay from its first wakeup to its run.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { traceLines } from '../../src/trace/file.js';
import { readTrace } from '../../src/trace/read.js';
import type { InfoRow, TimehistRow } from '../../src/trace/rows.js';
import type { SimObserver, SimTaskRef } from '../../src/sim/types.js';

/** The recordings, in the order the docs' comparison table lists them. */
export const RECORDINGS = [
  'nice0v5',
  'two-hogs',
  'periodic-vs-hog',
  'three-hogs',
  'nice-5v0',
  'two-periodic-vs-hog',
] as const;
export type RecordingName = (typeof RECORDINGS)[number];

/** The programs of ../shared/traces/kernel whose tasks are the targets. */
export const TARGET_COMMS: readonly string[] = ['hog', 'periodic'];
/** The CPU every target was pinned to (`taskset -c 1`). */
export const TARGET_CPU = 1;

/** One target task's figures (from a recording, or from a simulation). */
export interface TargetFigures {
  /** Thread id (the recording's, or the simulation's). */
  readonly tid: number;
  /** Comm. */
  readonly comm: string;
  /** Nice, from the prio its switches show (120 + nice). */
  readonly nice: number;
  /** Run time, ns: Σ of its slices. */
  readonly runNs: number;
  /** Its part of the targets' total run time, 0..1. */
  readonly share: number;
  /** Switch-ins (perf's `sched-in` count). */
  readonly switches: number;
  /** Mean run slice, ns (run time / switches). */
  readonly meanSliceNs: number;
  /** Longest slice, ns. */
  readonly maxSliceNs: number;
  /** Σ scheduling delay after wakeups, ns (perf 6.1 counts no delay after a preemption). */
  readonly delayNs: number;
  /** Runs that began after a wakeup (the delays averaged over). */
  readonly wakeups: number;
  /** Mean scheduling delay after a wakeup, ns (0 without wakeups). */
  readonly meanDelayNs: number;
  /** The delay before its first run (after its creation), ns: not a wakeup's, left out of the mean. */
  readonly firstDelayNs: number;
}

/** Per-task sums while a recording or simulation is read. */
interface Sums {
  comm: string;
  nice: number;
  runNs: number;
  switches: number;
  maxSliceNs: number;
  delayNs: number;
  wakeups: number;
  firstDelayNs: number;
  readonly cpus: Set<number>;
}

const newSums = (comm: string, nice: number): Sums => ({
  comm,
  nice,
  runNs: 0,
  switches: 0,
  maxSliceNs: 0,
  delayNs: 0,
  wakeups: 0,
  firstDelayNs: 0,
  cpus: new Set(),
});

/** The figures of the given tasks, in tid order, with each one's share of their total run time. */
function figures(sums: ReadonlyMap<number, Sums>, tids: readonly number[]): TargetFigures[] {
  const sorted = [...tids].sort((a, b) => a - b);
  const total = sorted.reduce((t, tid) => t + (sums.get(tid)?.runNs ?? 0), 0);
  return sorted.map((tid) => {
    const s = sums.get(tid) ?? newSums('?', 0);
    return {
      tid,
      comm: s.comm,
      nice: s.nice,
      runNs: s.runNs,
      share: total > 0 ? s.runNs / total : 0,
      switches: s.switches,
      meanSliceNs: s.switches > 0 ? s.runNs / s.switches : 0,
      maxSliceNs: s.maxSliceNs,
      delayNs: s.delayNs,
      wakeups: s.wakeups,
      meanDelayNs: s.wakeups > 0 ? s.delayNs / s.wakeups : 0,
      firstDelayNs: s.firstDelayNs,
    };
  });
}

/** A recording's file in fixtures/kernel. */
export const kernelFixture = (file: string): string =>
  fileURLToPath(new URL(`../../fixtures/kernel/${file}`, import.meta.url));

/** What a recording's replay gave: the targets' figures and, for the cross-check, the replay's own task totals. */
export interface Recording {
  readonly name: RecordingName;
  /** Targets in tid order (the order the shell started them: the scenario's order). */
  readonly targets: readonly TargetFigures[];
  /** The replay's totals of each target (`Replay.tasks()`), by tid. */
  readonly totals: ReadonlyMap<
    number,
    { runNs: number; slices: number; meanSliceNs: number; maxSliceNs: number; delayNs: number }
  >;
}

// prio and state of a switched-out task, from the raw line (rows carry neither prio nor the raw state: perf 6.1's
// state column shows a preempted task's `R+` as `W`)
const SWITCH = /prev_comm=\S+ prev_pid=(\d+) prev_prio=(\d+) prev_state=(\S+)/;

/** What the raw lines tell that the rows do not: each target's prio, and each switch line's raw state, by line. */
interface Noted {
  readonly prio: Map<number, number>;
  readonly stateAt: Map<number, string>;
}

/** Lines of a trace, noting on the way what {@link Noted} holds. */
async function* noting(lines: AsyncIterable<string>, noted: Noted): AsyncGenerator<string> {
  let n = 0;
  for await (const line of lines) {
    n++;
    const m = line.includes('sched_switch:') ? SWITCH.exec(line) : null;
    if (m !== null) {
      noted.stateAt.set(n, m[3] ?? '');
      if (line.includes('prev_comm=hog') || line.includes('prev_comm=periodic'))
        noted.prio.set(Number(m[1]), Number(m[2]));
    }
    yield line;
  }
}

/**
 * Replays a recording (perf 6.1's rules, as its summaries were made with) and measures its targets.
 * @param name - the recording
 * @returns its targets' figures and the replay's totals of them
 */
export async function measureRecording(name: RecordingName): Promise<Recording> {
  const noted: Noted = { prio: new Map(), stateAt: new Map() };
  const sums = new Map<number, Sums>();
  const lastState = new Map<number, string>();
  const onRow = (r: TimehistRow | InfoRow): void => {
    if ('kind' in r || r.tid <= 0) return;
    // (the reader holds the first lines until it knows the format: the state is looked up by line)
    const state = noted.stateAt.get(r.line);
    if (state === undefined) throw new Error(`row of line ${String(r.line)}, which is not a switch`);
    let s = sums.get(r.tid);
    if (s === undefined) sums.set(r.tid, (s = newSums(r.name, 0)));
    s.comm = r.name;
    // where it ran as the program (before its exec it was `taskset` or `nice`, wherever the shell forked it)
    if (TARGET_COMMS.includes(r.name)) s.cpus.add(r.cpu);
    s.runNs += r.runNs;
    s.switches++;
    s.maxSliceNs = Math.max(s.maxSliceNs, r.runNs);
    // a run after a sleep (not after a preemption, nor the first) began with a wakeup: its delay is counted
    const before = lastState.get(r.tid);
    if (before === undefined) s.firstDelayNs = r.delayNs;
    else if (!before.startsWith('R')) {
      s.delayNs += r.delayNs;
      s.wakeups++;
    }
    lastState.set(r.tid, state);
  };
  const lines = noting(traceLines(kernelFixture(`${name}.perf.txt.gz`)), noted);
  const { replay } = await readTrace(lines, { compat: 'perf-6.1', onRow });
  const tids = [...sums.entries()]
    .filter(([, s]) => TARGET_COMMS.includes(s.comm) && s.cpus.size === 1 && s.cpus.has(TARGET_CPU))
    .map(([tid]) => tid);
  for (const tid of tids) {
    const s = sums.get(tid);
    if (s !== undefined) s.nice = (noted.prio.get(tid) ?? 120) - 120;
  }
  const totals = new Map(
    replay
      .tasks()
      .filter((t) => tids.includes(t.tid))
      .map((t) => [t.tid, t.totals] as const),
  );
  return { name, targets: figures(sums, tids), totals };
}

/**
 * Measures a simulation's tasks as {@link measureRecording} measures a recording's: pass it as `simulate`'s observer,
 * then read {@link TargetObserver.targets}.
 */
export class TargetObserver implements SimObserver {
  readonly #sums = new Map<number, Sums>();
  // per CPU: its previous switch (perf's tprev: a run is the time from it to the task's switch-out)
  readonly #lastSwitchNs = new Map<number, number>();
  // per task: the state it last left the CPU in, and its first wakeup since (perf's ready_to_run)
  readonly #lastState = new Map<number, string>();
  readonly #wokenAt = new Map<number, number>();
  // per CPU: the task switched in last (0: idle)
  readonly #current = new Map<number, number>();

  /**
   * A run still going at the end, which perf's rules do not count (no switch-out ends it).
   * @param tid - the task
   * @param endNs - the end of the run, guest ns
   * @returns its length so far, ns (0 when the task is not on a CPU)
   */
  openRunNs(tid: number, endNs: number): number {
    for (const [cpu, current] of this.#current)
      if (current === tid) return endNs - (this.#lastSwitchNs.get(cpu) ?? endNs);
    return 0;
  }

  #of(task: SimTaskRef): Sums {
    let s = this.#sums.get(task.tid);
    if (s === undefined) this.#sums.set(task.tid, (s = newSums(task.name, task.prio - 120)));
    s.comm = task.name;
    return s;
  }

  onWakeup(atNs: number, _cpu: number, task: SimTaskRef): void {
    this.#of(task);
    if (!this.#wokenAt.has(task.tid)) this.#wokenAt.set(task.tid, atNs);
  }

  onSwitch(atNs: number, cpu: number, prev: SimTaskRef | undefined, state: string, next: SimTaskRef | undefined): void {
    const tprev = this.#lastSwitchNs.get(cpu);
    this.#lastSwitchNs.set(cpu, atNs);
    this.#current.set(cpu, next?.tid ?? 0);
    this.#of(next ?? prev ?? { tid: 0, name: '', prio: 120 });
    if (prev === undefined || tprev === undefined) return;
    const s = this.#of(prev);
    const slice = atNs - tprev;
    s.runNs += slice;
    s.switches++;
    s.maxSliceNs = Math.max(s.maxSliceNs, slice);
    s.cpus.add(cpu);
    const before = this.#lastState.get(prev.tid);
    const woken = this.#wokenAt.get(prev.tid);
    if (before === undefined) s.firstDelayNs = woken !== undefined && woken <= tprev ? tprev - woken : 0;
    else if (!before.startsWith('R')) {
      s.delayNs += woken !== undefined && woken <= tprev ? tprev - woken : 0;
      s.wakeups++;
    }
    this.#lastState.set(prev.tid, state);
    this.#wokenAt.delete(prev.tid);
  }

  /**
   * @param comms - the comms that are targets (default: the kernel recordings' programs)
   * @returns the figures of the tasks with those comms, in tid order
   */
  targets(comms: readonly string[] = TARGET_COMMS): TargetFigures[] {
    const tids = [...this.#sums.entries()].filter(([, s]) => comms.includes(s.comm)).map(([tid]) => tid);
    return figures(this.#sums, tids);
  }
}

/** One task row of perf's `timehist -s` (or `--state`) summary, by tid: its numeric columns in msec (counts as is). */
export function perfSummaryRows(file: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const line of readFileSync(kernelFixture(file), 'utf8').split('\n')) {
    const m = /^\s*\S+\[(\d+)(?:\/\d+)?\]\s+-?\d+\s+(.*)$/.exec(line);
    if (m === null) continue;
    out.set(Number(m[1]), (m[2] ?? '').trim().split(/\s+/).map(Number));
  }
  return out;
}

/**
 * The scenario shipped for a recording.
 * @param name - the recording
 * @returns its JSON, parsed
 */
export function recordingScenario(name: RecordingName): unknown {
  return JSON.parse(readFileSync(new URL(`../../examples/scenarios/${name}.json`, import.meta.url), 'utf8'));
}

/** ms with three decimals, truncated to the µs as perf's `print_sched_time` prints them. */
export const ms3 = (ns: number): string => {
  const us = Math.floor(ns / 1000);
  return `${String(Math.floor(us / 1000))}.${String(us % 1000).padStart(3, '0')}`;
};
