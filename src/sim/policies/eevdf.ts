/**
 * EEVDF as Linux 6.6–6.18 runs it (`kernel/sched/fair.c`, the 6.18 bodies with version switches): V over queued
 * entities (curr included, left-biased floor), eligibility without division, virtual deadlines at the base slice,
 * lag kept over sleep and placed scaled by (W + w) / W (PLACE_LAG), half a slice for new tasks
 * (PLACE_DEADLINE_INITIAL), RUN_TO_PARITY, from 6.12 DELAY_DEQUEUE/DELAY_ZERO and PLACE_REL_DEADLINE; `update_curr`
 * also from the task's own system calls. The lag clamp is `calc_delta_fair(max(2·slice, TICK_NSEC))` before 6.17,
 * `cfs_rq_max_slice + TICK_NSEC` from 6.17 ("Increase max lag clamping", July 2025). Not modelled: custom slices
 * (`sched_setattr`: every slice is the base slice, PREEMPT_SHORT never fires), buddies (NEXT_BUDDY is off by
 * default), group scheduling (autogroups), reweighting a queued entity. The run list is a sorted array.
 * @module
 */
import { SchedacctError } from '../../errors.js';
import { checkWhole } from '../../check.js';
import { checkPolicyAllowed } from '../kernel.js';
import type { EnqueueFlags, PolicyEnv, RunQueue, SchedPolicy, SchedTask } from '../types.js';
import { checkEnv, fairEntityOf } from './check-policy.js';
import {
  byDeadline,
  EevdfEntity,
  eevdfRules,
  entityView,
  fairNs,
  lagLimit,
  pickEevdf,
  placedVruntime,
  taskNsUntil,
  type EevdfRules,
  type EevdfView,
} from './eevdf-entity.js';
import { checkExact, floorDiv, geqProduct, insertSorted, removeItem } from './run-math.js';

export { EevdfEntity, type EevdfEntityView, type EevdfView } from './eevdf-entity.js';

/**
 * One CPU's EEVDF run queue (`struct cfs_rq` without groups). Sums exclude the current entity, as the kernel keeps
 * `curr` out of the tree; `avg_vruntime` adds it back.
 * @internal
 */
export class EevdfRunQueue implements RunQueue {
  /** The CPU. */
  readonly cpu: number;
  readonly #rules: EevdfRules;
  /** Queued entities but curr, by deadline; equal deadlines in insertion order. */
  readonly #tree: EevdfEntity[] = [];
  readonly #isEligible = (vruntime: number): boolean => this.#eligible(vruntime); // one closure, not one a pick
  /** `cfs_rq->curr`: set from a pick until the next pick, even after it blocks. */
  #curr: EevdfEntity | undefined = undefined;
  /** v0 (`zero_vruntime`): follows V as in Linux 6.19, which keeps keys small; V does not depend on it. */
  #zeroNs = 0;
  /** Σ (v_i − v0) · w_i over the tree (`sum_w_vruntime`, `avg_vruntime` before 6.19). */
  #sumWVruntime = 0;
  /** Σ w_i over the tree (`sum_weight`, `avg_load` before 6.19). */
  #sumWeight = 0;
  /** `nr_queued`: queued entities, curr and delayed ones included. */
  #nrQueued = 0;
  #nrDelayed = 0;
  #execStartNs = 0;
  #lastNowNs = 0;
  /** need_resched, set by any `update_curr` until the next pick. */
  #resched = false;

  /**
   * @param cpu - the CPU
   * @param env - the machine
   */
  constructor(cpu: number, env: PolicyEnv) {
    this.cpu = cpu;
    this.#rules = eevdfRules(env);
  }

  /** @returns the running task (not one that blocked or is delayed) */
  get current(): SchedTask | undefined {
    const c = this.#curr;
    return c !== undefined && c.onRq && !c.delayed ? c.task : undefined;
  }

  /**
   * Runnable tasks, the current one included, delayed sleepers not.
   * @returns how many
   */
  get nrRunning(): number {
    return this.#nrQueued - this.#nrDelayed;
  }

  /**
   * `enqueue_entity`: charge curr, place the entity by its lag, queue it; a delayed sleeper is requeued instead.
   * @param task - the task
   * @param nowNs - task clock
   * @param flags - why
   */
  enqueue(task: SchedTask, nowNs: number, flags: EnqueueFlags): void {
    this.#clock(nowNs);
    const se = fairEntityOf(task, EevdfEntity);
    if (se.onRq) {
      if (!se.delayed) throw new SchedacctError('invalid-argument', `task ${String(task.tid)} is already queued`);
      if (se.rq === this) {
        this.#requeueDelayed(se);
        return;
      }
      se.rq?.finishDelayed(se);
    }
    this.#updateCurr(nowNs);
    this.#place(se, flags.initial);
    if (se !== this.#curr) this.#treeAdd(se);
    se.onRq = true;
    se.rq = this;
    this.#nrQueued++;
  }

  /**
   * `dequeue_entity`: charge curr, save the clamped lag, leave; a sleeper with negative lag stays delayed (6.12+).
   * @param task - the task
   * @param nowNs - task clock
   * @param sleep - it goes to sleep
   */
  dequeue(task: SchedTask, nowNs: number, sleep: boolean): void {
    this.#clock(nowNs);
    const se = task.sched;
    if (!(se instanceof EevdfEntity) || se.rq !== this || !se.onRq)
      throw new SchedacctError('invalid-argument', `task ${String(task.tid)} is not queued on CPU ${String(this.cpu)}`);
    if (se.delayed) {
      this.finishDelayed(se);
      return;
    }
    this.#updateCurr(nowNs);
    if (this.#rules.delayDequeue && sleep && !this.#eligible(se.vruntime)) {
      se.delayed = true;
      this.#nrDelayed++;
      return;
    }
    this.#updateEntityLag(se);
    if (this.#rules.delayDequeue && !sleep) {
      se.deadline -= se.vruntime;
      se.relDeadline = true;
    }
    this.#leave(se);
  }

  /**
   * `pick_next_task_fair`: charge curr, pick the earliest eligible deadline (delayed picks leave for good), then put
   * the previous one back and set the next; the same task again is left as it was, as `put_prev_set_next_task` does.
   * @param nowNs - task clock
   * @returns the task to run, or undefined
   */
  pickNext(nowNs: number): SchedTask | undefined {
    this.#clock(nowNs);
    const prev = this.#curr;
    if (prev?.onRq === true) this.#updateCurr(nowNs);
    let next = this.#pick();
    while (next?.delayed === true) {
      this.finishDelayed(next);
      next = this.#pick();
    }
    if (next !== prev) {
      if (prev?.onRq === true) this.#treeAdd(prev);
      this.#curr = undefined;
      if (next !== undefined) {
        this.#treeRemove(next);
        // set_protect_slice: with every slice the base slice, protected up to the deadline
        next.vprot = next.deadline;
        this.#curr = next;
        this.#execStartNs = nowNs;
      }
    }
    this.#resched = false;
    return next?.task;
  }

  /**
   * `task_tick_fair`: `update_curr`, which asks to reschedule when the deadline passed (or the slice is no longer
   * protected) and another entity is queued.
   * @param nowNs - task clock
   * @returns true to reschedule
   */
  tick(nowNs: number): boolean {
    this.#clock(nowNs);
    if (this.current === undefined) return false;
    this.#updateCurr(nowNs);
    return this.#resched;
  }

  /**
   * `update_curr_fair` from the current task's own system call (`task_sched_runtime`, kernel/sched/core.c).
   * @param nowNs - task clock
   * @returns true to reschedule (the deadline or the protection passed), honoured on the return to user mode
   */
  update(nowNs: number): boolean {
    return this.tick(nowNs);
  }

  /**
   * Task-clock ns until `update_curr` would ask to reschedule: until vruntime reaches min(deadline, vprot), when
   * another entity is queued.
   * @param nowNs - task clock
   * @returns ns from now (0: already asked; Infinity: alone)
   */
  reschedAfterNs(nowNs: number): number {
    const c = this.#curr;
    if (this.#resched) return 0;
    if (c === undefined || !c.onRq || c.delayed || this.#nrQueued === 1) return Infinity;
    return taskNsUntil(c, Math.min(c.deadline, c.vprot), nowNs - this.#execStartNs);
  }

  /**
   * `check_preempt_wakeup_fair`: charge curr, then preempt if the woken entity is now the EEVDF pick.
   * @param task - the woken task
   * @param nowNs - task clock
   * @returns true to reschedule now
   */
  wakeupPreempt(task: SchedTask, nowNs: number): boolean {
    this.#clock(nowNs);
    const c = this.current;
    if (c === undefined) return true;
    if (c === task) return false;
    if (this.#resched) return true;
    this.#updateCurr(nowNs);
    return this.#pick() === task.sched || this.#resched;
  }

  /** @returns the queued tasks (not the current one, not delayed sleepers) */
  queued(): SchedTask[] {
    const out: SchedTask[] = [];
    for (const se of this.#tree) if (!se.delayed) out.push(se.task);
    return out;
  }

  /** @returns V and every entity, for tests */
  inspect(): EevdfView {
    const vNs = this.#avgVruntime();
    const all = this.#curr?.onRq === true ? [this.#curr, ...this.#tree] : [...this.#tree];
    const entities = all.map((se) => entityView(se, se === this.#curr, this.#eligible(se.vruntime)));
    return { vNs, entities };
  }

  /**
   * The lag clamp of an entity of this weight, virtual ns (`update_entity_lag`'s limit).
   * @param weight - the entity's weight
   * @param sliceNs - its slice (default the base slice)
   * @returns the limit
   */
  lagLimitNs(weight: number, sliceNs: number = this.#rules.baseSliceNs): number {
    return lagLimit(this.#rules, weight, sliceNs);
  }

  /**
   * Ends a delayed dequeue (`dequeue_entity` with DEQUEUE_DELAYED, then DELAY_ZERO): the entity leaves for good.
   * @param se - a delayed entity of this run queue
   */
  finishDelayed(se: EevdfEntity): void {
    this.#updateCurr(this.#lastNowNs);
    this.#updateEntityLag(se);
    se.delayed = false;
    this.#nrDelayed--;
    if (se.vlag > 0) se.vlag = 0;
    this.#leave(se);
  }

  // requeue_delayed_entity (DELAY_ZERO): an entity that became eligible while delayed starts again at zero lag
  #requeueDelayed(se: EevdfEntity): void {
    this.#updateEntityLag(se);
    if (se.vlag > 0) {
      this.#nrQueued--;
      if (se !== this.#curr) this.#treeRemove(se);
      se.vlag = 0;
      this.#place(se, false);
      if (se !== this.#curr) this.#treeAdd(se);
      this.#nrQueued++;
    }
    se.delayed = false;
    this.#nrDelayed--;
  }

  #leave(se: EevdfEntity): void {
    if (se !== this.#curr) this.#treeRemove(se);
    se.onRq = false;
    se.rq = undefined;
    this.#nrQueued--;
  }

  #clock(nowNs: number): void {
    if (!Number.isSafeInteger(nowNs) || nowNs < this.#lastNowNs)
      checkWhole(`nowNs (the task clock, last ${String(this.#lastNowNs)})`, nowNs, this.#lastNowNs);
    this.#lastNowNs = nowNs;
  }

  // update_curr: charge task-clock time as vruntime, renew the deadline, ask to reschedule
  #updateCurr(nowNs: number): void {
    const c = this.#curr;
    if (c?.onRq !== true) return;
    const deltaNs = nowNs - this.#execStartNs;
    if (deltaNs <= 0) return;
    this.#execStartNs = nowNs;
    c.sumExecNs += deltaNs;
    c.vruntime += fairNs(c, deltaNs);
    const renewed = this.#updateDeadline(c);
    if (this.#nrQueued === 1) return;
    if (renewed || c.vprot <= c.vruntime) this.#resched = true;
  }

  // update_deadline: vd_i = ve_i + r_i / w_i once the request is used up
  #updateDeadline(se: EevdfEntity): boolean {
    if (se.vruntime < se.deadline) return false;
    se.slice = this.#rules.baseSliceNs;
    se.deadline = se.vruntime + fairNs(se, se.slice);
    this.#avgVruntime();
    return true;
  }

  // place_entity: vruntime = V − lag · (W + w) / W; a new task's deadline is half a slice away
  #place(se: EevdfEntity, initial: boolean): void {
    const vNs = this.#avgVruntime();
    se.slice = this.#rules.baseSliceNs;
    let vslice = fairNs(se, se.slice);
    se.vruntime = placedVruntime(vNs, se, this.#nrQueued, this.#loadWithCurr());
    if (se.relDeadline) {
      se.deadline += se.vruntime;
      se.relDeadline = false;
      return;
    }
    if (initial) vslice = Math.floor(vslice / 2);
    se.deadline = se.vruntime + vslice;
  }

  // update_entity_lag: vlag = V − v_i, clamped
  #updateEntityLag(se: EevdfEntity): void {
    const limit = this.lagLimitNs(se.weight, se.slice);
    const vlag = this.#avgVruntime() - se.vruntime;
    se.vlag = vlag > limit ? limit : vlag < -limit ? -limit : vlag;
  }

  // avg_vruntime: V = v0 + floor(Σ (v_i − v0)·w_i / Σ w_i), curr included; then v0 := V (Linux 6.19)
  #avgVruntime(): number {
    const sum = this.#sumWithCurr();
    const load = this.#loadWithCurr();
    if (load === 0) return this.#zeroNs;
    checkExact('Σ (v_i − v0)·w_i', sum);
    const deltaNs = floorDiv(sum, load);
    if (deltaNs !== 0) {
      this.#sumWVruntime -= this.#sumWeight * deltaNs;
      this.#zeroNs += deltaNs;
    }
    return this.#zeroNs;
  }

  // vruntime_eligible: Σ (v_j − v0)·w_j ≥ (v − v0) · Σ w_j, curr included
  #eligible(vruntime: number): boolean {
    return geqProduct(this.#sumWithCurr(), vruntime - this.#zeroNs, this.#loadWithCurr());
  }

  // the sums with curr, which the tree's leave out
  #sumWithCurr(): number {
    const c = this.#curr;
    return c?.onRq === true ? this.#sumWVruntime + (c.vruntime - this.#zeroNs) * c.weight : this.#sumWVruntime;
  }

  #loadWithCurr(): number {
    const c = this.#curr;
    return c?.onRq === true ? this.#sumWeight + c.weight : this.#sumWeight;
  }

  // pick_eevdf with protection: curr while its slice is protected, else the earliest eligible deadline
  #pick(): EevdfEntity | undefined {
    const c = this.#curr?.onRq === true ? this.#curr : undefined;
    return pickEevdf(this.#tree, c, this.#nrQueued, this.#isEligible);
  }

  #treeAdd(se: EevdfEntity): void {
    insertSorted(this.#tree, se, se.deadline, byDeadline);
    this.#sumWVruntime += (se.vruntime - this.#zeroNs) * se.weight;
    this.#sumWeight += se.weight;
    checkExact('Σ (v_i − v0)·w_i', this.#sumWVruntime);
  }

  #treeRemove(se: EevdfEntity): void {
    if (!removeItem(this.#tree, se)) return;
    this.#sumWVruntime -= (se.vruntime - this.#zeroNs) * se.weight;
    this.#sumWeight -= se.weight;
  }
}

/**
 * The EEVDF policy.
 * @returns the policy; its run queues take their rules from `env.kernel` (6.6 or later)
 * @internal
 */
export function eevdfPolicy(): SchedPolicy {
  return Object.freeze({
    name: 'eevdf',
    realtime: false,
    createRunQueue(cpu: number, env: PolicyEnv): RunQueue {
      checkEnv(cpu, env);
      checkPolicyAllowed('eevdf', env.kernel);
      return new EevdfRunQueue(cpu, env);
    },
  });
}
