/**
 * Counter ticks to nanoseconds: wrap-safe deltas over a 56–64-bit counter, an exact conversion that never
 * drifts, and a kernel-identical one using Linux's `mult`/`shift` (`clocks_calc_mult_shift`, `sched_clock`).
 * @module
 */
import { argError, checkBigint } from '../check.js';

/**
 * Narrowest counter the Arm generic timer may have (ARM DDI 0487, "The system counter").
 * @example
 * ```ts
 * MIN_COUNTER_WIDTH; // 56
 * counterWidthForHz(24_000_000) === MIN_COUNTER_WIDTH; // true
 * ```
 */
export const MIN_COUNTER_WIDTH = 56;
/**
 * Widest counter (Armv8.6 and later, and every 64-bit free-running clock).
 * @example
 * ```ts
 * MAX_COUNTER_WIDTH; // 64
 * ```
 */
export const MAX_COUNTER_WIDTH = 64;
/** Nanoseconds per second. */
export const NSEC_PER_SEC = 1_000_000_000;
/**
 * Returned by {@link CounterConversion.elapsedNs} when the counter went backwards.
 * @example
 * ```ts
 * createConversion('exact', 24_000_000).elapsedNs(100n, 90n) === COUNTER_BACKWARDS; // true
 * ```
 */
export const COUNTER_BACKWARDS = -1;

// Two safe integers are never a wrap apart on a counter this wide: a step back between them is the counter going
// backwards, as the masked BigInt arithmetic decides (its half range is at least 2^53).
/** @internal */
export const NUMBER_WIDTH: number = 54;

/** @internal */
export const U64_MASK: bigint = (1n << 64n) - 1n;
/** @internal */
export const MAX_SAFE_NS: bigint = BigInt(Number.MAX_SAFE_INTEGER);
/** @internal */
export const MIN_ROLLOVER_SECS: bigint = 40n * 365n * 24n * 3600n;

/**
 * Checks a counter frequency.
 * @param counterHz - Hz
 * @param param - the caller's name for it
 * @internal
 */
export function checkHz(counterHz: number, param: string = 'counterHz'): void {
  if (!Number.isSafeInteger(counterHz) || counterHz <= 0) {
    throw argError('invalid-argument', param, 'a positive whole number of Hz (CNTFRQ_EL0)', counterHz);
  }
}

/**
 * Checks a counter width.
 * @param widthBits - bits
 * @internal
 */
export function checkWidth(widthBits: number): void {
  if (!Number.isInteger(widthBits) || widthBits < 1 || widthBits > MAX_COUNTER_WIDTH) {
    const code = typeof widthBits === 'number' && Number.isInteger(widthBits) ? 'out-of-range' : 'invalid-argument';
    throw argError(code, 'widthBits', 'a whole number of bits from 1 to 64 (Arm: 56–64)', widthBits);
  }
}

/**
 * The floor of log2.
 * @param x - a positive number
 * @returns ⌊log2 x⌋
 * @internal
 */
export function ilog2(x: bigint): number {
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
 * @example
 * ```ts
 * counterMask(56); // 0xff_ffff_ffff_ffffn (72_057_594_037_927_935n)
 * ```
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
 * @throws {@link SchedacctError} `invalid-argument` for a counter value that is not a bigint; `out-of-range` for a
 *   width outside 1–64
 * @example
 * ```ts
 * counterDelta(0xff_ffff_ffff_fff0n, 0x10n, 56); // 32n, across the 56-bit wrap
 * counterDelta(100n, 90n, 56); // -10n: went backwards
 * ```
 */
export function counterDelta(before: bigint, after: bigint, widthBits: number = MAX_COUNTER_WIDTH): bigint {
  checkBigint('before', before);
  checkBigint('after', after);
  const mask = counterMask(widthBits);
  const forward = (after - before) & mask;
  const half = 1n << BigInt(widthBits - 1);
  return forward >= half ? forward - mask - 1n : forward;
}
