/**
 * Steal accounting: how much of an interval was stolen, clamped to the interval, under the kernel's two
 * policies (`update_rq_clock_task` in `kernel/sched/core.c`).
 * @module
 */
import { SchedacctError } from '../errors.js';
import type { AnomalyKind } from './anomaly.js';

/**
 * What happens to steal beyond the elapsed time of the interval it appeared in.
 * - `'carry'`: kept and charged to later intervals (kernels before commit 108ad0999085, 2024).
 * - `'drop'`: discarded (current kernels: `prev_steal_time_rq` is set to the sampled value).
 */
export type StealPolicy = 'carry' | 'drop';

/** Both policies. */
export const STEAL_POLICIES: readonly StealPolicy[] = ['carry', 'drop'];

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
export class StealAccount {
  /** The policy for steal beyond the interval. */
  readonly policy: StealPolicy;
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
  #lastSeen: bigint;

  /**
   * @param policy - `'carry'` or `'drop'`
   * @param initialStolenNs - the stolen total at the start
   * @throws {@link SchedacctError} `invalid-argument` for an unknown policy
   */
  constructor(policy: StealPolicy, initialStolenNs: bigint) {
    if (!STEAL_POLICIES.includes(policy)) {
      throw new SchedacctError('invalid-argument', `steal policy must be 'carry' or 'drop', got ${policy as string}`);
    }
    this.policy = policy;
    this.#lastSeen = initialStolenNs;
  }

  /** The last stolen total seen. */
  get lastSeenNs(): bigint {
    return this.#lastSeen;
  }

  /** The kernel's `prev_steal_time_rq`: the total up to which steal has been accounted or dropped. */
  get prevNs(): bigint {
    return this.#lastSeen - BigInt(this.carriedNs);
  }

  /**
   * Accounts an interval: how much of its `elapsedNs` was stolen.
   * @param elapsedNs - the interval's length, ns (≥ 0)
   * @param stolenTotalNs - the stolen total read at the interval's end
   * @returns steal to subtract from the interval, 0 to `elapsedNs`; {@link StealAccount.lastAnomaly} says
   *   whether the total went backwards or jumped past the interval
   * @throws {@link SchedacctError} `invalid-argument` when `elapsedNs` is negative or not finite
   */
  account(elapsedNs: number, stolenTotalNs: bigint): number {
    if (!(elapsedNs >= 0 && elapsedNs <= Number.MAX_SAFE_INTEGER)) {
      throw new SchedacctError('invalid-argument', `elapsedNs must be a finite number ≥ 0, got ${String(elapsedNs)}`);
    }
    this.lastAnomaly = null;
    if (stolenTotalNs < this.#lastSeen) {
      this.#restart(stolenTotalNs);
      return 0;
    }
    const observed = Number(stolenTotalNs - this.#lastSeen);
    this.#lastSeen = stolenTotalNs;
    this.observedNs += observed;
    if (observed > elapsedNs) this.lastAnomaly = 'steal-exceeds-elapsed';
    const pending = this.carriedNs + observed;
    const steal = pending > elapsedNs ? elapsedNs : pending;
    this.accountedNs += steal;
    if (this.policy === 'carry') this.carriedNs = pending - steal;
    else this.droppedNs += pending - steal;
    return steal;
  }

  /**
   * Moves the baseline to a new total without accounting the steal in between to anyone (the interval
   * belonged to someone else). Carried steal stays carried. A total below the last one is `steal-backwards`.
   * @param stolenTotalNs - the stolen total now
   */
  skipTo(stolenTotalNs: bigint): void {
    this.lastAnomaly = null;
    if (stolenTotalNs < this.#lastSeen) this.#restart(stolenTotalNs);
    else this.#lastSeen = stolenTotalNs;
  }

  #restart(stolenTotalNs: bigint): void {
    // The total restarted (migration, hotplug): nothing sensible can be carried across it.
    this.lastAnomaly = 'steal-backwards';
    this.droppedNs += this.carriedNs;
    this.carriedNs = 0;
    this.#lastSeen = stolenTotalNs;
  }
}
