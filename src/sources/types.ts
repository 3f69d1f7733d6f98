/**
 * The two small interfaces every backend implements, and the snapshot each one's protocol gives.
 * @module
 */
import { checkFunction, checkObject } from '../check.js';
import {
  seqcountRead,
  stableRead,
  updateBitRead,
  DEFAULT_MAX_RETRIES,
  type ConsistentReading,
} from '../accounting/consistent-read.js';

/** A free-running counter: raw ticks, its frequency and width. */
export interface CounterSource {
  /** Frequency, Hz. */
  readonly counterHz: number;
  /** Width, bits (56–64 for an Arm generic timer). */
  readonly widthBits: number;
  /** Reads the raw counter. */
  readCounter(): bigint;
}

/** How a stolen-time total is read consistently. */
export type StolenProtocol = 'stable-read' | 'seqcount' | 'update-bit';

/** A stolen total read with the Arm stable-read loop (or any single-copy-atomic value: a file, a simulation). */
export interface StableStolenSource {
  /** The protocol. */
  readonly protocol: 'stable-read';
  /** Reads the stolen total, ns. */
  readStolen(): bigint;
}

/** A stolen total behind a seqcount (x86 `kvm_steal_time`). */
export interface SeqcountStolenSource {
  /** The protocol. */
  readonly protocol: 'seqcount';
  /** Reads the stolen total consistently, ns. */
  readStolen(): bigint;
  /** Reads the version: odd while the host writes. */
  readVersion(): number;
  /** Reads the steal field without the protocol (may be torn). */
  readStolenRaw(): bigint;
}

/** A stolen total behind an update bit (Xen runstate). */
export interface UpdateBitStolenSource {
  /** The protocol. */
  readonly protocol: 'update-bit';
  /** Reads the stolen total consistently, ns. */
  readStolen(): bigint;
  /** Reads `state_entry_time` with its update bit. */
  readEntryTime(): bigint;
  /** Reads runnable + offline time without the protocol (may be torn). */
  readStolenRaw(): bigint;
}

/** A stolen-time total and the protocol it needs. */
export type StolenSource = StableStolenSource | SeqcountStolenSource | UpdateBitStolenSource;

/** A backend: a counter and a stolen total read together. */
export interface ClockSource {
  /** The backend's name, for reports. */
  readonly name: string;
  /** The counter. */
  readonly counter: CounterSource;
  /** The stolen total. */
  readonly stolen: StolenSource;
  /**
   * Advances virtual time (simulated and emulated backends; a real backend advances by itself and lacks it).
   * @param ns - guest-visible ns to advance by
   */
  advance?(ns: number): void;
}

/**
 * A consistent reading of a backend's counter and stolen total, with the protocol its stolen source needs.
 * @param source - the backend
 * @param maxRetries - retries allowed (default 16)
 * @returns the reading; `consistent: false` when the retries ran out
 * @example
 * ```ts
 * const src = createSimulatedSource({ pattern: { kind: 'constant', share: 0.25 } });
 * src.advance?.(10_000_000);
 * consistentReadOf(src); // { counter: 240_000n, stolenTotalNs: 2_500_000n, retries: 0, consistent: true }
 * ```
 */
export function consistentReadOf(source: ClockSource, maxRetries: number = DEFAULT_MAX_RETRIES): ConsistentReading {
  checkObject('source', source);
  checkObject('source.counter', source.counter);
  checkFunction('source.counter.readCounter', (source.counter as unknown as Record<string, unknown>).readCounter);
  checkObject('source.stolen', source.stolen);
  const { counter, stolen } = source;
  const readCounter = (): bigint => counter.readCounter();
  switch (stolen.protocol) {
    case 'seqcount':
      return seqcountRead(
        { readVersion: () => stolen.readVersion(), readStolen: () => stolen.readStolenRaw() },
        readCounter,
        maxRetries,
      );
    case 'update-bit':
      return updateBitRead(
        { readEntryTime: () => stolen.readEntryTime(), readStolen: () => stolen.readStolenRaw() },
        readCounter,
        maxRetries,
      );
    default:
      return stableRead(() => stolen.readStolen(), readCounter, maxRetries);
  }
}
