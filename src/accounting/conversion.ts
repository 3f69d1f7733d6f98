/**
 * Counter ticks to nanoseconds: an exact conversion that never drifts, and a kernel-identical one using Linux's
 * `mult`/`shift` (`sched_clock`).
 * @module
 */
import { SchedacctError } from '../errors.js';
import {
  COUNTER_BACKWARDS,
  MAX_COUNTER_WIDTH,
  MAX_SAFE_NS,
  NSEC_PER_SEC,
  NUMBER_WIDTH,
  checkHz,
  counterMask,
  counterWidthForHz,
} from './counter.js';
import { calcMaxNs, schedClockParams, type SchedClockParams } from './mult-shift.js';
import { isCount, toBigValue, type ReadingValue } from './reading.js';
import { checkBigint } from '../check.js';

/** How counter ticks become nanoseconds. */
export type ConversionMode = 'exact' | 'kernel';

/**
 * Converts raw counter values to ns. Elapsed time is the difference of two converted absolute values, so
 * consecutive intervals telescope: summing a million slices gives exactly the conversion of the whole span.
 */
export interface CounterConversion {
  /** `'exact'` (floor of ticks·1e9/Hz) or `'kernel'` (Linux mult/shift with its truncation). */
  readonly mode: ConversionMode;
  /** Counter frequency, Hz. */
  readonly counterHz: number;
  /** Counter width, bits. */
  readonly widthBits: number;
  /**
   * ns elapsed between two raw readings (wrap-safe).
   * @param before - raw counter at the start (a bigint, or a safe-integer number: see {@link ReadingValue})
   * @param after - raw counter at the end
   * @returns ns elapsed, or {@link COUNTER_BACKWARDS} when `after` is before `before`
   * @throws {@link SchedacctError} `invalid-argument` for a value that is neither a bigint nor a safe-integer number
   *   (past 2^53 − 1 ns, 104 days, the result is the nearest double: `chargeSlice` refuses such a slice)
   */
  elapsedNs(before: ReadingValue, after: ReadingValue): number;
  /**
   * ns of a raw counter value (from counter 0) as a number, or −1 where a double cannot hold it exactly. For
   * readings `b` ≤ `a` below the wrap, `nsOf(a) − nsOf(b)` equals `elapsedNs(b, a)`: convert once, subtract often.
   * @param counter - raw counter value
   * @returns ns, or −1
   * @throws {@link SchedacctError} `invalid-argument` for a number that is not a safe integer
   */
  nsOf(counter: ReadingValue): number;
}

// floor(p / d) for whole numbers p < 2^53, exact (a double division can round up across an integer).
function floorDiv(p: number, d: number): number {
  if (d === 1) return p;
  let q = Math.floor(p / d);
  if (q * d > p) q--;
  else if ((q + 1) * d <= p) q++;
  return q;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * Exact conversion: `ns(c) = floor(c · 1e9 / counterHz)`, in BigInt. Elapsed ns of consecutive slices sum to
 * the exact ns of the whole span (zero drift); a single slice is off by < 1 ns. A raw value does not say how many
 * times the counter wrapped before it, so a slice that crosses the wrap may round once more (< 1 ns per wrap:
 * once in 95 years for a 56-bit counter at 24 MHz).
 * @example
 * ```ts
 * const exact = new ExactConversion(24_000_000, 56);
 * exact.num; // 125n: ns per tick is 125/3
 * exact.den; // 3n
 * exact.elapsedNs(0n, 240_000n); // 10_000_000
 * ```
 */
export class ExactConversion implements CounterConversion {
  /** Always `'exact'`. */
  readonly mode: ConversionMode = 'exact';
  /** Counter frequency, Hz. */
  readonly counterHz: number;
  /** Counter width, bits. */
  readonly widthBits: number;
  /** ns per tick as the reduced fraction `num / den`. */
  readonly num: bigint;
  /** Denominator of ns per tick. */
  readonly den: bigint;
  readonly #mask: bigint;
  readonly #half: bigint;
  readonly #numN: number;
  readonly #denN: number;
  readonly #safeTicks: bigint;
  readonly #safeTicksN: number;
  readonly #unit: boolean;
  readonly #numbers: boolean;

  /**
   * @param counterHz - counter frequency, Hz
   * @param widthBits - counter width, 1 to 64 (default 64)
   * @throws {@link SchedacctError} for a bad frequency or width
   */
  constructor(counterHz: number, widthBits: number = MAX_COUNTER_WIDTH) {
    checkHz(counterHz);
    this.#mask = counterMask(widthBits);
    this.#half = 1n << BigInt(widthBits - 1);
    this.counterHz = counterHz;
    this.widthBits = widthBits;
    const g = gcd(BigInt(NSEC_PER_SEC), BigInt(counterHz));
    this.num = BigInt(NSEC_PER_SEC) / g;
    this.den = BigInt(counterHz) / g;
    this.#numN = Number(this.num);
    this.#denN = Number(this.den);
    // Below this many ticks, ticks·num fits a double exactly and the hot path avoids BigInt arithmetic.
    const safe = BigInt(Number.MAX_SAFE_INTEGER) / this.num;
    this.#safeTicks = safe < this.#mask ? safe : this.#mask;
    this.#safeTicksN = Number(this.#safeTicks);
    this.#unit = this.num === 1n && this.den === 1n;
    this.#numbers = widthBits >= NUMBER_WIDTH;
  }

  /**
   * ns of an absolute tick count, truncated.
   * @param ticks - ticks since the counter's origin (not masked: pass an unwrapped value)
   * @returns `floor(ticks · 1e9 / counterHz)`
   * @throws {@link SchedacctError} `invalid-argument` for ticks that are not a bigint
   */
  toNs(ticks: bigint): bigint {
    checkBigint('ticks', ticks);
    return (ticks * this.num) / this.den;
  }

  /**
   * ns elapsed between two raw readings (wrap-safe).
   * @param before - raw counter at the start (a bigint, or a safe-integer number: see {@link ReadingValue})
   * @param after - raw counter at the end
   * @returns ns elapsed, or {@link COUNTER_BACKWARDS} when `after` is before `before`
   * @throws {@link SchedacctError} `invalid-argument` for a value that is neither a bigint nor a safe-integer number
   *   (past 2^53 − 1 ns, 104 days, the result is the nearest double: `chargeSlice` refuses such a slice)
   */
  elapsedNs(before: ReadingValue, after: ReadingValue): number {
    if (typeof before === 'number' && typeof after === 'number' && this.#numbers && isCount(before) && isCount(after)) {
      if (after < before) return COUNTER_BACKWARDS;
      if (this.#unit) return after - before + 0; // + 0: -0 − 0 is −0, and the bigint path gives 0
      if (after <= this.#safeTicksN)
        return floorDiv(after * this.#numN, this.#denN) - floorDiv(before * this.#numN, this.#denN) + 0;
    }
    return this.#elapsedBig(toBigValue(before, 'before'), toBigValue(after, 'after'));
  }

  #elapsedBig(before: bigint, after: bigint): number {
    if (this.#unit) {
      // 1 GHz: a tick is a ns, so the elapsed time is the forward distance itself.
      const d = after - before;
      if (d >= 0n && d < this.#half) return Number(d);
      return this.elapsedSlow(before, after);
    }
    if (before >= 0n && after >= 0n && before <= this.#safeTicks && after <= this.#safeTicks) {
      const b = Number(before);
      const a = Number(after);
      if (a < b) return this.elapsedSlow(before, after); // backwards, or a wrap: rare
      return floorDiv(a * this.#numN, this.#denN) - floorDiv(b * this.#numN, this.#denN);
    }
    return this.elapsedSlow(before, after);
  }

  /**
   * ns of a raw counter value as a number, or −1 where a double cannot hold it exactly.
   * @param counter - raw counter value
   * @returns `floor(counter · 1e9 / counterHz)`, or −1
   * @throws {@link SchedacctError} `invalid-argument` for a number that is not a safe integer
   */
  nsOf(counter: ReadingValue): number {
    const c = toBigValue(counter, 'counter');
    if (c < 0n || c > this.#safeTicks) return -1;
    return floorDiv(Number(c) * this.#numN, this.#denN);
  }

  /**
   * {@link ExactConversion.elapsedNs} in BigInt throughout, for values past 2^53 and for wraps.
   * @param before - raw counter at the start
   * @param after - raw counter at the end
   * @returns ns elapsed, or {@link COUNTER_BACKWARDS}
   * @throws {@link SchedacctError} `invalid-argument` for a value that is not a bigint
   */
  elapsedSlow(before: bigint, after: bigint): number {
    checkBigint('before', before);
    checkBigint('after', after);
    const forward = (after - before) & this.#mask;
    if (forward >= this.#half) return COUNTER_BACKWARDS;
    const start = before & this.#mask;
    return Number(((start + forward) * this.num) / this.den - (start * this.num) / this.den);
  }
}

/**
 * Kernel-identical conversion, as `sched_clock()` does it: `ns = epoch_ns + ((cyc − epoch_cyc) · mult) >> shift`.
 * The kernel refreshes the epoch before `(cyc − epoch_cyc) · mult` can overflow 64 bits; here the epochs sit at
 * fixed multiples of {@link KernelConversion.epochCycles} from counter 0, so the conversion is a pure function of
 * the counter: slices may be converted in any order and still telescope. Within an epoch the truncation is the
 * kernel's to the nanosecond; where the real kernel's timer refreshed elsewhere, totals differ by < 1 ns per epoch.
 * @example
 * ```ts
 * const kernel = new KernelConversion(24_000_000);
 * kernel.params.mult; // 87381333, with shift 21
 * kernel.elapsedNs(0n, 240_000n); // 9_999_999: the kernel's truncation
 * kernel.nsOf(24_000_000n); // 999_999_996
 * ```
 */
export class KernelConversion implements CounterConversion {
  /** Always `'kernel'`. */
  readonly mode: ConversionMode = 'kernel';
  /** Counter frequency, Hz. */
  readonly counterHz: number;
  /** Counter width, bits. */
  readonly widthBits: number;
  /** The kernel parameters in use. */
  readonly params: SchedClockParams;
  /** Cycles between epoch refreshes: 7/8 of the kernel's `max_cycles`, as `sched_clock_poll` schedules it. */
  readonly epochCycles: bigint;
  readonly #mask: bigint;
  readonly #half: bigint;
  readonly #mult: bigint;
  readonly #shift: bigint;
  readonly #epochNs: bigint;

  /**
   * @param counterHz - counter frequency, Hz
   * @param widthBits - counter width (default: Linux's choice for the frequency)
   * @throws {@link SchedacctError} for a bad frequency or width
   */
  constructor(counterHz: number, widthBits: number = counterWidthForHz(counterHz)) {
    this.params = schedClockParams(counterHz, widthBits);
    this.counterHz = counterHz;
    this.widthBits = widthBits;
    this.#mask = counterMask(widthBits);
    this.#half = 1n << BigInt(widthBits - 1);
    this.#mult = BigInt(this.params.mult);
    this.#shift = BigInt(this.params.shift);
    const { maxCycles } = calcMaxNs(this.params.mult, this.params.shift, 0, this.#mask);
    this.epochCycles = maxCycles - (maxCycles >> 3n);
    this.#epochNs = (this.epochCycles * this.#mult) >> this.#shift;
  }

  /**
   * `sched_clock()` for an unwrapped tick count since counter 0.
   * @param ticks - ticks since the counter's origin (not masked: pass an unwrapped value)
   * @returns ns, as the kernel computes them
   * @throws {@link SchedacctError} `invalid-argument` for ticks that are not a bigint
   */
  toNs(ticks: bigint): bigint {
    checkBigint('ticks', ticks);
    const epochs = ticks / this.epochCycles;
    const cycles = ticks - epochs * this.epochCycles;
    return epochs * this.#epochNs + ((cycles * this.#mult) >> this.#shift);
  }

  /**
   * `sched_clock()` of a raw counter value as a number, or −1 where a double cannot hold it exactly.
   * @param counter - raw counter value
   * @returns ns, or −1
   * @throws {@link SchedacctError} `invalid-argument` for a number that is not a safe integer
   */
  nsOf(counter: ReadingValue): number {
    const c = toBigValue(counter, 'counter');
    if (c < 0n || c > this.#mask) return -1;
    const ns = this.toNs(c);
    return ns <= MAX_SAFE_NS ? Number(ns) : -1;
  }

  /**
   * ns elapsed between two raw readings (wrap-safe).
   * @param before - raw counter at the start (a bigint, or a safe-integer number: see {@link ReadingValue})
   * @param after - raw counter at the end
   * @returns ns elapsed, or {@link COUNTER_BACKWARDS} when `after` is before `before`
   * @throws {@link SchedacctError} `invalid-argument` for a value that is neither a bigint nor a safe-integer number
   *   (past 2^53 − 1 ns, 104 days, the result is the nearest double: `chargeSlice` refuses such a slice)
   */
  elapsedNs(before: ReadingValue, after: ReadingValue): number {
    const b = toBigValue(before, 'before');
    const forward = (toBigValue(after, 'after') - b) & this.#mask;
    if (forward >= this.#half) return COUNTER_BACKWARDS;
    const start = b & this.#mask;
    return Number(this.toNs(start + forward) - this.toNs(start));
  }
}

/**
 * Picks a conversion by mode.
 * @param mode - `'exact'` or `'kernel'`
 * @param counterHz - counter frequency, Hz
 * @param widthBits - counter width (default: Linux's choice for the frequency)
 * @returns a fresh conversion
 * @throws {@link SchedacctError} for a bad mode, frequency or width
 * @example
 * ```ts
 * const conv = createConversion('exact', 24_000_000);
 * conv.elapsedNs(0n, 24_000_000n); // 1_000_000_000
 * ```
 */
export function createConversion(
  mode: ConversionMode,
  counterHz: number,
  widthBits: number = counterWidthForHz(counterHz),
): CounterConversion {
  switch (mode) {
    case 'exact':
      return new ExactConversion(counterHz, widthBits);
    case 'kernel':
      return new KernelConversion(counterHz, widthBits);
    default:
      throw new SchedacctError('invalid-argument', `conversion mode must be 'exact' or 'kernel', got ${String(mode)}`);
  }
}
