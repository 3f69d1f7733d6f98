/**
 * A run as the views draw it: run slices per CPU, the host's steal, each task's totals from the ledger, anomalies.
 * Both producers give one ({@link Timeline} from a replay's rows, or from a simulation's observer calls), so the
 * Perfetto export, the charts and the HTML report read one shape and never the producers' internals.
 * @module
 */

/** Which producer made a timeline. */
export type TimelineSource = 'replay' | 'simulate';

/** One run slice: a task on a CPU from its switch-in to its switch-out (the idle task is not a slice). */
export interface TimelineSlice {
  /** CPU (vCPU index for a simulation). */
  readonly cpu: number;
  /** Thread id. */
  readonly tid: number;
  /** Comm. */
  readonly name: string;
  /** Switch-in, ns (trace clock for a replay, guest ns for a simulation). */
  readonly startNs: number;
  /** Switch-out, ns (exclusive; `startNs ≤ endNs`). */
  readonly endNs: number;
  /** Steal inside the slice, ns (`0 ≤ stolenNs ≤ endNs − startNs`); what the ledger booked for it. */
  readonly stolenNs: number;
  /** Scheduling delay before it, ns (wakeup or preemption to switch-in; 0 when not known). */
  readonly delayNs: number;
  /** State letter it left the CPU in (`R` preempted, `S` asleep, `D`, `X` exited, …). */
  readonly state: string;
}

/** A stretch of time on one CPU (steal: the vCPU runnable on the host, not running). */
export interface TimelineInterval {
  /** CPU. */
  readonly cpu: number;
  /** Start, ns. */
  readonly startNs: number;
  /** End, ns (exclusive). */
  readonly endNs: number;
}

/** One task's totals, read off the ledger. */
export interface TimelineTask {
  /** Thread id. */
  readonly tid: number;
  /** Comm. */
  readonly name: string;
  /** Wall time on a CPU, ns. */
  readonly runNs: number;
  /** What the scheduler charged, ns. */
  readonly chargedNs: number;
  /** Steal subtracted, ns. */
  readonly stolenNs: number;
  /** Run slices. */
  readonly slices: number;
}

/** An anomaly the ledger counted, placed in time. */
export interface TimelineAnomaly {
  /** When, ns. */
  readonly timeNs: number;
  /** The anomaly's code. */
  readonly code: string;
  /** Its task, when it has one. */
  readonly tid?: number;
  /** Its CPU, when it has one. */
  readonly cpu?: number;
  /** What happened, one line. */
  readonly message: string;
}

/** A run as the views draw it. */
export interface Timeline {
  /** Which producer made it. */
  readonly source: TimelineSource;
  /** A title for charts and reports (the trace's file name, the scenario's description). */
  readonly title: string;
  /** CPUs (the highest CPU seen plus one for a replay; the scenario's vCPUs for a simulation). */
  readonly cpus: number;
  /** The first switch, ns. */
  readonly startNs: number;
  /** The last switch, ns. */
  readonly endNs: number;
  /** Every run slice, ordered by `endNs` (then CPU); on one CPU they never overlap. */
  readonly slices: readonly TimelineSlice[];
  /**
   * The host's steal intervals per CPU, ordered by start: a simulation knows them; a replay does not (its trace holds
   * only each slice's steal, `TimelineSlice.stolenNs`), so there it is empty.
   */
  readonly steal: readonly TimelineInterval[];
  /** Every task's totals from the ledger, in tid order; their sums equal the summary's. */
  readonly tasks: readonly TimelineTask[];
  /** The anomalies the ledger kept with their details (its detail cap applies), in time order. */
  readonly anomalies: readonly TimelineAnomaly[];
}
