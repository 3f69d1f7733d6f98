/**
 * perf's ordered_events queue (tools/perf/util/ordered-events.c), as `perf sched` uses it: records are queued by
 * time, ties in the order queued; at each FINISHED_ROUND the queue delivers what is at or before the limit the
 * previous round set (`next_flush`), then sets the next limit to the newest time queued (`max_timestamp`); the end
 * delivers the rest. A record older than what was delivered already is delivered out of time order at the next
 * flush, as perf delivers it. So memory holds about two rounds, not the file.
 *
 * A queued record is a row of {@link STRIDE} numbers in one typed array (its time first, then what its producer
 * wrote), plus an optional item for the rare record that carries a string: no object per record, so a round's
 * records cost the garbage collector nothing while they wait.
 * @module
 * @internal
 */

/**
 * Numbers per queued record: its time, then seven for its producer.
 * @internal
 */
export const STRIDE = 8;

/**
 * Gets each record the queue delivers: the rows, the record's row (its first number, the time, at `at`) and its item.
 * @internal
 */
export type Deliver = (rows: Float64Array, at: number, item: unknown) => void;

const SAFE = 2 ** 53;
// Beyond this many ascending runs, a flush sorts instead of merging.
const MAX_RUNS = 16;
const START = 1024;

/**
 * Records waiting for their round.
 * @internal
 */
export class OrderedQueue {
  #rows: Float64Array = new Float64Array(START * STRIDE);
  // What a flush keeps goes here; the two swap.
  #spare: Float64Array = new Float64Array(START * STRIDE);
  #items: unknown[] = [];
  #spareItems: unknown[] = [];
  // Records with an item now queued (none: a flush never looks at the items).
  #withItems = 0;
  #n = 0;
  #nextFlush = 0;
  #maxTime = 0;
  #lastFlush = 0;
  /** Records queued with a time before the last one delivered (perf's "out of order event"). */
  unordered = 0;
  readonly #deliver: Deliver;

  /**
   * @param deliver - gets the records in perf's order
   */
  constructor(deliver: Deliver) {
    this.#deliver = deliver;
  }

  /** @returns records waiting */
  get size(): number {
    return this.#n;
  }

  /**
   * Queues a record.
   * @param time - its time (not 0: a record without one is delivered at once, as perf does)
   * @param row - its numbers after the time (`row[1]` … `row[STRIDE − 1]`), copied
   * @param item - what it carries besides numbers (a string), if anything
   */
  add(time: number, row: Float64Array, item: unknown): void {
    const n = this.#n;
    if ((n + 1) * STRIDE > this.#rows.length) this.#grow();
    if (time < this.#lastFlush) this.unordered++;
    // (perf's max_timestamp: the time of the last record appended at the tail, or of the first into an empty queue)
    if (n === 0 || time >= this.#maxTime) this.#maxTime = time;
    const rows = this.#rows;
    const at = n * STRIDE;
    rows[at] = time;
    for (let j = 1; j < STRIDE; j++) rows[at + j] = row[j] as number;
    if (item !== undefined) {
      this.#items[n] = item;
      this.#withItems++;
    }
    this.#n = n + 1;
  }

  /** A FINISHED_ROUND: delivers what is at or before the last round's limit, and sets the next limit. */
  round(): void {
    if (this.#n === 0) return;
    if (this.#nextFlush !== 0) this.#flush(this.#nextFlush);
    this.#nextFlush = this.#maxTime;
  }

  /** The input's end: delivers everything. */
  finish(): void {
    if (this.#n > 0) this.#flush(Infinity);
  }

  #grow(): void {
    const rows = new Float64Array(this.#rows.length * 2);
    rows.set(this.#rows);
    this.#rows = rows;
    this.#spare = new Float64Array(rows.length);
  }

  // Delivers the records at or before `limit` in (time, order queued), keeps the rest in that order. The queue is a
  // few ascending runs (one per CPU buffer drained, and what the last flush left): merged, ties to the earlier run.
  #flush(limit: number): void {
    const n = this.#n;
    const rows = this.#rows;
    const starts = [0];
    for (let i = 1; i < n; i++) if ((rows[i * STRIDE] as number) < (rows[(i - 1) * STRIDE] as number)) starts.push(i);
    if (starts.length > MAX_RUNS) {
      this.#flushSorted(limit);
      return;
    }
    const runs = starts.length;
    const heads = Uint32Array.from(starts);
    const ends = Uint32Array.from(starts.slice(1).concat([n]));
    let kept = 0;
    let delivering = true;
    for (;;) {
      // the run whose head is earliest (ties: the earlier run), and the next-earliest head
      let best = -1;
      let bestTime = Infinity;
      let second = -1;
      let secondTime = Infinity;
      for (let r = 0; r < runs; r++) {
        const h = heads[r] as number;
        if (h >= (ends[r] as number)) continue;
        const t = rows[h * STRIDE] as number;
        if (t < bestTime) {
          second = best;
          secondTime = bestTime;
          best = r;
          bestTime = t;
        } else if (t < secondTime) {
          second = r;
          secondTime = t;
        }
      }
      if (best < 0) break;
      // take from it while it stays first: before the next-earliest head, or level with it from an earlier run
      const end = ends[best] as number;
      let i = heads[best] as number;
      for (; i < end; i++) {
        const t = rows[i * STRIDE] as number;
        if (t > secondTime || (t === secondTime && second < best)) break;
        if (delivering && t <= limit) this.#take(i);
        else {
          delivering = false;
          this.#keep(i, kept++);
        }
      }
      heads[best] = i;
    }
    this.#swap(kept);
  }

  // Delivers the record at a position.
  #take(i: number): void {
    const at = i * STRIDE;
    this.#lastFlush = this.#rows[at] as number;
    let item: unknown;
    if (this.#withItems > 0) {
      item = this.#items[i];
      if (item !== undefined) {
        this.#items[i] = undefined;
        this.#withItems--;
      }
    }
    this.#deliver(this.#rows, at, item);
  }

  // Copies the record at position i to position k of the spare rows.
  #keep(i: number, k: number): void {
    const rows = this.#rows;
    const spare = this.#spare;
    const from = i * STRIDE;
    const to = k * STRIDE;
    for (let j = 0; j < STRIDE; j++) spare[to + j] = rows[from + j] as number;
    if (this.#withItems > 0) {
      const item = this.#items[i];
      if (item !== undefined) {
        this.#items[i] = undefined;
        this.#spareItems[k] = item;
      }
    }
  }

  // The kept records become the queue.
  #swap(kept: number): void {
    const rows = this.#rows;
    this.#rows = this.#spare;
    this.#spare = rows;
    const items = this.#items;
    this.#items = this.#spareItems;
    this.#spareItems = items;
    if (this.#withItems === 0) {
      this.#items.length = 0;
      this.#spareItems.length = 0;
    }
    this.#n = kept;
  }

  // As #flush, for a queue of many runs: sorted whole first.
  #flushSorted(limit: number): void {
    const n = this.#n;
    const order = this.#order();
    let k = 0;
    for (; k < n; k++) {
      const i = order[k] as number;
      if ((this.#rows[i * STRIDE] as number) > limit) break;
      this.#take(i);
    }
    let kept = 0;
    for (; k < n; k++) this.#keep(order[k] as number, kept++);
    this.#swap(kept);
  }

  // The queue's order by (time, position). Keys pack the time since the earliest and the position into one exact
  // double (a numeric typed-array sort); else a comparator sort.
  #order(): Float64Array | Uint32Array {
    const n = this.#n;
    const rows = this.#rows;
    let min = rows[0] as number;
    let max = min;
    for (let i = 1; i < n; i++) {
      const t = rows[i * STRIDE] as number;
      if (t > max) max = t;
      if (t < min) min = t;
    }
    const scale = 2 ** Math.ceil(Math.log2(n + 1));
    if ((max - min + 1) * scale <= SAFE) {
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = ((rows[i * STRIDE] as number) - min) * scale + i;
      keys.sort();
      for (let i = 0; i < n; i++) keys[i] = (keys[i] as number) % scale;
      return keys;
    }
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => (rows[a * STRIDE] as number) - (rows[b * STRIDE] as number) || a - b);
    return order;
  }
}
