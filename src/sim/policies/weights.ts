/**
 * The kernel's nice-to-weight tables, verbatim from Linux `kernel/sched/core.c` (`sched_prio_to_weight`,
 * `sched_prio_to_wmult`; unchanged since 2.6.23 apart from the names): index = nice + 20. A weight is the
 * scale-down value (`scale_load_down`, NICE_0_LOAD = 1024); `wmult` is 2^32 / weight within one unit (13 entries are
 * rounded up, e.g. 76040 for 56483, so it is the table, not a formula, that must be used), the inverse
 * `calc_delta_fair` multiplies by for a task (`set_load_weight` stores it as `load.inv_weight`).
 * @module
 */
import { argError, checkWhole } from '../../check.js';

/**
 * `sched_prio_to_weight[40]`: "a gentle 10% change for every nice level", nice −20 (88761) to 19 (15).
 * @example
 * ```ts
 * SCHED_PRIO_TO_WEIGHT[20]; // 1024: nice 0
 * SCHED_PRIO_TO_WEIGHT[25]; // 335: nice 5
 * ```
 */
export const SCHED_PRIO_TO_WEIGHT: readonly number[] = Object.freeze([
  /* -20 */ 88761, 71755, 56483, 46273, 36291, /* -15 */ 29154, 23254, 18705, 14949, 11916, /* -10 */ 9548, 7620, 6100,
  4904, 3906, /*  -5 */ 3121, 2501, 1991, 1586, 1277, /*   0 */ 1024, 820, 655, 526, 423, /*   5 */ 335, 272, 215, 172,
  137, /*  10 */ 110, 87, 70, 56, 45, /*  15 */ 36, 29, 23, 18, 15,
]);

/**
 * `sched_prio_to_wmult[40]`: 2^32 / weight (within one), precalculated so `__calc_delta` multiplies, not divides.
 * @example
 * ```ts
 * SCHED_PRIO_TO_WMULT[20]; // 4194304 = 2^32 / 1024
 * ```
 */
export const SCHED_PRIO_TO_WMULT: readonly number[] = Object.freeze([
  /* -20 */ 48388, 59856, 76040, 92818, 118348, /* -15 */ 147320, 184698, 229616, 287308, 360437, /* -10 */ 449829,
  563644, 704093, 875809, 1099582, /*  -5 */ 1376151, 1717300, 2157191, 2708050, 3363326, /*   0 */ 4194304, 5237765,
  6557202, 8165337, 10153587, /*   5 */ 12820798, 15790321, 19976592, 24970740, 31350126, /*  10 */ 39045157, 49367440,
  61356676, 76695844, 95443717, /*  15 */ 119304647, 148102320, 186737708, 238609294, 286331153,
]);

/** The weight of nice 0 after `scale_load_down` (`NICE_0_LOAD` on a 64-bit kernel is this << 10). */
export const NICE_0_WEIGHT = 1024;

const wmultByWeight = new Map<number, number>(SCHED_PRIO_TO_WEIGHT.map((w, i) => [w, SCHED_PRIO_TO_WMULT[i] ?? 0]));

/**
 * The weight of a nice value (`sched_prio_to_weight[nice + 20]`).
 * @param nice - −20..19
 * @returns the weight
 * @throws {@link SchedacctError} `out-of-range` outside −20..19
 * @example
 * ```ts
 * weightOfNice(0); // 1024
 * weightOfNice(-20); // 88761
 * ```
 */
export function weightOfNice(nice: number): number {
  checkWhole('nice', nice, -20, 19);
  return SCHED_PRIO_TO_WEIGHT[nice + 20] ?? NICE_0_WEIGHT;
}

/**
 * The inverse weight of a nice value (`sched_prio_to_wmult[nice + 20]`).
 * @param nice - −20..19
 * @returns 2^32 / weight as the kernel's table has it
 * @throws {@link SchedacctError} `out-of-range` outside −20..19
 * @example
 * ```ts
 * wmultOfNice(5); // 12820798
 * ```
 */
export function wmultOfNice(nice: number): number {
  checkWhole('nice', nice, -20, 19);
  return SCHED_PRIO_TO_WMULT[nice + 20] ?? 0;
}

/**
 * The inverse a load weight carries: the table's for a task weight, otherwise what `__update_inv_weight` computes
 * for a sum of weights (`WMULT_CONST / w`, 1 past 2^32, `WMULT_CONST` for 0).
 * @param weight - a scale-down weight (≥ 0)
 * @returns its inverse, < 2^32
 * @throws {@link SchedacctError} `invalid-argument` for anything but a whole number ≥ 0
 * @example
 * ```ts
 * inverseWeight(1024); // 4194304 (the table's, a task)
 * inverseWeight(1359); // 3160388 = floor((2^32 − 1) / 1359): a run queue's sum
 * ```
 */
export function inverseWeight(weight: number): number {
  checkWhole('weight', weight);
  return inverseWeightUnchecked(weight);
}

/**
 * {@link inverseWeight} without the argument check, for the hot paths.
 * @param weight - a whole scale-down weight ≥ 0
 * @returns its inverse
 * @internal
 */
export function inverseWeightUnchecked(weight: number): number {
  const table = wmultByWeight.get(weight);
  if (table !== undefined) return table;
  if (weight >= WMULT_CONST) return 1;
  if (weight === 0) return WMULT_CONST;
  return Math.floor(WMULT_CONST / weight);
}

/** `WMULT_CONST` (`~0U`): 2^32 − 1. */
export const WMULT_CONST = 0xffff_ffff;

/**
 * Checks a task weight argument.
 * @param param - the parameter's name
 * @param weight - the value
 * @throws {@link SchedacctError} `out-of-range` for a weight that is not a whole number from 1 to 2^32 − 1
 * @internal
 */
export function checkWeight(param: string, weight: unknown): asserts weight is number {
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > WMULT_CONST)
    throw argError('out-of-range', param, 'a whole weight from 1 to 2^32 − 1', weight);
}
