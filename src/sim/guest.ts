/**
 * The guest kernel's view of one CPU: its run queue (the policy's), and its run-queue clocks as `update_rq_clock` and
 * `update_rq_clock_task` (kernel/sched/core.c) keep them. At every update, `delta = now − clock`; with paravirt steal
 * accounting the stolen total is read through the ABI, `steal = min(total − prev_steal, delta)`, and `prev_steal`
 * becomes the sampled total (`drop`, since commit 108ad0999085) or grows by the steal taken (`carry`, before);
 * `clock_task += delta − steal`. Under `none` (no paravirt steal accounting) steal is never read or subtracted, so
 * `clock_task` is wall time. `clock_task` is what the policy is given as `nowNs` and what a task's runtime is charged
 * from (`update_curr`).
 * @module
 */
import type { VcpuHost } from './host.js';
import type { AccountingPolicy, RunQueue } from './types.js';

/**
 * One guest CPU: run queue, run-queue clocks, and the engine's marks for it (its current task, its pending tick and
 * burst end, the work deferred while its vCPU is stolen or the VM paused, where its host time went).
 * @internal
 */
export class GuestCpu {
  /** Its index. */
  readonly index: number;
  /** The policy's run queue. */
  readonly rq: RunQueue;
  /** The vCPU under it. */
  readonly host: VcpuHost;
  readonly #accounting: AccountingPolicy;
  /** `rq->clock`: guest wall ns at the last update. */
  clockNs = 0;
  /** `rq->clock_task`: wall ns minus the steal subtracted. */
  clockTaskNs = 0;
  /** `rq->prev_steal_time_rq`. */
  prevStealNs = 0;
  /** The stolen total the guest last read. */
  stolenReadNs = 0;
  /** The host published since that read. */
  published = false;
  /** `clock_task` when the current task's runtime was last charged (`exec_start`). */
  execStartNs = 0;
  /** The vCPU is stolen or the VM paused: nothing runs here. */
  frozen = false;
  /** Index of the task running here, −1 for idle. */
  curr = -1;
  /** Sequence number of the live tick event (−1: none). */
  tickSeq = -1;
  /** A tick fell due while frozen. */
  tickMissed = false;
  /** Sequence number of the current task's live burst-end event (−1: none). */
  endSeq = -1;
  /** Work deferred while frozen: pairs of (operation, task index). */
  readonly pending: number[] = [];
  /** Deferred enqueues (they count as runnable here for placement). */
  pendingEnqueues = 0;
  /** Host ns running a task. */
  busyNs = 0;
  /** Host ns running idle. */
  idleNs = 0;
  /** Host ns when the current busy, idle or frozen stretch began. */
  sinceNs = 0;

  /**
   * @param index - the CPU
   * @param rq - its run queue
   * @param host - its vCPU
   * @param accounting - the run-queue clock's steal policy
   */
  constructor(index: number, rq: RunQueue, host: VcpuHost, accounting: AccountingPolicy) {
    this.index = index;
    this.rq = rq;
    this.host = host;
    this.#accounting = accounting;
  }

  /**
   * `update_rq_clock` at guest ns `nowNs`, then the current task's `update_curr`.
   * @param nowNs - guest wall ns (≥ the last update's)
   * @returns task-clock ns since the current task's runtime was last charged (ignore it when idle)
   */
  update(nowNs: number): number {
    const delta = nowNs - this.clockNs;
    let steal = 0;
    if (this.#accounting !== 'none') {
      if (this.published) {
        this.stolenReadNs = this.host.readStolenNs();
        this.published = false;
      }
      steal = this.stolenReadNs - this.prevStealNs;
      if (steal > delta) steal = delta;
      if (steal < 0) steal = 0;
      this.prevStealNs = this.#accounting === 'drop' ? this.stolenReadNs : this.prevStealNs + steal;
    }
    this.clockNs = nowNs;
    this.clockTaskNs += delta - steal;
    const ran = this.clockTaskNs - this.execStartNs;
    this.execStartNs = this.clockTaskNs;
    return ran;
  }

  /**
   * Closes the busy, idle or frozen stretch at host ns `nowNs` into its bucket (frozen time is the vCPU machine's).
   * @param nowNs - host ns
   * @returns the busy ns added (the current task's real CPU), 0 when idle or frozen
   */
  phase(nowNs: number): number {
    const ns = nowNs - this.sinceNs;
    this.sinceNs = nowNs;
    if (this.frozen) return 0;
    if (this.curr < 0) {
      this.idleNs += ns;
      return 0;
    }
    this.busyNs += ns;
    return ns;
  }

  /** Runnable tasks here for placement and balance: the run queue's and the deferred enqueues. */
  get load(): number {
    return this.rq.nrRunning + this.pendingEnqueues;
  }
}
