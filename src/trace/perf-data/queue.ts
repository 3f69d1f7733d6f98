/**
 * perf's ordered_events queue (tools/perf/util/ordered-events.c), as `perf sched` uses it: records are queued by
 * time, ties in the order queued; at each FINISHED_ROUND the queue delivers what is at or before the limit the
 * previous round set (`next_flush`), then sets the next limit to the newest time queued (`max_timestamp`); the end
 * delivers the rest. A record older than what was delivered already is delivered out of time order at the next
 * flush, as perf delivers it. So memory holds about two rounds, not the file.
 * @module
 * @internal
 */

/**
 * Gets each record the queue delivers: its kind (what to do with it) and the item.
 * @internal
 */
export type Deliver = (kind: number, item: unknown) => void;

const SAFE = 2 ** 53;
// Beyond this many ascending runs, a flush sorts instead of merging.
const MAX_RUNS = 16;

// Records kept for a later flush, in order.
class Queued {
  times: Float64Array;
  kinds: Uint8Array;
  items: unknown[] = [];
  n = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(capacity);
    this.kinds = new Uint8Array(capacity);
  }

  push(time: number, kind: number, item: unknown): void {
    this.times[this.n] = time;
    this.kinds[this.n] = kind;
    this.items.push(item);
    this.n++;
  }
}

/**
 * Records waiting for their round.
 * @internal
 */
export class OrderedQueue {
  #times: Float64Array = new Float64Array(1024);
  #kinds: Uint8Array = new Uint8Array(1024);
  #items: unknown[] = [];
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
   * @param kind - what to do with it
   * @param item - the record
   */
  add(time: number, kind: number, item: unknown): void {
    const n = this.#n;
    if (n === this.#times.length) this.#grow();
    if (time < this.#lastFlush) this.unordered++;
    // (perf's max_timestamp: the time of the last record appended at the tail, or of the first into an empty queue)
    if (n === 0 || time >= this.#maxTime) this.#maxTime = time;
    this.#times[n] = time;
    this.#kinds[n] = kind;
    this.#items[n] = item;
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
    const times = new Float64Array(this.#times.length * 2);
    times.set(this.#times);
    this.#times = times;
    const kinds = new Uint8Array(this.#kinds.length * 2);
    kinds.set(this.#kinds);
    this.#kinds = kinds;
  }

  // Delivers the records at or before `limit` in (time, order queued), keeps the rest in that order. The queue is a
  // few ascending runs (one per CPU buffer drained, and what the last flush left): merged, ties to the earlier run.
  #flush(limit: number): void {
    const n = this.#n;
    const times = this.#times;
    const starts = [0];
    for (let i = 1; i < n; i++) if ((times[i] as number) < (times[i - 1] as number)) starts.push(i);
    if (starts.length > MAX_RUNS) {
      this.#flushSorted(limit);
      return;
    }
    const runs = starts.length;
    const heads = Uint32Array.from(starts);
    const ends = Uint32Array.from(starts.slice(1).concat([n]));
    const keep = new Queued(Math.max(1024, n));
    let delivering = true;
    for (;;) {
      let best = -1;
      let bestTime = Infinity;
      for (let r = 0; r < runs; r++) {
        const h = heads[r] as number;
        if (h < (ends[r] as number) && (times[h] as number) < bestTime) {
          best = r;
          bestTime = times[h] as number;
        }
      }
      if (best < 0) break;
      const i = heads[best] as number;
      heads[best] = i + 1;
      if (delivering && bestTime <= limit) this.#take(i);
      else {
        delivering = false;
        keep.push(bestTime, this.#kinds[i] as number, this.#items[i]);
      }
    }
    this.#keep(keep);
  }

  // Delivers the record at a position.
  #take(i: number): void {
    this.#lastFlush = this.#times[i] as number;
    const item = this.#items[i];
    this.#items[i] = undefined;
    this.#deliver(this.#kinds[i] as number, item);
  }

  #keep(keep: Queued): void {
    this.#times = keep.times;
    this.#kinds = keep.kinds;
    this.#items = keep.items;
    this.#n = keep.n;
  }

  // As #flush, for a queue of many runs: sorted whole first.
  #flushSorted(limit: number): void {
    const n = this.#n;
    const order = this.#order();
    const keep = new Queued(Math.max(1024, n));
    let k = 0;
    for (; k < n; k++) {
      const i = order[k] as number;
      if ((this.#times[i] as number) > limit) break;
      this.#take(i);
    }
    for (; k < n; k++) {
      const i = order[k] as number;
      keep.push(this.#times[i] as number, this.#kinds[i] as number, this.#items[i]);
    }
    this.#keep(keep);
  }

  // The queue's order by (time, position). Keys pack the time since the earliest and the position into one exact
  // double (a numeric typed-array sort); else a comparator sort.
  #order(): Float64Array | Uint32Array {
    const n = this.#n;
    const times = this.#times;
    let min = times[0] as number;
    let max = min;
    for (let i = 1; i < n; i++) {
      const t = times[i] as number;
      if (t > max) max = t;
      if (t < min) min = t;
    }
    const scale = 2 ** Math.ceil(Math.log2(n + 1));
    if ((max - min + 1) * scale <= SAFE) {
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = ((times[i] as number) - min) * scale + i;
      keys.sort();
      for (let i = 0; i < n; i++) keys[i] = (keys[i] as number) % scale;
      return keys;
    }
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
    return order;
  }
}
