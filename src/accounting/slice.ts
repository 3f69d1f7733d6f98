/**
 * One run slice, charged the way the guest kernel does it: `charged = to_ns(Δcounter) − Δstolen`, with steal clamped
 * to the slice under a {@link StealPolicy}. {@link chargeSlice} is the one place a slice is charged: the task
 * machine's actions call it, and so does {@link SliceAccountant}.
 * @module
 */
import { ANOMALY_KINDS, type Anomaly, type AnomalyKind, type TaskId } from './anomaly.js';
import { checkTaskId } from './account.js';
import { argError, checkFunction, checkInstance, checkObject, checkOneOf, checkOptionalWhole } from '../check.js';
import { SchedacctError } from '../errors.js';
import { checkHz, COUNTER_BACKWARDS } from './counter.js';
import { createConversion, type ConversionMode, type CounterConversion } from './conversion.js';
import { checkReadingValue, MAX_SAFE_WHOLE, type ReadingValue } from './reading.js';
import { Ledger } from './ledger.js';
import type { Reading } from './consistent-read.js';
import { accountOwnSteal, checkStealState, skipSteal, stealState, type StealPolicy, type StealState } from './steal.js';

/** What charging one slice gave (see {@link chargeSlice}). */
export interface SliceCharge {
  /** Wall ns of the slice (0 when the counter went backwards). */
  elapsedNs: number;
  /** Steal subtracted from it, 0 to `elapsedNs`. */
  stolenNs: number;
  /** ns charged to the task: `elapsedNs − stolenNs`, never negative. */
  chargedNs: number;
  /** The end counter was before the start counter (the slice counts as 0 ns). */
  counterBackwards: boolean;
  /** What the steal bookkeeping met: the total went backwards, or grew by more than the slice. */
  stealAnomaly: AnomalyKind | null;
}

/**
 * A zeroed {@link SliceCharge}, to pass to {@link chargeSlice} again and again (hot loops allocate nothing).
 * @returns a fresh record
 * @example
 * ```ts
 * const out = sliceCharge(); // { elapsedNs: 0, stolenNs: 0, chargedNs: 0, counterBackwards: false, stealAnomaly: null }
 * const steal = stealState('drop', 0);
 * const conversion = createConversion('exact', 24_000_000);
 * chargeSlice(steal, conversion, 0, 240_000, 2_000_000, out) === out; // true: filled in, not allocated
 * ```
 */
export function sliceCharge(): SliceCharge {
  return { elapsedNs: 0, stolenNs: 0, chargedNs: 0, counterBackwards: false, stealAnomaly: null };
}

/**
 * Charges one slice: the wall time between two counter readings, less the steal the stolen total grew by since the
 * steal state's last total, clamped to the slice (the kernel's `update_rq_clock_task`).
 * @param steal - the clock's steal bookkeeping (updated)
 * @param conversion - the counter's conversion to ns
 * @param startCounter - the counter at switch-in
 * @param endCounter - the counter at switch-out
 * @param endStolenTotalNs - the stolen total at switch-out
 * @param out - where the result goes (returned)
 * @returns `out`, filled in
 * @throws {@link SchedacctError} `invalid-argument` for a steal state, conversion or `out` that is not one, or a reading
 *   that is neither a bigint nor a safe-integer number; `out-of-range` for a slice past 2^53 − 1 ns (104 days)
 * @example
 * ```ts
 * const steal = stealState('drop', 0);
 * const conversion = createConversion('exact', 24_000_000);
 * chargeSlice(steal, conversion, 0, 240_000, 2_000_000, sliceCharge()).chargedNs; // 8_000_000
 * ```
 */
export function chargeSlice(
  steal: StealState,
  conversion: CounterConversion,
  startCounter: ReadingValue,
  endCounter: ReadingValue,
  endStolenTotalNs: ReadingValue,
  out: SliceCharge,
): SliceCharge {
  checkStealState('steal', steal);
  checkObject('conversion', conversion);
  checkFunction('conversion.elapsedNs', (conversion as unknown as Record<string, unknown>).elapsedNs);
  checkObject('out', out);
  return chargeOwnSlice(steal, conversion, startCounter, endCounter, endStolenTotalNs, out);
}

/**
 * {@link chargeSlice} for a caller whose steal state, conversion and `out` are its own (the task machine's context):
 * only the readings are checked.
 * @param steal - the clock's steal bookkeeping (updated)
 * @param conversion - the counter's conversion to ns
 * @param startCounter - the counter at switch-in
 * @param endCounter - the counter at switch-out
 * @param endStolenTotalNs - the stolen total at switch-out
 * @param out - where the result goes (returned)
 * @returns `out`, filled in
 * @throws {@link SchedacctError} as {@link chargeSlice} for a reading
 * @internal
 */
export function chargeOwnSlice(
  steal: StealState,
  conversion: CounterConversion,
  startCounter: ReadingValue,
  endCounter: ReadingValue,
  endStolenTotalNs: ReadingValue,
  out: SliceCharge,
): SliceCharge {
  checkReadingValue(endStolenTotalNs, 'endStolenTotalNs');
  let elapsed = sliceNs(conversion, startCounter, endCounter);
  out.counterBackwards = elapsed === COUNTER_BACKWARDS;
  if (out.counterBackwards) elapsed = 0;
  const stolen = sliceSteal(steal, elapsed, endStolenTotalNs);
  out.stealAnomaly = steal.lastAnomaly;
  out.elapsedNs = elapsed;
  out.stolenNs = stolen;
  out.chargedNs = elapsed - stolen;
  return out;
}

// The conversion's elapsed ns, refused past 2^53 − 1 ns (where a number is no longer exact) in chargeSlice's words.
function sliceNs(conversion: CounterConversion, startCounter: ReadingValue, endCounter: ReadingValue): number {
  checkReadingValue(startCounter, 'startCounter');
  checkReadingValue(endCounter, 'endCounter');
  const ns = conversion.elapsedNs(startCounter, endCounter);
  if (ns > MAX_SAFE_WHOLE) {
    const hint = 'a slice must be shorter than 2^53 ns (104 days); split it';
    throw argError('out-of-range', 'the slice from startCounter to endCounter', 'at most 2^53 − 1 ns', ns, hint);
  }
  return ns;
}

// accountSteal, its out-of-range error naming chargeSlice's parameter.
function sliceSteal(steal: StealState, elapsedNs: number, endStolenTotalNs: ReadingValue): number {
  try {
    return accountOwnSteal(steal, elapsedNs, endStolenTotalNs); // (elapsedNs from sliceNs: whole, in range)
  } catch (e) {
    if (!(e instanceof SchedacctError) || e.code !== 'out-of-range') throw e;
    throw new SchedacctError(e.code, `endStolenTotalNs: ${e.message}`);
  }
}

/** How a {@link SliceAccountant} is set up. */
export interface SliceAccountantOptions {
  /** Counter frequency, Hz. */
  readonly counterHz: number;
  /** Counter width in bits (default: Linux's choice for the frequency). */
  readonly widthBits?: number;
  /** `'exact'` (default) or `'kernel'` (Linux mult/shift truncation). */
  readonly conversion?: ConversionMode;
  /** What happens to steal beyond a slice (default `'drop'`, as current kernels). */
  readonly policy?: StealPolicy;
  /** The stolen total when accounting starts (default 0). */
  readonly initialStolenTotalNs?: bigint;
}

/**
 * Charges slices on one clock (one vCPU's counter and stolen total) with {@link chargeSlice}; the steal between
 * slices (someone else's) is skipped, not charged. The last result stays in {@link SliceAccountant.last}.
 *
 * Use one accountant per vCPU and feed it every interval in time order for the kernel's per-run-queue
 * semantics, or one per task (the seed algorithm).
 * @example
 * ```ts
 * const acct = new SliceAccountant({ counterHz: 24_000_000, policy: 'carry' });
 * acct.charge({ counter: 0n, stolenTotalNs: 0n }, { counter: 240_000n, stolenTotalNs: 2_000_000n }); // 8_000_000
 * acct.last.stolenNs; // 2_000_000
 * ```
 */
export class SliceAccountant {
  /** The counter conversion in use. */
  readonly conversion: CounterConversion;
  /** The steal bookkeeping in use. */
  readonly steal: StealState;
  /** The last slice's result (reused between calls: copy what you keep). */
  readonly last: SliceCharge = sliceCharge();
  /** Anomalies the last slice met (reused between calls: copy it to keep it). */
  readonly anomalies: AnomalyKind[] = [];

  /**
   * @param options - see {@link SliceAccountantOptions}
   * @throws {@link SchedacctError} `invalid-argument` for options that are not an object, or a bad frequency, width,
   *   conversion, policy or initial total
   */
  constructor(options: SliceAccountantOptions) {
    checkObject('options', options);
    checkHz(options.counterHz, 'options.counterHz');
    this.conversion =
      options.widthBits === undefined
        ? createConversion(options.conversion ?? 'exact', options.counterHz)
        : createConversion(options.conversion ?? 'exact', options.counterHz, options.widthBits);
    this.steal = stealState(options.policy ?? 'drop', checkedInitial(options.initialStolenTotalNs));
  }

  /**
   * Charges the slice from `before` (switch-in) to `after` (switch-out).
   * @param before - reading at the start of the slice
   * @param after - reading at the end of the slice
   * @returns ns charged to the task (also in {@link SliceAccountant.last})
   * @throws {@link SchedacctError} `invalid-argument` for a reading that is not an object of a counter and a stolen
   *   total, each a bigint or a safe-integer number; `out-of-range` for a slice past 2^53 − 1 ns
   */
  charge(before: Reading, after: Reading): number {
    checkReading('before', before);
    checkReading('after', after);
    const anomalies = this.anomalies;
    if (anomalies.length !== 0) anomalies.length = 0;
    if (before.stolenTotalNs !== this.steal.lastSeenNs) {
      skipSteal(this.steal, before.stolenTotalNs);
      if (this.steal.lastAnomaly !== null) anomalies.push(this.steal.lastAnomaly);
    }
    const last = chargeSlice(
      this.steal,
      this.conversion,
      before.counter,
      after.counter,
      after.stolenTotalNs,
      this.last,
    );
    if (last.counterBackwards) anomalies.push('counter-backwards');
    if (last.stealAnomaly !== null) anomalies.push(last.stealAnomaly);
    return last.chargedNs;
  }
}

function checkReading(param: string, reading: unknown): void {
  checkObject(param, reading);
  for (const field of ['counter', 'stolenTotalNs'] as const) {
    const value = reading[field];
    if (typeof value !== 'bigint' && !Number.isSafeInteger(value))
      throw argError('invalid-argument', `${param}.${field}`, 'a bigint or a safe-integer number', value);
  }
}

function checkedInitial(value: unknown): bigint | number {
  if (value === undefined) return 0n;
  if (typeof value !== 'bigint' && !Number.isSafeInteger(value))
    throw argError('invalid-argument', 'options.initialStolenTotalNs', 'a bigint', value);
  return value as bigint | number;
}

const MESSAGES: Record<AnomalyKind, string> = {
  'counter-backwards': 'counter went backwards; the slice counts as 0 ns',
  'steal-backwards': 'stolen total went backwards; steal restarted from the new total',
  'steal-exceeds-elapsed': 'more steal appeared than the slice lasted; clamped to the slice',
  'snapshot-inconsistent': 'no consistent reading within the retry bound; used the last attempt',
  'impossible-transition': 'an event the state does not allow; ignored',
  'lost-event': "the trace lost this task's switch-in (perf counts it too); charged as perf charges it",
  'malformed-line': 'a trace line that could not be parsed; skipped',
  'time-jump': 'a time too far from the previous one for an exact gap; the jump is left out of every figure',
};

/**
 * Charges a slice and books it: the slice into the task's account, each anomaly into the ledger.
 * @param ledger - where to book it
 * @param task - the task that ran
 * @param accountant - the clock's accountant
 * @param before - reading at switch-in
 * @param after - reading at switch-out
 * @param atNs - when the slice ended on the caller's timeline, for anomaly reports
 * @returns ns charged
 * @throws {@link SchedacctError} `invalid-argument` for a ledger, task, accountant, reading or time that is not one;
 *   `strict-anomaly` when the ledger is strict and the slice met an anomaly
 * @example
 * ```ts
 * const ledger = new Ledger();
 * const cpu0 = new SliceAccountant({ counterHz: 24_000_000 });
 * bookSlice(ledger, 42, cpu0, { counter: 1_000n, stolenTotalNs: 0n }, { counter: 241_000n, stolenTotalNs: 2_000_000n });
 * ledger.get(42)?.chargedNs; // 8_000_000
 * ```
 */
export function bookSlice(
  ledger: Ledger,
  task: TaskId,
  accountant: SliceAccountant,
  before: Reading,
  after: Reading,
  atNs?: number,
): number {
  checkInstance('ledger', ledger, Ledger, 'a Ledger');
  checkTaskId('task', task);
  checkInstance('accountant', accountant, SliceAccountant, 'a SliceAccountant');
  checkOptionalWhole('atNs', atNs);
  const charged = accountant.charge(before, after);
  ledger.account(task).addSlice(accountant.last.elapsedNs, accountant.last.stolenNs);
  for (const kind of accountant.anomalies) {
    const anomaly: Anomaly =
      atNs === undefined ? { kind, message: MESSAGES[kind], task } : { kind, message: MESSAGES[kind], task, atNs };
    ledger.recordAnomaly(anomaly);
  }
  return charged;
}

/**
 * The sentence schedacct uses for an anomaly kind.
 * @param kind - the kind
 * @returns a short explanation of what happened and what was done
 * @throws {@link SchedacctError} `invalid-argument` for a kind that is not an {@link AnomalyKind}
 * @example
 * ```ts
 * anomalyMessage('steal-backwards'); // 'stolen total went backwards; steal restarted from the new total'
 * ```
 */
export function anomalyMessage(kind: AnomalyKind): string {
  checkOneOf('kind', kind, ANOMALY_KINDS);
  return MESSAGES[kind];
}
