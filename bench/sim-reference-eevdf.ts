// The reference loop's EEVDF run queue (bench/sim-reference.ts): per CPU the `cfs_rq` fields, per task the
// `sched_entity` fields in parallel typed arrays, and the operations src/sim/policies/eevdf.ts performs for Linux 6.18,
// written against them without objects, checks or version switches.

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

const SAFE = Number.MAX_SAFE_INTEGER;

/** One CPU: the rq clocks (GuestCpu) and the EEVDF run queue (`struct cfs_rq`, EevdfRunQueue). */
export class Cpu {
  /** Queued entities but curr, by deadline. */
  readonly tree: number[] = [];
  /** `cfs_rq->curr`: from a pick until the next pick (−1: none). */
  rqCurr = -1;
  /** The task on the CPU (−1: idle). */
  running = -1;
  zeroNs = 0;
  sumWV = 0;
  sumW = 0;
  nrQueued = 0;
  execStartNs = 0;
  resched = false;
  clockNs = 0;
  clockTaskNs = 0;
  prevStealNs = 0;
  stolenNs = 0;
  taskExecNs = 0;
  tickSeq = -1;
  endSeq = -1;
}

/** Per-task state in parallel arrays: the `sched_entity` fields and the engine's marks. */
export class Tasks {
  readonly n: number;
  readonly cpu: Int32Array;
  readonly weight: Float64Array;
  readonly fact: Float64Array;
  readonly shift: Int32Array;
  readonly runNs: Float64Array; // burst length, Infinity for a hog
  readonly sleepNs: Float64Array;
  readonly vruntime: Float64Array;
  readonly deadline: Float64Array;
  readonly vlag: Float64Array;
  readonly vprot: Float64Array;
  readonly onRq: Uint8Array;
  readonly delayed: Uint8Array;
  readonly clockNs: Float64Array; // task clock
  readonly burstEndNs: Float64Array;
  constructor(specs: readonly ReferenceTask[]) {
    this.n = specs.length;
    this.cpu = Int32Array.from(specs, (t) => t.cpu);
    this.weight = Float64Array.from(specs, (t) => WEIGHTS[t.nice + 20] ?? 0);
    this.fact = Float64Array.from(specs, (t) => calcFactor(t.nice).fact);
    this.shift = Int32Array.from(specs, (t) => calcFactor(t.nice).shift);
    this.runNs = Float64Array.from(specs, (t) => (t.runUs > 0 ? Math.round(t.runUs * 1000) : Infinity));
    this.sleepNs = Float64Array.from(specs, (t) => Math.round(t.sleepUs * 1000));
    this.vruntime = new Float64Array(this.n);
    this.deadline = new Float64Array(this.n);
    this.vlag = new Float64Array(this.n);
    this.vprot = new Float64Array(this.n);
    this.onRq = new Uint8Array(this.n);
    this.delayed = new Uint8Array(this.n);
    this.clockNs = new Float64Array(this.n);
    this.burstEndNs = new Float64Array(this.n);
  }

  /** `calc_delta_fair`: nice-0 tasks are charged the delta itself. */
  fair(t: number, deltaNs: number): number {
    return this.weight[t] === NICE_0_LOAD ? deltaNs : mulShr(deltaNs, this.fact[t] as number, this.shift[t] as number);
  }
}

// floor(a / b), exact (floorDiv of run-math.ts)
function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q--;
  else if ((q + 1) * b <= a) q++;
  return q;
}

// trunc(a · m / d), exact (mulDivTrunc of run-math.ts)
function mulDivTrunc(a: number, m: number, d: number): number {
  const p = a * m;
  if (Math.abs(p) > SAFE) return Number((BigInt(a) * BigInt(m)) / BigInt(d));
  const q = Math.trunc(p / d);
  const r = p - q * d;
  if (p >= 0) return r < 0 ? q - 1 : r >= d ? q + 1 : q;
  return r > 0 ? q + 1 : -r >= d ? q - 1 : q;
}

/** The EEVDF run queue's operations, on a CPU's fields and the task arrays. */
export class Eevdf {
  protected readonly t: Tasks;
  readonly #sliceNs: number;
  readonly #tickNs: number;

  constructor(t: Tasks, sliceNs: number, tickNs: number) {
    this.t = t;
    this.#sliceNs = sliceNs;
    this.#tickNs = tickNs;
  }

  // avg_vruntime, curr included; zero_vruntime := V
  #avg(c: Cpu): number {
    const t = this.t;
    let sum = c.sumWV;
    let load = c.sumW;
    const cu = c.rqCurr;
    if (cu >= 0 && t.onRq[cu] === 1) {
      sum += ((t.vruntime[cu] as number) - c.zeroNs) * (t.weight[cu] as number);
      load += t.weight[cu] as number;
    }
    if (load === 0) return c.zeroNs;
    const d = floorDiv(sum, load);
    if (d !== 0) {
      c.sumWV -= c.sumW * d;
      c.zeroNs += d;
    }
    return c.zeroNs;
  }

  // vruntime_eligible: Σ (v_j − v0)·w_j ≥ (v − v0) · Σ w_j, curr included
  #eligible(c: Cpu, v: number): boolean {
    const t = this.t;
    let sum = c.sumWV;
    let load = c.sumW;
    const cu = c.rqCurr;
    if (cu >= 0 && t.onRq[cu] === 1) {
      sum += ((t.vruntime[cu] as number) - c.zeroNs) * (t.weight[cu] as number);
      load += t.weight[cu] as number;
    }
    const p = (v - c.zeroNs) * load;
    return Math.abs(p) <= SAFE ? sum >= p : BigInt(sum) >= BigInt(v - c.zeroNs) * BigInt(load);
  }

  // update_curr on the policy's side: vruntime, update_deadline, need_resched
  protected updateCurr(c: Cpu): void {
    const t = this.t;
    const cu = c.rqCurr;
    if (cu < 0 || t.onRq[cu] !== 1) return;
    const now = c.clockTaskNs;
    const delta = now - c.execStartNs;
    if (delta <= 0) return;
    c.execStartNs = now;
    const v = (t.vruntime[cu] as number) + t.fair(cu, delta);
    t.vruntime[cu] = v;
    let renewed = false;
    if (v >= (t.deadline[cu] as number)) {
      t.deadline[cu] = v + t.fair(cu, this.#sliceNs);
      this.#avg(c);
      renewed = true;
    }
    if (c.nrQueued !== 1 && (renewed || (t.vprot[cu] as number) <= v)) c.resched = true;
  }

  // place_entity: V − lag · (W + w) / W; half a slice for a new task
  #place(c: Cpu, se: number, initial: boolean): void {
    const t = this.t;
    const vNs = this.#avg(c);
    const vslice = t.fair(se, this.#sliceNs);
    let lag = 0;
    const vlag = t.vlag[se] as number;
    if (c.nrQueued > 0 && vlag !== 0) {
      let load = c.sumW;
      if (c.rqCurr >= 0 && t.onRq[c.rqCurr] === 1) load += t.weight[c.rqCurr] as number;
      lag = mulDivTrunc(vlag, load + (t.weight[se] as number), load === 0 ? 1 : load);
    }
    t.vruntime[se] = vNs - lag;
    t.deadline[se] = vNs - lag + (initial ? Math.floor(vslice / 2) : vslice);
  }

  // update_entity_lag: V − v, clamped at calc_delta_fair(slice + tick) (6.17+)
  #updateLag(c: Cpu, se: number): void {
    const t = this.t;
    const limit = t.fair(se, this.#sliceNs + this.#tickNs);
    const vlag = this.#avg(c) - (t.vruntime[se] as number);
    t.vlag[se] = vlag > limit ? limit : vlag < -limit ? -limit : vlag;
  }

  #treeAdd(c: Cpu, se: number): void {
    const t = this.t;
    const tree = c.tree;
    const key = t.deadline[se] as number;
    let lo = 0;
    let hi = tree.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((t.deadline[tree[mid] as number] as number) <= key) lo = mid + 1;
      else hi = mid;
    }
    tree.splice(lo, 0, se);
    c.sumWV += ((t.vruntime[se] as number) - c.zeroNs) * (t.weight[se] as number);
    c.sumW += t.weight[se] as number;
  }

  #treeRemove(c: Cpu, se: number): void {
    const i = c.tree.indexOf(se);
    if (i < 0) return;
    c.tree.splice(i, 1);
    const t = this.t;
    c.sumWV -= ((t.vruntime[se] as number) - c.zeroNs) * (t.weight[se] as number);
    c.sumW -= t.weight[se] as number;
  }

  #leave(c: Cpu, se: number): void {
    if (se !== c.rqCurr) this.#treeRemove(c, se);
    this.t.onRq[se] = 0;
    c.nrQueued--;
  }

  // a delayed entity leaves for good (DELAY_ZERO)
  #finishDelayed(c: Cpu, se: number): void {
    const t = this.t;
    this.updateCurr(c);
    this.#updateLag(c, se);
    t.delayed[se] = 0;
    if ((t.vlag[se] as number) > 0) t.vlag[se] = 0;
    this.#leave(c, se);
  }

  // pick_eevdf with RUN_TO_PARITY
  #pick(c: Cpu): number {
    const t = this.t;
    const cu = c.rqCurr >= 0 && t.onRq[c.rqCurr] === 1 ? c.rqCurr : -1;
    if (c.nrQueued === 1) return cu >= 0 ? cu : (c.tree[0] ?? -1);
    const curr = cu >= 0 && this.#eligible(c, t.vruntime[cu] as number) ? cu : -1;
    if (curr >= 0 && (t.vprot[curr] as number) > (t.vruntime[curr] as number)) return curr;
    let best = -1;
    for (const se of c.tree) {
      if (this.#eligible(c, t.vruntime[se] as number)) {
        best = se;
        break;
      }
    }
    if (best < 0 || (curr >= 0 && (t.deadline[curr] as number) < (t.deadline[best] as number))) best = curr;
    return best;
  }

  /** enqueue_entity, or a delayed sleeper requeued. */
  protected enqueue(c: Cpu, se: number, initial: boolean): void {
    const t = this.t;
    if (t.onRq[se] === 1) {
      // requeue_delayed_entity: back at zero lag if it became eligible while delayed
      this.#updateLag(c, se);
      if ((t.vlag[se] as number) > 0) {
        c.nrQueued--;
        if (se !== c.rqCurr) this.#treeRemove(c, se);
        t.vlag[se] = 0;
        this.#place(c, se, false);
        if (se !== c.rqCurr) this.#treeAdd(c, se);
        c.nrQueued++;
      }
      t.delayed[se] = 0;
      return;
    }
    this.updateCurr(c);
    this.#place(c, se, initial);
    if (se !== c.rqCurr) this.#treeAdd(c, se);
    t.onRq[se] = 1;
    c.nrQueued++;
  }

  /** dequeue_entity for a sleep: delayed while not eligible (DELAY_DEQUEUE). */
  protected dequeueSleep(c: Cpu, se: number): void {
    this.updateCurr(c);
    if (!this.#eligible(c, this.t.vruntime[se] as number)) {
      this.t.delayed[se] = 1;
      return;
    }
    this.#updateLag(c, se);
    this.#leave(c, se);
  }

  /** pick_next_task_fair: the next task (−1: idle), curr set to it. */
  protected pickNext(c: Cpu): number {
    const t = this.t;
    const prev = c.rqCurr;
    if (prev >= 0 && t.onRq[prev] === 1) this.updateCurr(c);
    let next = this.#pick(c);
    while (next >= 0 && t.delayed[next] === 1) {
      this.#finishDelayed(c, next);
      next = this.#pick(c);
    }
    if (next !== prev) {
      if (prev >= 0 && t.onRq[prev] === 1) this.#treeAdd(c, prev);
      c.rqCurr = -1;
      if (next >= 0) {
        this.#treeRemove(c, next);
        t.vprot[next] = t.deadline[next] as number;
        c.rqCurr = next;
        c.execStartNs = c.clockTaskNs;
      }
    }
    c.resched = false;
    return next;
  }

  #current(c: Cpu): number {
    const cu = c.rqCurr;
    return cu >= 0 && this.t.onRq[cu] === 1 && this.t.delayed[cu] === 0 ? cu : -1;
  }

  /** task_tick_fair: true to reschedule. */
  protected tick(c: Cpu): boolean {
    if (this.#current(c) < 0) return false;
    this.updateCurr(c);
    return c.resched;
  }

  /** check_preempt_wakeup_fair: true to reschedule now. */
  protected wakeupPreempt(c: Cpu, se: number): boolean {
    const cu = this.#current(c);
    if (cu < 0) return true;
    if (cu === se) return false;
    if (c.resched) return true;
    this.updateCurr(c);
    return this.#pick(c) === se || c.resched;
  }
}
