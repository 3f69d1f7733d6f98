/**
 * CFS as Linux ≤ 6.5 runs it (`kernel/sched/fair.c` of 6.5): vruntime by weight (`calc_delta_fair`), the leftmost
 * entity runs, a slice of `__sched_period(n) · w / Σw` (at least min_granularity, BASE_SLICE), `check_preempt_tick`
 * at every tick (the ideal runtime used up, or past min_granularity and ahead of the leftmost by more than the
 * ideal runtime), sleeper credit on wakeup (`place_entity`: max(vruntime, min_vruntime − latency/2),
 * GENTLE_FAIR_SLEEPERS), START_DEBIT for new tasks (min_vruntime + the new task's vslice; the parent's vruntime is
 * unknown here), wakeup preemption past `wakeup_gran` with the next buddy it sets and the last buddy from
 * `sched_nr_latency` tasks on, and vruntime kept relative to min_vruntime across migrations. Not modelled: groups,
 * the skip buddy (yield), NEXT_BUDDY (off by default), `entity_is_long_sleeper` (104 days).
 * @module
 */
import { SchedacctError } from '../../errors.js';
import { checkWhole } from '../../check.js';
import { cfsTunables, checkPolicyAllowed, type CfsTunables } from '../kernel.js';
import type { EnqueueFlags, PolicyEnv, RunQueue, SchedPolicy, SchedTask } from '../types.js';
import { calcDeltaFairUnchecked, calcDeltaUnchecked } from './calc-delta.js';
import { checkEnv, fairEntityOf } from './check-policy.js';
import { insertSorted, removeItem } from './run-math.js';
import { inverseWeightUnchecked } from './weights.js';

/**
 * CFS's `sched_entity`.
 * @internal
 */
export class CfsEntity {
  /** The task. */
  readonly task: SchedTask;
  /** Its weight. */
  readonly weight: number;
  /** Virtual runtime, virtual ns (relative to the run queue's min_vruntime while `normalized`). */
  vruntime = 0;
  /** Dequeued for a move: vruntime is relative (the kernel's `se->vruntime -= min_vruntime`). */
  normalized = false;
  /** Task-clock ns charged in all. */
  sumExecNs = 0;
  /** sumExecNs when it was last picked. */
  prevSumExecNs = 0;
  /** On a run queue. */
  onRq = false;
  /** The run queue it is on, or was last on. */
  rq: CfsRunQueue | undefined = undefined;

  /**
   * @param task - the task
   */
  constructor(task: SchedTask) {
    this.task = task;
    this.weight = task.weight;
  }
}

const byVruntime = (se: CfsEntity): number => se.vruntime;

/**
 * One CPU's CFS run queue.
 * @internal
 */
export class CfsRunQueue implements RunQueue {
  /** The CPU. */
  readonly cpu: number;
  readonly #tun: CfsTunables;
  /** Queued entities but curr, by vruntime; equal ones in insertion order. */
  readonly #tree: CfsEntity[] = [];
  #curr: CfsEntity | undefined = undefined;
  #next: CfsEntity | undefined = undefined;
  #last: CfsEntity | undefined = undefined;
  /** `min_vruntime`: never goes back. */
  #minVruntimeNs = 0;
  /** `load.weight`: Σ w of queued entities, curr included. */
  #loadWeight = 0;
  /** `nr_running`, curr included. */
  #nrRunning = 0;
  #execStartNs = 0;
  #lastNowNs = 0;
  #resched = false;

  /**
   * @param cpu - the CPU
   * @param env - the machine
   */
  constructor(cpu: number, env: PolicyEnv) {
    this.cpu = cpu;
    this.#tun = cfsTunables(env.cpus);
  }

  /** @returns the running task */
  get current(): SchedTask | undefined {
    return this.#curr?.onRq === true ? this.#curr.task : undefined;
  }

  /** @returns runnable tasks, the current one included */
  get nrRunning(): number {
    return this.#nrRunning;
  }

  /** @returns `min_vruntime`, virtual ns */
  get minVruntimeNs(): number {
    return this.#minVruntimeNs;
  }

  /**
   * `enqueue_entity`: charge curr, renormalise a moved entity, give a sleeper its credit, queue it.
   * @param task - the task
   * @param nowNs - task clock
   * @param flags - why
   */
  enqueue(task: SchedTask, nowNs: number, flags: EnqueueFlags): void {
    this.#clock(nowNs);
    const se = fairEntityOf(task, CfsEntity);
    if (se.onRq) throw new SchedacctError('invalid-argument', `task ${String(task.tid)} is already queued`);
    this.#updateCurr(nowNs);
    if (se.normalized) {
      se.vruntime += this.#minVruntimeNs;
      se.normalized = false;
    } else if (flags.initial) {
      // task_fork_fair's place_entity(initial) with START_DEBIT, the new entity not yet counted
      se.vruntime = this.#minVruntimeNs + calcDeltaFairUnchecked(this.#slice(se, false), se.weight);
    } else if (se.rq !== undefined && se.rq !== this) {
      // migrate_task_rq_fair of a waking task: relative to the old queue, then to this one
      se.vruntime = se.vruntime - se.rq.minVruntimeNs + this.#minVruntimeNs;
    }
    if (flags.wakeup) {
      // place_entity(initial = 0): a sleep up to half a latency does not count (GENTLE_FAIR_SLEEPERS)
      const placed = this.#minVruntimeNs - Math.floor(this.#tun.latencyNs / 2);
      if (placed > se.vruntime) se.vruntime = placed;
    }
    if (se !== this.#curr) insertSorted(this.#tree, se, se.vruntime, byVruntime);
    se.onRq = true;
    se.rq = this;
    this.#loadWeight += se.weight;
    this.#nrRunning++;
  }

  /**
   * `dequeue_entity`: charge curr, leave, keep vruntime relative to min_vruntime when it moves.
   * @param task - the task
   * @param nowNs - task clock
   * @param sleep - it goes to sleep
   */
  dequeue(task: SchedTask, nowNs: number, sleep: boolean): void {
    this.#clock(nowNs);
    const se = task.sched;
    if (!(se instanceof CfsEntity) || se.rq !== this || !se.onRq)
      throw new SchedacctError('invalid-argument', `task ${String(task.tid)} is not queued on CPU ${String(this.cpu)}`);
    this.#updateCurr(nowNs);
    this.#clearBuddies(se);
    if (se !== this.#curr) removeItem(this.#tree, se);
    se.onRq = false;
    this.#loadWeight -= se.weight;
    this.#nrRunning--;
    if (!sleep) {
      se.vruntime -= this.#minVruntimeNs;
      se.normalized = true;
    }
    this.#updateMinVruntime();
  }

  /**
   * `pick_next_task_fair`: the leftmost entity, or a buddy if picking it is not too unfair.
   * @param nowNs - task clock
   * @returns the task to run, or undefined
   */
  pickNext(nowNs: number): SchedTask | undefined {
    this.#clock(nowNs);
    const prev = this.#curr;
    const curr = prev?.onRq === true ? prev : undefined;
    if (curr !== undefined) this.#updateCurr(nowNs);
    const next = this.#pick(curr);
    if (next !== prev) {
      if (curr !== undefined) insertSorted(this.#tree, curr, curr.vruntime, byVruntime);
      this.#curr = undefined;
      if (next !== undefined) {
        this.#clearBuddies(next);
        removeItem(this.#tree, next);
        this.#curr = next;
        this.#execStartNs = nowNs;
        next.prevSumExecNs = next.sumExecNs;
      }
    }
    this.#resched = false;
    return next?.task;
  }

  /**
   * `entity_tick`: charge curr, then `check_preempt_tick` when another task is queued.
   * @param nowNs - task clock
   * @returns true to reschedule
   */
  tick(nowNs: number): boolean {
    this.#clock(nowNs);
    const c = this.#curr;
    if (c?.onRq !== true) return false;
    this.#updateCurr(nowNs);
    if (this.#nrRunning > 1) this.#checkPreemptTick(c);
    return this.#resched;
  }

  /**
   * `update_curr_fair` from the current task's own system call (`task_sched_runtime`, kernel/sched/core.c): CFS
   * charges curr and asks nothing; its slice ends at `check_preempt_tick`, from the tick only.
   * @param nowNs - task clock
   * @returns false, unless a reschedule was already asked for
   */
  update(nowNs: number): boolean {
    this.#clock(nowNs);
    if (this.#curr?.onRq === true) this.#updateCurr(nowNs);
    return this.#resched;
  }

  /**
   * `check_preempt_wakeup`: preempt when curr is ahead of the woken task by more than `wakeup_gran`.
   * @param task - the woken task
   * @param nowNs - task clock
   * @returns true to reschedule now
   */
  wakeupPreempt(task: SchedTask, nowNs: number): boolean {
    this.#clock(nowNs);
    const c = this.#curr?.onRq === true ? this.#curr : undefined;
    const se = task.sched;
    if (c === undefined) return true;
    if (c === se || !(se instanceof CfsEntity)) return false;
    if (this.#resched) return true;
    this.#updateCurr(nowNs);
    if (this.#wakeupPreemptEntity(c, se) !== 1) return false;
    this.#next = se;
    if (this.#nrRunning >= this.#tun.nrLatency) this.#last = c;
    this.#resched = true;
    return true;
  }

  /** @returns the queued tasks but the current one */
  queued(): SchedTask[] {
    return this.#tree.map((se) => se.task);
  }

  // pick_next_entity: leftmost (curr counts if strictly left of it), then the next buddy, then the last buddy
  #pick(curr: CfsEntity | undefined): CfsEntity | undefined {
    let left = this.#tree[0];
    if (left === undefined || (curr !== undefined && curr.vruntime < left.vruntime)) left = curr;
    if (left === undefined) return undefined;
    if (this.#next !== undefined && this.#wakeupPreemptEntity(this.#next, left) < 1) return this.#next;
    if (this.#last !== undefined && this.#wakeupPreemptEntity(this.#last, left) < 1) return this.#last;
    return left;
  }

  // check_preempt_tick
  #checkPreemptTick(c: CfsEntity): void {
    const idealNs = Math.min(this.#slice(c, true), this.#tun.latencyNs);
    const ranNs = c.sumExecNs - c.prevSumExecNs;
    if (ranNs > idealNs) {
      this.#resched = true;
      this.#clearBuddies(c);
      return;
    }
    if (ranNs < this.#tun.minGranularityNs) return;
    const first = this.#tree[0];
    if (first === undefined) return;
    const delta = c.vruntime - first.vruntime;
    if (delta > idealNs) this.#resched = true;
  }

  // wakeup_preempt_entity: −1 if se is not left of curr, 1 if more than wakeup_gran(se) left, else 0
  #wakeupPreemptEntity(curr: CfsEntity, se: CfsEntity): number {
    const vdiff = curr.vruntime - se.vruntime;
    if (vdiff <= 0) return -1;
    return vdiff > calcDeltaFairUnchecked(this.#tun.wakeupGranularityNs, se.weight) ? 1 : 0;
  }

  // sched_slice: period(n) · w / Σw, at least min_granularity (BASE_SLICE); an entity not queued counts as added
  #slice(se: CfsEntity, onRq: boolean): number {
    const n = this.#nrRunning + (onRq ? 0 : 1);
    const periodNs = n > this.#tun.nrLatency ? n * this.#tun.minGranularityNs : this.#tun.latencyNs;
    const load = this.#loadWeight + (onRq ? 0 : se.weight);
    const sliceNs = calcDeltaUnchecked(periodNs, se.weight, inverseWeightUnchecked(load));
    return Math.max(sliceNs, this.#tun.minGranularityNs);
  }

  #updateCurr(nowNs: number): void {
    const c = this.#curr;
    if (c?.onRq !== true) return;
    const deltaNs = nowNs - this.#execStartNs;
    if (deltaNs <= 0) return;
    this.#execStartNs = nowNs;
    c.sumExecNs += deltaNs;
    c.vruntime += calcDeltaFairUnchecked(deltaNs, c.weight);
    this.#updateMinVruntime();
  }

  // update_min_vruntime: the smaller of curr and the leftmost, never backwards
  #updateMinVruntime(): void {
    const c = this.#curr?.onRq === true ? this.#curr : undefined;
    const left = this.#tree[0];
    let v = this.#minVruntimeNs;
    if (c !== undefined) v = c.vruntime;
    if (left !== undefined) v = c === undefined ? left.vruntime : Math.min(v, left.vruntime);
    if (v > this.#minVruntimeNs) this.#minVruntimeNs = v;
  }

  #clearBuddies(se: CfsEntity): void {
    if (this.#next === se) this.#next = undefined;
    if (this.#last === se) this.#last = undefined;
  }

  #clock(nowNs: number): void {
    if (!Number.isSafeInteger(nowNs) || nowNs < this.#lastNowNs)
      checkWhole(`nowNs (the task clock, last ${String(this.#lastNowNs)})`, nowNs, this.#lastNowNs);
    this.#lastNowNs = nowNs;
  }
}

/**
 * The CFS policy.
 * @returns the policy; its run queues need a kernel ≤ 6.5 in `env.kernel`
 * @internal
 */
export function cfsPolicy(): SchedPolicy {
  return Object.freeze({
    name: 'cfs',
    realtime: false,
    createRunQueue(cpu: number, env: PolicyEnv): RunQueue {
      checkEnv(cpu, env);
      checkPolicyAllowed('cfs', env.kernel);
      return new CfsRunQueue(cpu, env);
    },
  });
}
