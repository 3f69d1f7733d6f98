/**
 * The ledger: what each task was charged, what was stolen from it, how long it waited and why, and every anomaly
 * met on the way. Every producer (replay, simulator, protocol, a machine on its own) books into one; every report
 * reads it. Ledgers merge, so per-CPU or sharded work can be summed.
 * @module
 */
import { SchedacctError } from '../errors.js';
import { ANOMALY_KINDS, anomalyError, type Anomaly, type AnomalyKind, type TaskId } from './anomaly.js';
import { MAX_SAFE_WHOLE } from './reading.js';
import type { ConsistentReading } from './consistent-read.js';

/** Why a task was off the CPU: voluntary sleep (S, I…), uninterruptible wait (D), or preemption (R). */
export type WaitKind = 'sleep' | 'iowait' | 'preempt';

/**
 * One task's totals. All times in ns. `runNs = chargedNs + stolenNs` always. Slice statistics are over each
 * slice's wall run time.
 */
export interface TaskTotals {
  /** The task. */
  readonly task: TaskId;
  /** Wall time on the CPU, summed over slices. */
  readonly runNs: number;
  /** Run time charged to the task: wall run minus steal. */
  readonly chargedNs: number;
  /** Steal subtracted from the task's slices, summed over them. */
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
  /** Sample variance of the slices' wall time, ns² (0 with fewer than two slices). */
  readonly sliceVarianceNs2: number;
}

/**
 * A task account as persisted: its totals with the running sum the slice spread is kept in (so a restored account goes
 * on exactly as the original would). See {@link TaskAccount.toRecord} and {@link Ledger.restore}.
 */
export interface AccountRecord extends Omit<TaskTotals, 'sliceVarianceNs2'> {
  /** Sum of squared deviations of the slices from their mean (Welford's M2), ns². */
  readonly sliceSumSquaresNs2: number;
}

function checkNs(name: string, ns: number): void {
  if (!(ns >= 0 && ns <= MAX_SAFE_WHOLE)) {
    throw new SchedacctError('invalid-argument', `${name} must be a finite number of ns ≥ 0, got ${String(ns)}`);
  }
}

/**
 * A task's mutable account inside a {@link Ledger}: the one place where slices, waits and delays are added up.
 * Get one with {@link Ledger.account} (or {@link Ledger.open} for a new task under a reused id).
 * @example
 * ```ts
 * const account = new Ledger().account(42);
 * account.addSlice(4_000_000, 250_000);
 * account.chargedNs; // 3_750_000
 * ```
 */
export class TaskAccount {
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
  // Welford's sum of squared deviations from the mean: the variance is #m2 / (slices − 1).
  #m2 = 0;

  /** @param task - the task this account is for */
  constructor(task: TaskId) {
    this.task = task;
  }

  /** {@inheritDoc TaskTotals.sliceVarianceNs2} */
  get sliceVarianceNs2(): number {
    return this.slices < 2 ? 0 : this.#m2 / (this.slices - 1);
  }

  /**
   * Adds one run slice.
   * @param runNs - wall time of the slice
   * @param stolenNs - steal inside it (0 to `runNs`); the task is charged `runNs − stolenNs`
   * @throws {@link SchedacctError} `invalid-argument` for negative values or steal beyond the slice
   */
  addSlice(runNs: number, stolenNs: number): void {
    checkNs('runNs', runNs);
    checkNs('stolenNs', stolenNs);
    if (stolenNs > runNs) {
      throw new SchedacctError(
        'invalid-argument',
        `stolenNs (${String(stolenNs)}) exceeds the slice (${String(runNs)} ns): clamp steal first (chargeSlice)`,
      );
    }
    this.runNs += runNs;
    this.stolenNs += stolenNs;
    this.chargedNs += runNs - stolenNs;
    const n = ++this.slices;
    if (n === 1 || runNs < this.minSliceNs) this.minSliceNs = runNs;
    if (runNs > this.maxSliceNs) this.maxSliceNs = runNs;
    const delta = runNs - this.meanSliceNs;
    this.meanSliceNs += delta / n;
    this.#m2 += delta * (runNs - this.meanSliceNs);
  }

  /**
   * Adds time off the CPU.
   * @param kind - why the task waited
   * @param ns - how long
   * @throws {@link SchedacctError} `invalid-argument` for a negative time or unknown kind
   */
  addWait(kind: WaitKind, ns: number): void {
    checkNs('wait ns', ns);
    switch (kind) {
      case 'sleep':
        this.sleepNs += ns;
        break;
      case 'iowait':
        this.iowaitNs += ns;
        break;
      case 'preempt':
        this.preemptNs += ns;
        break;
      default:
        throw new SchedacctError('invalid-argument', `wait kind must be sleep, iowait or preempt, got ${String(kind)}`);
    }
  }

  /**
   * Adds scheduling delay (runnable → running).
   * @param ns - how long
   * @throws {@link SchedacctError} `invalid-argument` for a negative time
   */
  addDelay(ns: number): void {
    checkNs('delay ns', ns);
    this.delayNs += ns;
  }

  /**
   * Folds another account into this one (slice statistics combine exactly: Chan et al.).
   * @param other - the account to add (left unchanged)
   */
  merge(other: TaskAccount): void {
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
    this.#m2 += other.#m2 + (delta * delta * this.slices * other.slices) / n;
    this.meanSliceNs += (delta * other.slices) / n;
    this.slices = n;
  }

  /** @returns the account as persisted (see {@link AccountRecord}) */
  toRecord(): AccountRecord {
    const { task, runNs, chargedNs, stolenNs, sleepNs, iowaitNs, preemptNs, delayNs } = this;
    const { slices, minSliceNs, maxSliceNs, meanSliceNs } = this;
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
      sliceSumSquaresNs2: this.#m2,
    };
  }

  /**
   * Sets this account to a persisted one's figures.
   * @param record - what {@link TaskAccount.toRecord} gave
   * @internal
   */
  load(record: AccountRecord): void {
    this.runNs = record.runNs;
    this.chargedNs = record.chargedNs;
    this.stolenNs = record.stolenNs;
    this.sleepNs = record.sleepNs;
    this.iowaitNs = record.iowaitNs;
    this.preemptNs = record.preemptNs;
    this.delayNs = record.delayNs;
    this.slices = record.slices;
    this.minSliceNs = record.minSliceNs;
    this.maxSliceNs = record.maxSliceNs;
    this.meanSliceNs = record.meanSliceNs;
    this.#m2 = record.sliceSumSquaresNs2;
  }

  /** @returns a plain, frozen copy of the totals */
  toJSON(): TaskTotals {
    return Object.freeze({
      task: this.task,
      runNs: this.runNs,
      chargedNs: this.chargedNs,
      stolenNs: this.stolenNs,
      sleepNs: this.sleepNs,
      iowaitNs: this.iowaitNs,
      preemptNs: this.preemptNs,
      delayNs: this.delayNs,
      slices: this.slices,
      minSliceNs: this.minSliceNs,
      maxSliceNs: this.maxSliceNs,
      meanSliceNs: this.meanSliceNs,
      sliceVarianceNs2: this.sliceVarianceNs2,
    });
  }
}

/** Options for a {@link Ledger}. */
export interface LedgerOptions {
  /**
   * How many anomalies to keep in detail, oldest first (every one is counted, by kind); default
   * {@link DEFAULT_ANOMALY_DETAILS}, so memory stays bounded.
   */
  readonly maxAnomalyDetails?: number;
  /** Throw a {@link SchedacctError} (code `strict-anomaly`) at the first anomaly instead of recording it. */
  readonly strict?: boolean;
}

/** The default of {@link LedgerOptions.maxAnomalyDetails}: the one limit on anomalies kept in detail. */
export const DEFAULT_ANOMALY_DETAILS = 1000;

/** Where a reading was taken, for the anomaly report. */
export interface ReadingContext {
  /** The task being accounted. */
  readonly task?: TaskId;
  /** When, ns on the caller's timeline. */
  readonly atNs?: number;
  /** Which CPU. */
  readonly cpu?: number;
}

/**
 * Per-task accounts plus the anomalies: the one recorder of anomalies, whoever met them (a machine's guard, a trace
 * reader's malformed line, a consistent read that ran out of retries).
 * @example
 * ```ts
 * const ledger = new Ledger();
 * ledger.account(42).addSlice(4_000_000, 250_000);
 * ledger.get(42)?.chargedNs; // 3_750_000
 * ```
 */
export class Ledger {
  // Every account ever opened, in order, and the current one of each task.
  readonly #all: TaskAccount[] = [];
  readonly #current = new Map<TaskId, TaskAccount>();
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
    const max = options.maxAnomalyDetails ?? DEFAULT_ANOMALY_DETAILS;
    if (!Number.isInteger(max) || max < 0) {
      throw new SchedacctError('invalid-argument', `maxAnomalyDetails must be a whole number ≥ 0, got ${String(max)}`);
    }
    this.#maxDetails = max;
    this.strict = options.strict ?? false;
  }

  /**
   * The task's current account, opened on first use. Hold on to it in hot loops.
   * @param task - the task
   * @returns its mutable account
   */
  account(task: TaskId): TaskAccount {
    return this.#current.get(task) ?? this.open(task);
  }

  /**
   * Opens a new account for a task: a new task under an id already used (a Linux tid reused after its thread
   * exited). The earlier account keeps its totals and stays in {@link Ledger.accounts}; the new one is current.
   * @param task - the task
   * @returns its new account
   */
  open(task: TaskId): TaskAccount {
    const account = new TaskAccount(task);
    this.#all.push(account);
    this.#current.set(task, account);
    return account;
  }

  /**
   * Opens an account with a persisted account's figures (restoring a persisted machine, see `parseSnapshot`).
   * @param record - what {@link TaskAccount.toRecord} gave
   * @returns the new account, current for its task
   * @throws {@link SchedacctError} `invalid-argument` for a record with a figure that is not a finite number ≥ 0
   */
  restore(record: AccountRecord): TaskAccount {
    const { task, meanSliceNs, sliceSumSquaresNs2, ...counts } = record;
    for (const [name, value] of Object.entries(counts)) checkNs(name, value);
    if (!(Number.isFinite(meanSliceNs) && Number.isFinite(sliceSumSquaresNs2))) {
      throw new SchedacctError('invalid-argument', 'an account record needs finite slice statistics');
    }
    const account = this.open(task);
    account.load(record);
    return account;
  }

  /**
   * A task's totals (its current account), if it has any.
   * @param task - the task
   * @returns its totals, or `undefined`
   */
  get(task: TaskId): TaskTotals | undefined {
    return this.#current.get(task)?.toJSON();
  }

  /** @returns every account's totals, in the order accounts were opened (a reused id appears once per task) */
  tasks(): TaskTotals[] {
    return this.#all.map((a) => a.toJSON());
  }

  /** @returns every account, in the order they were opened (live objects: read, don't book into them) */
  accounts(): readonly TaskAccount[] {
    return this.#all;
  }

  /** Number of accounts. */
  get size(): number {
    return this.#all.length;
  }

  /** @returns the sum over all accounts (task `'*'`) */
  totals(): TaskTotals {
    const sum = new TaskAccount('*');
    for (const account of this.#all) sum.merge(account);
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
   * Checks a reading from one of the consistent readers and records `snapshot-inconsistent` if its retries ran out.
   * @param reading - what the reader returned
   * @param context - the task, time and CPU to report with it
   * @returns whether the reading was consistent
   * @throws {@link SchedacctError} `strict-anomaly` when the ledger is `strict` and the reading was not consistent
   * @example
   * ```ts
   * const ledger = new Ledger();
   * const reading = stableRead(() => 5n, () => 1_000n);
   * ledger.checkReading(reading, { task: 42, cpu: 0 }); // true
   * ```
   */
  checkReading(reading: ConsistentReading, context: ReadingContext = {}): boolean {
    if (reading.consistent) return true;
    this.recordAnomaly({
      ...context,
      kind: 'snapshot-inconsistent',
      message: `no consistent reading after ${String(reading.retries)} retries; used the last attempt`,
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
   * Adds another ledger into this one: accounts of the same task are merged into its current account, anomalies
   * added.
   * @param other - the ledger to add (left unchanged)
   * @returns this ledger
   */
  merge(other: Ledger): this {
    for (const account of other.#all) this.account(account.task).merge(account);
    for (const [kind, count] of other.#anomalyCounts)
      this.#anomalyCounts.set(kind, (this.#anomalyCounts.get(kind) ?? 0) + count);
    for (const anomaly of other.#anomalies) {
      if (this.#anomalies.length >= this.#maxDetails) break;
      this.#anomalies.push(anomaly);
    }
    return this;
  }
}
