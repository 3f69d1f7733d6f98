/**
 * A progress bar for an experiment's runs, on standard error only when it is a terminal; silent otherwise (a log or a
 * pipe gets nothing). Time is handed in (the simulator reads no clock).
 * @module
 */
import { checkFunction, checkObject, checkOptionalBoolean, checkOptionalWhole, checkWhole } from '../check.js';

/** Where the bar is drawn. */
export interface ProgressStream {
  /** A terminal. */
  readonly isTTY?: boolean;
  /** Its width, characters. */
  readonly columns?: number;
  /** Writes text. */
  write(text: string): unknown;
}

/**
 * Runs done of a total, with the estimated time left, redrawn at most ten times a second on one line.
 * @example
 * ```ts
 * let shown = '';
 * const bar = new Progress(4, { isTTY: true, columns: 60, write: (t: string) => (shown += t) }, () => 0);
 * bar.update(2);
 * shown.includes('2/4 runs'); // true
 * bar.done();
 * ```
 */
export class Progress {
  readonly #total: number;
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #startMs: number;
  #drawnMs = -Infinity;
  #drawn = false;

  /**
   * @param total - runs in all
   * @param stream - where to draw (nothing unless it is a terminal)
   * @param now - the time, ms (the CLI passes `Date.now`)
   * @throws {@link SchedacctError} `invalid-argument` for a total that is not a whole number or a stream or clock of the wrong kind
   */
  constructor(total: number, stream: ProgressStream, now: () => number) {
    checkWhole('total', total);
    checkObject('stream', stream);
    checkFunction('stream.write', (stream as { write?: unknown }).write);
    checkOptionalBoolean('stream.isTTY', stream.isTTY);
    checkOptionalWhole('stream.columns', stream.columns, 0, 100_000);
    checkFunction('now', now);
    this.#total = total;
    this.#stream = stream;
    this.#now = now;
    this.#startMs = now();
  }

  /**
   * Redraws the bar with `done` runs done (at most every 100 ms, and always at the last).
   * @param done - runs done
   * @throws {@link SchedacctError} `invalid-argument` (or `out-of-range`) for a count that is not a whole number from 0 to the total
   */
  update(done: number): void {
    checkWhole('done', done, 0, this.#total);
    if (this.#stream.isTTY !== true) return;
    const nowMs = this.#now();
    if (done < this.#total && nowMs - this.#drawnMs < 100) return;
    this.#drawnMs = nowMs;
    const elapsedMs = nowMs - this.#startMs;
    const eta = done === 0 ? '?' : `${String(Math.round((elapsedMs * (this.#total - done)) / done / 1000))} s`;
    const text = ` ${String(done)}/${String(this.#total)} runs, ETA ${eta}`;
    const width = Math.max(10, Math.min(40, (this.#stream.columns ?? 80) - text.length - 3));
    const filled = this.#total === 0 ? width : Math.round((width * done) / this.#total);
    this.#stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${text}\x1b[K`);
    this.#drawn = true;
  }

  /** Clears the bar's line (call it before writing anything else to the stream). */
  done(): void {
    if (this.#drawn) this.#stream.write('\r\x1b[K');
    this.#drawn = false;
  }
}
