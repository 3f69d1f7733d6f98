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
import type { Phase, Segment, Workload } from './types.js';

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
