/**
 * Counter ticks to nanoseconds: wrap-safe deltas over a 56–64-bit counter, an exact conversion that never
 * drifts, and a kernel-identical one using Linux's `mult`/`shift` (`clocks_calc_mult_shift`, `sched_clock`).
 * @module
 */
import { SchedacctError } from '../errors.js';

/** Narrowest counter the Arm generic timer may have (ARM DDI 0487, "The system counter"). */
export const MIN_COUNTER_WIDTH = 56;
/** Widest counter (Armv8.6 and later, and every 64-bit free-running clock). */
export const MAX_COUNTER_WIDTH = 64;
/** Nanoseconds per second. */
export const NSEC_PER_SEC = 1_000_000_000;
/** Returned by {@link CounterConversion.elapsedNs} when the counter went backwards. */
export const COUNTER_BACKWARDS = -1;

/**
 * 2^53 − 1, the largest whole number a double holds exactly (`Number.MAX_SAFE_INTEGER`), as a module constant. Node 20
 * can deadlock at exit when a background compile waits for a collection (nodejs/node#54918); in the hangs we caught
 * (gdb), the compile was boxing `Number.MAX_SAFE_INTEGER`'s double for hot code compared with it. A constant is boxed
 * once, here: that trigger is gone (0 hangs in 340 runs, against 5 in 30), not the race itself.
 * @internal
 */
export const MAX_SAFE_WHOLE = 9_007_199_254_740_991;

/**
 * A value read from a 64-bit counter or total (raw ticks, stolen ns): a bigint, which holds any value, or a number
 * where the value is a safe integer (below 2^53). Numbers take paths without BigInt arithmetic, which allocates on
 * every operation; a trace replay, whose readings are ns timestamps, runs several times faster on them. The two may
 * be mixed: comparisons between them are exact, and arithmetic converts the number.
 */
export type ReadingValue = bigint | number;

/**
 * A reading value as a bigint.
 * @param value - a bigint, or a number that is a safe integer
 * @returns the value as a bigint
 * @throws {@link SchedacctError} `invalid-argument` for a number that is not a safe integer
 * @example
 * ```ts
 * toBigValue(24_000_000); // 24_000_000n
 * ```
 */
export function toBigValue(value: ReadingValue): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) {
    throw new SchedacctError(
      'invalid-argument',
      `a counter or ns total given as a number must be a safe integer (pass a bigint past 2^53), got ${String(value)}`,
    );
  }
  return BigInt(value);
}

/**
 * Refuses a number that is not a safe integer (misuse: a bigint holds any value, a number must hold this one exactly).
 * @param value - a reading value
 * @throws {@link SchedacctError} `invalid-argument` for a number that is not a safe integer
 * @internal
 */
export function checkReadingValue(value: ReadingValue): void {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) toBigValue(value);
}

/**
 * Whether a number is a whole number from 0 to 2^53 − 1: what the number paths take (anything else goes through
 * toBigValue, which takes negative whole numbers as BigInt does and rejects the rest), and what reports print as
 * plain digits.
 * @param value - the number
 * @returns true for 0, 1, … 2^53 − 1
 * @internal
 */
export function isCount(value: number): boolean {
  return value >= 0 && value <= MAX_SAFE_WHOLE && Math.floor(value) === value;
}

// Two safe integers are never a wrap apart on a counter this wide: a step back between them is the counter going
// backwards, as the masked BigInt arithmetic decides (its half range is at least 2^53).
const NUMBER_WIDTH = 54;

const U64_MASK = (1n << 64n) - 1n;
const MAX_SAFE_NS = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_ROLLOVER_SECS = 40n * 365n * 24n * 3600n;

function checkHz(counterHz: number): void {
  if (!Number.isSafeInteger(counterHz) || counterHz <= 0) {
    throw new SchedacctError(
      'invalid-argument',
      `counterHz must be a positive whole number of Hz (CNTFRQ_EL0), got ${String(counterHz)}`,
    );
  }
}

function checkWidth(widthBits: number): void {
  if (!Number.isInteger(widthBits) || widthBits < 1 || widthBits > MAX_COUNTER_WIDTH) {
    throw new SchedacctError(
      'out-of-range',
      `counter width must be a whole number of bits from 1 to 64 (Arm: 56–64), got ${String(widthBits)}`,
    );
  }
}

function ilog2(x: bigint): number {
  return x.toString(2).length - 1;
}

/**
 * The counter width Linux assumes for an Arm generic timer at this frequency: enough bits for 40 years
 * without rolling over, clamped to 56–64 (`arch_counter_get_width` in `drivers/clocksource/arm_arch_timer.c`).
 * @param counterHz - counter frequency in Hz (CNTFRQ_EL0)
 * @returns the width in bits, 56 to 64
 * @throws {@link SchedacctError} `invalid-argument` when `counterHz` is not a positive whole number
 * @example
 * ```ts
 * counterWidthForHz(24_000_000); // 56
 * counterWidthForHz(1_000_000_000); // 61
 * ```
 */
export function counterWidthForHz(counterHz: number): number {
  checkHz(counterHz);
  const minCycles = MIN_ROLLOVER_SECS * BigInt(counterHz);
  return Math.min(MAX_COUNTER_WIDTH, Math.max(MIN_COUNTER_WIDTH, ilog2(minCycles - 1n) + 1));
}

/**
 * The mask of a counter `widthBits` wide (`CLOCKSOURCE_MASK`).
 * @param widthBits - counter width, 1 to 64
 * @returns `2^widthBits - 1`
 * @throws {@link SchedacctError} `out-of-range` for a width outside 1–64
 */
export function counterMask(widthBits: number): bigint {
  checkWidth(widthBits);
  return (1n << BigInt(widthBits)) - 1n;
}

/**
 * Ticks from `before` to `after` on a counter that wraps at `widthBits`, as a signed difference: a forward
 * step across the wrap is positive; a step of half the range or more is taken as the counter going backwards
 * and returned negative (a real wrap that long takes decades at Arm widths).
 * @param before - earlier raw counter value
 * @param after - later raw counter value
 * @param widthBits - counter width, 1 to 64 (default 64)
 * @returns ticks elapsed (≥ 0), or a negative count when the counter went backwards
 * @throws {@link SchedacctError} `out-of-range` for a width outside 1–64
 * @example
 * ```ts
 * counterDelta(0xff_ffff_ffff_fff0n, 0x10n, 56); // 32n, across the 56-bit wrap
 * counterDelta(100n, 90n, 56); // -10n: went backwards
 * ```
 */
export function counterDelta(before: bigint, after: bigint, widthBits: number = MAX_COUNTER_WIDTH): bigint {
  const mask = counterMask(widthBits);
  const forward = (after - before) & mask;
  const half = 1n << BigInt(widthBits - 1);
  return forward >= half ? forward - mask - 1n : forward;
}

/** Kernel cycles→ns conversion factors: `ns = (cycles * mult) >> shift`. */
export interface MultShift {
  /** Multiplier (fits in 32 bits, as the kernel's `u32 mult`). */
  readonly mult: number;
  /** Right shift, 0 to 32. */
  readonly shift: number;
}

/**
 * Linux's `clocks_calc_mult_shift` (`kernel/time/clocksource.c`): the largest `shift` ≤ 32 whose
 * `mult = round(to · 2^shift / from)` keeps `maxSec · from` cycles times `mult` inside 64 bits.
 * @param fromHz - source frequency (the counter), Hz
 * @param toHz - target frequency, Hz (1e9 for nanoseconds)
 * @param maxSec - range in seconds the conversion must cover without overflow
 * @returns the kernel's `mult` and `shift`
 * @throws {@link SchedacctError} `invalid-argument` for non-positive inputs
 * @example
 * ```ts
 * calcMultShift(24_000_000, 1e9, 3600); // { mult: 87381333, shift: 21 }
 * ```
 */
export function calcMultShift(fromHz: number, toHz: number, maxSec: number): MultShift {
  checkHz(fromHz);
  checkHz(toHz);
  if (!Number.isSafeInteger(maxSec) || maxSec <= 0) {
    throw new SchedacctError('invalid-argument', `maxSec must be a positive whole number, got ${String(maxSec)}`);
  }
  const from = BigInt(fromHz);
  const to = BigInt(toHz);
  let tmp = ((BigInt(maxSec) * from) & U64_MASK) >> 32n;
  let sftacc = 32n;
  while (tmp > 0n) {
    tmp >>= 1n;
    sftacc--;
  }
  let sft = 32n;
  for (; sft > 0n; sft--) {
    tmp = ((to << sft) & U64_MASK) + from / 2n;
    tmp /= from;
    if (tmp >> sftacc === 0n) break;
  }
  return { mult: Number(tmp & 0xffff_ffffn), shift: Number(sft) };
}

/** What {@link calcMaxNs} returns. */
export interface MaxNs {
  /** Half the longest interval in ns that converts without overflow (the kernel halves it for safety). */
  readonly maxNs: bigint;
  /** The most cycles one conversion may span. */
  readonly maxCycles: bigint;
}

/**
 * Linux's `clocks_calc_max_nsecs`: how long a clock may go between epoch updates before `cycles · mult`
 * overflows 64 bits or the counter wraps, halved as the kernel does.
 * @param mult - conversion multiplier
 * @param shift - conversion shift
 * @param maxAdj - the most NTP may adjust `mult` by (0 for `sched_clock`)
 * @param mask - counter mask ({@link counterMask})
 * @returns the kernel's `max_nsecs` (halved) and `max_cycles`
 */
export function calcMaxNs(mult: number, shift: number, maxAdj: number, mask: bigint): MaxNs {
  let maxCycles = U64_MASK / BigInt(mult + maxAdj);
  if (maxCycles > mask) maxCycles = mask;
  const maxNs = ((maxCycles * BigInt(mult - maxAdj)) & U64_MASK) >> BigInt(shift);
  return { maxNs: maxNs >> 1n, maxCycles };
}

/** The parameters Linux's `sched_clock_register` derives for a counter (printed at boot as `sched_clock:`). */
export interface SchedClockParams extends MultShift {
  /** Counter frequency, Hz. */
  readonly counterHz: number;
  /** Counter width, bits. */
  readonly widthBits: number;
  /** ns of one tick after truncation: the boot line's `resolution`. */
  readonly resolutionNs: bigint;
  /** The boot line's `wraps every`: how often the epoch must be refreshed. */
  readonly wrapNs: bigint;
}

/**
 * What Linux's `sched_clock_register(read, bits, rate)` computes: `mult`/`shift` for a 3600 s range, the
 * resolution and the wrap period. Compare with the boot line
 * `sched_clock: 56 bits at 24MHz, resolution 41ns, wraps every 4398046511097ns`.
 * @param counterHz - counter frequency, Hz
 * @param widthBits - counter width (default: {@link counterWidthForHz})
 * @returns the kernel's parameters
 * @throws {@link SchedacctError} for a bad frequency or width
 * @example
 * ```ts
 * schedClockParams(24_000_000).resolutionNs; // 41n
 * ```
 */
export function schedClockParams(
  counterHz: number,
  widthBits: number = counterWidthForHz(counterHz),
): SchedClockParams {
  const { mult, shift } = calcMultShift(counterHz, NSEC_PER_SEC, 3600);
  const mask = counterMask(widthBits);
  return {
    counterHz,
    widthBits,
    mult,
    shift,
    resolutionNs: (BigInt(mult) & U64_MASK) >> BigInt(shift),
    wrapNs: calcMaxNs(mult, shift, 0, mask).maxNs,
  };
}

/** What Linux's clocksource registration derives for a counter (printed at boot as `clocksource: … max_cycles: …`). */
export interface ClocksourceParams extends MultShift {
  /** The most NTP may adjust `mult` by: 11 % of it (`clocksource_max_adjustment`). */
  readonly maxAdj: number;
  /** The boot line's `max_cycles`. */
  readonly maxCycles: bigint;
  /** The boot line's `max_idle_ns`. */
  readonly maxIdleNs: bigint;
}

/**
 * What `__clocksource_update_freq_scale` computes for a counter registered with `clocksource_register_hz`:
 * `mult`/`shift` for a range of `mask / Hz` seconds capped at 600, then the idle limit. Compare with the boot
 * line `clocksource: arch_sys_counter: mask: 0xffffffffffffff max_cycles: 0x588fe9dc0, max_idle_ns: 440795202592 ns`.
 * @param counterHz - counter frequency, Hz
 * @param widthBits - counter width (default: {@link counterWidthForHz})
 * @returns the clocksource parameters
 * @throws {@link SchedacctError} for a bad frequency or width
 */
export function clocksourceParams(
  counterHz: number,
  widthBits: number = counterWidthForHz(counterHz),
): ClocksourceParams {
  checkHz(counterHz);
  const mask = counterMask(widthBits);
  let sec = mask / BigInt(counterHz);
  if (sec === 0n) sec = 1n;
  else if (sec > 600n && mask > 0xffff_ffffn) sec = 600n;
  const { mult, shift } = calcMultShift(counterHz, NSEC_PER_SEC, Number(sec));
  const maxAdj = Math.floor((mult * 11) / 100);
  const { maxNs, maxCycles } = calcMaxNs(mult, shift, maxAdj, mask);
  return { mult, shift, maxAdj, maxCycles, maxIdleNs: maxNs };
}

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
   * @throws {@link SchedacctError} `invalid-argument` for a number that is not a safe integer
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
   */
  toNs(ticks: bigint): bigint {
    return (ticks * this.num) / this.den;
  }

  /**
   * ns elapsed between two raw readings (wrap-safe).
   * @param before - raw counter at the start (a bigint, or a safe-integer number: see {@link ReadingValue})
   * @param after - raw counter at the end
   * @returns ns elapsed, or {@link COUNTER_BACKWARDS} when `after` is before `before`
   * @throws {@link SchedacctError} `invalid-argument` for a number that is not a safe integer
   */
  elapsedNs(before: ReadingValue, after: ReadingValue): number {
    if (typeof before === 'number' && typeof after === 'number' && this.#numbers && isCount(before) && isCount(after)) {
      if (after < before) return COUNTER_BACKWARDS;
      if (this.#unit) return after - before + 0; // + 0: -0 − 0 is −0, and the bigint path gives 0
      if (after <= this.#safeTicksN)
        return floorDiv(after * this.#numN, this.#denN) - floorDiv(before * this.#numN, this.#denN) + 0;
    }
    return this.#elapsedBig(toBigValue(before), toBigValue(after));
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
    const c = toBigValue(counter);
    if (c < 0n || c > this.#safeTicks) return -1;
    return floorDiv(Number(c) * this.#numN, this.#denN);
  }

  /**
   * {@link ExactConversion.elapsedNs} in BigInt throughout, for values past 2^53 and for wraps.
   * @param before - raw counter at the start
   * @param after - raw counter at the end
   * @returns ns elapsed, or {@link COUNTER_BACKWARDS}
   */
  elapsedSlow(before: bigint, after: bigint): number {
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
   */
  toNs(ticks: bigint): bigint {
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
    const c = toBigValue(counter);
    if (c < 0n || c > this.#mask) return -1;
    const ns = this.toNs(c);
    return ns <= MAX_SAFE_NS ? Number(ns) : -1;
  }

  /**
   * ns elapsed between two raw readings (wrap-safe).
   * @param before - raw counter at the start (a bigint, or a safe-integer number: see {@link ReadingValue})
   * @param after - raw counter at the end
   * @returns ns elapsed, or {@link COUNTER_BACKWARDS} when `after` is before `before`
   * @throws {@link SchedacctError} `invalid-argument` for a number that is not a safe integer
   */
  elapsedNs(before: ReadingValue, after: ReadingValue): number {
    const forward = (toBigValue(after) - toBigValue(before)) & this.#mask;
    if (forward >= this.#half) return COUNTER_BACKWARDS;
    const start = toBigValue(before) & this.#mask;
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
