/**
 * The simulator's contracts: the scenario as a user writes it (JSON, user units) and as it is resolved (every default
 * filled in, still user units, so it can travel with the results), the scheduler-policy interface a run queue
 * implements, the observer a run reports its scheduling events to, and what a run returns.
 *
 * The flow: `resolveScenario` (scenario.ts) → `simulate` (engine) → task machines → ledger → reports. Times inside the
 * engine are integer ns on the host's timeline; guest time is host time minus whole-VM pauses.
 * @module
 */
import type { Ledger } from '../accounting/ledger.js';
import type { TaskTotals } from '../accounting/account.js';
import type { SchedPolicy } from './policy-types.js';
import type { MsInterval, StealSpec, Workload } from './scenario-types.js';

export type { EnqueueFlags, KernelVersion, PolicyEnv, RunQueue, SchedPolicy, SchedTask } from './policy-types.js';
export type {
  BurstsWorkload,
  ConstantStealSpec,
  CpuWorkload,
  Distribution,
  ExponentialDistribution,
  FixedDistribution,
  IntervalsStealSpec,
  LognormalDistribution,
  MsInterval,
  NoStealSpec,
  Phase,
  PeriodicStealSpec,
  PeriodicWorkload,
  PhasesWorkload,
  RandomStealSpec,
  StealSpec,
  TraceStealSpec,
  TraceWorkload,
  UniformDistribution,
  Workload,
} from './scenario-types.js';

/** A scheduler policy shipped with schedacct. */
export type PolicyName = 'eevdf' | 'cfs' | 'rr' | 'fifo';

/**
 * How the guest's run-queue clock treats steal (`update_rq_clock_task`): `drop` excess steal (Linux since
 * 108ad0999085), `carry` it into later updates (before), or `none`: a kernel without paravirt steal accounting, which
 * charges tasks wall time (every experiment's baseline).
 */
export type AccountingPolicy = 'drop' | 'carry' | 'none';

/** The hypervisor ABI the guest reads its stolen total through. */
export type SimAbi = 'x86' | 'arm64' | 'xen';

/** A group of tasks as the scenario gives them. */
export interface TaskSpec {
  /** The comm (≤ 15 characters, as the kernel keeps it). */
  readonly name: string;
  /** Nice value, −20..19 (fair policies; default 0). */
  readonly nice?: number;
  /** Real-time priority 1..99 (rr, fifo; default 50). */
  readonly priority?: number;
  /** CPUs it may run on (default all). */
  readonly cpus?: readonly number[];
  /** How many such tasks (default 1); each gets its own tid and PRNG stream. */
  readonly count?: number;
  /** When it is created, ms (default 0). */
  readonly startMs?: number;
  /** When it exits, ms (default: runs to the end). */
  readonly stopMs?: number;
  /** What it does. */
  readonly workload: Workload;
}

/** The host's side of a scenario. */
export interface HostSpec {
  /**
   * Steal by vCPU index: keys `"0"`, `"1"`, … and `"*"` for every vCPU without its own (default none).
   */
  readonly steal?: Readonly<Record<string, StealSpec>>;
  /** Whole-VM pauses (migration, suspend): nothing runs, the guest's clock stops, not steal. */
  readonly pauses?: readonly MsInterval[];
  /** The ABI the guest reads steal through (default `x86`). */
  readonly abi?: SimAbi;
}

/** A scenario as a user writes it (JSON). Keys are a user-facing contract: keep them stable. */
export interface Scenario {
  /** Kernel version, `"6.18"` (default): picks the policy's rules (EEVDF ≥ 6.6, base slice by version). */
  readonly kernel?: string;
  /** Scheduler policy (default: `eevdf` for kernels ≥ 6.6, `cfs` before), or a path to a policy module. */
  readonly policy?: string;
  /** Tick rate, Hz (default 250). */
  readonly hz?: number;
  /** vCPUs (default 1). */
  readonly cpus?: number;
  /** Simulated time, ms (default 1000). */
  readonly durationMs?: number;
  /** Seed (default 1). */
  readonly seed?: number;
  /** The run-queue clock's steal policy (default `drop`). */
  readonly accounting?: AccountingPolicy;
  /** The host: steal, pauses, ABI. */
  readonly host?: HostSpec;
  /** The tasks. */
  readonly tasks: readonly TaskSpec[];
}

/** A task group with its defaults filled in. */
export interface ResolvedTaskSpec {
  /** The comm (1 to 15 characters). */
  readonly name: string;
  /** Nice value, −20..19 (0 when not given). */
  readonly nice: number;
  /** Real-time priority, 1..99 (50 when not given; used by rr and fifo). */
  readonly priority: number;
  /** The vCPUs it may run on: sorted, distinct, each < cpus (all of them when not given). */
  readonly cpus: readonly number[];
  /** How many such tasks (≥ 1). */
  readonly count: number;
  /** When they are created, ms (0 when not given). */
  readonly startMs: number;
  /** When they exit, ms; `null`: they run to the end. */
  readonly stopMs: number | null;
  /** What each does, its defaults filled in (`periodUs`, `phaseUs`, `loop`, `times`). */
  readonly workload: Workload;
}

/** The host's side of a resolved scenario. */
export interface ResolvedHostSpec {
  /** How the host steals, one per vCPU, index = vCPU (`{ kind: 'none' }` where the scenario says nothing). */
  readonly steal: readonly StealSpec[];
  /** Whole-VM pauses, ms: sorted, not overlapping (empty when none). */
  readonly pauses: readonly MsInterval[];
  /** The ABI the guest reads steal through (`x86` when not given). */
  readonly abi: SimAbi;
}

/** A scenario with every default filled in (what a result echoes, so it says what produced it). */
export interface ResolvedScenario {
  /** Kernel version as written (`"6.18"` when not given). */
  readonly kernel: string;
  /** The policy: a {@link PolicyName} (the kernel's default when not given), or a path to a policy module. */
  readonly policy: string;
  /** Tick rate, Hz: 100, 250 (default), 300 or 1000. */
  readonly hz: number;
  /** vCPUs (1 when not given). */
  readonly cpus: number;
  /** Simulated time, ms (1000 when not given). */
  readonly durationMs: number;
  /** The seed of every PRNG stream (1 when not given). */
  readonly seed: number;
  /** The run-queue clock's steal policy (`drop` when not given). */
  readonly accounting: AccountingPolicy;
  /** The host: steal per vCPU, pauses, ABI. */
  readonly host: ResolvedHostSpec;
  /** The task groups, in scenario order. */
  readonly tasks: readonly ResolvedTaskSpec[];
}

/** A task as the observer sees it. */
export interface SimTaskRef {
  /** Thread id (the first task is 1000, then in scenario order). */
  readonly tid: number;
  /** Comm. */
  readonly name: string;
  /** The kernel prio traces show: 120 + nice (fair), 99 − priority (rt). */
  readonly prio: number;
}

/**
 * What a run reports as it goes, in non-decreasing guest time (`atNs`: guest ns, which stops during pauses): the
 * scheduling events a `perf sched record` of the guest would hold. The ftrace writer and the metrics are observers.
 */
export interface SimObserver {
  /** A task was created (`sched_wakeup_new`) on `cpu`. */
  onCreate?(atNs: number, cpu: number, task: SimTaskRef): void;
  /** `task` was woken (`sched_waking`) by code on `cpu`, to run on `targetCpu`. */
  onWakeup?(atNs: number, cpu: number, task: SimTaskRef, targetCpu: number): void;
  /** `task` moved (`sched_migrate_task`). */
  onMigrate?(atNs: number, task: SimTaskRef, fromCpu: number, toCpu: number): void;
  /**
   * A task's runtime was charged (`sched_stat_runtime`, at each `update_curr`): task-clock ns since the last one.
   */
  onRuntime?(atNs: number, cpu: number, task: SimTaskRef, runtimeNs: number): void;
  /**
   * A context switch on `cpu` (`sched_switch`); undefined is the idle task. `prevState`: `R` preempted, `S` asleep,
   * `X` exited. `prevStolenNs`: the steal the guest read during `prev`'s slice, what its account booked (0 for idle;
   * the engine passes it, a host driving an observer may leave it out).
   */
  onSwitch?(
    atNs: number,
    cpu: number,
    prev: SimTaskRef | undefined,
    prevState: 'R' | 'S' | 'X',
    next: SimTaskRef | undefined,
    prevStolenNs?: number,
  ): void;
}

/** One task's outcome. */
export interface SimTaskResult {
  /** Comm. */
  readonly name: string;
  /** Thread id. */
  readonly tid: number;
  /** Nice. */
  readonly nice: number;
  /** Real-time priority. */
  readonly priority: number;
  /** Its weight. */
  readonly weight: number;
  /** Its totals from the ledger (runNs wall, chargedNs what the scheduler charged, stolenNs steal subtracted). */
  readonly totals: TaskTotals;
  /** Real CPU: wall run time minus what the host really stole during its slices (whatever the guest accounted). */
  readonly realNs: number;
  /** Migrations. */
  readonly migrations: number;
}

/** One vCPU's outcome; `busyNs + idleNs + stolenNs + pausedNs = elapsed` (host time). */
export interface SimVcpuResult {
  /** Its index. */
  readonly vcpu: number;
  /** Host time running a task. */
  readonly busyNs: number;
  /** Host time running idle. */
  readonly idleNs: number;
  /** Host time stolen (the vCPU runnable on the host). */
  readonly stolenNs: number;
  /** Host time the VM was paused. */
  readonly pausedNs: number;
}

/** What a run returns. */
export interface SimResult {
  /** The resolved scenario it ran. */
  readonly scenario: ResolvedScenario;
  /** The ledger every task booked into. */
  readonly ledger: Ledger;
  /** Every task, in tid order. */
  readonly tasks: readonly SimTaskResult[];
  /** Every vCPU, by index. */
  readonly vcpus: readonly SimVcpuResult[];
  /** Host time simulated, ns. */
  readonly elapsedNs: number;
  /** Scheduling events processed (switches, wakeups, ticks, migrations). */
  readonly events: number;
}

/** A span of time, whole ns. */
export interface NsInterval {
  /** Start, ns. */
  readonly startNs: number;
  /** End, ns (exclusive). */
  readonly endNs: number;
}

/** One run and the sleep after it, as a `trace` workload replays them. */
export interface Segment {
  /** Task-clock time to run, ns (> 0). */
  readonly runNs: number;
  /** Sleep after it, ns (≥ 0). */
  readonly sleepNs: number;
}

/**
 * What a scenario refers to outside itself, loaded before a run (files are read by `loadInputs`, so the engine does no
 * I/O): a host trace's steal intervals by vCPU, and a `trace` workload's segments by task-group index.
 */
export interface SimInputs {
  /** Steal intervals of vCPUs whose steal is `trace`, by vCPU index. */
  readonly hostSteal: ReadonlyMap<number, readonly NsInterval[]>;
  /** Segments of task groups whose workload is `trace`, by index in `tasks`. */
  readonly taskSegments: ReadonlyMap<number, readonly Segment[]>;
}

/** Options of `simulate`. */
export interface SimulateOptions {
  /** How the task machines run: `compiled` (default) or `xstate` (the same results, slower). */
  readonly engine?: 'compiled' | 'xstate';
  /** The policy to run (default: the shipped one the scenario names). */
  readonly policy?: SchedPolicy;
  /** Loaded inputs (required when the scenario has `trace` steal or workloads). */
  readonly inputs?: SimInputs;
  /** Who hears the scheduling events. */
  readonly observer?: SimObserver;
}
