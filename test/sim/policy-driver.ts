// A small deterministic driver for one CPU's run queue, no engine: tasks that are always runnable (`cpu`) or run
// `runNs` of CPU then sleep `sleepNs` (`periodic`), a tick every TICK_NSEC, wakeups at exact times. Time is the task
// clock (no steal). It records what `perf sched timehist` would show per task: run time, each slice (switch-in to
// switch-out) and each scheduling delay (runnable to switch-in).
import type { KernelVersion, RunQueue, SchedPolicy, SchedTask } from '../../src/sim/types.ts';
import { tickNsec } from '../../src/sim/kernel.ts';
import { weightOfNice } from '../../src/sim/policies/weights.ts';

export type DriverWorkload = { kind: 'cpu' } | { kind: 'periodic'; runNs: number; sleepNs: number };

export interface DriverTaskSpec {
  readonly name: string;
  readonly nice?: number;
  readonly priority?: number;
  readonly startNs?: number;
  readonly workload: DriverWorkload;
}

export interface DriverOptions {
  readonly policy: SchedPolicy;
  readonly kernel: KernelVersion;
  readonly hz: number;
  /** CPUs the kernel sees (scales the tunables); the driver runs CPU 0 only. */
  readonly cpus: number;
  readonly durationNs: number;
  readonly tasks: readonly DriverTaskSpec[];
  /** Called after every operation on the run queue. */
  readonly check?: (rq: RunQueue, op: string, task: SchedTask | undefined) => void;
}

export interface DriverTaskResult {
  readonly name: string;
  readonly tid: number;
  runNs: number;
  readonly slices: number[];
  readonly delays: number[];
}

export interface DriverResult {
  readonly tasks: readonly DriverTaskResult[];
  readonly rq: RunQueue;
  /** Reschedules the run queue asked for (ticks, wakeups, blocks). */
  picks: number;
}

interface State {
  readonly task: SchedTask;
  readonly spec: DriverTaskSpec;
  readonly result: DriverTaskResult;
  remainingNs: number;
  runnableSinceNs: number;
  wakeAtNs: number;
}

export function runDriver(opts: DriverOptions): DriverResult {
  const tickNs = tickNsec(opts.hz);
  const rq = opts.policy.createRunQueue(0, { cpus: opts.cpus, hz: opts.hz, tickNs, kernel: opts.kernel });
  const states: State[] = opts.tasks.map((spec, i) => {
    const nice = spec.nice ?? 0;
    const task: SchedTask = {
      tid: 1000 + i,
      name: spec.name,
      nice,
      priority: spec.priority ?? 50,
      weight: weightOfNice(nice),
      sched: undefined,
    };
    const result: DriverTaskResult = { name: spec.name, tid: task.tid, runNs: 0, slices: [], delays: [] };
    const remainingNs = spec.workload.kind === 'periodic' ? spec.workload.runNs : Infinity;
    return { task, spec, result, remainingNs, runnableSinceNs: 0, wakeAtNs: spec.startNs ?? 0 };
  });
  const byTask = new Map(states.map((s) => [s.task, s]));
  const out: DriverResult = { tasks: states.map((s) => s.result), rq, picks: 0 };
  const created = new Set<State>();
  let nowNs = 0;
  let nextTickNs = tickNs;
  let running: State | undefined;
  let sliceStartNs = 0;

  const pick = (): void => {
    out.picks++;
    const next = rq.pickNext(nowNs);
    opts.check?.(rq, 'pick', next);
    const nextState = next === undefined ? undefined : byTask.get(next);
    if (nextState === running) return;
    if (running !== undefined) {
      running.result.slices.push(nowNs - sliceStartNs);
      running.runnableSinceNs = nowNs;
    }
    running = nextState;
    if (running !== undefined) {
      running.result.delays.push(nowNs - running.runnableSinceNs);
      sliceStartNs = nowNs;
    }
  };

  while (nowNs < opts.durationNs) {
    let t = Math.min(nextTickNs, opts.durationNs);
    if (running !== undefined && running.remainingNs !== Infinity) t = Math.min(t, nowNs + running.remainingNs);
    for (const s of states)
      if (s.wakeAtNs > nowNs || (!created.has(s) && s.wakeAtNs >= nowNs)) t = Math.min(t, s.wakeAtNs);
    if (running !== undefined) {
      running.result.runNs += t - nowNs;
      running.remainingNs -= t - nowNs;
    }
    nowNs = t;
    let resched = false;
    if (running?.remainingNs === 0 && running.spec.workload.kind === 'periodic') {
      const w = running.spec.workload;
      rq.dequeue(running.task, nowNs, true);
      opts.check?.(rq, 'sleep', running.task);
      running.wakeAtNs = nowNs + w.sleepNs;
      running.remainingNs = w.runNs;
      running.result.slices.push(nowNs - sliceStartNs);
      running = undefined;
      resched = true;
    }
    for (const s of states) {
      if (s.wakeAtNs !== nowNs || s === running || (created.has(s) && rq.current === s.task)) continue;
      const initial = !created.has(s);
      if (!initial && s.spec.workload.kind === 'cpu') continue;
      if (!initial && s.wakeAtNs === nowNs && s.runnableSinceNs === nowNs) continue;
      created.add(s);
      s.runnableSinceNs = nowNs;
      s.wakeAtNs = -1;
      rq.enqueue(s.task, nowNs, { wakeup: !initial, initial, migrated: false });
      opts.check?.(rq, initial ? 'create' : 'wake', s.task);
      if (rq.wakeupPreempt(s.task, nowNs)) resched = true;
    }
    if (nowNs === nextTickNs) {
      nextTickNs += tickNs;
      if (running !== undefined && rq.tick(nowNs)) resched = true;
      opts.check?.(rq, 'tick', running?.task);
    }
    if (resched) pick();
  }
  if (running !== undefined) running.result.slices.push(nowNs - sliceStartNs);
  return out;
}

export const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;

export function shares(result: DriverResult): number[] {
  const total = result.tasks.reduce((a, t) => a + t.runNs, 0);
  return result.tasks.map((t) => t.runNs / total);
}
