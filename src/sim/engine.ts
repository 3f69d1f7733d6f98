/**
 * The discrete-event engine: host events (planned steal and pauses, or pushed by a host) drive each vCPU machine; guest
 * events (ticks, burst ends, sleep timers, task starts and stops) drive the policy's run queues and the task machines.
 * Events are keyed by host ns, in insertion order at equal times; the guest sees host time minus pauses. Nothing runs
 * on a CPU whose vCPU is stolen, paused or offline: a tick, timer or wakeup due there waits until it runs again (a
 * missed tick fires once, at once; a wakeup placed there is enqueued then, as a wake list drained by the IPI). A
 * running task's burst end is planned from its task-clock work left, or at its first system call that would end its
 * slice; sleeps end their timer slack late. `startMs`/`stopMs` are guest time; switches cost nothing. Each switch,
 * wakeup, creation, migration and exit goes to the task's machine with a reading `{counter: guest ns, stolenTotalNs,
 * cpu}` and to the observer. `run()` is `begin()`, `advance(end)`, `finish()`; a stepper calls `advance` piecewise.
 * @module
 */
import { TaskSender } from '../trace/engine.js';
import { findPull, kickIdle, placeTask, type Pull } from './balance.js';
import {
  createTasks,
  END,
  HOST,
  MIGRATED,
  NEW_TASK,
  OP_NEW,
  OP_STOP,
  OP_TIMER,
  OP_WAKE,
  SimTask,
  START,
  STOP,
  TaskState,
  TICK,
  TIMER,
  WAKE,
  WAKE_MIGRATED,
  taskOf,
  type EngineSetup,
} from './engine-task.js';
import { applyHostEvent, closePhase, createCpus, hostEventError, queueFirst, timeMapOf } from './engine-host.js';
import { EventQueue } from './event-queue.js';
import type { GuestCpu } from './guest.js';
import { msToNs, type TimeMap } from './host.js';
import type { VcpuEvent } from '../host/vcpu.js';
import type { SchedTask, SimObserver } from './types.js';
import { syscallWaitNs } from './workloads.js';

/**
 * One run of a scenario.
 * @internal
 */
export class SimEngine {
  readonly #q = new EventQueue(256);
  /** The guest CPUs. */
  readonly cpus: readonly GuestCpu[];
  /** The tasks, in tid order. */
  readonly tasks: readonly SimTask[];
  readonly #time: TimeMap;
  readonly #sender: TaskSender;
  readonly #obs: SimObserver;
  readonly #tickNs: number;
  readonly #endNs: number;
  readonly #allows = (task: SchedTask, cpu: number): boolean => taskOf(this.tasks, task).allowed[cpu] === 1;
  readonly #pullIdle = (found: Pull, to: number): void => {
    this.#migrate(taskOf(this.tasks, found.task), found.from, to);
    this.#schedule(this.cpus[to] as GuestCpu, undefined, 'R');
  };
  #h = 0;
  #g = 0;
  /** Scheduling events processed. */
  events = 0;

  /** @param setup - see {@link EngineSetup} */
  constructor(setup: EngineSetup) {
    this.#time = timeMapOf(setup);
    this.cpus = createCpus(setup);
    this.tasks = createTasks(setup.scenario, setup.policy.realtime, setup, setup.inputs);
    this.#sender = new TaskSender(setup.engine);
    this.#obs = setup.observer ?? {};
    this.#tickNs = setup.env.tickNs;
    this.#endNs = msToNs(setup.scenario.durationMs);
  }

  /**
   * Runs to the scenario's end: {@link SimEngine.begin}, {@link SimEngine.advance} to the end, {@link SimEngine.finish}.
   * @returns the host ns simulated
   */
  run(): number {
    this.begin();
    this.advance(this.#endNs);
    return this.finish();
  }

  /** Queues the first events: each vCPU's first planned host event, each task's start and stop. */
  begin(): void {
    queueFirst(this.#q, this.cpus, this.tasks, this.#time);
  }

  /**
   * Runs the events due before host ns `untilNs`, or up to the first after which `stop` says true.
   * @param untilNs - host ns, ≥ the time reached
   * @param stop - asked after each event: true stops there
   * @returns the host ns reached: `untilNs`, or the time of the event that stopped it
   */
  advance(untilNs: number, stop?: () => boolean): number {
    const q = this.#q;
    while (q.nextTime < untilNs) {
      q.pop();
      this.#h = q.time;
      this.#g = this.#time.guest(q.time);
      this.#step(q.kind, q.target, q.seq);
      if (stop?.() === true) return this.#h;
    }
    if (untilNs > this.#h) this.#h = untilNs;
    return this.#h;
  }

  /**
   * Ends the run at the scenario's end: every CPU's open stretch closed, every actor stopped.
   * @returns the host ns simulated
   */
  finish(): number {
    this.#h = this.#endNs;
    for (const c of this.cpus) closePhase(c, this.#h, this.tasks);
    for (const t of this.tasks) t.runner.stop?.();
    return this.#endNs;
  }

  /** The host ns of the next queued event (Infinity: none). */
  get nextEventNs(): number {
    return this.#q.nextTime;
  }

  /**
   * Applies a host event to a host-driven vCPU at the time reached: its CPU freezes or thaws as for planned steal.
   * @param cpu - the vCPU
   * @param event - the event (advance to its time first)
   * @throws `SchedacctError` (engine-host.ts hostEventError) `invalid-argument` for an unknown vCPU or a time not the one reached
   */
  hostEvent(cpu: number, event: VcpuEvent): void {
    const c = this.cpus[cpu];
    if (c === undefined || event.atNs < this.#h || event.atNs > this.#q.nextTime) throw hostEventError(cpu);
    c.host.push(event);
    this.#h = event.atNs;
    this.#g = this.#time.guest(event.atNs);
    if (applyHostEvent(c, this.#q, this.#h, this.tasks)) this.#thaw(c);
  }

  #step(kind: number, target: number, seq: number): void {
    if (kind === HOST) {
      const c = this.cpus[target] as GuestCpu;
      if (applyHostEvent(c, this.#q, this.#h, this.tasks)) this.#thaw(c);
    } else if (kind === START) this.#start(this.tasks[target] as SimTask);
    else if (kind === STOP) this.#stop(this.tasks[target] as SimTask);
    else if (kind === TIMER) {
      const t = this.tasks[target] as SimTask;
      if (seq !== t.timerSeq) return; // cancelled
      t.timerSeq = -1;
      this.#op(this.cpus[t.cpu] as GuestCpu, OP_TIMER, t);
    } else if (kind === END) {
      const c = this.cpus[target] as GuestCpu;
      if (seq !== c.endSeq) return; // re-planned
      c.endSeq = -1;
      this.#planEnd(c);
    } else {
      const c = this.cpus[target] as GuestCpu;
      if (seq !== c.tickSeq) return; // stopped (idle)
      c.tickSeq = -1;
      if (c.frozen) c.tickMissed = true;
      else this.#tick(c);
    }
  }

  // An operation on CPU c: now, or when c runs again.
  #op(c: GuestCpu, op: number, t: SimTask): void {
    if (c.frozen) {
      c.pending.push(op, t.index);
      if (op === OP_WAKE || op === OP_NEW) c.pendingEnqueues++;
      return;
    }
    if (op === OP_TIMER) {
      if (t.state === TaskState.Sleeping) this.#wakeup(t, c.index);
    } else if (op === OP_WAKE || op === OP_NEW) {
      if (t.state === TaskState.Waking) this.#enqueue(c, t, op === OP_NEW);
    } else this.#stop(t);
  }

  // The CPU runs again: its missed tick, then its deferred work, then its task's burst goes on.
  #thaw(c: GuestCpu): void {
    if (c.tickMissed) {
      c.tickMissed = false;
      if (c.curr >= 0) this.#tick(c);
    }
    const pending = c.pending;
    for (let i = 0; i < pending.length; i += 2)
      this.#op(c, pending[i] as number, this.tasks[pending[i + 1] as number] as SimTask);
    pending.length = 0;
    c.pendingEnqueues = 0;
    if (c.curr >= 0 && c.endSeq < 0) this.#planEnd(c);
  }

  #tick(c: GuestCpu): void {
    this.events++;
    this.#updateCurr(c);
    let resched = c.rq.tick(c.clockTaskNs);
    const pull = findPull(this.cpus, c.index, 2, this.#allows);
    if (pull !== undefined) resched = this.#migrate(taskOf(this.tasks, pull.task), pull.from, c.index) || resched;
    if (resched) this.#schedule(c, this.tasks[c.curr], 'R');
    if (c.curr >= 0 && c.tickSeq < 0) this.#armTick(c);
    kickIdle(this.cpus, this.#allows, this.#pullIdle);
  }

  #armTick(c: GuestCpu): void {
    const next = (Math.floor(this.#g / this.#tickNs) + 1) * this.#tickNs;
    c.tickSeq = this.#q.push(this.#time.host(next), TICK, c.index);
  }

  #start(t: SimTask): void {
    if (t.state !== TaskState.New) return;
    this.events++;
    t.firstBurst();
    const target = placeTask(this.cpus, t.allowed, -1);
    t.cpu = target;
    t.state = TaskState.Waking;
    this.#obs.onCreate?.(this.#g, target, t.ref);
    this.#send(t, 'create', target);
    this.#op(this.cpus[target] as GuestCpu, OP_NEW, t);
  }

  #stop(t: SimTask): void {
    if (t.state === TaskState.Exited) return;
    if (t.state === TaskState.New) {
      t.state = TaskState.Exited; // stopped before it started: never created
      return;
    }
    const c = this.cpus[t.cpu] as GuestCpu;
    const queued = t.state === TaskState.Queued || t.state === TaskState.Running;
    if (queued && c.frozen) {
      this.#op(c, OP_STOP, t); // it exits when its CPU runs again
      return;
    }
    this.events++;
    if (queued) {
      this.#updateCurr(c);
      c.rq.dequeue(t.sched, c.clockTaskNs, false);
    }
    if (t.state === TaskState.Running) {
      this.#leave(c, t, 'X');
      return;
    }
    t.timerSeq = -1;
    t.state = TaskState.Exited;
    this.#send(t, 'exit', t.cpu);
  }

  #wakeup(t: SimTask, waker: number): void {
    this.events++;
    const target = placeTask(this.cpus, t.allowed, t.cpu);
    this.#obs.onWakeup?.(this.#g, waker, t.ref, target);
    this.#send(t, 'wakeup', target);
    t.migrated = t.cpu !== target;
    if (t.migrated) this.#moved(t, t.cpu, target);
    t.state = TaskState.Waking;
    this.#op(this.cpus[target] as GuestCpu, OP_WAKE, t);
  }

  #moved(t: SimTask, from: number, to: number): void {
    this.#sender.send(t.runner, 'migrate', this.#g, t.stolenTotalNs, from, this.#g, 0, '', to, false, false);
    this.#obs.onMigrate?.(this.#g, t.ref, from, to);
    t.migrations++;
    t.cpu = to;
  }

  #enqueue(c: GuestCpu, t: SimTask, initial: boolean): void {
    this.#updateCurr(c);
    t.state = TaskState.Queued;
    c.rq.enqueue(t.sched, c.clockTaskNs, initial ? NEW_TASK : t.migrated ? WAKE_MIGRATED : WAKE);
    if (c.curr < 0) this.#schedule(c, undefined, 'R');
    else if (c.rq.wakeupPreempt(t.sched, c.clockTaskNs)) this.#schedule(c, this.tasks[c.curr], 'R');
    else this.#replan(c);
  }

  // Moves a queued task between CPUs (balance); true when it should preempt the destination's current task.
  #migrate(t: SimTask, from: number, to: number): boolean {
    this.events++;
    const src = this.cpus[from] as GuestCpu;
    const dst = this.cpus[to] as GuestCpu;
    this.#updateCurr(src);
    src.rq.dequeue(t.sched, src.clockTaskNs, false);
    this.#moved(t, from, to);
    this.#updateCurr(dst);
    dst.rq.enqueue(t.sched, dst.clockTaskNs, MIGRATED);
    if (dst.curr >= 0 && dst.rq.wakeupPreempt(t.sched, dst.clockTaskNs)) return true;
    this.#replan(dst);
    return false;
  }

  // A reschedule on c: `prev` left the CPU (R: still queued; S, X: dequeued already).
  #schedule(c: GuestCpu, prev: SimTask | undefined, prevState: 'R' | 'S' | 'X'): void {
    this.#updateCurr(c);
    let picked = c.rq.pickNext(c.clockTaskNs);
    if (picked === undefined) {
      const pull = findPull(this.cpus, c.index, 1, this.#allows);
      if (pull !== undefined) {
        this.#migrate(taskOf(this.tasks, pull.task), pull.from, c.index);
        picked = c.rq.pickNext(c.clockTaskNs);
      }
    }
    const next = picked === undefined ? undefined : taskOf(this.tasks, picked);
    if (next === prev && prevState === 'R') {
      this.#replan(c); // the same task goes on, with a new deadline
      return;
    }
    this.#switch(c, prev, prevState, next);
  }

  #switch(c: GuestCpu, prev: SimTask | undefined, prevState: 'R' | 'S' | 'X', next: SimTask | undefined): void {
    this.events++;
    closePhase(c, this.#h, this.tasks);
    const g = this.#g;
    const sliceStolenNs = prev === undefined ? 0 : c.stolenReadNs - prev.sliceStolenBaseNs;
    if (prev !== undefined) {
      prev.stolenTotalNs += sliceStolenNs;
      const type = prevState === 'R' ? 'preempt' : prevState === 'S' ? 'block' : 'exit';
      this.#sender.send(prev.runner, type, g, prev.stolenTotalNs, c.index, g, 0, prevState, -1, false, false);
      prev.realNs += prev.realOpenNs;
      prev.realOpenNs = 0;
      if (prevState === 'R') prev.state = TaskState.Queued;
      c.endSeq = -1;
    }
    this.#obs.onSwitch?.(g, c.index, prev?.ref, prevState, next?.ref, sliceStolenNs);
    if (next === undefined) {
      c.curr = -1;
      c.tickSeq = -1;
      c.tickMissed = false;
      return;
    }
    c.curr = next.index;
    next.state = TaskState.Running;
    next.cpu = c.index;
    next.sliceStolenBaseNs = c.stolenReadNs;
    c.execStartNs = c.clockTaskNs;
    this.#send(next, 'dispatch', c.index);
    if (c.tickSeq < 0) this.#armTick(c);
    this.#planEnd(c);
  }

  // The current task's burst: ended (go on, sleep or exit) or its end planned from the work left.
  #planEnd(c: GuestCpu): void {
    const t = this.tasks[c.curr];
    if (t === undefined || (t.burstEndNs === Infinity && t.syscallNs === 0)) return;
    this.#updateCurr(c);
    const left = t.burstEndNs - t.taskClockNs;
    if (left > 0) {
      // a task making system calls: update_curr at each, its slice ending at the first past its deadline
      const wait = t.syscallNs > 0 ? syscallWaitNs(c.rq, t.syscallNs, t.taskClockNs, left, c.clockTaskNs) : left;
      if (wait < 0) this.#schedule(c, t, 'R');
      else if (wait < Infinity) c.endSeq = this.#q.push(this.#time.host(this.#g + wait), END, c.index);
      return;
    }
    const sleep = t.sleepAfterNs;
    if (sleep < 0 || !t.workload.next()) {
      this.events++;
      c.rq.dequeue(t.sched, c.clockTaskNs, false);
      this.#leave(c, t, 'X'); // its work is done: it exits
      return;
    }
    t.burstEndNs = t.taskClockNs + t.workload.runNs;
    t.sleepAfterNs = t.workload.sleepNs;
    if (sleep === 0) {
      this.#planEnd(c);
      return;
    }
    this.events++;
    c.rq.dequeue(t.sched, c.clockTaskNs, true);
    t.timerSeq = this.#q.push(this.#time.host(this.#g + sleep + t.slackNs), TIMER, t.index);
    this.#leave(c, t, 'S');
  }

  #replan(c: GuestCpu): void {
    // the run queue changed under a task that makes system calls: plan its events again
    if (c.curr >= 0 && (this.tasks[c.curr] as SimTask).syscallNs > 0) this.#planEnd(c);
  }

  // The current task, dequeued, leaves the CPU asleep or dead.
  #leave(c: GuestCpu, t: SimTask, state: 'S' | 'X'): void {
    t.state = state === 'S' ? TaskState.Sleeping : TaskState.Exited;
    this.#schedule(c, t, state);
  }

  // update_rq_clock and update_curr at the current guest time.
  #updateCurr(c: GuestCpu): void {
    const ran = c.update(this.#g);
    if (ran <= 0 || c.curr < 0) return;
    const t = this.tasks[c.curr] as SimTask;
    t.taskClockNs += ran;
    this.#obs.onRuntime?.(this.#g, c.index, t.ref, ran);
  }

  #send(t: SimTask, type: 'create' | 'wakeup' | 'dispatch' | 'exit', cpu: number): void {
    this.#sender.send(t.runner, type, this.#g, t.stolenTotalNs, cpu, this.#g, 0, '', -1, false, false);
  }
}
