/**
 * What a task does, as a sequence of run bursts (task-clock ns: what `CLOCK_THREAD_CPUTIME_ID` shows, so under
 * `drop` or `carry` accounting steal does not count toward a burst, under `none` it does) each followed by a sleep
 * (ns of guest time; 0: stay runnable and go on; −1: exit after the run). `cpu` is one endless burst; `periodic`
 * runs `runUs` then sleeps `sleepUs` as `traces/kernel/periodic.c` does; `bursts` draws both lengths from the task's
 * own stream, run first; `phases` walks its list (`times` each), again from the start unless `loop` is false;
 * `trace` replays a recorded task's runs and sleeps (`options.inputs.taskSegments`), once unless `loop`. A
 * workload without `loop` exits after its last run.
 * @module
 */
import { SchedacctError } from '../errors.js';
import { usToNs } from './host.js';
import { sampleNs, type Stream } from './random.js';
import type { Phase, RunQueue, Segment, Workload } from './types.js';

/** `periodic.c`'s system-call spacing: its spin loop reads `CLOCK_THREAD_CPUTIME_ID` about every 2 µs of its runs. */
const PERIODIC_SYSCALL_US = 2;

/**
 * How often a workload's runs enter the kernel: `syscallUs` if given, else 2 µs for `periodic` (as the recordings'
 * `sched_stat_runtime` lines of `periodic.c` are spaced), never for the others.
 * @param workload - what the task does
 * @returns task-clock ns between system calls (0: none)
 * @internal
 */
export function syscallNsOf(workload: Workload): number {
  const us = 'syscallUs' in workload ? workload.syscallUs : undefined;
  return usToNs(us ?? (workload.kind === 'periodic' ? PERIODIC_SYSCALL_US : 0));
}

/**
 * A running task's system call now (`task_sched_runtime` → `update_curr`, kernel/sched/core.c), and when to plan its
 * next event: the first later call at which the policy would ask to reschedule (one event, not one per call), or its
 * burst's end.
 * @param rq - its CPU's run queue
 * @param syscallNs - task-clock ns between its calls (> 0)
 * @param taskClockNs - its task clock now
 * @param leftNs - task-clock ns left in its burst (> 0; Infinity for a hog)
 * @param rqClockNs - the CPU's task clock now
 * @returns −1: reschedule now; else task-clock ns to wait (Infinity: nothing to plan)
 * @internal
 */
export function syscallWaitNs(
  rq: RunQueue,
  syscallNs: number,
  taskClockNs: number,
  leftNs: number,
  rqClockNs: number,
): number {
  if (rq.update === undefined) return leftNs;
  if (rq.update(rqClockNs)) return -1;
  const after = rq.reschedAfterNs?.(rqClockNs) ?? Infinity;
  if (after >= leftNs) return leftNs;
  return Math.min(leftNs, Math.ceil((taskClockNs + after) / syscallNs) * syscallNs - taskClockNs);
}

/**
 * The bursts of one task, one at a time.
 * @internal
 */
export class WorkloadRunner {
  readonly #workload: Workload;
  readonly #next: Stream;
  readonly #segments: readonly Segment[];
  #index = 0;
  #times = 0;
  /** The burst's run, task-clock ns (Infinity: never ends). */
  runNs = 0;
  /** The sleep after it, guest ns (0: none; −1: exit after the run). */
  sleepNs = 0;

  /**
   * @param workload - what the task does
   * @param next - the task's own stream
   * @param segments - a `trace` workload's runs and sleeps
   * @throws {@link SchedacctError} `invalid-argument` for a `trace` workload without segments
   */
  constructor(workload: Workload, next: Stream, segments: readonly Segment[] | undefined) {
    this.#workload = workload;
    this.#next = next;
    if (workload.kind === 'trace' && segments === undefined) {
      throw new SchedacctError(
        'invalid-argument',
        `a trace workload (${workload.file}) needs its loaded segments in options.inputs.taskSegments (loadInputs)`,
      );
    }
    this.#segments = segments ?? [];
  }

  /**
   * Moves to the next burst (`runNs`, `sleepNs`).
   * @returns false when there is none (the task exits)
   */
  next(): boolean {
    const w = this.#workload;
    switch (w.kind) {
      case 'cpu':
        this.runNs = Infinity;
        this.sleepNs = 0;
        return true;
      case 'periodic':
        this.runNs = Math.max(1, usToNs(w.runUs));
        this.sleepNs = usToNs(w.sleepUs);
        return true;
      case 'bursts':
        this.runNs = sampleNs(this.#next, w.run);
        this.sleepNs = sampleNs(this.#next, w.sleep);
        return true;
      case 'phases':
        return this.#phase(w.phases, w.loop ?? true);
      case 'trace':
        return this.#segment(w.loop ?? false);
    }
  }

  #phase(phases: readonly Phase[], loop: boolean): boolean {
    if (this.#index >= phases.length) {
      if (!loop || phases.length === 0) return false;
      this.#index = 0;
    }
    const phase = phases[this.#index] as Phase;
    this.runNs = Math.max(1, usToNs(phase.runUs));
    this.sleepNs = usToNs(phase.sleepUs);
    if (++this.#times >= (phase.times ?? 1)) {
      this.#times = 0;
      this.#index++;
    }
    if (!loop && this.#index >= phases.length) this.sleepNs = -1;
    return true;
  }

  #segment(loop: boolean): boolean {
    const segments = this.#segments;
    if (this.#index >= segments.length) {
      if (!loop || segments.length === 0) return false;
      this.#index = 0;
    }
    const segment = segments[this.#index++] as Segment;
    this.runNs = Math.max(1, segment.runNs);
    this.sleepNs = segment.sleepNs;
    if (!loop && this.#index >= segments.length) this.sleepNs = -1;
    return true;
  }
}
