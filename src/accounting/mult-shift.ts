/**
 * Linux's cycles→ns factors: `clocks_calc_mult_shift`, `clocks_calc_max_nsecs`, and what `sched_clock_register` and
 * clocksource registration derive from them for a counter (kernel/time/clocksource.c, kernel/time/sched_clock.c).
 * @module
 */
import { SchedacctError } from '../errors.js';
import { checkBigint, checkWhole } from '../check.js';
import { NSEC_PER_SEC, U64_MASK, checkHz, counterMask, counterWidthForHz } from './counter.js';

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
  checkHz(fromHz, 'fromHz');
  checkHz(toHz, 'toHz');
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
 * @throws {@link SchedacctError} `invalid-argument` or `out-of-range` for a `mult` that is not a u32 > 0, a `shift`
 *   outside 0–63, a `maxAdj` outside 0 to `mult − 1`, or a `mask` that is not a bigint from 1 to 2^64 − 1
 * @example
 * ```ts
 * const { mult, shift } = calcMultShift(24_000_000, 1e9, 3600);
 * calcMaxNs(mult, shift, 0, counterMask(56)); // { maxNs: 4_398_046_511_097n, maxCycles: 211_106_233_338n }
 * ```
 */
export function calcMaxNs(mult: number, shift: number, maxAdj: number, mask: bigint): MaxNs {
  checkWhole('mult', mult, 1, 0xffff_ffff);
  checkWhole('shift', shift, 0, 63);
  checkWhole('maxAdj', maxAdj, 0, mult - 1);
  checkBigint('mask', mask, 1n, U64_MASK);
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
  checkHz(counterHz);
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
 * @example
 * ```ts
 * const cs = clocksourceParams(24_000_000);
 * cs.maxCycles.toString(16); // '588fe9dc0'
 * cs.maxIdleNs; // 440_795_202_592n
 * ```
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
