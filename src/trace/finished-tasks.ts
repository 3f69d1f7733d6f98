/**
 * The replay's finished tasks, compact: what the reports show of a task that ended (its tid, comm, parent,
 * migrations and the row of its account in the ledger) as one row of a typed array, with comms interned.
 * @module
 * @internal
 */

// One row: tid, comm (index into the interned comms), parent, migrations, the ledger's row of its account, pid.
const TID = 0;
const COMM = 1;
const PARENT = 2;
const MIGRATIONS = 3;
const ACCOUNT = 4;
const PID = 5;
const WIDTH = 6;
// Fixed-size chunks grow without copying (no doubling spike): 160 KiB each.
const CHUNK_ROWS = 4096;

/**
 * Bytes a finished task takes here (besides its account's row in the ledger and its interned comm).
 * @internal
 */
export const FINISHED_TASK_BYTES: number = WIDTH * 8;

/**
 * Finished tasks, in the order they finished.
 * @internal
 */
export class FinishedTasks {
  readonly #chunks: Float64Array[] = [];
  readonly #commIds = new Map<string, number>();
  readonly #comms: string[] = [];
  #size = 0;

  /** Rows held. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends a finished task.
   * @param tid - its tid
   * @param comm - its comm then
   * @param parent - its parent (−1 when unknown)
   * @param migrations - migrations counted
   * @param accountRow - its account's row in the ledger (`Ledger.finish`)
   * @param pid - its process id (−1 when the trace did not give it)
   */
  add(tid: number, comm: string, parent: number, migrations: number, accountRow: number, pid = -1): void {
    const row = this.#size++;
    const at = (row % CHUNK_ROWS) * WIDTH;
    if (at === 0) this.#chunks.push(new Float64Array(CHUNK_ROWS * WIDTH));
    const c = this.#chunks[this.#chunks.length - 1] as Float64Array;
    let id = this.#commIds.get(comm);
    if (id === undefined) {
      id = this.#comms.length;
      this.#comms.push(comm);
      this.#commIds.set(comm, id);
    }
    c[at + TID] = tid;
    c[at + COMM] = id;
    c[at + PARENT] = parent;
    c[at + MIGRATIONS] = migrations;
    c[at + ACCOUNT] = accountRow;
    c[at + PID] = pid;
  }

  /**
   * @param row - a row, 0 … size − 1
   * @returns its tid
   */
  tid(row: number): number {
    return this.#cell(row, TID);
  }

  /**
   * @param row - a row
   * @returns its comm
   */
  comm(row: number): string {
    return this.#comms[this.#cell(row, COMM)] ?? '';
  }

  /**
   * @param row - a row
   * @returns its parent
   */
  parent(row: number): number {
    return this.#cell(row, PARENT);
  }

  /**
   * @param row - a row
   * @returns its migrations
   */
  migrations(row: number): number {
    return this.#cell(row, MIGRATIONS);
  }

  /**
   * @param row - a row
   * @returns its account's row in the ledger
   */
  accountRow(row: number): number {
    return this.#cell(row, ACCOUNT);
  }

  /**
   * @param row - the row
   * @returns its process id (−1 when the trace did not give it)
   */
  pid(row: number): number {
    return this.#cell(row, PID);
  }

  #cell(row: number, column: number): number {
    return (this.#chunks[Math.floor(row / CHUNK_ROWS)] as Float64Array)[(row % CHUNK_ROWS) * WIDTH + column] as number;
  }
}
