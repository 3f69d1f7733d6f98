/**
 * The simulator's event queue: a binary heap of events keyed by (time in integer ns, insertion sequence), so events
 * due at the same time come out in the order they were pushed, and nothing else breaks a tie. The heap is a set of
 * parallel typed arrays (no object per event); a popped event is read from the queue's `time`, `seq`, `kind`,
 * `target` and `arg` fields. Cancelling is by generation: the owner of an event keeps the sequence number `push`
 * returned and ignores a popped event whose number is no longer the one it keeps (lazy deletion).
 * @module
 */
import { SchedacctError } from '../errors.js';

/**
 * A min-heap of events by (time, insertion order).
 * @internal
 */
export class EventQueue {
  #times: Float64Array;
  #seqs: Float64Array;
  #kinds: Uint8Array;
  #targets: Int32Array;
  #args: Float64Array;
  #size = 0;
  #nextSeq = 0;
  /** The popped event's time, ns. */
  time = 0;
  /** The popped event's sequence number (what `push` returned for it). */
  seq = 0;
  /** The popped event's kind. */
  kind = 0;
  /** The popped event's target (a CPU or a task index). */
  target = 0;
  /** The popped event's argument. */
  arg = 0;

  /** @param capacity - initial room, events (it grows by doubling) */
  constructor(capacity: number = 64) {
    const n = Math.max(4, capacity);
    this.#times = new Float64Array(n);
    this.#seqs = new Float64Array(n);
    this.#kinds = new Uint8Array(n);
    this.#targets = new Int32Array(n);
    this.#args = new Float64Array(n);
  }

  /** Events queued. */
  get size(): number {
    return this.#size;
  }

  /** The earliest event's time, ns (Infinity when empty). */
  get nextTime(): number {
    return this.#size === 0 ? Infinity : (this.#times[0] as number);
  }

  /**
   * Queues an event.
   * @param time - when, integer ns
   * @param kind - what (0–255)
   * @param target - on what (a CPU, a task)
   * @param arg - a number that goes with it
   * @returns its sequence number, unique and increasing
   * @throws {@link SchedacctError} `invalid-argument` for a time that is not a whole number ≥ 0
   */
  push(time: number, kind: number, target: number, arg: number = 0): number {
    if (!(Number.isSafeInteger(time) && time >= 0)) {
      throw new SchedacctError('invalid-argument', `an event's time must be a whole number of ns ≥ 0, got ${time}`);
    }
    if (this.#size === this.#times.length) this.#grow();
    const seq = this.#nextSeq++;
    let i = this.#size++;
    // Sift up: move parents down until the new event's place is found.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.#times[p] as number;
      if (pt < time || (pt === time && (this.#seqs[p] as number) < seq)) break;
      this.#move(p, i);
      i = p;
    }
    this.#set(i, time, seq, kind, target, arg);
    return seq;
  }

  /**
   * Takes the earliest event into `time`, `seq`, `kind`, `target`, `arg`.
   * @returns false when the queue is empty
   */
  pop(): boolean {
    if (this.#size === 0) return false;
    this.time = this.#times[0] as number;
    this.seq = this.#seqs[0] as number;
    this.kind = this.#kinds[0] as number;
    this.target = this.#targets[0] as number;
    this.arg = this.#args[0] as number;
    const last = --this.#size;
    if (last > 0) this.#siftDown(last);
    return true;
  }

  // Puts the last event at the root's place and sifts it down.
  #siftDown(last: number): void {
    const time = this.#times[last] as number;
    const seq = this.#seqs[last] as number;
    const kind = this.#kinds[last] as number;
    const target = this.#targets[last] as number;
    const arg = this.#args[last] as number;
    const n = this.#size;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && this.#less(r, c)) c = r;
      const ct = this.#times[c] as number;
      if (time < ct || (time === ct && seq < (this.#seqs[c] as number))) break;
      this.#move(c, i);
      i = c;
    }
    this.#set(i, time, seq, kind, target, arg);
  }

  #less(a: number, b: number): boolean {
    const ta = this.#times[a] as number;
    const tb = this.#times[b] as number;
    return ta < tb || (ta === tb && (this.#seqs[a] as number) < (this.#seqs[b] as number));
  }

  #move(from: number, to: number): void {
    this.#times[to] = this.#times[from] as number;
    this.#seqs[to] = this.#seqs[from] as number;
    this.#kinds[to] = this.#kinds[from] as number;
    this.#targets[to] = this.#targets[from] as number;
    this.#args[to] = this.#args[from] as number;
  }

  #set(i: number, time: number, seq: number, kind: number, target: number, arg: number): void {
    this.#times[i] = time;
    this.#seqs[i] = seq;
    this.#kinds[i] = kind;
    this.#targets[i] = target;
    this.#args[i] = arg;
  }

  #grow(): void {
    const n = this.#times.length * 2;
    const grow = <T extends Float64Array | Uint8Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.#times = grow(this.#times, (k) => new Float64Array(k));
    this.#seqs = grow(this.#seqs, (k) => new Float64Array(k));
    this.#kinds = grow(this.#kinds, (k) => new Uint8Array(k));
    this.#targets = grow(this.#targets, (k) => new Int32Array(k));
    this.#args = grow(this.#args, (k) => new Float64Array(k));
  }
}
