/**
 * The simulated host: deterministic virtual time and a seeded hypervisor that steals from a vCPU by pattern and can
 * pause the whole VM. It drives the vCPU machine (compiled), so steal is what the model says it is. Same options and
 * seed → bit-identical totals. The guest's view of it is the simulated backend (`createSimulatedSource`).
 * @module
 */
import { SchedacctError } from '../errors.js';
import {
  argError,
  checkBigint,
  checkFinite,
  checkFunction,
  checkObject,
  checkOneOf,
  checkOptionalBoolean,
  checkOptionalWhole,
  checkWhole,
} from '../check.js';
import { MAX_SAFE_WHOLE } from '../accounting/reading.js';
import { checkHz } from '../accounting/counter.js';
import { mulberry32 } from './prng.js';
import {
  compileVcpuMachine,
  createVcpuContext,
  stolenAt,
  type VcpuBucket,
  type VcpuContext,
  type VcpuEvent,
} from './vcpu.js';

/** A span of host time, ns from the start. */
export interface Interval {
  /** Start, ns. */
  readonly startNs: number;
  /** End, ns (exclusive). */
  readonly endNs: number;
}

/** No steal. */
export interface NoSteal {
  /** Pattern kind. */
  readonly kind: 'none';
}
/** The vCPU runs `1 − share` of every period and waits the rest. */
export interface ConstantSteal {
  /** Pattern kind. */
  readonly kind: 'constant';
  /** Share of each period stolen, 0 ≤ share < 1. */
  readonly share: number;
  /** Period, ns (default 1 ms). */
  readonly periodNs?: number;
}
/** `onNs` of steal every `onNs + offNs`. */
export interface BurstSteal {
  /** Pattern kind. */
  readonly kind: 'bursts';
  /** Steal per burst, ns. */
  readonly onNs: number;
  /** Running time between bursts, ns. */
  readonly offNs: number;
}
/** `stealNs` of steal at the end of every `periodNs` (a periodic host task, e.g. a timer on the same core). */
export interface PeriodicSteal {
  /** Pattern kind. */
  readonly kind: 'periodic';
  /** Period, ns. */
  readonly periodNs: number;
  /** Steal per period, ns (< period). */
  readonly stealNs: number;
}
/** Random bursts from the seed: exponential run and steal lengths with these means. */
export interface RandomSteal {
  /** Pattern kind. */
  readonly kind: 'random';
  /** Mean running time between steals, ns. */
  readonly meanRunNs: number;
  /** Mean steal length, ns. */
  readonly meanStealNs: number;
}
/** Exactly these steal intervals (sorted, not overlapping). */
export interface ScheduledSteal {
  /** Pattern kind. */
  readonly kind: 'schedule';
  /** The intervals the vCPU is runnable (stolen). */
  readonly intervals: readonly Interval[];
}

/** When the host deschedules the vCPU (time it is `runnable`: steal). */
export type StealPattern = NoSteal | ConstantSteal | PeriodicSteal | BurstSteal | RandomSteal | ScheduledSteal;

/** A time base in ms, such as XState's `SimulatedClock`. */
export interface TimeBase {
  /**
   * The time now.
   * @returns ms
   */
  now(): number;
}

/** Options of {@link SimulatedHost} and {@link createSimulatedSource}. */
export interface SimulatedOptions {
  /** How the host steals. */
  readonly pattern: StealPattern;
  /** Seed for the `random` pattern (default 1). */
  readonly seed?: number;
  /** Whole-VM pauses (migration, suspend): the guest's counter stops and nothing is stolen. */
  readonly pauses?: readonly Interval[];
  /** Counter frequency, Hz (default 24 MHz). */
  readonly counterHz?: number;
  /** Counter width (default: Linux's choice for the frequency). */
  readonly widthBits?: number;
  /** Counter value at time 0 (default 0; set near the top to exercise the wrap). */
  readonly counterStart?: bigint;
  /** Count offline time as steal (unused by these patterns; kept for symmetry with Xen). */
  readonly offlineIsSteal?: boolean;
  /**
   * A time base to follow instead of {@link SimulatedHost.advance}: anything with `now()` in ms, such as XState's
   * `SimulatedClock`. Host time is `now() × 1e6` ns.
   */
  readonly clock?: TimeBase;
}

function* stealIntervals(pattern: StealPattern, seed: number): Generator<Interval> {
  switch (pattern.kind) {
    case 'none':
      return;
    case 'constant': {
      const period = pattern.periodNs ?? 1_000_000;
      const steal = Math.round(period * pattern.share);
      if (steal <= 0) return;
      for (let start = period - steal; ; start += period) yield { startNs: start, endNs: start + steal };
    }
    case 'periodic':
      if (pattern.stealNs <= 0) return;
      for (let start = pattern.periodNs - pattern.stealNs; ; start += pattern.periodNs) {
        yield { startNs: start, endNs: start + pattern.stealNs };
      }
    case 'bursts':
      for (let start = pattern.offNs; ; start += pattern.onNs + pattern.offNs)
        yield { startNs: start, endNs: start + pattern.onNs };
    case 'random': {
      const next = mulberry32(seed);
      const draw = (mean: number) => Math.max(1, Math.round(-Math.log(1 - next()) * mean));
      for (let t = 0; ;) {
        const start = t + draw(pattern.meanRunNs);
        const end = start + draw(pattern.meanStealNs);
        yield { startNs: start, endNs: end };
        t = end;
      }
    }
    case 'schedule':
      yield* pattern.intervals;
  }
}

const PATTERN_NS: Record<StealPattern['kind'], readonly string[]> = {
  none: [],
  constant: ['periodNs'],
  periodic: ['periodNs', 'stealNs'],
  bursts: ['onNs', 'offNs'],
  random: ['meanRunNs', 'meanStealNs'],
  schedule: [],
};

// The options' types, before the pattern's own rules (which compare numbers) run.
function checkOptions(options: SimulatedOptions): void {
  checkObject('options', options);
  const pattern: unknown = options.pattern;
  checkObject('options.pattern', pattern);
  checkOneOf('options.pattern.kind', pattern.kind, Object.keys(PATTERN_NS) as StealPattern['kind'][]);
  for (const f of PATTERN_NS[pattern.kind]) {
    if (f !== 'periodNs' || pattern.kind !== 'constant' || pattern[f] !== undefined)
      checkWhole(`options.pattern.${f}`, pattern[f]);
  }
  if (pattern.kind === 'constant') checkFinite('options.pattern.share', pattern.share);
  if (pattern.kind === 'schedule') checkIntervals('options.pattern.intervals', pattern.intervals);
  if (options.pauses !== undefined) checkIntervals('options.pauses', options.pauses);
  checkOptionalWhole('options.seed', options.seed, 0, 0xffff_ffff);
  checkOptionalBoolean('options.offlineIsSteal', options.offlineIsSteal);
  if (options.clock !== undefined) {
    checkObject('options.clock', options.clock);
    checkFunction('options.clock.now', (options.clock as unknown as Record<string, unknown>).now);
  }
}

/**
 * Checks a source's counter options (frequency, width, start).
 * @param options - the options
 * @throws {@link SchedacctError} `invalid-argument` or `out-of-range` for a bad frequency, width or start
 * @internal
 */
export function checkCounterOptions(options: SimulatedOptions): void {
  if (options.counterHz !== undefined) checkHz(options.counterHz, 'options.counterHz');
  if (options.widthBits !== undefined) checkWhole('options.widthBits', options.widthBits, 1, 64);
  if (options.counterStart !== undefined) checkBigint('options.counterStart', options.counterStart, 0n);
}

function checkIntervals(param: string, intervals: unknown): void {
  if (!Array.isArray(intervals)) throw argError('invalid-argument', param, 'an array of { startNs, endNs }', intervals);
  intervals.forEach((i: unknown, k) => {
    checkObject(`${param}[${String(k)}]`, i);
    checkWhole(`${param}[${String(k)}].startNs`, i.startNs);
    checkWhole(`${param}[${String(k)}].endNs`, i.endNs);
  });
}

function checkPattern(pattern: StealPattern): void {
  const bad = (why: string): never => {
    throw new SchedacctError('invalid-argument', `options.pattern (steal pattern '${pattern.kind}'): ${why}`);
  };
  if (pattern.kind === 'constant' && !(pattern.share >= 0 && pattern.share < 1)) bad('share must be in [0, 1)');
  if (
    pattern.kind === 'periodic' &&
    !(pattern.periodNs > 0 && pattern.stealNs >= 0 && pattern.stealNs < pattern.periodNs)
  ) {
    bad('periodNs must be > 0 and 0 ≤ stealNs < periodNs');
  }
  if (pattern.kind === 'bursts' && !(pattern.onNs >= 0 && pattern.offNs > 0)) bad('onNs must be ≥ 0 and offNs > 0');
  if (pattern.kind === 'random' && !(pattern.meanRunNs > 0 && pattern.meanStealNs > 0)) bad('means must be > 0');
  if (pattern.kind === 'schedule') {
    let last = -1;
    for (const i of pattern.intervals) {
      if (!(i.startNs > last && i.endNs >= i.startNs))
        bad('intervals must be sorted, non-overlapping, each start > previous end');
      last = i.endNs;
    }
  }
}

/**
 * A host that steals from one vCPU by pattern and pauses the VM, producing the stolen total a hypervisor publishes
 * and the guest's counter time (which stops while the VM is paused). Host events go through the vCPU machine.
 * @example
 * ```ts
 * const host = new SimulatedHost({ pattern: { kind: 'none' }, pauses: [{ startNs: 2_000_000, endNs: 5_000_000 }] });
 * host.advance(10_000_000);
 * host.guestNs; // 7_000_000: the guest's clock stopped for the 3 ms pause
 * host.stolenTotalNs; // 0n: a pause is not steal
 * ```
 */
export class SimulatedHost {
  readonly #vcpu = compileVcpuMachine().start(createVcpuContext({ vcpu: 0 }));
  readonly #events: Generator<VcpuEvent>;
  #pending: VcpuEvent | undefined;
  #hostNs = 0;
  #pausedNs = 0;
  #pausedSince = -1;
  readonly #clock: TimeBase | undefined;

  /**
   * @param options - see {@link SimulatedOptions}
   * @throws {@link SchedacctError} `invalid-argument` or `out-of-range` for options that are not an object, a pattern
   *   of an unknown kind or with numbers outside its rules, pauses that are not sorted intervals, or a bad seed or clock
   */
  constructor(options: SimulatedOptions) {
    checkOptions(options);
    checkPattern(options.pattern);
    this.#clock = options.clock;
    this.#events = SimulatedHost.#merge(stealIntervals(options.pattern, options.seed ?? 1), options.pauses ?? []);
    this.#pending = this.#next();
  }

  #next(): VcpuEvent | undefined {
    const r = this.#events.next();
    return r.done === true ? undefined : r.value;
  }

  static *#merge(steals: Generator<Interval>, pauses: readonly Interval[]): Generator<VcpuEvent> {
    // Host events in time order; a pause pre-empts a steal interval it overlaps (the VM stops either way).
    let p = 0;
    let pausedUntil = -1;
    for (const s of steals) {
      while (p < pauses.length && (pauses[p]?.startNs ?? Infinity) <= s.startNs) {
        const pause = pauses[p++];
        if (pause === undefined) break;
        yield { type: 'pause', atNs: pause.startNs };
        yield { type: 'resume', atNs: pause.endNs };
        pausedUntil = pause.endNs;
      }
      if (s.startNs < pausedUntil) continue; // the VM was stopped: no one could steal from it
      const pause = pauses[p];
      if (pause !== undefined && pause.startNs < s.endNs) {
        yield { type: 'deschedule', atNs: s.startNs };
        yield { type: 'schedule', atNs: pause.startNs };
        continue;
      }
      yield { type: 'deschedule', atNs: s.startNs };
      yield { type: 'schedule', atNs: s.endNs };
    }
    for (; p < pauses.length; p++) {
      const pause = pauses[p];
      if (pause === undefined) break;
      yield { type: 'pause', atNs: pause.startNs };
      yield { type: 'resume', atNs: pause.endNs };
    }
  }

  /** Host time, ns. */
  get hostNs(): number {
    this.#follow();
    return this.#hostNs;
  }

  /** The vCPU's state now. */
  get state(): VcpuBucket {
    this.#follow();
    return this.#vcpu.path[0] as VcpuBucket;
  }

  /** The vCPU machine's context (time per state, published steal). */
  get vcpu(): Readonly<VcpuContext> {
    return this.#vcpu.context;
  }

  /** Guest-visible ns: host time minus time paused. */
  get guestNs(): number {
    this.#follow();
    const pausing = this.#pausedSince >= 0 ? this.#hostNs - this.#pausedSince : 0;
    return this.#hostNs - this.#pausedNs - pausing;
  }

  /** The stolen total as a continuously updating hypervisor shows it now, ns. */
  get stolenTotalNs(): bigint {
    this.#follow();
    return stolenAt(this.#vcpu.context, this.#vcpu.path[0] as VcpuBucket, this.#hostNs);
  }

  /**
   * Moves host time forward, applying every host event on the way.
   * @param ns - host ns to advance by (≥ 0)
   * @throws {@link SchedacctError} `invalid-argument` for ns that is not a whole number, or when following a clock;
   *   `out-of-range` for a negative ns or one that takes host time past 2^53 − 1 ns
   */
  advance(ns: number): void {
    if (this.#clock !== undefined)
      throw new SchedacctError('invalid-argument', 'this host follows a clock: advance the clock instead');
    checkWhole('advance ns', ns, 0, MAX_SAFE_WHOLE - this.#hostNs);
    this.#advanceTo(this.#hostNs + ns);
  }

  #follow(): void {
    if (this.#clock !== undefined) this.#advanceTo(Math.max(this.#hostNs, Math.round(this.#clock.now() * 1e6)));
  }

  #advanceTo(target: number): void {
    while (this.#pending !== undefined && this.#pending.atNs <= target) {
      const event = this.#pending;
      this.#vcpu.send(event);
      if (event.type === 'pause') this.#pausedSince = event.atNs;
      if (event.type === 'resume' && this.#pausedSince >= 0) {
        this.#pausedNs += event.atNs - this.#pausedSince;
        this.#pausedSince = -1;
      }
      this.#pending = this.#next();
    }
    this.#hostNs = target;
  }
}
