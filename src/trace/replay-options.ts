/**
 * The options of a `Replay`.
 * @module
 */
import type { Ledger } from '../accounting/ledger.js';
import type { StealPolicy } from '../accounting/steal.js';
import type { Engine } from './engine.js';
import type { Compat } from './perf-compat.js';

/** Options of `Replay`. */
export interface ReplayOptions {
  /** `'perf-6.1'`: no scheduling delay after a preemption; `'current'` (default): delay counted from it. */
  readonly compat?: Compat;
  /** `'compiled'` (default, fast) or `'xstate'` (real actors, same results). */
  readonly engine?: Engine;
  /** Count migrations (perf's `-M`). */
  readonly migrations?: boolean;
  /** Rows carry perf's `-n` column: the next task as the tracepoint named it (`next`). */
  readonly next?: boolean;
  /**
   * perf's `-I` (`--idle-hist`): only switches into or out of idle give rows (a task's with every delta 0, no
   * wakeup or migration rows), and each task's record carries the idle time that followed its switches to idle
   * (`TaskRecord.idleTotals`), which the summary lists.
   */
  readonly idleHist?: boolean;
  /** Throw at the first anomaly instead of recording it (ignored when a `ledger` is given: it is the ledger's). */
  readonly strict?: boolean;
  /** What happens to steal beyond a slice (default `'drop'`, as current kernels). */
  readonly policy?: StealPolicy;
  /** Where the totals and anomalies are booked (default: a new ledger, with `strict`). */
  readonly ledger?: Ledger;
}
