/**
 * Exact integer helpers for the run queues: the kernel's s64 arithmetic on JavaScript numbers, with a BigInt path
 * wherever a product could pass 2^53, and sorted run lists that keep the rbtree's order of equal keys.
 * @module
 * @internal
 */
import { SchedacctError } from '../../errors.js';

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * floor(a / b) for whole a and b > 0, exact (`div_s64` after the kernel's left bias for a negative numerator).
 * @param a - a safe integer
 * @param b - a safe integer > 0
 * @returns the floor of the quotient
 * @internal
 */
export function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  // the float quotient can round up across an integer: step back or forward once
  if (q * b > a) q--;
  else if ((q + 1) * b <= a) q++;
  return q;
}

/**
 * trunc(a · m / d) (`div_s64(a * m, d)`: C's division truncates toward zero), exact.
 * @param a - a safe integer
 * @param m - a safe integer ≥ 0
 * @param d - a safe integer > 0
 * @returns the truncated quotient
 * @internal
 */
export function mulDivTrunc(a: number, m: number, d: number): number {
  const p = a * m;
  if (Math.abs(p) <= SAFE) {
    const q = Math.trunc(p / d);
    const r = p - q * d;
    if (p >= 0) return r < 0 ? q - 1 : r >= d ? q + 1 : q;
    return r > 0 ? q + 1 : -r >= d ? q - 1 : q;
  }
  return Number((BigInt(a) * BigInt(m)) / BigInt(d));
}

/**
 * Whether sum ≥ key · load (`vruntime_eligible`'s comparison, __int128 in the kernel), exact.
 * @param sum - a safe integer
 * @param key - a safe integer
 * @param load - a safe integer ≥ 0
 * @returns the comparison
 * @internal
 */
export function geqProduct(sum: number, key: number, load: number): boolean {
  const p = key * load;
  if (Math.abs(p) <= SAFE) return sum >= p;
  return BigInt(sum) >= BigInt(key) * BigInt(load);
}

/**
 * Throws if a running sum left the exact range (the kernel would overflow s64 much later; here it is never silent).
 * @param what - the sum's name
 * @param value - its value
 * @throws {@link SchedacctError} `out-of-range` past 2^53
 * @internal
 */
export function checkExact(what: string, value: number): void {
  if (!Number.isSafeInteger(value))
    throw new SchedacctError('out-of-range', `${what} left the exact integer range (${String(value)})`);
}

/**
 * Inserts after every item with a key ≤ its own, as `rb_add_cached` puts an equal key to the right: O(log n) search,
 * O(n) move (run queues are small; the kernel's augmented rbtree is O(log n)).
 * @param list - sorted by key
 * @param item - the item
 * @param key - its key
 * @param keyOf - the key of an item in the list
 * @internal
 */
export function insertSorted<T>(list: T[], item: T, key: number, keyOf: (t: T) => number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(list[mid] as T) <= key) lo = mid + 1;
    else hi = mid;
  }
  // shift by hand: splice allocates the (empty) array of removed items on every call
  for (let i = list.length; i > lo; i--) list[i] = list[i - 1] as T;
  list[lo] = item;
}

/**
 * Removes an item.
 * @param list - the list
 * @param item - the item
 * @returns whether it was there
 * @internal
 */
export function removeItem<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  for (let k = i + 1; k < list.length; k++) list[k - 1] = list[k] as T;
  list.pop();
  return true;
}
