/**
 * The scheduler-policy interface: what a policy's run queues know of the machine and of each task, and the hooks the
 * engine calls (the kernel's `sched_class` for one `rq`). A user's own policy implements {@link SchedPolicy}.
 * @module
 */
/** A kernel version as the policies see it. */
export interface KernelVersion {
  /** Major version, the 6 of 6.18. */
  readonly major: number;
  /** Minor version, the 18 of 6.18. */
  readonly minor: number;
}

/** What a policy's run queues know of the machine. */
export interface PolicyEnv {
  /** vCPUs. */
  readonly cpus: number;
  /** Tick rate, Hz. */
  readonly hz: number;
  /** ns per tick (`TICK_NSEC`). */
  readonly tickNs: number;
  /** The kernel version the rules are taken from. */
  readonly kernel: KernelVersion;
}

/** A task as a scheduler policy sees it. `sched` is the policy's own per-task state (the kernel's `sched_entity`). */
export interface SchedTask {
  /** Thread id. */
  readonly tid: number;
  /** Comm. */
  readonly name: string;
  /** Nice, −20..19. */
  readonly nice: number;
  /** Real-time priority (rr, fifo), 1..99. */
  readonly priority: number;
  /** `sched_prio_to_weight[nice + 20]`. */
  readonly weight: number;
  /** The policy's own state for the task (set and read only by the policy). */
  sched: unknown;
}

/** Why a task is enqueued. */
export interface EnqueueFlags {
  /** It was asleep and is woken (`ENQUEUE_WAKEUP`). */
  readonly wakeup: boolean;
  /** It is new (`ENQUEUE_INITIAL`: fork). */
  readonly initial: boolean;
  /** It comes from another CPU (`ENQUEUE_MIGRATED`). */
  readonly migrated: boolean;
}

/**
 * One CPU's run queue of a scheduler policy: the kernel's `sched_class` hooks for one `rq`. `nowNs` is always the
 * CPU's task clock (`rq_clock_task`: wall time minus the steal the accounting policy removed), never decreasing.
 * The engine calls, for a CPU:
 * - a task becomes runnable here: `enqueue`; for a wakeup, then `wakeupPreempt` (true: reschedule now);
 * - the current task blocks or exits, or a queued task migrates away: `dequeue` (the current task included);
 * - a reschedule (tick said so, wakeup preemption, the current task blocked): `pickNext`, which puts the previous
 *   current back if it is still queued and returns the task to run (possibly the same), or undefined (idle);
 * - every tick while a task runs: `tick` (update the current task's runtime; true: reschedule).
 */
export interface RunQueue {
  /** The task on the CPU, if any. */
  readonly current: SchedTask | undefined;
  /** Runnable tasks here, the current one included. */
  readonly nrRunning: number;
  /**
   * Adds a runnable task (not running).
   * @param task - the task
   * @param nowNs - task clock
   * @param flags - why
   */
  enqueue(task: SchedTask, nowNs: number, flags: EnqueueFlags): void;
  /**
   * Removes a task: the current one (it sleeps or exits; the CPU then has no current until `pickNext`) or a queued
   * one (it migrates).
   * @param task - the task
   * @param nowNs - task clock
   * @param sleep - it goes to sleep (`DEQUEUE_SLEEP`), rather than moving or exiting
   */
  dequeue(task: SchedTask, nowNs: number, sleep: boolean): void;
  /**
   * Picks the task to run next.
   * @param nowNs - task clock
   * @returns the task, or undefined to idle
   */
  pickNext(nowNs: number): SchedTask | undefined;
  /**
   * The tick: charges the current task up to now and says whether it should give up the CPU.
   * @param nowNs - task clock
   * @returns true to reschedule
   */
  tick(nowNs: number): boolean;
  /**
   * After a wakeup enqueued `task`: should it preempt the current task (`check_preempt_wakeup` / `wakeup_preempt`)?
   * @param task - the woken task
   * @param nowNs - task clock
   * @returns true to reschedule now
   */
  wakeupPreempt(task: SchedTask, nowNs: number): boolean;
  /**
   * `update_curr` from the running task's own system call (`task_sched_runtime()` in kernel/sched/core.c, which
   * `clock_gettime(CLOCK_THREAD_CPUTIME_ID)` runs): charges the current task up to now. Optional; a policy without
   * it is updated only at ticks, wakeups and switches.
   * @param nowNs - task clock
   * @returns true to reschedule now (the return to user mode honours need_resched)
   */
  update?(nowNs: number): boolean;
  /**
   * After how much more of the current task's task-clock time an {@link RunQueue.update} would ask to reschedule,
   * so the engine plans one event rather than one per system call. Optional (without it: never).
   * @param nowNs - task clock
   * @returns task-clock ns from `nowNs` (0: now; Infinity: not before something else changes the run queue)
   */
  reschedAfterNs?(nowNs: number): number;
  /**
   * The queued tasks that could move to another CPU (not the current one), for the load balancer.
   * @returns them
   */
  queued(): Iterable<SchedTask>;
}

/** A scheduler policy: a module that makes run queues. A user's own policy file exports one as `default`. */
export interface SchedPolicy {
  /** Its name, as outputs show it. */
  readonly name: string;
  /** Whether tasks are real-time (their `priority` counts; their prio shows as `99 − priority` in traces). */
  readonly realtime: boolean;
  /**
   * Makes one CPU's run queue.
   * @param cpu - the CPU
   * @param env - the machine
   * @returns the run queue
   */
  createRunQueue(cpu: number, env: PolicyEnv): RunQueue;
}
