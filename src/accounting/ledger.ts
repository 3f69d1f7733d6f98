/**
 * The ledger: what each task was charged, what was stolen from it, how long it waited and why, and every anomaly
 * met on the way. Every producer (replay, simulator, protocol, a machine on its own) books into one; every report
 * reads it. Ledgers merge, so per-CPU or sharded work can be summed.
 * @module
 */
import { SchedacctError } from '../errors.js';
import { ANOMALY_KINDS, anomalyError, type Anomaly, type AnomalyKind, type TaskId } from './anomaly.js';
import { checkFigures, checkNs, checkTaskId, TaskAccount, type AccountRecord, type TaskTotals } from './account.js';
import {
  argError,
  checkInstance,
  checkObject,
  checkOneOf,
  checkOptionalBoolean,
  checkOptions,
  checkString,
} from '../check.js';
import type { ConsistentReading } from './consistent-read.js';
import { FinishedAccounts } from './finished.js';

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

/**
 * The default of {@link LedgerOptions.maxAnomalyDetails}: the one limit on anomalies kept in detail.
 * @example
 * ```ts
 * DEFAULT_ANOMALY_DETAILS; // 1000
 * const ledger = new Ledger({ maxAnomalyDetails: 2 });
 * for (let line = 1; line <= 3; line++) ledger.recordAnomaly({ kind: 'malformed-line', message: '?', line });
 * ledger.anomalies().length; // 2
 * ledger.anomalyCount('malformed-line'); // 3
 * ```
 */
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
  // Live accounts with the order each was opened in, the current live one of each task, and the finished ones as
  // compact rows (memory grows with live tasks, not with every task ever seen).
  readonly #live = new Map<TaskAccount, number>();
  readonly #current = new Map<TaskId, TaskAccount>();
  readonly #finished = new FinishedAccounts();
  #opened = 0;
  readonly #anomalyCounts = new Map<AnomalyKind, number>();
  readonly #anomalies: Anomaly[] = [];
  readonly #maxDetails: number;
  /** Whether anomalies throw instead of being recorded. */
  readonly strict: boolean;

  /**
   * @param options - see {@link LedgerOptions}
   * @throws {@link SchedacctError} `invalid-argument` for options that are not an object, a `maxAnomalyDetails` that is
   *   not a whole number ≥ 0 or a `strict` that is not a boolean
   */
  constructor(options: LedgerOptions = {}) {
    checkOptions('options', options);
    checkOptionalBoolean('options.strict', options.strict);
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
   * @throws {@link SchedacctError} `invalid-argument` for a task id that is neither a safe integer nor a string
   */
  account(task: TaskId): TaskAccount {
    checkTaskId('task', task);
    return this.#current.get(task) ?? this.open(task);
  }

  /**
   * Opens a new account for a task: a new task under an id already used (a Linux tid reused after its thread
   * exited). The earlier account keeps its totals and stays in {@link Ledger.accounts}; the new one is current.
   * @param task - the task
   * @returns its new account
   * @throws {@link SchedacctError} `invalid-argument` for a task id that is neither a safe integer nor a string
   */
  open(task: TaskId): TaskAccount {
    const account = new TaskAccount(task);
    this.#live.set(account, this.#opened++);
    this.#current.set(task, account);
    return account;
  }

  /**
   * Files the account of a task that ended as a compact row (112 bytes) and lets go of the object: the ledger's
   * memory then grows with its live tasks only. Its figures stay in {@link Ledger.accounts}, {@link Ledger.tasks},
   * {@link Ledger.get} (until the task's id opens a new account) and {@link Ledger.totals}; booking into the object
   * afterwards changes nothing here, and `account(task)` opens a new account.
   * @param account - a live account of this ledger
   * @returns its row, for {@link Ledger.finishedTotals}
   * @throws {@link SchedacctError} `invalid-argument` for an account this ledger does not hold live
   * @example
   * ```ts
   * const ledger = new Ledger();
   * const account = ledger.account(7);
   * account.addSlice(1_000, 0);
   * const row = ledger.finish(account);
   * ledger.finishedTotals(row).runNs; // 1_000
   * ledger.get(7)?.runNs; // 1_000
   * ```
   */
  finish(account: TaskAccount): number {
    const seq = this.#live.get(account);
    if (seq === undefined) {
      throw new SchedacctError(
        'invalid-argument',
        'finish needs a live account of this ledger (one it opened and has not finished yet)',
      );
    }
    this.#live.delete(account);
    if (this.#current.get(account.task) === account) this.#current.delete(account.task);
    return this.#finished.add(account, seq);
  }

  /**
   * A finished account's totals.
   * @param row - what {@link Ledger.finish} returned
   * @returns its totals
   * @throws {@link SchedacctError} `invalid-argument` for a row this ledger did not give
   */
  finishedTotals(row: number): TaskTotals {
    if (!(Number.isSafeInteger(row) && row >= 0 && row < this.#finished.size)) {
      throw new SchedacctError(
        'invalid-argument',
        `row must be one Ledger.finish returned (0 to ${String(this.#finished.size - 1)}), got ${String(row)}`,
      );
    }
    return this.#finished.totals(row);
  }

  /**
   * Opens an account with a persisted account's figures (restoring a persisted machine, see `parseSnapshot`).
   * @param record - what {@link TaskAccount.toRecord} gave
   * @returns the new account, current for its task
   * @throws {@link SchedacctError} `invalid-argument` for a record that is not an object, or one with a figure that is
   *   not a whole number ≥ 0, or whose `runNs` is not `chargedNs + stolenNs`
   */
  restore(record: AccountRecord): TaskAccount {
    const value: unknown = record;
    checkObject('record', value);
    checkTaskId('record.task', value.task);
    checkFigures('record', record);
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
   * @throws {@link SchedacctError} `invalid-argument` for a task id that is neither a safe integer nor a string
   */
  get(task: TaskId): TaskTotals | undefined {
    checkTaskId('task', task);
    const current = this.#current.get(task);
    if (current !== undefined) return current.toJSON();
    // a finished task: its latest row (a scan, as no map per finished task is kept)
    const finished = this.#finished;
    for (let row = finished.size - 1; row >= 0; row--) if (finished.task(row) === task) return finished.totals(row);
    return undefined;
  }

  /** @returns every account's totals, in the order accounts were opened (a reused id appears once per task) */
  tasks(): TaskTotals[] {
    const out: TaskTotals[] = [];
    for (const account of this.#inOrder()) out.push(account.toJSON());
    return out;
  }

  /**
   * @returns every account, in the order they were opened: live ones as the objects themselves (read, don't book
   *   into them), finished ones as copies rebuilt from their rows
   */
  accounts(): readonly TaskAccount[] {
    return Array.from(this.#inOrder());
  }

  /** Number of accounts. */
  get size(): number {
    return this.#live.size + this.#finished.size;
  }

  /** @returns the sum over all accounts (task `'*'`) */
  totals(): TaskTotals {
    const sum = new TaskAccount('*');
    for (const account of this.#inOrder()) sum.merge(account);
    return sum.toJSON();
  }

  // Live and finished accounts merged by the order they were opened in.
  *#inOrder(): Generator<TaskAccount> {
    const finished = this.#finished;
    const rows = new Uint32Array(finished.size);
    for (let row = 0; row < rows.length; row++) rows[row] = row;
    rows.sort((a, b) => finished.seq(a) - finished.seq(b));
    let next = 0;
    for (const [account, seq] of this.#live) {
      for (; next < rows.length && finished.seq(rows[next] as number) < seq; next++) {
        yield finished.account(rows[next] as number);
      }
      yield account;
    }
    for (; next < rows.length; next++) yield finished.account(rows[next] as number);
  }

  /**
   * Records an anomaly: counted always, kept in detail up to `maxAnomalyDetails`.
   * @param anomaly - what happened
   * @throws {@link SchedacctError} `strict-anomaly` when the ledger is `strict`; `invalid-argument` for an anomaly that
   *   is not an object with a known `kind` and a `message`
   */
  recordAnomaly(anomaly: Anomaly): void {
    checkObject('anomaly', anomaly);
    checkOneOf('anomaly.kind', anomaly.kind, ANOMALY_KINDS);
    checkString('anomaly.message', anomaly.message);
    if (this.strict) throw anomalyError(anomaly);
    this.#anomalyCounts.set(anomaly.kind, (this.#anomalyCounts.get(anomaly.kind) ?? 0) + 1);
    if (this.#anomalies.length < this.#maxDetails) this.#anomalies.push(anomaly);
  }

  /**
   * Checks a reading from one of the consistent readers and records `snapshot-inconsistent` if its retries ran out.
   * @param reading - what the reader returned
   * @param context - the task, time and CPU to report with it
   * @returns whether the reading was consistent
   * @throws {@link SchedacctError} `strict-anomaly` when the ledger is `strict` and the reading was not consistent;
   *   `invalid-argument` for a reading that is not an object with a boolean `consistent`, or a context that is not one
   * @example
   * ```ts
   * const ledger = new Ledger();
   * const reading = stableRead(() => 5n, () => 1_000n);
   * ledger.checkReading(reading, { task: 42, cpu: 0 }); // true
   * ```
   */
  checkReading(reading: ConsistentReading, context: ReadingContext = {}): boolean {
    checkObject('reading', reading);
    if (typeof reading.consistent !== 'boolean')
      throw argError('invalid-argument', 'reading.consistent', 'true or false', reading.consistent);
    checkOptions('context', context);
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
   * @throws {@link SchedacctError} `invalid-argument` for a kind that is not an {@link AnomalyKind}
   */
  anomalyCount(kind?: AnomalyKind): number {
    if (kind !== undefined) checkOneOf('kind', kind, ANOMALY_KINDS);
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
   * @throws {@link SchedacctError} `invalid-argument` for anything but a Ledger; `out-of-range` when a sum would pass
   *   2^53 − 1 ns
   */
  merge(other: Ledger): this {
    checkInstance('other', other, Ledger, 'a Ledger');
    for (const account of other.#inOrder()) this.account(account.task).merge(account);
    for (const [kind, count] of other.#anomalyCounts)
      this.#anomalyCounts.set(kind, (this.#anomalyCounts.get(kind) ?? 0) + count);
    for (const anomaly of other.#anomalies) {
      if (this.#anomalies.length >= this.#maxDetails) break;
      this.#anomalies.push(anomaly);
    }
    return this;
  }
}
