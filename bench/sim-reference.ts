// The reference the simulator's speed is measured against: a plain discrete-event loop that does the same
// event-queue work and the same kernel arithmetic as `simulate`, and nothing else — no task machines, no ledger, no
// observer, no steal, no validation. Per CPU: a tick every TICK_NSEC, each task's vruntime advanced by
// `calc_delta_fair` (the kernel's `__calc_delta`, exact integer math), EEVDF's pick (earliest virtual deadline among
// eligible tasks, eligibility as `vruntime_eligible` evaluates it without division), deadlines renewed by the base
// slice, lag kept on sleep and placed back on wakeup, wakeup preemption. Events in a binary heap keyed by
// (time, insertion order) in typed arrays, so the loop allocates nothing per event. Tasks are pinned (no balancing).
// The pick scans the CPU's queue (the kernel's augmented rbtree is O(log n)): fine for the few tasks per CPU the
// event-rate benchmark runs, and it only flatters the engine with many.

/** `sched_prio_to_weight` (kernel/sched/core.c), by nice + 20. */
export const WEIGHTS: readonly number[] = [
  88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991,
  1586, 1277, 1024, 820, 655, 526, 423, 335, 272, 215, 172, 137, 110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
];
/** `sched_prio_to_wmult` (kernel/sched/core.c): 2^32 / weight as the kernel tabulates it, by nice + 20. */
export const WMULTS: readonly number[] = [
  48388, 59856, 76040, 92818, 118348, 147320, 184698, 229616, 287308, 360437, 449829, 563644, 704093, 875809, 1099582,
  1376151, 1717300, 2157191, 2708050, 3363326, 4194304, 5237765, 6557202, 8165337, 10153587, 12820798, 15790321,
  19976592, 24970740, 31350126, 39045157, 49367440, 61356676, 76695844, 95443717, 119304647, 148102320, 186737708,
  238609294, 286331153,
];
const NICE_0_LOAD = 1024;
const TWO16 = 65536;

/** `__calc_delta(delta, NICE_0_LOAD, lw)`'s factor and shift for a nice level: fact < 2^32, as the kernel reduces it. */
export function calcFactor(nice: number): { fact: number; shift: number } {
  let fact = NICE_0_LOAD * (WMULTS[nice + 20] ?? 0);
  let shift = 32;
  // fls(fact_hi) bits off the factor and the shift: what __calc_delta does when fact passes 32 bits
  while (fact >= 2 ** 32) {
    fact = Math.floor(fact / 2);
    shift--;
  }
  return { fact, shift };
}

/**
 * `mul_u64_u32_shr(delta, fact, shift)` exactly in doubles: fact split in 16-bit halves, so each product stays below
 * 2^53 for any delta below 2^37 ns (137 s) and shift ≥ 16 (it is ≥ 25 for every nice level).
 */
export function mulShr(deltaNs: number, fact: number, shift: number): number {
  const hi = Math.floor(fact / TWO16);
  const lo = fact - hi * TWO16;
  return Math.floor((deltaNs * hi + Math.floor((deltaNs * lo) / TWO16)) / 2 ** (shift - 16));
}

/** A task of the reference run: a hog (`runUs` 0) or periodic (run `runUs` of CPU, sleep `sleepUs`), pinned. */
export interface ReferenceTask {
  readonly nice: number;
  readonly cpu: number;
  readonly runUs: number;
  readonly sleepUs: number;
}

/** What a reference run did. */
export interface ReferenceResult {
  /** Scheduling events, counted as `SimResult.events` counts them: ticks, wakeups, switches. */
  readonly events: number;
  /** Each task's CPU time, ns. */
  readonly runNs: readonly number[];
}

const TICK = 0;
const WAKEUP = 1;
const BURST_END = 2;

/** The event heap: slot indices ordered by (time, insertion order); each slot's fields in parallel arrays. */
class Heap {
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
  kindOf = 0;
  argOf = 0;

  #less(a: number, b: number): boolean {
    const ta = this.#time[a] ?? 0;
    const tb = this.#time[b] ?? 0;
    return ta < tb || (ta === tb && (this.#seq[a] ?? 0) < (this.#seq[b] ?? 0));
  }

  push(timeNs: number, kind: number, arg: number): void {
    const slot = this.#free.pop() ?? this.#slot();
    this.#time[slot] = timeNs;
    this.#seq[slot] = this.#next++;
    this.#kind[slot] = kind;
    this.#arg[slot] = arg;
    const h = this.#heap;
    let i = this.size++;
    while (i > 0) {
      const up = (i - 1) >> 1;
      const parent = h[up] ?? 0;
      if (!this.#less(slot, parent)) break;
      h[i] = parent;
      i = up;
    }
    h[i] = slot;
  }

  /** Removes the earliest event into {@link timeNs}, {@link kindOf}, {@link argOf}. */
  pop(): void {
    const h = this.#heap;
    const top = h[0] ?? 0;
    this.timeNs = this.#time[top] ?? 0;
    this.kindOf = this.#kind[top] ?? 0;
    this.argOf = this.#arg[top] ?? 0;
    this.#free.push(top);
    const last = h[--this.size] ?? 0;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && this.#less(h[r] ?? 0, h[l] ?? 0) ? r : l;
      const child = h[c] ?? 0;
      if (!this.#less(child, last)) break;
      h[i] = child;
      i = c;
    }
    h[i] = last;
  }

  #slot(): number {
    if (this.#slots === this.#time.length) {
      const n = this.#slots * 2;
      const t = new Float64Array(n);
      t.set(this.#time);
      this.#time = t;
      const q = new Float64Array(n);
      q.set(this.#seq);
      this.#seq = q;
      const k = new Int32Array(n);
      k.set(this.#kind);
      this.#kind = k;
      const a = new Int32Array(n);
      a.set(this.#arg);
      this.#arg = a;
      const h = new Int32Array(n);
      h.set(this.#heap);
      this.#heap = h;
    }
    return this.#slots++;
  }
}

/** Per-task state in parallel arrays: the kernel's `sched_entity` fields the loop needs. */
class Tasks {
  readonly n: number;
  readonly weight: Float64Array;
  readonly fact: Float64Array;
  readonly shift: Int32Array;
  readonly vruntime: Float64Array;
  readonly deadline: Float64Array;
  readonly vlag: Float64Array;
  readonly left: Float64Array; // task-clock ns left in the current burst (periodic)
  readonly gen: Int32Array; // invalidates a burst end when the task is switched out first
  readonly runNs: Float64Array;
  constructor(specs: readonly ReferenceTask[]) {
    this.n = specs.length;
    this.weight = Float64Array.from(specs, (t) => WEIGHTS[t.nice + 20] ?? 0);
    this.fact = Float64Array.from(specs, (t) => calcFactor(t.nice).fact);
    this.shift = Int32Array.from(specs, (t) => calcFactor(t.nice).shift);
    this.vruntime = new Float64Array(this.n);
    this.deadline = new Float64Array(this.n);
    this.vlag = new Float64Array(this.n);
    this.left = Float64Array.from(specs, (t) => t.runUs * 1000);
    this.gen = new Int32Array(this.n);
    this.runNs = new Float64Array(this.n);
  }

  /** `calc_delta_fair`: nice-0 tasks are charged the delta itself. */
  fair(t: number, deltaNs: number): number {
    return this.weight[t] === NICE_0_LOAD ? deltaNs : mulShr(deltaNs, this.fact[t] ?? 0, this.shift[t] ?? 32);
  }
}
/** What the loop needs of one CPU: its queue (the current task included), the current task and its start. */
interface Cpu {
  readonly queue: number[];
  curr: number;
  execStartNs: number;
}

/** The reference loop over one scenario. */
class Loop {
  readonly #t: Tasks;
  readonly #specs: readonly ReferenceTask[];
  readonly #cpus: Cpu[];
  readonly #heap = new Heap();
  readonly #sliceNs: number;
  readonly #tickNs: number;
  events = 0;

  constructor(cpus: number, hz: number, specs: readonly ReferenceTask[]) {
    this.#specs = specs;
    this.#t = new Tasks(specs);
    this.#cpus = Array.from({ length: cpus }, () => ({ queue: [], curr: -1, execStartNs: 0 }));
    this.#tickNs = Math.floor(1e9 / hz);
    // sysctl_sched_base_slice (0.70 ms since 6.15) × (1 + ilog2(min(cpus, 8)))
    this.#sliceNs = 700_000 * (1 + Math.floor(Math.log2(Math.min(cpus, 8))));
  }

  // V relative to v0, and W: avg_vruntime()'s sums over the queue (current task included)
  #sums(cpu: Cpu): { v0: number; num: number; w: number } {
    const t = this.#t;
    const v0 = t.vruntime[cpu.queue[0] ?? 0] ?? 0;
    let num = 0;
    let w = 0;
    for (const i of cpu.queue) {
      const wi = t.weight[i] ?? 0;
      num += ((t.vruntime[i] ?? 0) - v0) * wi;
      w += wi;
    }
    return { v0, num, w };
  }

  // pick_eevdf: the earliest deadline among tasks with (v − v0)·W ≤ Σ (v_j − v0)·w_j
  #pick(cpu: Cpu): number {
    const t = this.#t;
    const { v0, num, w } = this.#sums(cpu);
    let best = -1;
    for (const i of cpu.queue) {
      if (((t.vruntime[i] ?? 0) - v0) * w > num) continue;
      if (best < 0 || (t.deadline[i] ?? 0) < (t.deadline[best] ?? 0)) best = i;
    }
    return best;
  }

  // update_curr: charge the current task up to now; true when its deadline passed (update_deadline: reschedule)
  #updateCurr(cpu: Cpu, nowNs: number): boolean {
    const c = cpu.curr;
    if (c < 0) return false;
    const t = this.#t;
    const delta = nowNs - cpu.execStartNs;
    cpu.execStartNs = nowNs;
    t.runNs[c] = (t.runNs[c] ?? 0) + delta;
    t.left[c] = (t.left[c] ?? 0) - delta;
    const v = (t.vruntime[c] ?? 0) + t.fair(c, delta);
    t.vruntime[c] = v;
    if (v < (t.deadline[c] ?? 0)) return false;
    t.deadline[c] = v + t.fair(c, this.#sliceNs);
    return true;
  }

  #switchTo(cpuIndex: number, nowNs: number, next: number): void {
    const cpu = this.#cpus[cpuIndex] as Cpu;
    if (next === cpu.curr) return;
    this.events++;
    const t = this.#t;
    if (cpu.curr >= 0) t.gen[cpu.curr] = (t.gen[cpu.curr] ?? 0) + 1;
    cpu.curr = next;
    cpu.execStartNs = nowNs;
    if (next >= 0 && (this.#specs[next]?.runUs ?? 0) > 0)
      this.#heap.push(nowNs + (t.left[next] ?? 0), BURST_END, (t.gen[next] ?? 0) * t.n + next);
  }

  // place_entity with PLACE_LAG (and PLACE_DEADLINE_INITIAL for a new task), then the wakeup-preemption check
  #enqueue(task: number, nowNs: number, initial: boolean): void {
    const cpuIndex = this.#specs[task]?.cpu ?? 0;
    const cpu = this.#cpus[cpuIndex] as Cpu;
    const t = this.#t;
    this.#updateCurr(cpu, nowNs);
    const { v0, num, w } = this.#sums(cpu);
    const avg = w > 0 ? v0 + Math.floor(num / w) : (t.vruntime[task] ?? 0);
    const wi = t.weight[task] ?? 0;
    const lag = w > 0 ? Math.trunc(((t.vlag[task] ?? 0) * (w + wi)) / w) : 0;
    t.vruntime[task] = avg - lag;
    const vslice = t.fair(task, this.#sliceNs);
    t.deadline[task] = (t.vruntime[task] ?? 0) + (initial ? Math.floor(vslice / 2) : vslice);
    cpu.queue.push(task);
    if (cpu.curr < 0) this.#switchTo(cpuIndex, nowNs, this.#pick(cpu));
    else if ((t.deadline[task] ?? 0) < (t.deadline[cpu.curr] ?? 0) && this.#pick(cpu) === task)
      this.#switchTo(cpuIndex, nowNs, task);
  }

  // the current task's burst is done: it sleeps with its lag clamped (update_entity_lag), the CPU picks again
  #sleep(task: number, nowNs: number): void {
    const spec = this.#specs[task] as ReferenceTask;
    const cpu = this.#cpus[spec.cpu] as Cpu;
    const t = this.#t;
    this.#updateCurr(cpu, nowNs);
    const { v0, num, w } = this.#sums(cpu);
    const limit = t.fair(task, this.#sliceNs + this.#tickNs);
    const vlag = v0 + Math.floor(num / w) - (t.vruntime[task] ?? 0);
    t.vlag[task] = Math.max(-limit, Math.min(limit, vlag));
    cpu.queue.splice(cpu.queue.indexOf(task), 1);
    t.left[task] = spec.runUs * 1000;
    this.#heap.push(nowNs + spec.sleepUs * 1000, WAKEUP, task);
    this.#switchTo(spec.cpu, nowNs, this.#pick(cpu));
  }

  run(durationNs: number): ReferenceResult {
    const heap = this.#heap;
    const t = this.#t;
    for (let task = 0; task < t.n; task++) this.#enqueue(task, 0, true);
    for (let c = 0; c < this.#cpus.length; c++) heap.push(this.#tickNs, TICK, c);
    while (heap.size > 0) {
      heap.pop();
      const now = heap.timeNs;
      if (now >= durationNs) break;
      const arg = heap.argOf;
      if (heap.kindOf === TICK) {
        this.events++;
        const cpu = this.#cpus[arg] as Cpu;
        if (this.#updateCurr(cpu, now)) this.#switchTo(arg, now, this.#pick(cpu));
        heap.push(now + this.#tickNs, TICK, arg);
      } else if (heap.kindOf === WAKEUP) {
        this.events++;
        this.#enqueue(arg, now, false);
      } else {
        const task = arg % t.n;
        if (Math.floor(arg / t.n) === t.gen[task]) this.#sleep(task, now);
      }
    }
    for (const cpu of this.#cpus) this.#updateCurr(cpu, durationNs);
    return { events: this.events, runNs: Array.from(t.runNs) };
  }
}

/**
 * Runs the reference loop.
 * @param cpus - CPUs
 * @param hz - tick rate
 * @param durationNs - simulated time
 * @param tasks - the tasks, each pinned to its CPU
 * @returns the events it processed and each task's CPU time
 */
export function runReference(
  cpus: number,
  hz: number,
  durationNs: number,
  tasks: readonly ReferenceTask[],
): ReferenceResult {
  return new Loop(cpus, hz, tasks).run(durationNs);
}
