/**
 * A task's account: the one place where slices, waits and delays are added up, with the slice statistics kept as
 * perf keeps them (Welford). Accounts live in a `Ledger`.
 * @module
 */
import { SchedacctError } from '../errors.js';
import type { TaskId } from './anomaly.js';
import { MAX_SAFE_WHOLE } from './reading.js';
import { argError } from '../check.js';

/** Why a task was off the CPU: voluntary sleep (S, I…), uninterruptible wait (D), or preemption (R). */
export type WaitKind = 'sleep' | 'iowait' | 'preempt';

// (TaskAccount's #book, for bookSlice below: set by the class's static block)
let bookOf: (account: TaskAccount, runNs: number, stolenNs: number) => void;

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
 * on exactly as the original would). See {@link TaskAccount.toRecord} and `Ledger.restore`.
 */
export interface AccountRecord extends Omit<TaskTotals, 'sliceVarianceNs2'> {
  /** Sum of squared deviations of the slices from their mean (Welford's M2), ns². */
  readonly sliceSumSquaresNs2: number;
}

/**
 * Checks a time in ns.
 * @param name - what it is
 * @param ns - the value
 * @internal
 */
export function checkNs(name: string, ns: number): void {
  if (!(typeof ns === 'number' && ns >= 0 && ns <= MAX_SAFE_WHOLE && ns % 1 === 0)) {
    const code = typeof ns === 'number' && ns % 1 === 0 && !Number.isNaN(ns) ? 'out-of-range' : 'invalid-argument';
    throw argError(code, name, 'a whole number of ns from 0 to 2^53 − 1', ns);
  }
}

/**
 * Checks a task id: a safe integer (a Linux tid; perf's −1 included) or a string.
 * @param name - the parameter's name
 * @param task - the value
 * @internal
 */
export function checkTaskId(name: string, task: unknown): asserts task is TaskId {
  if (typeof task !== 'string' && !Number.isSafeInteger(task))
    throw argError('invalid-argument', name, 'a task id (a safe integer or a string)', task);
}

// A total that would pass 2^53 − 1 ns is no longer exact: refused, so `runNs = chargedNs + stolenNs` always holds.
function checkSum(name: string, total: number, add: number): void {
  if (total + add > MAX_SAFE_WHOLE)
    throw argError(
      'out-of-range',
      name,
      `at most ${String(MAX_SAFE_WHOLE - total)} ns more on this account`,
      add,
      'past 2^53 − 1 ns a total is not exact: open a new account (Ledger.open)',
    );
}

const FIGURES = ['runNs', 'chargedNs', 'stolenNs', 'sleepNs', 'iowaitNs', 'preemptNs', 'delayNs', 'slices'] as const;

/**
 * Checks an account's figures: whole numbers of ns, with `runNs = chargedNs + stolenNs` and finite slice statistics.
 * @param name - the parameter's name
 * @param figures - the figures
 * @internal
 */
export function checkFigures(name: string, figures: object): void {
  const record = figures as Readonly<Record<string, unknown>>;
  for (const f of FIGURES) checkNs(`${name}.${f}`, record[f] as number);
  for (const f of ['minSliceNs', 'maxSliceNs'] as const) checkNs(`${name}.${f}`, record[f] as number);
  if ((record.runNs as number) !== (record.chargedNs as number) + (record.stolenNs as number))
    throw argError('invalid-argument', `${name}.runNs`, `${name}.chargedNs + ${name}.stolenNs`, record.runNs);
  // (a live account keeps its sum of squares private: only a record carries it)
  for (const f of figures instanceof TaskAccount ? ['meanSliceNs'] : ['meanSliceNs', 'sliceSumSquaresNs2']) {
    const v = record[f];
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0))
      throw argError('invalid-argument', `${name}.${f}`, 'a finite number ≥ 0', v);
  }
}

/**
 * A task's mutable account inside a `Ledger`: the one place where slices, waits and delays are added up.
 * Get one with `Ledger.account` (or `Ledger.open` for a new task under a reused id).
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

  /**
   * @param task - the task this account is for
   * @throws {@link SchedacctError} `invalid-argument` for a task id that is neither a safe integer nor a string
   */
  constructor(task: TaskId) {
    checkTaskId('task', task);
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
   * @throws {@link SchedacctError} `invalid-argument` for values that are not whole numbers ≥ 0 or steal beyond the
   *   slice; `out-of-range` when a total would pass 2^53 − 1 ns, past which it would not be exact
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
    checkSum('runNs', this.runNs, runNs);
    this.#book(runNs, stolenNs);
  }

  static {
    bookOf = (account, runNs, stolenNs) => account.#book(runNs, stolenNs);
  }

  #book(runNs: number, stolenNs: number): void {
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
   * @throws {@link SchedacctError} `invalid-argument` for a time that is not a whole number ≥ 0 or an unknown kind;
   *   `out-of-range` when the total would pass 2^53 − 1 ns
   */
  addWait(kind: WaitKind, ns: number): void {
    checkNs('wait ns', ns);
    // One branch per kind: a keyed access by a field name is the slow path of every switch-in.
    const given: unknown = kind;
    if (given === 'sleep') {
      checkSum('wait ns', this.sleepNs, ns);
      this.sleepNs += ns;
    } else if (given === 'preempt') {
      checkSum('wait ns', this.preemptNs, ns);
      this.preemptNs += ns;
    } else if (given === 'iowait') {
      checkSum('wait ns', this.iowaitNs, ns);
      this.iowaitNs += ns;
    } else throw argError('invalid-argument', 'wait kind', "'sleep', 'iowait' or 'preempt'", kind);
  }

  /**
   * Adds scheduling delay (runnable → running).
   * @param ns - how long
   * @throws {@link SchedacctError} `invalid-argument` for a time that is not a whole number ≥ 0; `out-of-range` when
   *   the total would pass 2^53 − 1 ns
   */
  addDelay(ns: number): void {
    checkNs('delay ns', ns);
    checkSum('delay ns', this.delayNs, ns);
    this.delayNs += ns;
  }

  /**
   * Folds another account into this one (slice statistics combine exactly: Chan et al.).
   * @param other - the account to add (left unchanged)
   * @throws {@link SchedacctError} `invalid-argument` for anything but a TaskAccount, or one whose figures are not whole
   *   numbers ≥ 0 with `runNs = chargedNs + stolenNs`; `out-of-range` when a sum would pass 2^53 − 1 ns
   */
  merge(other: TaskAccount): void {
    if (!(other instanceof TaskAccount)) throw argError('invalid-argument', 'other', 'a TaskAccount', other);
    checkFigures('other', other);
    for (const f of FIGURES) checkSum(`other.${f}`, this[f], other[f]);
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
   * @throws {@link SchedacctError} `invalid-argument` for a record whose figures are not an account's
   * @internal
   */
  load(record: AccountRecord): void {
    const value: unknown = record;
    if (typeof value !== 'object' || value === null) throw argError('invalid-argument', 'record', 'an object', value);
    checkFigures('record', record);
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

/**
 * As {@link TaskAccount.addSlice}, for figures the caller has checked: whole numbers ≥ 0, the steal within the slice,
 * the run total within 2^53 − 1 ns (the task machine's actions, which check the readings they come from).
 * @param account - the account
 * @param runNs - wall time of the slice
 * @param stolenNs - steal inside it
 * @internal
 */
export function bookSlice(account: TaskAccount, runNs: number, stolenNs: number): void {
  bookOf(account, runNs, stolenNs);
}

/**
 * As {@link TaskAccount.addWait} and {@link TaskAccount.addDelay}, for a time the caller has checked (a whole number
 * ≥ 0 that keeps the total within 2^53 − 1 ns).
 * @param account - the account
 * @param kind - why the task waited, or `'delay'` for scheduling delay
 * @param ns - how long
 * @internal
 */
export function bookWait(account: TaskAccount, kind: WaitKind | 'delay', ns: number): void {
  if (kind === 'sleep') account.sleepNs += ns;
  else if (kind === 'preempt') account.preemptNs += ns;
  else if (kind === 'iowait') account.iowaitNs += ns;
  else account.delayNs += ns;
}
