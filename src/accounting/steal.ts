/**
 * Steal accounting: how much of an interval was stolen, clamped to the interval, under the kernel's two
 * policies (`update_rq_clock_task` in `kernel/sched/core.c`).
 * @module
 */
import { SchedacctError } from '../errors.js';
import { checkReadingValue, MAX_SAFE_WHOLE, toBigValue, type ReadingValue } from './reading.js';
import type { AnomalyKind } from './anomaly.js';
import { argError, checkObject, checkOneOf, describe } from '../check.js';

/**
 * What happens to steal beyond the elapsed time of the interval it appeared in.
 * - `'carry'`: kept and charged to later intervals (kernels before commit 108ad0999085, 2024).
 * - `'drop'`: discarded (current kernels: `prev_steal_time_rq` is set to the sampled value).
 */
export type StealPolicy = 'carry' | 'drop';

/**
 * Both policies.
 * @example
 * ```ts
 * STEAL_POLICIES; // ['carry', 'drop']
 * ```
 */
export const STEAL_POLICIES: readonly StealPolicy[] = ['carry', 'drop'];

/**
 * The state of steal bookkeeping as a plain record, so it can live in a machine's context (flat, persistable).
 * {@link accountSteal} and {@link skipSteal} update it; {@link StealAccount} wraps it in a class.
 */
export interface StealState {
  /** The policy for steal beyond the interval. */
  readonly policy: StealPolicy;
  /** The last stolen total seen (a bigint, or a number where the totals given were numbers). */
  lastSeenNs: ReadingValue;
  /** Every ns of steal observed (increases of the total). */
  observedNs: number;
  /** Every ns of steal accounted to intervals. */
  accountedNs: number;
  /** Steal discarded: excess under `drop`, and what was still carried when the total went backwards. */
  droppedNs: number;
  /** Steal observed but not yet accounted (only under `carry`). */
  carriedNs: number;
  /** The anomaly the last update met, if any. */
  lastAnomaly: AnomalyKind | null;
}

/**
 * A fresh {@link StealState}.
 * @param policy - `'carry'` or `'drop'`
 * @param initialStolenNs - the stolen total at the start
 * @returns the state
 * @throws {@link SchedacctError} `invalid-argument` for an unknown policy
 * @example
 * ```ts
 * const state = stealState('carry', 0n);
 * accountSteal(state, 1_000_000, 1_500_000n); // 1_000_000
 * state.carriedNs; // 500_000, for the next interval
 * ```
 */
export function stealState(policy: StealPolicy, initialStolenNs: ReadingValue): StealState {
  checkOneOf('steal policy', policy, STEAL_POLICIES);
  checkReadingValue(initialStolenNs, 'initialStolenNs');
  return {
    policy,
    lastSeenNs: initialStolenNs,
    observedNs: 0,
    accountedNs: 0,
    droppedNs: 0,
    carriedNs: 0,
    lastAnomaly: null,
  };
}

/**
 * `later − earlier` as a number: a plain subtraction for two numbers, one BigInt subtraction otherwise.
 * @param earlier - the earlier total
 * @param later - the later total
 * @param param - the caller's name for the later total
 * @returns the difference
 * @throws {@link SchedacctError} `invalid-argument` for a number that is not a safe integer, mixed with a bigint;
 *   `out-of-range` for a difference past 2^53 − 1 ns, which a number would not hold exactly
 */
export function nsBetween(earlier: ReadingValue, later: ReadingValue, param: string = 'later'): number {
  if (typeof earlier === 'number' && typeof later === 'number') return later - earlier;
  const ns = toBigValue(later, param) - toBigValue(earlier);
  if (ns > MAX_SAFE_NS_BIG || ns < -MAX_SAFE_NS_BIG)
    throw argError(
      'out-of-range',
      `${param} − the last total`,
      'within 2^53 − 1 ns (104 days)',
      ns,
      'steal that long is no slice',
    );
  return Number(ns);
}

const MAX_SAFE_NS_BIG = BigInt(MAX_SAFE_WHOLE);

/**
 * Checks a steal state: a record with a policy, a last total and its counters, before anything is written into it.
 * @param param - the parameter's name
 * @param state - the value
 * @throws {@link SchedacctError} `invalid-argument` naming the first field that is wrong
 * @internal
 */
export function checkStealState(param: string, state: unknown): void {
  if (isStealState(state)) return;
  checkObject(param, state);
  checkOneOf(`${param}.policy`, state.policy, STEAL_POLICIES);
  checkReadingValue(state.lastSeenNs as ReadingValue, `${param}.lastSeenNs`);
  for (const f of ['observedNs', 'accountedNs', 'droppedNs', 'carriedNs'] as const) {
    if (!isWholeNs(state[f])) throw argError('invalid-argument', `${param}.${f}`, 'a whole number of ns ≥ 0', state[f]);
  }
}

const isWholeNs = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= MAX_SAFE_WHOLE && v % 1 === 0;

// The fast test every slice takes (direct fields, no loops); the slow one above only runs to say what is wrong.
function isStealState(state: unknown): boolean {
  if (typeof state !== 'object' || state === null) return false;
  const s = state as Partial<StealState>;
  const seen = s.lastSeenNs;
  return (
    (s.policy === 'carry' || s.policy === 'drop') &&
    (typeof seen === 'bigint' || Number.isSafeInteger(seen)) &&
    isWholeNs(s.observedNs) &&
    isWholeNs(s.accountedNs) &&
    isWholeNs(s.droppedNs) &&
    isWholeNs(s.carriedNs)
  );
}

function restart(state: StealState, stolenTotalNs: ReadingValue): void {
  // The total restarted (migration, hotplug): nothing sensible can be carried across it.
  state.lastAnomaly = 'steal-backwards';
  state.droppedNs += state.carriedNs;
  state.carriedNs = 0;
  state.lastSeenNs = stolenTotalNs;
}

/**
 * Accounts an interval: how much of its `elapsedNs` was stolen (the kernel's `update_rq_clock_task`).
 * Laws: the result is ≥ 0 and ≤ `elapsedNs`; `observedNs = accountedNs + carriedNs + droppedNs` always.
 * @param state - the bookkeeping to update
 * @param elapsedNs - the interval's length, ns (≥ 0)
 * @param stolenTotalNs - the stolen total read at the interval's end
 * @returns steal to subtract from the interval, 0 to `elapsedNs`; `state.lastAnomaly` says whether the total went
 *   backwards (`steal-backwards`: restarted from the new total) or jumped past the interval (`steal-exceeds-elapsed`)
 * @throws {@link SchedacctError} `invalid-argument` for a state that is not a steal state, an `elapsedNs` that is not a
 *   whole number ≥ 0, or a total that is neither a bigint nor a safe integer; `out-of-range` for a total that grew by
 *   more than 2^53 − 1 ns
 * @example
 * ```ts
 * const state = stealState('drop', 0n);
 * accountSteal(state, 1_000_000, 1_500_000n); // 1_000_000: clamped to the interval
 * state.droppedNs; // 500_000
 * state.lastAnomaly; // 'steal-exceeds-elapsed'
 * ```
 */
export function accountSteal(state: StealState, elapsedNs: number, stolenTotalNs: ReadingValue): number {
  checkStealState('state', state);
  if (!(typeof elapsedNs === 'number' && elapsedNs >= 0 && elapsedNs <= MAX_SAFE_WHOLE && elapsedNs % 1 === 0)) {
    throw new SchedacctError(
      'invalid-argument',
      `elapsedNs must be a whole number of ns ≥ 0, got ${describe(elapsedNs)}`,
    );
  }
  return accountOwnSteal(state, elapsedNs, stolenTotalNs);
}

/**
 * {@link accountSteal} for a caller whose state is its own and whose `elapsedNs` it computed: only the total is checked.
 * @param state - the bookkeeping (updated)
 * @param elapsedNs - the slice, a whole number of ns ≥ 0
 * @param stolenTotalNs - the stolen total at the slice's end
 * @returns the steal accounted to the slice
 * @throws {@link SchedacctError} as {@link accountSteal} for the total
 * @internal
 */
export function accountOwnSteal(state: StealState, elapsedNs: number, stolenTotalNs: ReadingValue): number {
  checkReadingValue(stolenTotalNs, 'stolenTotalNs');
  if (stolenTotalNs < state.lastSeenNs) {
    state.lastAnomaly = null;
    restart(state, stolenTotalNs);
    return 0;
  }
  const observed = nsBetween(state.lastSeenNs, stolenTotalNs, 'stolenTotalNs');
  state.lastAnomaly = null;
  state.lastSeenNs = stolenTotalNs;
  state.observedNs += observed;
  if (observed > elapsedNs) state.lastAnomaly = 'steal-exceeds-elapsed';
  const pending = state.carriedNs + observed;
  const steal = pending > elapsedNs ? elapsedNs : pending;
  state.accountedNs += steal;
  if (state.policy === 'carry') state.carriedNs = pending - steal;
  else state.droppedNs += pending - steal;
  return steal;
}

/**
 * Moves the baseline to a new total without accounting the steal in between to anyone (the interval belonged to
 * someone else). Carried steal stays carried. A total below the last one sets `lastAnomaly` to `steal-backwards`.
 * @param state - the bookkeeping to update
 * @param stolenTotalNs - the stolen total now
 * @throws {@link SchedacctError} `invalid-argument` for a state that is not a steal state, or a total that is neither a
 *   bigint nor a safe integer
 * @example
 * ```ts
 * const state = stealState('carry', 0n);
 * skipSteal(state, 3_000_000n); // another task's interval: its steal is no one's here
 * accountSteal(state, 1_000_000, 3_500_000n); // 500_000
 * ```
 */
export function skipSteal(state: StealState, stolenTotalNs: ReadingValue): void {
  checkStealState('state', state);
  checkReadingValue(stolenTotalNs, 'stolenTotalNs');
  state.lastAnomaly = null;
  if (stolenTotalNs < state.lastSeenNs) restart(state, stolenTotalNs);
  else state.lastSeenNs = stolenTotalNs;
}

/**
 * Steal bookkeeping for one stolen-time total (one vCPU's, or one task's view of it): the kernel's
 * `prev_steal_time_rq`, kept as the last total seen plus what is still carried.
 *
 * Laws, for every call: the returned steal is ≥ 0 and ≤ the elapsed time; under `carry`,
 * `observedNs − accountedNs − droppedNs = carriedNs`; under `drop`, `carriedNs = 0`.
 * @example
 * ```ts
 * const steal = new StealAccount('carry', 0n);
 * steal.account(1_000, 1_500n); // 1000: clamped to the interval
 * steal.carriedNs; // 500, charged to the next interval
 * ```
 */
export class StealAccount implements StealState {
  /** The policy for steal beyond the interval. */
  readonly policy: StealPolicy;
  /** The last stolen total seen (a bigint, or a number where the totals given were numbers). */
  lastSeenNs: ReadingValue;
  /** Every ns of steal observed (increases of the total), since construction. */
  observedNs = 0;
  /** Every ns of steal accounted to intervals. */
  accountedNs = 0;
  /** Steal discarded: excess under `drop`, and what was still carried when the total went backwards. */
  droppedNs = 0;
  /** Steal observed but not yet accounted (only under `carry`). */
  carriedNs = 0;
  /** The anomaly the last call met, if any. */
  lastAnomaly: AnomalyKind | null = null;

  /**
   * @param policy - `'carry'` or `'drop'`
   * @param initialStolenNs - the stolen total at the start (a bigint, or a safe-integer number)
   * @throws {@link SchedacctError} `invalid-argument` for an unknown policy, or a total that is not a whole number
   */
  constructor(policy: StealPolicy, initialStolenNs: ReadingValue) {
    this.policy = stealState(policy, initialStolenNs).policy;
    this.lastSeenNs = initialStolenNs;
  }

  /** The kernel's `prev_steal_time_rq`: the total up to which steal has been accounted or dropped. */
  get prevNs(): bigint {
    return toBigValue(this.lastSeenNs) - BigInt(this.carriedNs);
  }

  /**
   * Accounts an interval: how much of its `elapsedNs` was stolen ({@link accountSteal}).
   * @param elapsedNs - the interval's length, ns (≥ 0)
   * @param stolenTotalNs - the stolen total read at the interval's end
   * @returns steal to subtract from the interval, 0 to `elapsedNs`
   * @throws {@link SchedacctError} `invalid-argument` when `elapsedNs` is negative or not finite, or the total is a
   *   number that is not a safe integer
   */
  account(elapsedNs: number, stolenTotalNs: ReadingValue): number {
    return accountSteal(this, elapsedNs, stolenTotalNs);
  }

  /**
   * Moves the baseline without accounting the steal in between ({@link skipSteal}).
   * @param stolenTotalNs - the stolen total now
   * @throws {@link SchedacctError} `invalid-argument` for a total that is a number but not a safe integer
   */
  skipTo(stolenTotalNs: ReadingValue): void {
    skipSteal(this, stolenTotalNs);
  }
}
