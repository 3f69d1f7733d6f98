/**
 * Finished accounts, compact: a task that ended keeps its figures as one row of a typed array (112 bytes) instead of
 * a `TaskAccount` object, so a ledger's memory grows with its live tasks, not with every task it ever saw.
 * @module
 * @internal
 */
import type { TaskId } from './anomaly.js';
import { TaskAccount, type AccountRecord, type TaskTotals } from './account.js';

// One row: the order the account was opened in, the task (NaN for a string id), then the account's figures.
const SEQ = 0;
const TASK = 1;
const RUN = 2;
const CHARGED = 3;
const STOLEN = 4;
const SLEEP = 5;
const IOWAIT = 6;
const PREEMPT = 7;
const DELAY = 8;
const SLICES = 9;
const MIN = 10;
const MAX = 11;
const MEAN = 12;
const M2 = 13;
const WIDTH = 14;
// Rows per chunk: chunks of fixed size grow without copying (no doubling spike), 448 KiB each.
const CHUNK_ROWS = 4096;

/**
 * Bytes one finished account takes in the store (without the caller's own records).
 * @internal
 */
export const FINISHED_ACCOUNT_BYTES: number = WIDTH * 8;

/**
 * The store: rows appended as accounts finish, read back by the index {@link FinishedAccounts.add} returned.
 * @internal
 */
export class FinishedAccounts {
  readonly #chunks: Float64Array[] = [];
  // Ids that are not numbers (rare: a simulator's names), by row.
  readonly #names = new Map<number, string>();
  #size = 0;

  /** Rows held. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends an account's figures.
   * @param account - the account (left unchanged; it may be dropped afterwards)
   * @param seq - the order it was opened in
   * @returns its row
   */
  add(account: TaskAccount, seq: number): number {
    const row = this.#size++;
    const at = (row % CHUNK_ROWS) * WIDTH;
    if (at === 0) this.#chunks.push(new Float64Array(CHUNK_ROWS * WIDTH));
    const c = this.#chunks[this.#chunks.length - 1] as Float64Array;
    const r = account.toRecord();
    c[at + SEQ] = seq;
    if (typeof r.task === 'number') c[at + TASK] = r.task;
    else {
      c[at + TASK] = Number.NaN;
      this.#names.set(row, r.task);
    }
    c[at + RUN] = r.runNs;
    c[at + CHARGED] = r.chargedNs;
    c[at + STOLEN] = r.stolenNs;
    c[at + SLEEP] = r.sleepNs;
    c[at + IOWAIT] = r.iowaitNs;
    c[at + PREEMPT] = r.preemptNs;
    c[at + DELAY] = r.delayNs;
    c[at + SLICES] = r.slices;
    c[at + MIN] = r.minSliceNs;
    c[at + MAX] = r.maxSliceNs;
    c[at + MEAN] = r.meanSliceNs;
    c[at + M2] = r.sliceSumSquaresNs2;
    return row;
  }

  /**
   * @param row - a row {@link FinishedAccounts.add} returned
   * @returns the order its account was opened in
   */
  seq(row: number): number {
    return this.#cell(row, SEQ);
  }

  /**
   * @param row - a row
   * @returns its task
   */
  task(row: number): TaskId {
    const task = this.#cell(row, TASK);
    return Number.isNaN(task) ? (this.#names.get(row) ?? '') : task;
  }

  /**
   * @param row - a row
   * @returns its totals, as `TaskAccount.toJSON` gave them when it finished
   */
  totals(row: number): TaskTotals {
    const r = this.#record(row);
    // the figures TaskAccount.toJSON gives, its variance by the same expression
    const { sliceSumSquaresNs2, ...figures } = r;
    return Object.freeze({
      ...figures,
      sliceVarianceNs2: r.slices < 2 ? 0 : sliceSumSquaresNs2 / (r.slices - 1),
    });
  }

  /**
   * @param row - a row
   * @returns a new account with its figures (a copy: booking into it changes nothing here)
   */
  account(row: number): TaskAccount {
    const account = new TaskAccount(this.task(row));
    account.load(this.#record(row));
    return account;
  }

  // A row's figures, as TaskAccount.toRecord gives them.
  #record(row: number): AccountRecord {
    const c = this.#chunks[Math.floor(row / CHUNK_ROWS)] as Float64Array;
    const at = (row % CHUNK_ROWS) * WIDTH;
    return {
      task: this.task(row),
      runNs: c[at + RUN] as number,
      chargedNs: c[at + CHARGED] as number,
      stolenNs: c[at + STOLEN] as number,
      sleepNs: c[at + SLEEP] as number,
      iowaitNs: c[at + IOWAIT] as number,
      preemptNs: c[at + PREEMPT] as number,
      delayNs: c[at + DELAY] as number,
      slices: c[at + SLICES] as number,
      minSliceNs: c[at + MIN] as number,
      maxSliceNs: c[at + MAX] as number,
      meanSliceNs: c[at + MEAN] as number,
      sliceSumSquaresNs2: c[at + M2] as number,
    };
  }

  #cell(row: number, column: number): number {
    const chunk = this.#chunks[Math.floor(row / CHUNK_ROWS)];
    return chunk?.[(row % CHUNK_ROWS) * WIDTH + column] ?? Number.NaN;
  }
}
