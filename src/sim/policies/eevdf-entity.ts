/**
 * EEVDF's per-task state and its rules by kernel version: the kernel's `sched_entity` (kernel/sched/fair.c's fields
 * this model uses), the views tests read, and the pure placement and pick math of `place_entity` and `pick_eevdf`,
 * apart from the run queue (eevdf.ts) that keeps the sums they use.
 * @module
 * @internal
 */
import { baseSliceNs, kernelAtLeast } from '../kernel.js';
import type { PolicyEnv, SchedTask } from '../types.js';
import { calcDeltaFairUnchecked, fairFactShift, mulU64U32Shr, type FactShift } from './calc-delta.js';
import { mulDivTrunc } from './run-math.js';

/** What an entity needs of the run queue it is on (eevdf.ts's `EevdfRunQueue`). */
interface EntityQueue {
  finishDelayed(se: EevdfEntity): void;
}

/**
 * The kernel's `sched_entity` for EEVDF: what one task carries between run queues.
 * @internal
 */
export class EevdfEntity {
  /** The task. */
  readonly task: SchedTask;
  /** Its weight when it was first queued (reweighting is not modelled). */
  readonly weight: number;
  /** Virtual runtime, virtual ns. */
  vruntime = 0;
  /** Virtual deadline (relative to vruntime while `relDeadline`). */
  deadline = 0;
  /** Lag saved at the last dequeue, virtual ns. */
  vlag = 0;
  /** Requested slice, ns (the base slice). */
  slice = 0;
  /** RUN_TO_PARITY: protected while vruntime < vprot. */
  vprot = 0;
  /** PLACE_REL_DEADLINE: `deadline` holds deadline − vruntime (a migration). */
  relDeadline = false;
  /** DELAY_DEQUEUE: asleep but still queued until it is eligible. */
  delayed = false;
  /** On a run queue (queued, running or delayed). */
  onRq = false;
  /** The run queue it is on. */
  rq: EntityQueue | undefined = undefined;
  /** Total task-clock time charged, ns. */
  sumExecNs = 0;
  /** `calc_delta_fair`'s factors for its weight, looked up once. */
  readonly fair: FactShift;

  /**
   * @param task - the task
   */
  constructor(task: SchedTask) {
    this.task = task;
    this.weight = task.weight;
    this.fair = fairFactShift(task.weight);
  }
}

/**
 * The run list's order.
 * @param se - an entity
 * @returns its deadline
 * @internal
 */
export const byDeadline = (se: EevdfEntity): number => se.deadline;

/**
 * One entity as `EevdfRunQueue.inspect` shows it.
 * @internal
 */
export interface EevdfEntityView {
  readonly tid: number;
  readonly weight: number;
  readonly vruntimeNs: number;
  readonly deadlineNs: number;
  readonly vlagNs: number;
  readonly current: boolean;
  readonly delayed: boolean;
  readonly eligible: boolean;
}

/**
 * A run queue's state for tests: V and every queued entity (current and delayed ones included).
 * @internal
 */
export interface EevdfView {
  readonly vNs: number;
  readonly entities: readonly EevdfEntityView[];
}

/**
 * An entity's view.
 * @param se - the entity
 * @param current - it is `cfs_rq->curr`
 * @param eligible - its lag is ≥ 0
 * @returns the view
 * @internal
 */
export function entityView(se: EevdfEntity, current: boolean, eligible: boolean): EevdfEntityView {
  const { weight, vruntime, deadline, vlag, delayed } = se;
  return {
    tid: se.task.tid,
    weight,
    vruntimeNs: vruntime,
    deadlineNs: deadline,
    vlagNs: vlag,
    current,
    delayed,
    eligible,
  };
}

/**
 * Task-clock ns of running until an entity's vruntime reaches `targetV`, less what is not charged yet.
 * @param se - the running entity
 * @param targetV - the vruntime to reach
 * @param pendingNs - task-clock ns run since it was last charged
 * @returns ns from now, ≥ 1 when nothing is pending (`update_curr` charges only time that passed)
 * @internal
 */
export function taskNsUntil(se: EevdfEntity, targetV: number, pendingNs: number): number {
  const vleft = targetV - se.vruntime;
  // invert calc_delta_fair (≈ Δ·1024/w), then step past its rounding
  let ns = se.weight === 1024 ? vleft : Math.ceil((vleft * se.weight) / 1024);
  while (ns > 0 && fairNs(se, ns) < vleft) ns++;
  return Math.max(pendingNs > 0 ? 0 : 1, ns - pendingNs);
}

/**
 * `calc_delta_fair(ns, se)` with the entity's own factors: virtual ns of `ns` of its task clock.
 * @param se - the entity
 * @param ns - whole ns ≥ 0
 * @returns virtual ns, as calcDeltaFair gives them
 * @internal
 */
export function fairNs(se: EevdfEntity, ns: number): number {
  return se.weight === 1024 ? ns : mulU64U32Shr(ns, se.fair.fact, se.fair.shift);
}

/**
 * The rules a kernel version gives EEVDF.
 * @internal
 */
export interface EevdfRules {
  readonly baseSliceNs: number;
  readonly tickNs: number;
  /** 6.12: DELAY_DEQUEUE, DELAY_ZERO, PLACE_REL_DEADLINE. */
  readonly delayDequeue: boolean;
  /** 6.17: the lag clamp is the largest queued slice plus a tick. */
  readonly maxSliceClamp: boolean;
}

/**
 * The rules of `env.kernel` on `env.cpus` CPUs.
 * @param env - the machine
 * @returns the rules
 * @internal
 */
export function eevdfRules(env: PolicyEnv): EevdfRules {
  return {
    baseSliceNs: baseSliceNs(env.kernel, env.cpus),
    tickNs: env.tickNs,
    delayDequeue: kernelAtLeast(env.kernel, 6, 12),
    maxSliceClamp: kernelAtLeast(env.kernel, 6, 17),
  };
}

/**
 * `update_entity_lag`'s limit for an entity of this weight, virtual ns.
 * @param rules - the version's rules
 * @param weight - the entity's weight
 * @param sliceNs - its slice
 * @returns the limit
 * @internal
 */
export function lagLimit(rules: EevdfRules, weight: number, sliceNs: number): number {
  // every entity's slice is the base slice, so cfs_rq_max_slice is the base slice
  const span = rules.maxSliceClamp ? rules.baseSliceNs + rules.tickNs : Math.max(2 * sliceNs, rules.tickNs);
  return calcDeltaFairUnchecked(span, weight);
}

/**
 * `place_entity`'s vruntime: V − vlag · (W + w) / W (PLACE_LAG), W the queued load with curr.
 * @param vNs - V
 * @param se - the entity (its `vlag` and `weight`)
 * @param nrQueued - entities queued (none: the lag is dropped)
 * @param loadW - W
 * @returns the vruntime
 * @internal
 */
export function placedVruntime(vNs: number, se: EevdfEntity, nrQueued: number, loadW: number): number {
  if (nrQueued === 0 || se.vlag === 0) return vNs;
  return vNs - mulDivTrunc(se.vlag, loadW + se.weight, loadW === 0 ? 1 : loadW);
}

/**
 * `pick_eevdf`: curr while its slice is protected (RUN_TO_PARITY), else the earliest eligible deadline, curr among
 * them when eligible; `tree` is sorted by deadline.
 * @param tree - the queued entities but curr, by deadline
 * @param curr - the current entity when it is queued
 * @param nrQueued - `nr_queued` (curr and delayed ones included)
 * @param eligible - `vruntime_eligible` of the run queue
 * @returns the pick
 * @internal
 */
export function pickEevdf(
  tree: readonly EevdfEntity[],
  curr: EevdfEntity | undefined,
  nrQueued: number,
  eligible: (vruntime: number) => boolean,
): EevdfEntity | undefined {
  if (nrQueued === 1) return curr ?? tree[0];
  const c = curr !== undefined && eligible(curr.vruntime) ? curr : undefined;
  if (c !== undefined && c.vprot > c.vruntime) return c;
  let best: EevdfEntity | undefined;
  for (const se of tree) {
    if (eligible(se.vruntime)) {
      best = se;
      break;
    }
  }
  if (best === undefined || (c !== undefined && c.deadline < best.deadline)) best = c;
  return best;
}
