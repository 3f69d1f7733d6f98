// A small round-robin policy for the engine's tests: FIFO run queue, the current task goes to the tail when another
// is picked, a slice of `sliceNs` task-clock ns (default one tick), no wakeup preemption.
import type {
  MsInterval,
  PolicyEnv,
  ResolvedScenario,
  ResolvedTaskSpec,
  RunQueue,
  SchedPolicy,
  SchedTask,
  SimAbi,
  StealSpec,
} from '../../src/sim/types.ts';

class ToyRunQueue implements RunQueue {
  readonly #queue: SchedTask[] = [];
  readonly #sliceNs: number;
  #current: SchedTask | undefined;
  #pickedAtNs = 0;
  #lastNs = -Infinity;

  constructor(sliceNs: number) {
    this.#sliceNs = sliceNs;
  }

  get current(): SchedTask | undefined {
    return this.#current;
  }

  get nrRunning(): number {
    return this.#queue.length + (this.#current === undefined ? 0 : 1);
  }

  // The contract: nowNs never decreases on one run queue.
  #at(nowNs: number): void {
    if (!(nowNs >= this.#lastNs)) throw new Error(`task clock went backwards: ${nowNs} < ${this.#lastNs}`);
    this.#lastNs = nowNs;
  }

  enqueue(task: SchedTask, nowNs: number): void {
    this.#at(nowNs);
    if (task === this.#current || this.#queue.includes(task)) throw new Error(`task ${task.tid} enqueued twice`);
    this.#queue.push(task);
  }

  dequeue(task: SchedTask, nowNs: number): void {
    this.#at(nowNs);
    if (task === this.#current) {
      this.#current = undefined;
      return;
    }
    const i = this.#queue.indexOf(task);
    if (i < 0) throw new Error(`task ${task.tid} dequeued but not queued`);
    this.#queue.splice(i, 1);
  }

  pickNext(nowNs: number): SchedTask | undefined {
    this.#at(nowNs);
    if (this.#current !== undefined) this.#queue.push(this.#current);
    this.#current = this.#queue.shift();
    this.#pickedAtNs = nowNs;
    return this.#current;
  }

  tick(nowNs: number): boolean {
    this.#at(nowNs);
    return this.#current !== undefined && nowNs - this.#pickedAtNs >= this.#sliceNs && this.#queue.length > 0;
  }

  wakeupPreempt(_task: SchedTask, nowNs: number): boolean {
    this.#at(nowNs);
    return false;
  }

  queued(): Iterable<SchedTask> {
    return this.#queue;
  }
}

/**
 * The toy round-robin policy.
 * @param sliceNs - task-clock ns a task runs before the tick rotates it (default: one tick)
 * @returns the policy
 */
export function toyPolicy(sliceNs?: number): SchedPolicy {
  return {
    name: 'toy-rr',
    realtime: false,
    createRunQueue: (_cpu: number, env: PolicyEnv) => new ToyRunQueue(sliceNs ?? env.tickNs),
  };
}

/** A task group as a test writes it: name and workload required, the rest defaulted as resolveScenario does. */
export type TestTask = Partial<ResolvedTaskSpec> & Pick<ResolvedTaskSpec, 'name' | 'workload'>;

/** A scenario as a test writes it: tasks and host steal shortened, the rest defaulted as resolveScenario does. */
export interface TestScenario extends Partial<Omit<ResolvedScenario, 'tasks' | 'host'>> {
  readonly tasks: readonly TestTask[];
  readonly steal?: readonly StealSpec[];
  readonly pauses?: readonly MsInterval[];
  readonly abi?: SimAbi;
}

/**
 * A resolved scenario with the defaults filled in (what resolveScenario would give), for the engine's tests.
 * @param s - the parts a test cares about
 * @returns the scenario
 */
export function resolved(s: TestScenario): ResolvedScenario {
  const cpus = s.cpus ?? 1;
  const all = [...Array(cpus).keys()];
  return {
    kernel: s.kernel ?? '6.18',
    policy: s.policy ?? 'eevdf',
    hz: s.hz ?? 250,
    cpus,
    durationMs: s.durationMs ?? 1000,
    seed: s.seed ?? 1,
    accounting: s.accounting ?? 'drop',
    host: {
      steal: all.map((i) => s.steal?.[i] ?? s.steal?.[0] ?? { kind: 'none' }),
      pauses: s.pauses ?? [],
      abi: s.abi ?? 'x86',
    },
    tasks: s.tasks.map((t) => ({
      name: t.name,
      nice: t.nice ?? 0,
      priority: t.priority ?? 50,
      cpus: t.cpus ?? all,
      count: t.count ?? 1,
      startMs: t.startMs ?? 0,
      stopMs: t.stopMs ?? null,
      workload: t.workload,
    })),
  };
}
