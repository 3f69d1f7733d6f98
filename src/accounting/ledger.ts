/**
 * Per-task ledgers: what each task was charged, what was stolen from it, how long it waited and why, and
 * the anomalies met on the way. Ledgers merge, so per-CPU or sharded work can be summed.
 * @module
 */
import { SchedacctError } from '../errors.js';
import { ANOMALY_KINDS, anomalyError, type Anomaly, type AnomalyKind, type TaskId } from './anomaly.js';
import { MAX_SAFE_WHOLE } from './counter.js';
import type { Snapshot } from './snapshot.js';

/** Why a task was off the CPU: voluntary sleep (S, I…), uninterruptible wait (D), or preemption (R). */
export type WaitKind = 'sleep' | 'iowait' | 'preempt';

/**
 * One task's totals. All times in ns. `runNs = chargedNs + stolenNs` always. Slice statistics are over each
 * slice's wall run time (`runNs` of the slice), with the mean and spread kept as perf does (Welford).
 */
export interface TaskTotals {
  /** The task. */
  readonly task: TaskId;
  /** Wall time on the CPU, summed over slices. */
  readonly runNs: number;
  /** Run time charged to the task: wall run minus steal. */
  readonly chargedNs: number;
  /** Steal subtracted from the task's slices. */
  readonly stolenNs: number;
  /** Time asleep (voluntary). */
  readonly sleepNs: number;
  /** Time in uninterruptible wait (state D). */
  readonly iowaitNs: number;
  /** Time runnable after being preempted. */
  readonly preemptNs: number;
  /** Scheduling delay: from becoming runnable to running. */
  readonly delayNs: number;
  /** Number of slices (switch-outs). */
  readonly slices: number;
  /** Shortest slice, wall ns (0 when there were none). */
  readonly minSliceNs: number;
  /** Longest slice, wall ns. */
  readonly maxSliceNs: number;
  /** Mean slice, wall ns. */
  readonly meanSliceNs: number;
  /** Sum of squared deviations from the mean (Welford's M2); variance = m2 / (slices − 1). */
  readonly m2SliceNs: number;
}

function checkNs(name: string, ns: number): void {
  if (!(ns >= 0 && ns <= MAX_SAFE_WHOLE)) {
    throw new SchedacctError('invalid-argument', `${name} must be a finite number of ns ≥ 0, got ${String(ns)}`);
  }
}

/** {@link TaskTotals} without the task and with writable fields: what the booking functions update. */
export interface TotalsRecord {
  /** {@inheritDoc TaskTotals.runNs} */
  runNs: number;
  /** {@inheritDoc TaskTotals.chargedNs} */
  chargedNs: number;
  /** {@inheritDoc TaskTotals.stolenNs} */
  stolenNs: number;
  /** {@inheritDoc TaskTotals.sleepNs} */
  sleepNs: number;
  /** {@inheritDoc TaskTotals.iowaitNs} */
  iowaitNs: number;
  /** {@inheritDoc TaskTotals.preemptNs} */
  preemptNs: number;
  /** {@inheritDoc TaskTotals.delayNs} */
  delayNs: number;
  /** {@inheritDoc TaskTotals.slices} */
  slices: number;
  /** {@inheritDoc TaskTotals.minSliceNs} */
  minSliceNs: number;
  /** {@inheritDoc TaskTotals.maxSliceNs} */
  maxSliceNs: number;
  /** {@inheritDoc TaskTotals.meanSliceNs} */
  meanSliceNs: number;
  /** {@inheritDoc TaskTotals.m2SliceNs} */
  m2SliceNs: number;
}

/**
 * A task's totals as a plain {@link TaskTotals} record, from any record that holds them (an account, a machine context).
 * @param task - the task
 * @param totals - the record holding the totals
 * @returns a new plain object with exactly the totals' fields
 */
export function totalsOf(task: TaskId, totals: TotalsRecord): TaskTotals {
  const { runNs, chargedNs, stolenNs, sleepNs, iowaitNs, preemptNs, delayNs } = totals;
  const { slices, minSliceNs, maxSliceNs, meanSliceNs, m2SliceNs } = totals;
  return {
    task,
    runNs,
    chargedNs,
    stolenNs,
    sleepNs,
    iowaitNs,
    preemptNs,
    delayNs,
    slices,
    minSliceNs,
    maxSliceNs,
    meanSliceNs,
    m2SliceNs,
  };
}

/**
 * Zeroed totals.
 * @returns a fresh record
 */
export function emptyTotals(): TotalsRecord {
  return {
    runNs: 0,
    chargedNs: 0,
    stolenNs: 0,
    sleepNs: 0,
    iowaitNs: 0,
    preemptNs: 0,
    delayNs: 0,
    slices: 0,
    minSliceNs: 0,
    maxSliceNs: 0,
    meanSliceNs: 0,
    m2SliceNs: 0,
  };
}

/**
 * Books one run slice into a totals record (the ledger's arithmetic, usable on any record, e.g. a machine context).
 * @param totals - the record to update
 * @param runNs - wall time of the slice
 * @param stolenNs - steal inside it (0 to `runNs`); the task is charged `runNs − stolenNs`
 * @throws {@link SchedacctError} `invalid-argument` for negative values or steal beyond the slice
 */
export function bookSliceTotals(totals: TotalsRecord, runNs: number, stolenNs: number): void {
  checkNs('runNs', runNs);
  checkNs('stolenNs', stolenNs);
  if (stolenNs > runNs) {
    throw new SchedacctError(
      'invalid-argument',
      `stolenNs (${String(stolenNs)}) exceeds the slice (${String(runNs)} ns): clamp steal first (StealAccount)`,
    );
  }
  totals.runNs += runNs;
  totals.stolenNs += stolenNs;
  totals.chargedNs += runNs - stolenNs;
  const n = ++totals.slices;
  if (n === 1 || runNs < totals.minSliceNs) totals.minSliceNs = runNs;
  if (runNs > totals.maxSliceNs) totals.maxSliceNs = runNs;
  const delta = runNs - totals.meanSliceNs;
  totals.meanSliceNs += delta / n;
  totals.m2SliceNs += delta * (runNs - totals.meanSliceNs);
}

/**
 * Books time off the CPU into a totals record.
 * @param totals - the record to update
 * @param kind - why the task waited
 * @param ns - how long
 * @throws {@link SchedacctError} `invalid-argument` for a negative time or unknown kind
 */
export function bookWaitTotals(totals: TotalsRecord, kind: WaitKind, ns: number): void {
  checkNs('wait ns', ns);
  switch (kind) {
    case 'sleep':
      totals.sleepNs += ns;
      break;
    case 'iowait':
      totals.iowaitNs += ns;
      break;
    case 'preempt':
      totals.preemptNs += ns;
      break;
    default:
      throw new SchedacctError('invalid-argument', `wait kind must be sleep, iowait or preempt, got ${String(kind)}`);
  }
}

/**
 * Books scheduling delay (runnable → running) into a totals record.
 * @param totals - the record to update
 * @param ns - how long
 * @throws {@link SchedacctError} `invalid-argument` for a negative time
 */
export function bookDelayTotals(totals: TotalsRecord, ns: number): void {
  checkNs('delay ns', ns);
  totals.delayNs += ns;
}

/** A task's mutable account inside a {@link Ledger}. Get one with {@link Ledger.account}. */
export class TaskAccount implements TaskTotals {
  /** The task. */
  readonly task: TaskId;
  /** {@inheritDoc TaskTotals.runNs} */
  runNs = 0;
  /** {@inheritDoc TaskTotals.chargedNs} */
  chargedNs = 0;
  /** {@inheritDoc TaskTotals.stolenNs} */
  stolenNs = 0;
  /** {@inheritDoc TaskTotals.sleepNs} */
  sleepNs = 0;
  /** {@inheritDoc TaskTotals.iowaitNs} */
  iowaitNs = 0;
  /** {@inheritDoc TaskTotals.preemptNs} */
  preemptNs = 0;
  /** {@inheritDoc TaskTotals.delayNs} */
  delayNs = 0;
  /** {@inheritDoc TaskTotals.slices} */
  slices = 0;
  /** {@inheritDoc TaskTotals.minSliceNs} */
  minSliceNs = 0;
  /** {@inheritDoc TaskTotals.maxSliceNs} */
  maxSliceNs = 0;
  /** {@inheritDoc TaskTotals.meanSliceNs} */
  meanSliceNs = 0;
  /** {@inheritDoc TaskTotals.m2SliceNs} */
  m2SliceNs = 0;

  /** @param task - the task this account is for */
  constructor(task: TaskId) {
    this.task = task;
  }

  /**
   * Adds one run slice.
   * @param runNs - wall time of the slice
   * @param stolenNs - steal inside it (0 to `runNs`); the task is charged `runNs − stolenNs`
   * @throws {@link SchedacctError} `invalid-argument` for negative values or steal beyond the slice
   */
  addSlice(runNs: number, stolenNs: number): void {
    bookSliceTotals(this, runNs, stolenNs);
  }

  /**
   * Adds time off the CPU.
   * @param kind - why the task waited
   * @param ns - how long
   * @throws {@link SchedacctError} `invalid-argument` for a negative time or unknown kind
   */
  addWait(kind: WaitKind, ns: number): void {
    bookWaitTotals(this, kind, ns);
  }

  /**
   * Adds scheduling delay (runnable → running).
   * @param ns - how long
   * @throws {@link SchedacctError} `invalid-argument` for a negative time
   */
  addDelay(ns: number): void {
    bookDelayTotals(this, ns);
  }

  /**
   * Folds another account of the same task into this one (slice statistics combine exactly: Chan et al.).
   * @param other - the account to add
   */
  merge(other: TaskTotals): void {
    this.runNs += other.runNs;
    this.chargedNs += other.chargedNs;
    this.stolenNs += other.stolenNs;
    this.sleepNs += other.sleepNs;
    this.iowaitNs += other.iowaitNs;
    this.preemptNs += other.preemptNs;
    this.delayNs += other.delayNs;
    if (other.slices === 0) return;
    const n = this.slices + other.slices;
    if (this.slices === 0 || other.minSliceNs < this.minSliceNs) this.minSliceNs = other.minSliceNs;
    if (other.maxSliceNs > this.maxSliceNs) this.maxSliceNs = other.maxSliceNs;
    const delta = other.meanSliceNs - this.meanSliceNs;
    this.m2SliceNs += other.m2SliceNs + (delta * delta * this.slices * other.slices) / n;
    this.meanSliceNs += (delta * other.slices) / n;
    this.slices = n;
  }

  /** @returns a plain, frozen copy of the totals */
  toJSON(): TaskTotals {
    return Object.freeze(totalsOf(this.task, this));
  }
}

/** Options for a {@link Ledger}. */
export interface LedgerOptions {
  /** How many anomalies to keep in detail (all are counted); default 1000, so memory stays bounded. */
  readonly maxAnomalyDetails?: number;
  /** Throw a {@link SchedacctError} (code `strict-anomaly`) at the first anomaly instead of recording it. */
  readonly strict?: boolean;
}

/** Where a snapshot was taken, for the anomaly report. */
export interface SnapshotContext {
  /** The task being accounted. */
  readonly task?: TaskId;
  /** When, ns on the caller's timeline. */
  readonly atNs?: number;
  /** Which CPU. */
  readonly cpu?: number;
}

/**
 * Per-task accounts plus anomaly counts.
 * @example
 * ```ts
 * const ledger = new Ledger();
 * ledger.account(42).addSlice(4_000_000, 250_000);
 * ledger.get(42)?.chargedNs; // 3_750_000
 * ```
 */
export class Ledger {
  readonly #accounts = new Map<TaskId, TaskAccount>();
  readonly #anomalyCounts = new Map<AnomalyKind, number>();
  readonly #anomalies: Anomaly[] = [];
  readonly #maxDetails: number;
  /** Whether anomalies throw instead of being recorded. */
  readonly strict: boolean;

  /**
   * @param options - see {@link LedgerOptions}
   * @throws {@link SchedacctError} `invalid-argument` for a negative `maxAnomalyDetails`
   */
  constructor(options: LedgerOptions = {}) {
    const max = options.maxAnomalyDetails ?? 1000;
    if (!Number.isInteger(max) || max < 0) {
      throw new SchedacctError('invalid-argument', `maxAnomalyDetails must be a whole number ≥ 0, got ${String(max)}`);
    }
    this.#maxDetails = max;
    this.strict = options.strict ?? false;
  }

  /**
   * The task's account, created on first use. Hold on to it in hot loops.
   * @param task - the task
   * @returns its mutable account
   */
  account(task: TaskId): TaskAccount {
    let account = this.#accounts.get(task);
    if (account === undefined) {
      account = new TaskAccount(task);
      this.#accounts.set(task, account);
    }
    return account;
  }

  /**
   * A task's totals, if it has any.
   * @param task - the task
   * @returns its totals, or `undefined`
   */
  get(task: TaskId): TaskTotals | undefined {
    return this.#accounts.get(task)?.toJSON();
  }

  /** @returns every task's totals, in the order tasks first appeared */
  tasks(): TaskTotals[] {
    return [...this.#accounts.values()].map((a) => a.toJSON());
  }

  /** Number of tasks with an account. */
  get size(): number {
    return this.#accounts.size;
  }

  /** @returns the sum over all tasks (task `'*'`) */
  totals(): TaskTotals {
    const sum = new TaskAccount('*');
    for (const account of this.#accounts.values()) sum.merge(account);
    return sum.toJSON();
  }

  /**
   * Records an anomaly: counted always, kept in detail up to `maxAnomalyDetails`.
   * @param anomaly - what happened
   * @throws {@link SchedacctError} `strict-anomaly` when the ledger is `strict`
   */
  recordAnomaly(anomaly: Anomaly): void {
    if (this.strict) throw anomalyError(anomaly);
    this.#anomalyCounts.set(anomaly.kind, (this.#anomalyCounts.get(anomaly.kind) ?? 0) + 1);
    if (this.#anomalies.length < this.#maxDetails) this.#anomalies.push(anomaly);
  }

  /**
   * Checks a snapshot from one of the consistent readers and records `snapshot-inconsistent` if its retries ran out.
   * @param snapshot - what the reader returned
   * @param context - the task, time and CPU to report with it
   * @returns whether the snapshot was consistent
   * @throws {@link SchedacctError} `strict-anomaly` when the ledger is `strict` and the snapshot was not consistent
   * @example
   * ```ts
   * const snap = stableRead(readStolen, readCounter);
   * ledger.checkSnapshot(snap, { task: 42, cpu: 0 });
   * ```
   */
  checkSnapshot(snapshot: Snapshot, context: SnapshotContext = {}): boolean {
    if (snapshot.consistent) return true;
    this.recordAnomaly({
      ...context,
      kind: 'snapshot-inconsistent',
      message: `no consistent reading after ${String(snapshot.retries)} retries; used the last attempt`,
    });
    return false;
  }

  /**
   * How many anomalies were recorded.
   * @param kind - count only this kind (default: all)
   * @returns the count
   */
  anomalyCount(kind?: AnomalyKind): number {
    if (kind !== undefined) return this.#anomalyCounts.get(kind) ?? 0;
    let n = 0;
    for (const count of this.#anomalyCounts.values()) n += count;
    return n;
  }

  /** @returns anomaly counts per kind, every kind listed */
  anomalyCounts(): Record<AnomalyKind, number> {
    const counts = {} as Record<AnomalyKind, number>;
    for (const kind of ANOMALY_KINDS) counts[kind] = this.#anomalyCounts.get(kind) ?? 0;
    return counts;
  }

  /** @returns the anomalies kept in detail, oldest first */
  anomalies(): readonly Anomaly[] {
    return this.#anomalies;
  }

  /**
   * Adds another ledger into this one: accounts of the same task are merged, anomalies added.
   * @param other - the ledger to add (left unchanged)
   * @returns this ledger
   */
  merge(other: Ledger): this {
    for (const account of other.#accounts.values()) this.account(account.task).merge(account);
    for (const [kind, count] of other.#anomalyCounts)
      this.#anomalyCounts.set(kind, (this.#anomalyCounts.get(kind) ?? 0) + count);
    for (const anomaly of other.#anomalies) {
      if (this.#anomalies.length >= this.#maxDetails) break;
      this.#anomalies.push(anomaly);
    }
    return this;
  }
}
