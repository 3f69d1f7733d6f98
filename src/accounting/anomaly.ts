/**
 * Anomalies: bad input recorded as data. Nothing in schedacct drops bad input silently or charges a
 * negative amount; it records one of these and carries on (or throws, when the caller asked for `strict`).
 * @module
 */
import { SchedacctError } from '../errors.js';

/**
 * What went wrong.
 * - `counter-backwards`: a later counter reading is before an earlier one (the slice counts as 0 ns).
 * - `steal-backwards`: the stolen total decreased (live migration, CPU hotplug, a structure re-registered).
 * - `steal-exceeds-elapsed`: more steal appeared in an interval than the interval lasted (clamped).
 * - `snapshot-inconsistent`: a consistent read did not succeed within its retry bound.
 * - `impossible-transition`: an event the task's state does not allow (a dispatch while running); ignored.
 * - `lost-event`: a trace lost events (a switch-in perf never saw): what follows is charged as perf charges it.
 * - `malformed-line`: a trace line a reader could not parse; skipped.
 * - `time-jump`: a trace time so far from the others that the gap holds no exact number of ns (over 2^53 ns, 104
 *   days): the jump is left out of every slice, wait and delay, and the replay goes on.
 */
export type AnomalyKind =
  | 'counter-backwards'
  | 'steal-backwards'
  | 'steal-exceeds-elapsed'
  | 'snapshot-inconsistent'
  | 'impossible-transition'
  | 'lost-event'
  | 'malformed-line'
  | 'time-jump';

/**
 * Every {@link AnomalyKind}, in a stable order for reports.
 * @example
 * ```ts
 * ANOMALY_KINDS.length; // 8
 * ANOMALY_KINDS[0]; // 'counter-backwards'
 * ```
 */
export const ANOMALY_KINDS: readonly AnomalyKind[] = [
  'counter-backwards',
  'steal-backwards',
  'steal-exceeds-elapsed',
  'snapshot-inconsistent',
  'impossible-transition',
  'lost-event',
  'malformed-line',
  'time-jump',
];

/** One recorded anomaly, with whatever context the recorder knew. */
export interface Anomaly {
  /** What went wrong. */
  readonly kind: AnomalyKind;
  /** A sentence for people. */
  readonly message: string;
  /** The task concerned, if any. */
  readonly task?: TaskId;
  /** When it happened, ns on the caller's timeline. */
  readonly atNs?: number;
  /** CPU concerned, if any. */
  readonly cpu?: number;
  /** Input line number (1-based), for readers. */
  readonly line?: number;
}

/** A task's identity: a Linux tid, or any name a simulator uses. */
export type TaskId = number | string;

/**
 * Turns an anomaly into the error `strict` mode throws.
 * @param anomaly - the anomaly
 * @returns a {@link SchedacctError} with code `strict-anomaly` whose message names the anomaly and its context
 */
export function anomalyError(anomaly: Anomaly): SchedacctError {
  const where = [
    anomaly.task === undefined ? '' : `task ${String(anomaly.task)}`,
    anomaly.cpu === undefined ? '' : `cpu ${String(anomaly.cpu)}`,
    anomaly.atNs === undefined ? '' : `at ${String(anomaly.atNs)} ns`,
    anomaly.line === undefined ? '' : `line ${String(anomaly.line)}`,
  ]
    .filter(Boolean)
    .join(', ');
  return new SchedacctError(
    'strict-anomaly',
    `${anomaly.kind}: ${anomaly.message}${where ? ` (${where})` : ''}; run without strict to record it and go on`,
  );
}
