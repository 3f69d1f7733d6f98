/**
 * Consistent readings of the counter and the stolen total. The two are separate reads; a host preemption
 * between them pairs a counter with a stolen total from another moment. Each reader below retries a bounded
 * number of times and reports how many retries it needed; when the bound runs out the reading is marked
 * inconsistent (an anomaly for the caller to record) and still returned, so accounting can go on clamped.
 * @module
 */
import { XEN_UPDATE_BIT } from '../abi/xen-runstate.js';
import { SchedacctError } from '../errors.js';
import { argError, checkFunction, checkObject, describe } from '../check.js';

/** A counter reading paired with a stolen-time total. */
export interface Reading {
  /** Raw counter value (ticks). */
  readonly counter: bigint;
  /** Stolen-time total, ns. */
  readonly stolenTotalNs: bigint;
}

/** A reading taken by one of the consistent-read protocols. */
export interface ConsistentReading extends Reading {
  /** Retries the protocol needed (0 when the first attempt was consistent). */
  readonly retries: number;
  /** False when the retry bound ran out before a consistent attempt. */
  readonly consistent: boolean;
}

/**
 * Default retry bound: generous for real contention, small enough never to hang.
 * @example
 * ```ts
 * DEFAULT_MAX_RETRIES; // 16
 * ```
 */
export const DEFAULT_MAX_RETRIES = 16;

/** One attempt of a protocol: the values read and whether the protocol accepts them. */
interface Attempt {
  readonly counter: bigint;
  readonly stolenTotalNs: bigint;
  readonly ok: boolean;
}

// The loop every protocol shares: attempt, accept, or retry up to the bound and return the last attempt as inconsistent.
function boundedRead(maxRetries: number, attempt: () => Attempt): ConsistentReading {
  for (let retries = 0; ; retries++) {
    const a = attempt();
    if (a.ok || retries === maxRetries)
      return { counter: a.counter, stolenTotalNs: a.stolenTotalNs, retries, consistent: a.ok };
  }
}

function checkRetries(maxRetries: number): void {
  if (!Number.isSafeInteger(maxRetries) || maxRetries < 0) {
    throw new SchedacctError('invalid-argument', `maxRetries must be a whole number ≥ 0, got ${describe(maxRetries)}`);
  }
}

// What a reader returned, refused unless it is what the protocol compares (a bigint; a version number).
function bigintOf(reader: string, value: unknown): bigint {
  if (typeof value !== 'bigint') throw argError('invalid-argument', reader, 'a function that returns a bigint', value);
  return value;
}

function versionOf(value: unknown): number {
  if (!Number.isInteger(value))
    throw argError('invalid-argument', 'source.readVersion', 'a function returning a whole number', value);
  return value as number;
}

function checkSource(source: unknown, guard: string): void {
  checkObject('source', source);
  checkFunction(`source.${guard}`, source[guard]);
  checkFunction('source.readStolen', source.readStolen);
}

/**
 * The Arm PV-time stable read (the stolen total is one single-copy-atomic u64): read stolen, read the counter,
 * read stolen again, and retry until both stolen reads agree, so the counter was read while nothing was stolen.
 * @param readStolen - reads the stolen total, ns
 * @param readCounter - reads the raw counter
 * @param maxRetries - retries allowed after the first attempt (default {@link DEFAULT_MAX_RETRIES})
 * @returns the reading, with `retries` and `consistent`
 * @throws {@link SchedacctError} `invalid-argument` for a reader that is not a function, or a `maxRetries` that is not
 *   a whole number ≥ 0
 * @example
 * ```ts
 * const memory = new Uint8Array(ARM_PVTIME_SIZE); // the guest's view of its vCPU's PV-time structure
 * encodeArmPvTime(memory, 2_000_000n);
 * let counter = 1_000n;
 * const reading = stableRead(() => decodeArmPvTime(memory).stolenNs, () => (counter += 24n));
 * reading.consistent; // true: nothing changed the total around the counter read
 * new Ledger().checkReading(reading, { cpu: 0 }); // records snapshot-inconsistent when it was not
 * ```
 */
export function stableRead(
  readStolen: () => bigint,
  readCounter: () => bigint,
  maxRetries: number = DEFAULT_MAX_RETRIES,
): ConsistentReading {
  checkFunction('readStolen', readStolen);
  checkFunction('readCounter', readCounter);
  checkRetries(maxRetries);
  return boundedRead(maxRetries, () => {
    const s1 = bigintOf('readStolen', readStolen());
    const counter = bigintOf('readCounter', readCounter());
    const s2 = bigintOf('readStolen', readStolen());
    return { counter, stolenTotalNs: s2, ok: s1 === s2 };
  });
}

/** A stolen-time structure guarded by a seqcount (x86 `kvm_steal_time.version`). */
export interface SeqcountStolen {
  /** Reads the version: odd while the host is writing. */
  readVersion(): number;
  /** Reads the steal field, ns (may be torn while the version is odd or changes). */
  readStolen(): bigint;
}

/**
 * The x86 `kvm_steal_clock` protocol around a counter read: read the version, skip if odd, read steal and the
 * counter, and accept only if the version did not change.
 * @param source - version and steal fields
 * @param readCounter - reads the raw counter
 * @param maxRetries - retries allowed after the first attempt (default {@link DEFAULT_MAX_RETRIES})
 * @returns the snapshot, with `retries` and `consistent`
 * @throws {@link SchedacctError} `invalid-argument` for a source without `readVersion` and `readStolen` functions,
 *   a `readCounter` that is not a function, or a `maxRetries` that is not a whole number ≥ 0
 * @example
 * ```ts
 * let version = 4; // even: the host is not writing
 * const kvm = { readVersion: () => version, readStolen: () => 2_000_000n };
 * seqcountRead(kvm, () => 240_000n); // { counter: 240_000n, stolenTotalNs: 2_000_000n, retries: 0, consistent: true }
 * version = 5; // odd for good: a host stuck mid-write
 * seqcountRead(kvm, () => 240_000n, 2).consistent; // false, after 2 retries
 * ```
 */
export function seqcountRead(
  source: SeqcountStolen,
  readCounter: () => bigint,
  maxRetries: number = DEFAULT_MAX_RETRIES,
): ConsistentReading {
  checkSource(source, 'readVersion');
  checkFunction('readCounter', readCounter);
  checkRetries(maxRetries);
  return boundedRead(maxRetries, () => {
    const v1 = versionOf(source.readVersion());
    const stolenTotalNs = bigintOf('source.readStolen', source.readStolen());
    const counter = bigintOf('readCounter', readCounter());
    const v2 = versionOf(source.readVersion());
    return { counter, stolenTotalNs, ok: (v1 & 1) === 0 && v1 === v2 };
  });
}

/** A stolen-time structure guarded by an update bit and an entry time (Xen `vcpu_runstate_info`). */
export interface UpdateBitStolen {
  /** Reads `state_entry_time`, including the update bit. */
  readEntryTime(): bigint;
  /** Reads the steal (`time[runnable] + time[offline]`), ns. */
  readStolen(): bigint;
}

/**
 * The Xen runstate protocol around a counter read (`xen_get_runstate_snapshot_cpu_delta`): read the entry
 * time, read steal and the counter, and accept only if the entry time is unchanged and had no update bit.
 * @param source - entry time and steal fields
 * @param readCounter - reads the raw counter
 * @param maxRetries - retries allowed after the first attempt (default {@link DEFAULT_MAX_RETRIES})
 * @returns the snapshot, with `retries` and `consistent`
 * @throws {@link SchedacctError} `invalid-argument` for a source without `readEntryTime` and `readStolen`
 *   functions, a `readCounter` that is not a function, or a `maxRetries` that is not a whole number ≥ 0
 * @example
 * ```ts
 * const xen = { readEntryTime: () => 5_000_000n, readStolen: () => 2_000_000n };
 * updateBitRead(xen, () => 240_000n); // { counter: 240_000n, stolenTotalNs: 2_000_000n, retries: 0, consistent: true }
 * const busy = { readEntryTime: () => 5_000_000n | XEN_UPDATE_BIT, readStolen: () => 2_000_000n };
 * updateBitRead(busy, () => 240_000n, 3).retries; // 3, and consistent: false
 * ```
 */
export function updateBitRead(
  source: UpdateBitStolen,
  readCounter: () => bigint,
  maxRetries: number = DEFAULT_MAX_RETRIES,
): ConsistentReading {
  checkSource(source, 'readEntryTime');
  checkFunction('readCounter', readCounter);
  checkRetries(maxRetries);
  return boundedRead(maxRetries, () => {
    const e1 = bigintOf('source.readEntryTime', source.readEntryTime());
    const stolenTotalNs = bigintOf('source.readStolen', source.readStolen());
    const counter = bigintOf('readCounter', readCounter());
    const e2 = bigintOf('source.readEntryTime', source.readEntryTime());
    return { counter, stolenTotalNs, ok: (e1 & XEN_UPDATE_BIT) === 0n && e1 === e2 };
  });
}
