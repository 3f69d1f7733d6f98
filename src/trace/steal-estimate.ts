/**
 * Steal estimated from a trace: `sched_stat_runtime` reports task-clock runtime, which excludes steal on a guest with
 * paravirt steal accounting, so a slice's wall time minus the runtime reported inside it is the steal in that slice
 * (plus IRQ time where `CONFIG_IRQ_TIME_ACCOUNTING` is on). See REFERENCE §4.
 * @module
 */

/** What the steal estimate rests on. */
export interface StealEstimate {
  /** Slices with at least one `sched_stat_runtime` event (the only ones estimated). */
  slices: number;
  /** Σ (wall − runtime) over those slices: clock skew at slice edges cancels out here. */
  signedNs: number;
  /** Σ max(0, wall − runtime): what was charged as steal (never negative per slice). */
  clampedNs: number;
}

/**
 * Per task: the runtime reported since its switch-in, and where and when that switch-in was.
 * @internal
 */
export interface RuntimeWindow {
  /** Σ sched_stat_runtime since its switch-in, −1 when none came. */
  sliceRuntime: number;
  /** CPU of its last switch-in, −1 once it left. */
  inCpu: number;
  /** Time of its last switch-in. */
  inT: number;
}

/**
 * Adds a `sched_stat_runtime` amount to a task's window.
 * @param window - the task's window
 * @param runtimeNs - the runtime reported
 * @internal
 */
export function addRuntime(window: RuntimeWindow, runtimeNs: number): void {
  window.sliceRuntime = (window.sliceRuntime < 0 ? 0 : window.sliceRuntime) + runtimeNs;
}

/**
 * The steal of the slice a switch ends, from the outgoing task's window; updates the estimate and moves both
 * windows on (the outgoing task left, the incoming one starts on `cpu` at `t`). Only a slice from the task's own
 * switch-in on this CPU is estimated: where the trace lost it, perf's `t − tprev` includes time the task never ran.
 * @param estimate - the running estimate
 * @param prev - the outgoing task's window
 * @param next - the incoming task's window
 * @param cpu - the CPU
 * @param tprev - the CPU's previous switch (0 at its first)
 * @param t - this switch
 * @returns steal in the slice, 0 … `t − tprev`
 * @internal
 */
export function sliceSteal(
  estimate: StealEstimate,
  prev: RuntimeWindow,
  next: RuntimeWindow,
  cpu: number,
  tprev: number,
  t: number,
): number {
  const runtime = prev.sliceRuntime;
  let stolen = 0;
  if (runtime >= 0 && tprev !== 0 && prev.inCpu === cpu && prev.inT === tprev) {
    const signed = t - tprev - runtime;
    estimate.slices++;
    estimate.signedNs += signed;
    stolen = Math.max(0, Math.min(signed, t - tprev));
    estimate.clampedNs += stolen;
  }
  prev.sliceRuntime = -1;
  next.sliceRuntime = -1;
  prev.inCpu = -1;
  next.inCpu = cpu;
  next.inT = t;
  return stolen;
}
