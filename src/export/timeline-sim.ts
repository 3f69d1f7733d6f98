/**
 * A {@link Timeline} from a simulation: its slices from the observer's switches (with the steal the guest booked for
 * each), the host's steal intervals from the resolved scenario, the task totals and anomalies from the run's ledger.
 * @module
 */
import { argError, checkOptions, checkString } from '../check.js';
import { msToNs, nsIntervals, stealIntervals, TimeMap } from '../sim/host.js';
import type { NsInterval, SimInputs, SimObserver, SimResult, SimTaskRef } from '../sim/types.js';
import { placedAnomalies, sortSlices } from './timeline-build.js';
import type { Timeline, TimelineInterval, TimelineSlice } from './timeline.js';

/** A slice not closed yet. */
interface OpenSlice {
  readonly tid: number;
  readonly name: string;
  readonly startNs: number;
  readonly delayNs: number;
}

/** Options of {@link SimTimeline.finish}. */
export interface SimTimelineOptions {
  /** The title (default: the scenario's policy, accounting and vCPUs). */
  readonly title?: string;
  /** The loaded inputs the run had (needed for `trace` steal, else its intervals are not drawn). */
  readonly inputs?: SimInputs;
}

/**
 * Collects a simulation's run slices as its observer (pass it as `simulate`'s `observer`, or combine it with others
 * by `combineObservers`); {@link SimTimeline.finish} makes the timeline from the run's result. A slice still open
 * when the run ends was never booked by the ledger (as perf's timehist, which shows a slice at its switch-out) and
 * is not drawn, so the slices' sums equal the ledger's totals.
 * @example
 * ```ts
 * import { resolveScenario, simulate } from 'schedacct/sim';
 * import { SimTimeline } from 'schedacct/export';
 * const scenario = resolveScenario({
 *   durationMs: 50,
 *   host: { steal: { '*': { kind: 'constant', share: 0.2 } } },
 *   tasks: [{ name: 'hog', count: 2, workload: { kind: 'cpu' } }],
 * });
 * const timeline = new SimTimeline();
 * const result = simulate(scenario, { observer: timeline });
 * const view = timeline.finish(result);
 * view.slices.length > 0 && view.steal.length > 0; // true
 * ```
 */
export class SimTimeline implements SimObserver {
  readonly #slices: TimelineSlice[] = [];
  readonly #open = new Map<number, OpenSlice>();
  // When each runnable task became runnable (woken, created or preempted), guest ns.
  readonly #runnableAt = new Map<number, number>();
  #finished = false;

  /**
   * A task was created: runnable from now.
   * @param atNs - guest ns
   * @param _cpu - the CPU
   * @param task - the task
   */
  onCreate(atNs: number, _cpu: number, task: SimTaskRef): void {
    this.#runnableAt.set(task.tid, atNs);
  }

  /**
   * A task was woken: runnable from now.
   * @param atNs - guest ns
   * @param _cpu - the waker's CPU
   * @param task - the task
   */
  onWakeup(atNs: number, _cpu: number, task: SimTaskRef): void {
    this.#runnableAt.set(task.tid, atNs);
  }

  /**
   * A switch: closes `prev`'s slice on `cpu`, opens `next`'s.
   * @param atNs - guest ns
   * @param cpu - the CPU
   * @param prev - the task switched out (undefined: idle)
   * @param prevState - the state it left in
   * @param next - the task switched in (undefined: idle)
   * @param prevStolenNs - the steal the guest booked for prev's slice
   */
  onSwitch(
    atNs: number,
    cpu: number,
    prev: SimTaskRef | undefined,
    prevState: 'R' | 'S' | 'X',
    next: SimTaskRef | undefined,
    prevStolenNs = 0,
  ): void {
    const open = this.#open.get(cpu);
    if (prev !== undefined && open !== undefined && open.tid === prev.tid) {
      const wallNs = atNs - open.startNs;
      this.#slices.push({
        cpu,
        tid: open.tid,
        name: open.name,
        startNs: open.startNs,
        endNs: atNs,
        stolenNs: Math.min(Math.max(prevStolenNs, 0), wallNs),
        delayNs: open.delayNs,
        state: prevState,
      });
      if (prevState === 'R') this.#runnableAt.set(prev.tid, atNs);
    }
    this.#open.delete(cpu);
    if (next === undefined) return;
    const since = this.#runnableAt.get(next.tid);
    this.#runnableAt.delete(next.tid);
    this.#open.set(cpu, {
      tid: next.tid,
      name: next.name,
      startNs: atNs,
      delayNs: since === undefined ? 0 : atNs - since,
    });
  }

  /**
   * The timeline, once the run has ended. Call it once.
   * @param result - what `simulate` returned
   * @param options - a title, the run's inputs
   * @returns the timeline
   * @throws {@link SchedacctError} `invalid-argument` when called twice or given bad options
   */
  finish(result: SimResult, options: SimTimelineOptions = {}): Timeline {
    if (this.#finished) throw argError('invalid-argument', 'finish', 'called once', 'a second call');
    checkOptions('options', options);
    const s = result.scenario;
    const title = options.title ?? `${s.policy}, accounting ${s.accounting}, ${String(s.cpus)} vCPU`;
    checkString('options.title', title);
    this.#finished = true;
    const time = new TimeMap(nsIntervals(s.host.pauses));
    const endNs = time.guest(msToNs(s.durationMs));
    return {
      source: 'simulate',
      title,
      cpus: s.cpus,
      startNs: 0,
      endNs,
      slices: sortSlices(this.#slices),
      steal: simSteal(result, options.inputs, time, endNs),
      tasks: result.tasks.map((t) => ({
        tid: t.tid,
        name: t.name,
        runNs: t.totals.runNs,
        chargedNs: t.totals.chargedNs,
        stolenNs: t.totals.stolenNs,
        slices: t.totals.slices,
      })),
      anomalies: placedAnomalies(result.ledger),
    };
  }
}

/**
 * The host's steal intervals of a run, guest ns, per vCPU in order then by vCPU: the scenario's steal outside the
 * pauses (a pause stops the guest's clock and is not steal), clipped to the run.
 * @param result - the run
 * @param inputs - its loaded inputs (a `trace` steal without them is left out)
 * @param time - its host-to-guest map
 * @param endNs - the run's end, guest ns
 * @returns the intervals
 * @internal
 */
export function simSteal(
  result: SimResult,
  inputs: SimInputs | undefined,
  time: TimeMap,
  endNs: number,
): TimelineInterval[] {
  const s = result.scenario;
  const hostEndNs = msToNs(s.durationMs);
  const pauses = nsIntervals(s.host.pauses);
  const out: TimelineInterval[] = [];
  s.host.steal.forEach((spec, cpu) => {
    if (spec.kind === 'trace' && inputs?.hostSteal.get(cpu) === undefined) return;
    for (const steal of stealIntervals(spec, cpu, s.seed, inputs)) {
      if (steal.startNs >= hostEndNs) break;
      for (const piece of outside(steal, pauses)) {
        const startNs = time.guest(piece.startNs);
        const stopNs = Math.min(time.guest(piece.endNs), endNs);
        if (stopNs > startNs) out.push({ cpu, startNs, endNs: stopNs });
      }
    }
  });
  return out;
}

// The parts of an interval outside the pauses (sorted, not overlapping).
function outside(interval: NsInterval, pauses: readonly NsInterval[]): NsInterval[] {
  let parts: NsInterval[] = [interval];
  for (const p of pauses) {
    if (p.endNs <= interval.startNs || p.startNs >= interval.endNs) continue;
    parts = parts.flatMap((q) => [
      ...(p.startNs > q.startNs ? [{ startNs: q.startNs, endNs: Math.min(p.startNs, q.endNs) }] : []),
      ...(p.endNs < q.endNs ? [{ startNs: Math.max(p.endNs, q.startNs), endNs: q.endNs }] : []),
    ]);
  }
  return parts.filter((q) => q.endNs > q.startNs);
}
