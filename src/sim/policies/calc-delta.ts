/**
 * `__calc_delta` and `calc_delta_fair` bit for bit (Linux `kernel/sched/fair.c`): `delta · weight / lw.weight`
 * computed as `(delta · fact) >> shift` with `fact = scale_load_down(weight) · lw.inv_weight` shifted below 2^32 and
 * `mul_u64_u32_shr`'s exact 96-bit product. Number math where it is exact (see `mulU64U32Shr`), BigInt otherwise.
 * @module
 */
import { checkWhole } from '../../check.js';
import { checkWeight, inverseWeightUnchecked, NICE_0_WEIGHT } from './weights.js';

const TWO_32 = 2 ** 32;
const TWO_16 = 65_536;
// Below this `a` the two 16-bit partial products of mul_u64_u32_shr stay under 2^53 (see mulU64U32Shr).
const FAST_A_LIMIT = 2 ** 36;

/**
 * `fact` and `shift` of one (weight, lw) pair, after the two normalising loops of `__calc_delta`.
 * @internal
 */
export interface FactShift {
  readonly fact: number;
  readonly shift: number;
}

// fls: the 1-based index of the highest set bit (0 for 0), of a whole number below 2^53.
const fls = (x: number): number => (x === 0 ? 0 : x.toString(2).length);

// The two normalising steps, in BigInt (fact · inv reaches 2^64).
function factShift(weight: number, inv: number): FactShift {
  let fact = BigInt(weight);
  let shift = 32;
  const hi = fact >> 32n;
  if (hi !== 0n) {
    const fs = fls(Number(hi));
    shift -= fs;
    fact >>= BigInt(fs);
  }
  fact *= BigInt(inv);
  const hi2 = Number(fact >> 32n);
  if (hi2 !== 0) {
    const fs = fls(hi2);
    shift -= fs;
    fact >>= BigInt(fs);
  }
  return { fact: Number(fact), shift };
}

/**
 * `mul_u64_u32_shr(a, mul, shift)`: floor(a · mul / 2^shift), exact. With a < 2^36 and shift ≥ 16, a = ah·2^16 + al
 * gives X = ah·mul < 2^52 and Y = al·mul < 2^48, both exact, and floor((X·2^16 + Y) / 2^shift) =
 * floor((X + floor(Y / 2^16)) / 2^(shift−16)) because dropping Y's fraction cannot cross a multiple of 2^(shift−16).
 * @param a - a whole number ≥ 0, < 2^53
 * @param mul - a whole number < 2^32
 * @param shift - 0..32
 * @returns the product shifted
 * @internal
 */
export function mulU64U32Shr(a: number, mul: number, shift: number): number {
  if (a < FAST_A_LIMIT && shift >= 16) {
    const ah = Math.floor(a / TWO_16);
    const x = ah * mul;
    const y = (a - ah * TWO_16) * mul;
    return Math.floor((x + Math.floor(y / TWO_16)) / 2 ** (shift - 16));
  }
  return Number((BigInt(a) * BigInt(mul)) >> BigInt(shift));
}

/**
 * `__calc_delta` without argument checks (the policies' hot path); the denominator enters only through its inverse.
 * @param deltaNs - whole ns ≥ 0
 * @param weight - scale-down weight of the numerator
 * @param lwInvWeight - the denominator's `inv_weight`
 * @returns delta · weight / lw.weight as the kernel rounds it
 * @internal
 */
export function calcDeltaUnchecked(deltaNs: number, weight: number, lwInvWeight: number): number {
  const { fact, shift } = factShift(weight, lwInvWeight);
  return mulU64U32Shr(deltaNs, fact, shift);
}

// calc_delta_fair's (fact, shift) depends on the entity's weight only: computed once per weight.
const fairFact = new Map<number, FactShift>();

/**
 * `calc_delta_fair` without argument checks: delta · 1024 / weight, identity for nice 0.
 * @param deltaNs - whole ns ≥ 0
 * @param weight - the entity's scale-down weight
 * @returns virtual ns
 * @internal
 */
export function calcDeltaFairUnchecked(deltaNs: number, weight: number): number {
  if (weight === NICE_0_WEIGHT) return deltaNs;
  const fs = fairFactShift(weight);
  return mulU64U32Shr(deltaNs, fs.fact, fs.shift);
}

/**
 * `calc_delta_fair`'s (fact, shift) for a weight, so an entity can keep its own and skip the lookup per call.
 * @param weight - the entity's scale-down weight
 * @returns its factors
 * @internal
 */
export function fairFactShift(weight: number): FactShift {
  let fs = fairFact.get(weight);
  if (fs === undefined) {
    fs = factShift(NICE_0_WEIGHT, inverseWeightUnchecked(weight));
    fairFact.set(weight, fs);
  }
  return fs;
}

/**
 * The kernel's `__calc_delta(delta, weight, lw)`: `delta · weight / lw.weight` in its fixed point, bit-exact.
 * @param deltaNs - ns, a whole number ≥ 0
 * @param weight - the numerator's weight (scale-down, as `sched_prio_to_weight` holds it)
 * @param lwWeight - the denominator's weight (a task's, or a run queue's sum)
 * @param lwInvWeight - its `inv_weight` (default: the table's for a task weight, else `WMULT_CONST / lwWeight`)
 * @returns the scaled delta, rounded as the kernel rounds it
 * @throws {@link SchedacctError} for a delta that is not a whole number ≥ 0 or a weight outside 1..2^32 − 1
 * @example
 * ```ts
 * calcDelta(6_000_000, 1024, 1359); // 4520971: nice 0's part of a 6 ms period against nice 0 + nice 5
 * ```
 */
export function calcDelta(deltaNs: number, weight: number, lwWeight: number, lwInvWeight?: number): number {
  checkWhole('deltaNs', deltaNs);
  checkWeight('weight', weight);
  checkWeight('lwWeight', lwWeight);
  if (lwInvWeight !== undefined) checkWhole('lwInvWeight', lwInvWeight, 1, TWO_32 - 1);
  return calcDeltaUnchecked(deltaNs, weight, lwInvWeight ?? inverseWeightUnchecked(lwWeight));
}

/**
 * The kernel's `calc_delta_fair(delta, se)`: real ns to an entity's virtual ns, `delta · 1024 / weight`.
 * @param deltaNs - ns, a whole number ≥ 0
 * @param weight - the entity's weight (`sched_prio_to_weight[nice + 20]`)
 * @returns virtual ns
 * @throws {@link SchedacctError} for a delta that is not a whole number ≥ 0 or a weight outside 1..2^32 − 1
 * @example
 * ```ts
 * calcDeltaFair(4_000_000, 1024); // 4000000: nice 0 runs at real speed
 * calcDeltaFair(4_000_000, 335); // 12226865: nice 5's vruntime runs 3.06× faster
 * ```
 */
export function calcDeltaFair(deltaNs: number, weight: number): number {
  checkWhole('deltaNs', deltaNs);
  checkWeight('weight', weight);
  return calcDeltaFairUnchecked(deltaNs, weight);
}
