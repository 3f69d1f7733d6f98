/**
 * What a run's outputs measure beyond the ledger: each task's scheduling delay (a compact log-linear histogram, exact
 * maximum) and switches, heard as a {@link SimObserver}; Jain's fairness index; the fairness of a result.
 * @module
 */
import { checkAtNs, checkCpu, checkRef, checkSwitch } from './observer-check.js';
import { argError, checkFinite, checkObject } from '../check.js';
import type { SimObserver, SimResult, SimTaskRef, SimTaskResult } from './types.js';

// Values below 2^SUB_BITS are their own bucket; above, each power of two has 2^SUB_BITS buckets: a bucket is at most
// 1/128 of its lower bound wide, and its midpoint within 0.4 % of any value in it.
const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;

// The bucket of a whole number ≥ 0: shift · 128 + (v >> shift), where v >> shift is in [128, 256).
function bucketOf(v: number): number {
  if (v < SUB) return v;
  const log2 = v < 2 ** 32 ? 31 - Math.clz32(v) : Math.floor(Math.log2(v));
  const shift = log2 - SUB_BITS;
  return shift * SUB + Math.floor(v / 2 ** shift);
}

// The value a bucket reports: itself below 128, else its midpoint.
function valueOf(bucket: number): number {
  if (bucket < 2 * SUB) return bucket;
  const shift = Math.floor(bucket / SUB) - 1;
  const sub = bucket - shift * SUB;
  return sub * 2 ** shift + 2 ** (shift - 1);
}

/**
 * A histogram of times in ns with log-linear buckets: bounded memory (at most 6 144 buckets, grown as values come),
 * quantiles within 1 % relative (0.4 % in fact), the exact minimum, maximum, count and sum.
 * @example
 * ```ts
 * const h = new DelayHistogram();
 * for (const ns of [1_000, 2_000, 3_000, 1_000_000]) h.record(ns);
 * h.maxNs; // 1_000_000
 * h.quantile(0.5); // 2_004: the middle of 2 000's bucket (8 ns wide)
 * ```
 */
export class DelayHistogram {
  #counts = new Float64Array(2 * SUB);
  /** Values recorded. */
  count = 0;
  /** Their sum, ns. */
  sumNs = 0;
  /** The least, ns (0 when empty). */
  minNs = 0;
  /** The greatest, ns (0 when empty). */
  maxNs = 0;

  /**
   * Records one value.
   * @param ns - a whole number of ns ≥ 0
   * @throws {@link SchedacctError} `invalid-argument` for anything else
   */
  record(ns: number): void {
    if (!(Number.isSafeInteger(ns) && ns >= 0)) throw argError('invalid-argument', 'ns', 'a whole number ≥ 0', ns);
    const b = bucketOf(ns);
    if (b >= this.#counts.length) {
      const grown = new Float64Array(Math.max(b + 1, this.#counts.length * 2));
      grown.set(this.#counts);
      this.#counts = grown;
    }
    this.#counts[b] = (this.#counts[b] ?? 0) + 1;
    if (this.count === 0 || ns < this.minNs) this.minNs = ns;
    if (ns > this.maxNs) this.maxNs = ns;
    this.count++;
    this.sumNs += ns;
  }

  /**
   * The q-quantile: the smallest recorded value with at least ⌈q·count⌉ values at or below it, as its bucket reports
   * it (within 1 %), kept within the exact minimum and maximum.
   * @param q - from 0 to 1
   * @returns ns (0 when empty)
   * @throws {@link SchedacctError} `invalid-argument` for a q outside [0, 1]
   */
  quantile(q: number): number {
    checkFinite('q', q);
    if (q < 0 || q > 1) throw argError('invalid-argument', 'q', 'a number from 0 to 1', q);
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let b = 0; b < this.#counts.length; b++) {
      seen += this.#counts[b] ?? 0;
      if (seen >= rank) return Math.min(this.maxNs, Math.max(this.minNs, valueOf(b)));
    }
    return this.maxNs;
  }

  /**
   * Adds another histogram's values to this one.
   * @param other - the other (left unchanged)
   * @throws {@link SchedacctError} `invalid-argument` for anything but a DelayHistogram
   */
  merge(other: DelayHistogram): void {
    if (!(other instanceof DelayHistogram)) throw argError('invalid-argument', 'other', 'a DelayHistogram', other);
    if (other.count === 0) return;
    const theirs = other.#counts;
    if (theirs.length > this.#counts.length) {
      const grown = new Float64Array(theirs.length);
      grown.set(this.#counts);
      this.#counts = grown;
    }
    for (let b = 0; b < theirs.length; b++) this.#counts[b] = (this.#counts[b] ?? 0) + (theirs[b] ?? 0);
    this.minNs = this.count === 0 ? other.minNs : Math.min(this.minNs, other.minNs);
    this.maxNs = Math.max(this.maxNs, other.maxNs);
    this.count += other.count;
    this.sumNs += other.sumNs;
  }

  /**
   * The figures outputs print.
   * @returns p50, p99 and the exact maximum, ns
   */
  summary(): DelaySummary {
    return { p50Ns: this.quantile(0.5), p99Ns: this.quantile(0.99), maxNs: this.maxNs };
  }
}

/** Scheduling delay as outputs print it. */
export interface DelaySummary {
  /** Median, ns (within 1 %). */
  readonly p50Ns: number;
  /** 99th percentile, ns (within 1 %). */
  readonly p99Ns: number;
  /** Maximum, ns (exact). */
  readonly maxNs: number;
}

/** One task's figures from {@link SimMetrics}. */
export interface TaskMetrics {
  /** Times it was switched in. */
  switches: number;
  /** Its scheduling delays. */
  readonly delay: DelayHistogram;
  /** Since when it has been runnable and not running (−1: it runs or sleeps). */
  runnableSinceNs: number;
}

/**
 * Scheduling delay and switches per task, heard from a run: a task's delay runs from its creation, its wakeup or its
 * preemption (as current perf counts it) to its next switch-in.
 * @example
 * ```ts
 * const metrics = new SimMetrics();
 * const hog = { tid: 1000, name: 'hog', prio: 120 };
 * metrics.onCreate(0, 0, hog);
 * metrics.onSwitch(250_000, 0, undefined, 'R', hog);
 * metrics.task(1000)?.delay.maxNs; // 250_000
 * ```
 */
export class SimMetrics implements SimObserver {
  readonly #tasks = new Map<number, TaskMetrics>();
  /** Every task's delays together. */
  readonly all: DelayHistogram = new DelayHistogram();

  #of(tid: number): TaskMetrics {
    let m = this.#tasks.get(tid);
    if (m === undefined) {
      m = { switches: 0, delay: new DelayHistogram(), runnableSinceNs: -1 };
      this.#tasks.set(tid, m);
    }
    return m;
  }

  /**
   * A task was created: runnable from now.
   * @param atNs - guest time
   * @param cpu - its CPU
   * @param task - the task
   * @throws {@link SchedacctError} `invalid-argument` naming a parameter that is wrong
   */
  onCreate(atNs: number, cpu: number, task: SimTaskRef): void {
    checkAtNs(atNs);
    checkCpu('cpu', cpu);
    checkRef('task', task);
    this.#of(task.tid).runnableSinceNs = atNs;
  }

  /**
   * A task was woken: runnable from now, unless it already was.
   * @param atNs - guest time
   * @param cpu - the waker's CPU
   * @param task - the task
   * @throws {@link SchedacctError} `invalid-argument` naming a parameter that is wrong
   */
  onWakeup(atNs: number, cpu: number, task: SimTaskRef): void {
    checkAtNs(atNs);
    checkCpu('cpu', cpu);
    checkRef('task', task);
    const m = this.#of(task.tid);
    if (m.runnableSinceNs < 0) m.runnableSinceNs = atNs;
  }

  /**
   * A context switch: a preempted task is runnable from now; the next one's delay ends.
   * @param atNs - guest time
   * @param cpu - the CPU
   * @param prev - the task switched out (undefined: idle)
   * @param prevState - `R` preempted, `S` asleep, `X` exited
   * @param next - the task switched in (undefined: idle)
   * @throws {@link SchedacctError} `invalid-argument` naming a parameter that is wrong
   */
  onSwitch(
    atNs: number,
    cpu: number,
    prev: SimTaskRef | undefined,
    prevState: 'R' | 'S' | 'X',
    next: SimTaskRef | undefined,
  ): void {
    checkSwitch(atNs, cpu, prev, prevState, next);
    if (prev !== undefined) this.#of(prev.tid).runnableSinceNs = prevState === 'R' ? atNs : -1;
    if (next === undefined) return;
    const m = this.#of(next.tid);
    m.switches++;
    if (m.runnableSinceNs >= 0 && atNs >= m.runnableSinceNs) {
      m.delay.record(atNs - m.runnableSinceNs);
      this.all.record(atNs - m.runnableSinceNs);
    }
    m.runnableSinceNs = -1;
  }

  /**
   * One task's figures.
   * @param tid - the task
   * @returns them, or undefined for a task never heard of
   */
  task(tid: number): TaskMetrics | undefined {
    return this.#tasks.get(tid);
  }
}

/**
 * Jain's fairness index, (Σx)² / (n·Σx²): 1 when every value is equal (and for one value, or all zero), down to 1/n
 * when one value has everything.
 * @param values - values ≥ 0
 * @returns the index, 1/n … 1
 * @throws {@link SchedacctError} `invalid-argument` for no values, or one that is negative or not finite
 * @example
 * ```ts
 * jain([3336, 3332, 333]).toFixed(3); // '0.731': the resonant-steal starvation
 * jain([5, 5, 5]); // 1
 * ```
 */
export function jain(values: readonly number[]): number {
  if (!Array.isArray(values) || values.length === 0)
    throw argError('invalid-argument', 'values', 'a non-empty array of numbers ≥ 0', values);
  let sum = 0;
  let squares = 0;
  for (const [i, x] of values.entries()) {
    if (!(typeof x === 'number' && Number.isFinite(x) && x >= 0))
      throw argError('invalid-argument', `values[${String(i)}]`, 'a finite number ≥ 0', x);
    sum += x;
    squares += x * x;
  }
  return squares === 0 ? 1 : (sum * sum) / (values.length * squares);
}

/** How fair a run was. */
export interface Fairness {
  /** Jain's index over each task's charged time per weight (what the scheduler believes it shared out). */
  readonly jainCharged: number;
  /** Jain's index over each task's real CPU per weight (what the tasks really got). */
  readonly jainReal: number;
}

/**
 * The fairness of a result: Jain's index over `chargedNs / weight` and over `realNs / weight` (1 for no task).
 * @param result - a run's result (its tasks are read)
 * @returns both indices
 * @throws {@link SchedacctError} `invalid-argument` for a result without tasks
 * @example
 * ```ts
 * const task = (tid: number, realNs: number) => ({ tid, weight: 1024, realNs, totals: { chargedNs: 1_000 } });
 * const f = fairness({ tasks: [task(1000, 1_000), task(1001, 100)] } as never);
 * [f.jainCharged, f.jainReal.toFixed(3)]; // [1, '0.599']
 * ```
 */
export function fairness(result: Pick<SimResult, 'tasks'>): Fairness {
  checkObject('result', result);
  const tasks: unknown = result.tasks;
  if (!Array.isArray(tasks)) throw argError('invalid-argument', 'result.tasks', 'an array of tasks', tasks);
  const list = tasks as readonly SimTaskResult[];
  if (list.length === 0) return { jainCharged: 1, jainReal: 1 };
  return {
    jainCharged: jain(list.map((t) => t.totals.chargedNs / t.weight)),
    jainReal: jain(list.map((t) => t.realNs / t.weight)),
  };
}

/**
 * Several observers as one: each hears every event, in the order given.
 * @param observers - the observers
 * @returns one observer
 * @example
 * ```ts
 * const a = new SimMetrics();
 * const b = new SimMetrics();
 * const both = combineObservers(a, b);
 * both.onCreate?.(0, 0, { tid: 1000, name: 'hog', prio: 120 });
 * both.onSwitch?.(5, 0, undefined, 'R', { tid: 1000, name: 'hog', prio: 120 });
 * [a.task(1000)?.switches, b.task(1000)?.switches]; // [1, 1]
 * ```
 */
export function combineObservers(...observers: SimObserver[]): SimObserver {
  for (const [i, o] of observers.entries()) checkObject(`observers[${String(i)}]`, o);
  if (observers.length === 1) return observers[0] as SimObserver;
  const each = (key: keyof SimObserver): SimObserver[] => observers.filter((o) => o[key] !== undefined);
  const create = each('onCreate');
  const wakeup = each('onWakeup');
  const migrate = each('onMigrate');
  const runtime = each('onRuntime');
  const sw = each('onSwitch');
  return {
    onCreate: (atNs, cpu, task) => create.forEach((o) => o.onCreate?.(atNs, cpu, task)),
    onWakeup: (atNs, cpu, task, target) => wakeup.forEach((o) => o.onWakeup?.(atNs, cpu, task, target)),
    onMigrate: (atNs, task, from, to) => migrate.forEach((o) => o.onMigrate?.(atNs, task, from, to)),
    onRuntime: (atNs, cpu, task, ns) => runtime.forEach((o) => o.onRuntime?.(atNs, cpu, task, ns)),
    onSwitch: (atNs, cpu, prev, state, next, stolen) =>
      sw.forEach((o) => o.onSwitch?.(atNs, cpu, prev, state, next, stolen)),
  };
}
