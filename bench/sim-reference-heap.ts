// The reference loop's event heap: slot indices ordered by (time, insertion order), each slot's fields in parallel
// typed arrays, freed slots reused, so the loop allocates nothing per event. The same ordering as the engine's
// EventQueue (src/sim/event-queue.ts), and the same lazy cancellation: `push` returns a sequence number, the owner
// keeps it, and a popped event whose number the owner no longer keeps is ignored.

/** A min-heap of (time, kind, arg) events by (time, insertion order). */
export class Heap {
  #time = new Float64Array(64);
  #seq = new Float64Array(64);
  #kind = new Int32Array(64);
  #arg = new Int32Array(64);
  #heap = new Int32Array(64);
  #free: number[] = [];
  #slots = 0;
  size = 0;
  #next = 0;
  /** The popped event's fields. */
  timeNs = 0;
  seqOf = 0;
  kindOf = 0;
  argOf = 0;

  /** The earliest event's time (Infinity when empty). */
  get nextTime(): number {
    return this.size === 0 ? Infinity : (this.#time[this.#heap[0] as number] as number);
  }

  #less(a: number, b: number): boolean {
    const ta = this.#time[a] as number;
    const tb = this.#time[b] as number;
    return ta < tb || (ta === tb && (this.#seq[a] as number) < (this.#seq[b] as number));
  }

  /** Queues an event; returns its sequence number. */
  push(timeNs: number, kind: number, arg: number): number {
    const slot = this.#free.pop() ?? this.#slot();
    const seq = this.#next++;
    this.#time[slot] = timeNs;
    this.#seq[slot] = seq;
    this.#kind[slot] = kind;
    this.#arg[slot] = arg;
    const h = this.#heap;
    let i = this.size++;
    while (i > 0) {
      const up = (i - 1) >> 1;
      const parent = h[up] as number;
      if (!this.#less(slot, parent)) break;
      h[i] = parent;
      i = up;
    }
    h[i] = slot;
    return seq;
  }

  /** Removes the earliest event into {@link timeNs}, {@link seqOf}, {@link kindOf}, {@link argOf}. */
  pop(): void {
    const h = this.#heap;
    const top = h[0] as number;
    this.timeNs = this.#time[top] as number;
    this.seqOf = this.#seq[top] as number;
    this.kindOf = this.#kind[top] as number;
    this.argOf = this.#arg[top] as number;
    this.#free.push(top);
    const last = h[--this.size] as number;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && this.#less(h[r] as number, h[l] as number) ? r : l;
      const child = h[c] as number;
      if (!this.#less(child, last)) break;
      h[i] = child;
      i = c;
    }
    h[i] = last;
  }

  #slot(): number {
    if (this.#slots === this.#time.length) {
      const n = this.#slots * 2;
      const grow = <T extends Float64Array | Int32Array>(a: T, make: (k: number) => T): T => {
        const b = make(n);
        b.set(a);
        return b;
      };
      this.#time = grow(this.#time, (k) => new Float64Array(k));
      this.#seq = grow(this.#seq, (k) => new Float64Array(k));
      this.#kind = grow(this.#kind, (k) => new Int32Array(k));
      this.#arg = grow(this.#arg, (k) => new Int32Array(k));
      this.#heap = grow(this.#heap, (k) => new Int32Array(k));
    }
    return this.#slots++;
  }
}
