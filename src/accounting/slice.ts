/**
 * One run slice, charged the way the guest kernel does it:
 * `charged = to_ns(Δcounter) − Δstolen`, with steal clamped to the slice under a {@link StealPolicy}.
 * @module
 */
import type { Anomaly, AnomalyKind, TaskId } from './anomaly.js';
import { COUNTER_BACKWARDS, createConversion, type ConversionMode, type CounterConversion } from './counter.js';
import type { Ledger } from './ledger.js';
import type { Reading } from './snapshot.js';
import { StealAccount, type StealPolicy } from './steal.js';

/** How a {@link SliceAccountant} is set up. */
export interface SliceAccountantOptions {
  /** Counter frequency, Hz. */
  readonly counterHz: number;
  /** Counter width in bits (default: Linux's choice for the frequency). */
  readonly widthBits?: number;
  /** `'exact'` (default) or `'kernel'` (Linux mult/shift truncation). */
  readonly conversion?: ConversionMode;
  /** What happens to steal beyond a slice (default `'drop'`, as current kernels). */
  readonly policy?: StealPolicy;
  /** The stolen total when accounting starts (default 0). */
  readonly initialStolenNs?: bigint;
}

/**
 * Charges slices on one clock (one vCPU's counter and stolen total). Results of the last {@link charge} are
 * left in public fields, so hot loops allocate nothing.
 *
 * Use one accountant per vCPU and feed it every interval in time order for the kernel's per-run-queue
 * semantics, or one per task (the seed algorithm): steal between a task's slices is skipped, not charged.
 * @example
 * ```ts
 * const acct = new SliceAccountant({ counterHz: 24_000_000, policy: 'carry' });
 * acct.charge({ counter: 0n, stolenNs: 0n }, { counter: 240_000n, stolenNs: 2_000_000n }); // 8_000_000
 * acct.stolenNs; // 2_000_000
 * ```
 */
export class SliceAccountant {
  /** The counter conversion in use. */
  readonly conversion: CounterConversion;
  /** The steal bookkeeping in use. */
  readonly steal: StealAccount;
  /** Wall ns of the last slice (0 when the counter went backwards). */
  elapsedNs = 0;
  /** Steal subtracted from the last slice. */
  stolenNs = 0;
  /** ns charged for the last slice: `elapsedNs − stolenNs`, never negative. */
  chargedNs = 0;
  /** Anomalies the last slice met (reused between calls: copy it to keep it). */
  readonly anomalies: AnomalyKind[] = [];

  /** @param options - see {@link SliceAccountantOptions} */
  constructor(options: SliceAccountantOptions) {
    this.conversion =
      options.widthBits === undefined
        ? createConversion(options.conversion ?? 'exact', options.counterHz)
        : createConversion(options.conversion ?? 'exact', options.counterHz, options.widthBits);
    this.steal = new StealAccount(options.policy ?? 'drop', options.initialStolenNs ?? 0n);
  }

  /**
   * Charges the slice from `before` (switch-in) to `after` (switch-out).
   * @param before - reading at the start of the slice
   * @param after - reading at the end of the slice
   * @returns ns charged to the task (also in {@link SliceAccountant.chargedNs})
   */
  charge(before: Reading, after: Reading): number {
    const anomalies = this.anomalies;
    if (anomalies.length !== 0) anomalies.length = 0;
    if (before.stolenNs !== this.steal.lastSeenNs) {
      this.steal.skipTo(before.stolenNs);
      if (this.steal.lastAnomaly !== null) anomalies.push(this.steal.lastAnomaly);
    }
    let elapsed = this.conversion.elapsedNs(before.counter, after.counter);
    if (elapsed === COUNTER_BACKWARDS) {
      anomalies.push('counter-backwards');
      elapsed = 0;
    }
    const stolen = this.steal.account(elapsed, after.stolenNs);
    if (this.steal.lastAnomaly !== null) anomalies.push(this.steal.lastAnomaly);
    this.elapsedNs = elapsed;
    this.stolenNs = stolen;
    this.chargedNs = elapsed - stolen;
    return this.chargedNs;
  }
}

const MESSAGES: Record<AnomalyKind, string> = {
  'counter-backwards': 'counter went backwards; the slice counts as 0 ns',
  'steal-backwards': 'stolen total went backwards; steal restarted from the new total',
  'steal-exceeds-elapsed': 'more steal appeared than the slice lasted; clamped to the slice',
  'snapshot-inconsistent': 'no consistent reading within the retry bound; used the last attempt',
  'impossible-transition': 'an event the state does not allow; ignored',
  'malformed-line': 'a trace line that could not be parsed; skipped',
};

/**
 * Charges a slice and books it: the slice into the task's account, each anomaly into the ledger.
 * @param ledger - where to book it
 * @param task - the task that ran
 * @param accountant - the clock's accountant
 * @param before - reading at switch-in
 * @param after - reading at switch-out
 * @param atNs - when the slice ended on the caller's timeline, for anomaly reports
 * @returns ns charged
 */
export function bookSlice(
  ledger: Ledger,
  task: TaskId,
  accountant: SliceAccountant,
  before: Reading,
  after: Reading,
  atNs?: number,
): number {
  const charged = accountant.charge(before, after);
  ledger.account(task).addSlice(accountant.elapsedNs, accountant.stolenNs);
  const anomalies = accountant.anomalies;
  for (let i = 0; i < anomalies.length; i++) {
    const kind = anomalies[i] as AnomalyKind;
    const anomaly: Anomaly =
      atNs === undefined ? { kind, message: MESSAGES[kind], task } : { kind, message: MESSAGES[kind], task, atNs };
    ledger.recordAnomaly(anomaly);
  }
  return charged;
}

/**
 * The sentence schedacct uses for an anomaly kind.
 * @param kind - the kind
 * @returns a short explanation of what happened and what was done
 */
export function anomalyMessage(kind: AnomalyKind): string {
  return MESSAGES[kind];
}
