/**
 * SCHED_FIFO and SCHED_RR (Linux `kernel/sched/rt.c`): one FIFO list per priority 1..99, the head of the highest
 * non-empty list runs, and the running task stays at its place in its list (so a preempted task resumes first).
 * FIFO runs until it blocks or a higher priority wakes (`wakeup_preempt_rt`: strictly higher preempts); RR also
 * rotates to the tail of its list when its timeslice of `RR_TIMESLICE` ticks runs out and another task shares its
 * priority (`task_tick_rt`), the slice surviving sleeps as `p->rt.time_slice` does. Not modelled: RT throttling
 * (`sched_rt_runtime_us`) and the fair deadline server, push/pull balancing (the engine's balancer moves tasks).
 * @module
 */
import { SchedacctError } from '../../errors.js';
import { checkObject, checkWhole } from '../../check.js';
import { rrTimesliceTicks } from '../kernel.js';
import type { PolicyEnv, RunQueue, SchedPolicy, SchedTask } from '../types.js';
import { checkEnv } from './check-policy.js';
import { removeItem } from './run-math.js';

/**
 * A real-time task's state (`sched_rt_entity`).
 * @internal
 */
export class RtEntity {
  /** The task. */
  readonly task: SchedTask;
  /** Its priority, 1..99. */
  readonly priority: number;
  /** Ticks left of its RR timeslice. */
  timeSliceTicks: number;
  /** The run queue it is on. */
  rq: RtRunQueue | undefined = undefined;

  /**
   * @param task - the task
   * @param sliceTicks - a full timeslice
   */
  constructor(task: SchedTask, sliceTicks: number) {
    this.task = task;
    this.priority = task.priority;
    this.timeSliceTicks = sliceTicks;
  }
}

/**
 * One CPU's real-time run queue.
 * @internal
 */
export class RtRunQueue implements RunQueue {
  /** The CPU. */
  readonly cpu: number;
  readonly #rr: boolean;
  readonly #sliceTicks: number;
  /** Lists by priority (index = priority); the running task stays in its list. */
  readonly #lists: RtEntity[][] = Array.from({ length: 100 }, () => []);
  #curr: RtEntity | undefined = undefined;
  #nr = 0;

  /**
   * @param cpu - the CPU
   * @param env - the machine
   * @param rr - SCHED_RR (else SCHED_FIFO)
   */
  constructor(cpu: number, env: PolicyEnv, rr: boolean) {
    this.cpu = cpu;
    this.#rr = rr;
    this.#sliceTicks = rrTimesliceTicks(env.hz);
  }

  /** @returns the running task */
  get current(): SchedTask | undefined {
    return this.#curr?.rq === this ? this.#curr.task : undefined;
  }

  /** @returns runnable tasks, the current one included */
  get nrRunning(): number {
    return this.#nr;
  }

  /**
   * `enqueue_task_rt`: to the tail of its priority's list.
   * @param task - the task (the clock and the reason do not matter to it)
   */
  enqueue(task: SchedTask): void {
    const se = task.sched instanceof RtEntity ? task.sched : this.#entity(task);
    if (se.rq !== undefined) throw new SchedacctError('invalid-argument', `task ${String(task.tid)} is already queued`);
    this.#lists[se.priority]?.push(se);
    se.rq = this;
    this.#nr++;
  }

  #entity(task: SchedTask): RtEntity {
    checkObject('task', task);
    checkWhole('task.priority', task.priority, 1, 99);
    const se = new RtEntity(task, this.#sliceTicks);
    task.sched = se;
    return se;
  }

  /**
   * `dequeue_task_rt`: out of its list.
   * @param task - the task
   */
  dequeue(task: SchedTask): void {
    const se = task.sched;
    if (!(se instanceof RtEntity) || se.rq !== this)
      throw new SchedacctError('invalid-argument', `task ${String(task.tid)} is not queued on CPU ${String(this.cpu)}`);
    removeItem(this.#lists[se.priority] ?? [], se);
    se.rq = undefined;
    this.#nr--;
  }

  /**
   * `pick_next_task_rt`: the head of the highest non-empty list.
   * @returns the task, or undefined
   */
  pickNext(): SchedTask | undefined {
    this.#curr = undefined;
    for (let p = 99; p >= 1; p--) {
      const head = this.#lists[p]?.[0];
      if (head !== undefined) {
        this.#curr = head;
        return head.task;
      }
    }
    return undefined;
  }

  /**
   * `task_tick_rt`: an RR task whose slice ran out goes to the tail of its list if it shares it.
   * @returns true to reschedule
   */
  tick(): boolean {
    const c = this.#curr;
    if (!this.#rr || c?.rq !== this) return false;
    if (--c.timeSliceTicks > 0) return false;
    c.timeSliceTicks = this.#sliceTicks;
    const list = this.#lists[c.priority] ?? [];
    if (list.length < 2) return false;
    removeItem(list, c);
    list.push(c);
    return true;
  }

  /**
   * `wakeup_preempt_rt`: a strictly higher priority preempts.
   * @param task - the woken task
   * @returns true to reschedule now
   */
  wakeupPreempt(task: SchedTask): boolean {
    const c = this.current;
    if (c === undefined) return true;
    return task !== c && task.priority > c.priority;
  }

  /** @returns the queued tasks but the current one, highest priority first */
  queued(): SchedTask[] {
    const out: SchedTask[] = [];
    for (let p = 99; p >= 1; p--) for (const se of this.#lists[p] ?? []) if (se !== this.#curr) out.push(se.task);
    return out;
  }
}

/**
 * SCHED_RR or SCHED_FIFO.
 * @param rr - true for SCHED_RR
 * @returns the policy
 * @internal
 */
export function rtPolicy(rr: boolean): SchedPolicy {
  return Object.freeze({
    name: rr ? 'rr' : 'fifo',
    realtime: true,
    createRunQueue(cpu: number, env: PolicyEnv): RunQueue {
      checkEnv(cpu, env);
      return new RtRunQueue(cpu, env, rr);
    },
  });
}
