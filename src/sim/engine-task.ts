/**
 * A simulated task as the engine keeps it: its task machine (booking into the run's one ledger), its workload and
 * stream, the policy's view of it, and the engine's marks (where it is, its task clock, the stolen total its readings
 * carry, its real CPU time). Thread ids start at 1000, in scenario order; a group of `count` tasks gets consecutive
 * ids under one name.
 * @module
 */
import type { Ledger } from '../accounting/ledger.js';
import { SchedacctError } from '../errors.js';
import { startTask, type Engine as MachineEngine, type TaskRunner } from '../trace/engine.js';
import { SCHED_PRIO_TO_WEIGHT } from './policies/weights.js';
import { stream } from './random.js';
import type {
  EnqueueFlags,
  PolicyEnv,
  ResolvedScenario,
  ResolvedTaskSpec,
  SchedPolicy,
  SchedTask,
  SimInputs,
  SimObserver,
  SimTaskRef,
} from './types.js';
import { syscallNsOf, WorkloadRunner } from './workloads.js';

// Event kinds.
/** @internal */
export const HOST = 1;
/** @internal */
export const TICK = 2;
/** @internal */
export const END = 3;
/** @internal */
export const TIMER = 4;
/** @internal */
export const START = 5;
/** @internal */
export const STOP = 6;
// Deferred operations on a frozen CPU.
/** @internal */
export const OP_TIMER = 1;
/** @internal */
export const OP_WAKE = 2;
/** @internal */
export const OP_NEW = 3;
/** @internal */
export const OP_STOP = 4;

/** @internal */
export const WAKE: EnqueueFlags = { wakeup: true, initial: false, migrated: false };
/** @internal */
export const WAKE_MIGRATED: EnqueueFlags = { wakeup: true, initial: false, migrated: true };
/** @internal */
export const NEW_TASK: EnqueueFlags = { wakeup: false, initial: true, migrated: false };
/** @internal */
export const MIGRATED: EnqueueFlags = { wakeup: false, initial: false, migrated: true };

/**
 * What the engine is given.
 * @internal
 */
export interface EngineSetup {
  /** The run. */
  readonly scenario: ResolvedScenario;
  /** The scheduler policy. */
  readonly policy: SchedPolicy;
  /** What its run queues know of the machine. */
  readonly env: PolicyEnv;
  /** How the machines run. */
  readonly engine: MachineEngine;
  /** The run's one ledger. */
  readonly ledger: Ledger;
  /** Loaded inputs. */
  readonly inputs: SimInputs | undefined;
  /** Who hears the scheduling events. */
  readonly observer: SimObserver | undefined;
  /** The host pushes each vCPU's events (step mode): the scenario's steal and pauses are not planned. */
  readonly hostDriven?: boolean;
}

/**
 * Where a task is in its life, as the engine sees it.
 * @internal
 */
export enum TaskState {
  /** Not created yet. */
  New,
  /** Asleep (its timer pending). */
  Sleeping,
  /** Woken or created, its enqueue deferred until its CPU runs again. */
  Waking,
  /** In a run queue, not running. */
  Queued,
  /** On a CPU. */
  Running,
  /** Gone. */
  Exited,
}

/** The first thread id. */
/**
 * The tid of a run's first task (the engine numbers tasks from it, in scenario order).
 * @internal
 */
export const FIRST_TID = 1000;
/** `timer_slack_ns` (`init_task`, 50 µs): how late a fair task's nanosleep may end (kernel/time/hrtimer.c). */
const TIMER_SLACK_NS = 50_000;

/**
 * One simulated task.
 * @internal
 */
export class SimTask {
  /** Its index (tid − 1000). */
  readonly index: number;
  /** What observers are told. */
  readonly ref: SimTaskRef;
  /** What the policy sees. */
  readonly sched: SchedTask;
  /** Its group, as resolved. */
  readonly spec: ResolvedTaskSpec;
  /** A flag per CPU: may it run there. */
  readonly allowed: Uint8Array;
  /** Its task machine. */
  readonly runner: TaskRunner;
  /** Its bursts. */
  readonly workload: WorkloadRunner;
  /** Task-clock ns between its system calls (0: none): each runs the policy's `update`. */
  readonly syscallNs: number;
  /** Added to each sleep it asks for (its timer slack; 0 for real-time tasks and a trace's measured sleeps). */
  readonly slackNs: number;
  /** Where it is. */
  state: TaskState = TaskState.New;
  /** Its CPU (−1 before creation). */
  cpu = -1;
  /** Its enqueue comes with a change of CPU (`ENQUEUE_MIGRATED`). */
  migrated = false;
  /** Task-clock ns run (what `sched_stat_runtime` sums to). */
  taskClockNs = 0;
  /** Task clock at which the current burst ends (Infinity: never). */
  burstEndNs = 0;
  /** Sleep after the current burst, guest ns (0: none; −1: exit). */
  sleepAfterNs = 0;
  /** The stolen total its readings carry: what the guest read during its slices, summed. */
  stolenTotalNs = 0;
  /** The CPU's read stolen total when the current slice began. */
  sliceStolenBaseNs = 0;
  /** Real CPU ns over its closed slices. */
  realNs = 0;
  /** Real CPU ns in the open slice. */
  realOpenNs = 0;
  /** Migrations. */
  migrations = 0;
  /** Sequence number of its live sleep timer (−1: none). */
  timerSeq = -1;

  /**
   * @param index - tid − 1000
   * @param spec - its group
   * @param group - the group's index in the scenario (for trace segments)
   * @param scenario - the run
   * @param realtime - whether the policy is real-time (prio shows as 99 − priority)
   * @param machine - how its machine runs, and the ledger it books into
   * @param machine.engine - compiled or xstate
   * @param machine.ledger - the run's ledger
   * @param inputs - loaded trace segments
   */
  constructor(
    index: number,
    spec: ResolvedTaskSpec,
    group: number,
    scenario: ResolvedScenario,
    realtime: boolean,
    machine: { readonly engine: MachineEngine; readonly ledger: Ledger },
    inputs: SimInputs | undefined,
  ) {
    const tid = FIRST_TID + index;
    this.index = index;
    this.spec = spec;
    this.ref = { tid, name: spec.name, prio: realtime ? 99 - spec.priority : 120 + spec.nice };
    const weight = SCHED_PRIO_TO_WEIGHT[spec.nice + 20] ?? 1024;
    this.sched = { tid, name: spec.name, nice: spec.nice, priority: spec.priority, weight, sched: undefined };
    this.allowed = new Uint8Array(scenario.cpus);
    const cpus = spec.cpus.filter((c) => c >= 0 && c < scenario.cpus);
    for (const c of cpus.length === 0 ? [...Array(scenario.cpus).keys()] : cpus) this.allowed[c] = 1;
    const policy = scenario.accounting === 'none' ? 'drop' : scenario.accounting;
    this.runner = startTask(machine.engine, { task: tid, counterHz: 1e9, policy, ledger: machine.ledger });
    const segments = inputs?.taskSegments.get(group);
    this.workload = new WorkloadRunner(spec.workload, stream(scenario.seed, 'workload', tid), segments);
    this.syscallNs = syscallNsOf(spec.workload);
    // hrtimer_nanosleep: slack 0 for rt tasks; the timer fires at its hard expiry, soft + slack (hrtimer.c)
    this.slackNs = realtime || spec.workload.kind === 'trace' ? 0 : TIMER_SLACK_NS;
  }

  /** Takes its first burst at creation (none: it exits when it first runs). */
  firstBurst(): void {
    if (this.workload.next()) {
      this.burstEndNs = this.workload.runNs;
      this.sleepAfterNs = this.workload.sleepNs;
    } else this.sleepAfterNs = -1;
  }
}

/**
 * Every task of a scenario, in tid order.
 * @param scenario - the run
 * @param realtime - whether the policy is real-time
 * @param machine - how machines run, and the ledger
 * @param machine.engine - compiled or xstate
 * @param machine.ledger - the run's ledger
 * @param inputs - loaded trace segments
 * @returns the tasks
 * @internal
 */
export function createTasks(
  scenario: ResolvedScenario,
  realtime: boolean,
  machine: { readonly engine: MachineEngine; readonly ledger: Ledger },
  inputs: SimInputs | undefined,
): SimTask[] {
  const tasks: SimTask[] = [];
  scenario.tasks.forEach((spec, group) => {
    for (let k = 0; k < spec.count; k++)
      tasks.push(new SimTask(tasks.length, spec, group, scenario, realtime, machine, inputs));
  });
  return tasks;
}

/**
 * The engine's task for the policy's view of it.
 * @param tasks - the run's tasks, in tid order
 * @param s - what the policy returned
 * @returns the task
 * @throws {@link SchedacctError} `invalid-argument` for a task the engine did not give the policy
 * @internal
 */
export function taskOf(tasks: readonly SimTask[], s: SchedTask): SimTask {
  const t = tasks[s.tid - FIRST_TID];
  if (t?.sched !== s) {
    throw new SchedacctError('invalid-argument', `the policy returned a task the engine did not give it (${s.tid})`);
  }
  return t;
}
