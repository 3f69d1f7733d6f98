/**
 * The parts of a scenario a user writes that come in kinds: how the host steals ({@link StealSpec}), what a task does
 * ({@link Workload}) and the distributions a `bursts` workload draws from ({@link Distribution}), each kind a named
 * interface. Re-exported by types.ts; times are in scenario units (µs and ms, fractions allowed, resolved to whole ns).
 * @module
 */

/** A span of time in ms from the start of the run (fractions allowed; resolved to whole ns). */
export interface MsInterval {
  /** Start, ms (≥ 0). */
  readonly startMs: number;
  /** End, ms (exclusive; > startMs, ≤ durationMs). */
  readonly endMs: number;
}

/** No steal: the vCPU always runs when it wants to. */
export interface NoStealSpec {
  /** `none`. */
  readonly kind: 'none';
}

/** `share` of every period stolen at the end of the period. */
export interface ConstantStealSpec {
  /** `constant`. */
  readonly kind: 'constant';
  /** The share stolen, 0 to less than 1. */
  readonly share: number;
  /** The period, µs (> 0; default 1000). */
  readonly periodUs?: number;
}

/** `stealUs` at the end of every `periodUs` (3600 of every 12000: the resonant case, steal in step with the slices). */
export interface PeriodicStealSpec {
  /** `periodic`. */
  readonly kind: 'periodic';
  /** The period, µs (> 0). */
  readonly periodUs: number;
  /** Stolen per period, µs (≥ 0, less than periodUs). */
  readonly stealUs: number;
  /** Where in the period the steal starts, µs (≥ 0, less than periodUs; default 0). */
  readonly phaseUs?: number;
}

/** Exponential run and steal lengths with these means, from the host's own PRNG stream. */
export interface RandomStealSpec {
  /** `random`. */
  readonly kind: 'random';
  /** Mean run between steals, µs (> 0). */
  readonly meanRunUs: number;
  /** Mean steal, µs (> 0). */
  readonly meanStealUs: number;
}

/** Exactly these steal intervals. */
export interface IntervalsStealSpec {
  /** `intervals`. */
  readonly kind: 'intervals';
  /** The intervals, ms: sorted, not overlapping, inside the run. */
  readonly intervals: readonly MsInterval[];
}

/**
 * A host recording: the vCPU thread's run-queue delay (KVM's steal: the time the thread was runnable but not running)
 * in a `perf sched record` of the host, read as perf script or ftrace text (by `loadInputs`).
 */
export interface TraceStealSpec {
  /** `trace`. */
  readonly kind: 'trace';
  /** The trace, relative to the scenario file. */
  readonly file: string;
  /** The vCPU thread's tid on the host (1..4194304). */
  readonly tid: number;
}

/** How the host steals from one vCPU. */
export type StealSpec =
  NoStealSpec | ConstantStealSpec | PeriodicStealSpec | RandomStealSpec | IntervalsStealSpec | TraceStealSpec;

/** Always the same length. */
export interface FixedDistribution {
  /** `fixed`. */
  readonly dist: 'fixed';
  /** The length, µs (> 0 for runs, ≥ 0 for sleeps). */
  readonly us: number;
}

/** Uniform from `minUs` to `maxUs`. */
export interface UniformDistribution {
  /** `uniform`. */
  readonly dist: 'uniform';
  /** Shortest, µs (> 0 for runs, ≥ 0 for sleeps). */
  readonly minUs: number;
  /** Longest, µs (at least minUs). */
  readonly maxUs: number;
}

/** Exponential with this mean. */
export interface ExponentialDistribution {
  /** `exponential`. */
  readonly dist: 'exponential';
  /** Mean, µs (> 0). */
  readonly meanUs: number;
}

/** Log-normal with this median. */
export interface LognormalDistribution {
  /** `lognormal`. */
  readonly dist: 'lognormal';
  /** Median, µs (> 0). */
  readonly medianUs: number;
  /** Sigma of the logarithm, 0..10. */
  readonly sigma: number;
}

/** A distribution of lengths, µs, sampled from the task's own PRNG stream. */
export type Distribution = FixedDistribution | UniformDistribution | ExponentialDistribution | LognormalDistribution;

/** One step of a `phases` workload: run `runUs` of task-clock time, then sleep `sleepUs` (0: stay runnable). */
export interface Phase {
  /** Task-clock time to run, µs (> 0). */
  readonly runUs: number;
  /** Sleep after it, µs (≥ 0). */
  readonly sleepUs: number;
  /** How many times in a row (default 1). */
  readonly times?: number;
}

/** Always runnable (a hog). */
export interface CpuWorkload {
  /** `cpu`. */
  readonly kind: 'cpu';
  /**
   * The task enters the kernel every so many µs of its runs (a system call, which runs `update_curr`), so under EEVDF
   * its slice ends within that of its deadline rather than at the next tick; 0: never. Default: 2 for `periodic`
   * (`periodic.c` reads its own CPU clock, a system call, about every 2 µs), 0 for `cpu` and `bursts`.
   */
  readonly syscallUs?: number;
}

/** Run `runUs` of task-clock time, then sleep `sleepUs`, repeated (`traces/kernel/periodic.c`). */
export interface PeriodicWorkload {
  /** `periodic`. */
  readonly kind: 'periodic';
  /** Task-clock time to run each period, µs (> 0). */
  readonly runUs: number;
  /** Sleep after each run, µs (≥ 0). */
  readonly sleepUs: number;
  /**
   * The task enters the kernel every so many µs of its runs (a system call, which runs `update_curr`), so under EEVDF
   * its slice ends within that of its deadline rather than at the next tick; 0: never. Default: 2 for `periodic`
   * (`periodic.c` reads its own CPU clock, a system call, about every 2 µs), 0 for `cpu` and `bursts`.
   */
  readonly syscallUs?: number;
}

/** Random run and sleep lengths. */
export interface BurstsWorkload {
  /** `bursts`. */
  readonly kind: 'bursts';
  /** Each run's task-clock length. */
  readonly run: Distribution;
  /** Each sleep's length. */
  readonly sleep: Distribution;
  /**
   * The task enters the kernel every so many µs of its runs (a system call, which runs `update_curr`), so under EEVDF
   * its slice ends within that of its deadline rather than at the next tick; 0: never. Default: 2 for `periodic`
   * (`periodic.c` reads its own CPU clock, a system call, about every 2 µs), 0 for `cpu` and `bursts`.
   */
  readonly syscallUs?: number;
}

/** The phases in order, again from the first after the last unless `loop` is false. */
export interface PhasesWorkload {
  /** `phases`. */
  readonly kind: 'phases';
  /** The phases (at least one). */
  readonly phases: readonly Phase[];
  /** Start again after the last (default true; false: the task exits). */
  readonly loop?: boolean;
}

/**
 * Each run and sleep of a task in a replayed trace (perf script or ftrace text), chosen by `tid`, `comm` or both
 * (at least one); the task exits after its last run unless `loop`.
 */
export interface TraceWorkload {
  /** `trace`. */
  readonly kind: 'trace';
  /** The trace, relative to the scenario file. */
  readonly file: string;
  /** The task in the trace, by tid. */
  readonly tid?: number;
  /** The task in the trace, by comm (the first such task; with tid, both must match). */
  readonly comm?: string;
  /** Start again after the last run (default false: the task exits). */
  readonly loop?: boolean;
}

/** What a task does. Run lengths are task-clock time (what `CLOCK_THREAD_CPUTIME_ID` shows), as `periodic.c` uses. */
export type Workload = CpuWorkload | PeriodicWorkload | BurstsWorkload | PhasesWorkload | TraceWorkload;
