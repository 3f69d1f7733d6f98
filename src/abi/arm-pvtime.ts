/**
 * Arm paravirtualized time (DEN 0057A): the per-vCPU stolen-time structure the host publishes and the guest finds
 * with the `PV_TIME_ST` hypercall. 64 bytes, 64-byte aligned, little-endian:
 * `0: u32 revision (0) · 4: u32 attributes (0) · 8: u64 stolen_time (ns) · 16..63 reserved`.
 * The host writes `stolen_time` with one single-copy-atomic store; the guest reads it once.
 * @module
 */
import { checkBigint } from '../check.js';
import { AbiError } from '../errors.js';
import { checkZero, structView, type Bytes } from './bytes.js';

/**
 * ABI name used in errors.
 * @example
 * ```ts
 * ARM_PVTIME; // 'arm-pvtime'
 * ```
 */
export const ARM_PVTIME = 'arm-pvtime';
/**
 * Size of the structure, bytes.
 * @example
 * ```ts
 * ARM_PVTIME_SIZE; // 64
 * ```
 */
export const ARM_PVTIME_SIZE = 64;
/**
 * Required alignment, bytes.
 * @example
 * ```ts
 * ARM_PVTIME_ALIGN; // 64
 * ```
 */
export const ARM_PVTIME_ALIGN = 64;
/**
 * Offset of `stolen_time`.
 * @example
 * ```ts
 * const memory = new Uint8Array(ARM_PVTIME_SIZE);
 * encodeArmPvTime(memory, 2_000_000n);
 * new DataView(memory.buffer).getBigUint64(ARM_PVTIME_STOLEN_OFFSET, true); // 2_000_000n
 * ```
 */
export const ARM_PVTIME_STOLEN_OFFSET = 8;
/**
 * SMCCC function id of `PV_TIME_FEATURES`.
 * @example
 * ```ts
 * PV_TIME_FEATURES.toString(16); // 'c5000020'
 * ```
 */
export const PV_TIME_FEATURES = 0xc5000020;
/**
 * SMCCC function id of `PV_TIME_ST` (returns the structure's IPA).
 * @example
 * ```ts
 * PV_TIME_ST.toString(16); // 'c5000021'
 * ```
 */
export const PV_TIME_ST = 0xc5000021;

/** The decoded structure. */
export interface ArmPvTime {
  /** Must be 0. */
  readonly revision: number;
  /** Must be 0. */
  readonly attributes: number;
  /** Stolen time, ns. */
  readonly stolenNs: bigint;
}

/**
 * Decodes and validates the structure, as a guest does before trusting it (Linux rejects revision ≠ 0 or
 * attributes ≠ 0).
 * @param bytes - memory holding the structure
 * @param offset - its offset (default 0)
 * @returns the fields
 * @throws {@link AbiError} naming `size`, `alignment`, `revision`, `attributes` or `reserved`
 * @example
 * ```ts
 * const memory = new Uint8Array(ARM_PVTIME_SIZE);
 * encodeArmPvTime(memory, 2_000_000n);
 * decodeArmPvTime(memory); // { revision: 0, attributes: 0, stolenNs: 2_000_000n }
 * ```
 */
export function decodeArmPvTime(bytes: Bytes, offset = 0): ArmPvTime {
  const view = structView(ARM_PVTIME, bytes, offset, ARM_PVTIME_SIZE, ARM_PVTIME_ALIGN);
  const revision = view.getUint32(0, true);
  if (revision !== 0) throw new AbiError(ARM_PVTIME, 'revision', `must be 0, got ${String(revision)}`);
  const attributes = view.getUint32(4, true);
  if (attributes !== 0) throw new AbiError(ARM_PVTIME, 'attributes', `must be 0, got ${String(attributes)}`);
  checkZero(ARM_PVTIME, 'reserved', view, 16, ARM_PVTIME_SIZE);
  return { revision, attributes, stolenNs: view.getBigUint64(ARM_PVTIME_STOLEN_OFFSET, true) };
}

/**
 * Writes a valid structure (revision 0, attributes 0, reserved 0) with the given stolen time.
 * @param bytes - memory to write into
 * @param stolenNs - stolen time, ns (u64)
 * @param offset - the structure's offset (default 0)
 * @throws {@link AbiError} for size or alignment; `stolen_time` when the value does not fit a u64;
 *   {@link SchedacctError} `invalid-argument` for bytes or a `stolenNs` of the wrong type
 * @example
 * ```ts
 * const memory = new Uint8Array(ARM_PVTIME_SIZE); // the page the host shares with the guest
 * encodeArmPvTime(memory, 2_000_000n); // 2 ms stolen so far
 * decodeArmPvTime(memory).stolenNs; // 2_000_000n
 * ```
 */
export function encodeArmPvTime(bytes: Bytes, stolenNs: bigint, offset = 0): void {
  const view = structView(ARM_PVTIME, bytes, offset, ARM_PVTIME_SIZE, ARM_PVTIME_ALIGN);
  checkBigint('stolenNs', stolenNs);
  if (stolenNs < 0n || stolenNs >= 1n << 64n)
    throw new AbiError(ARM_PVTIME, 'stolen_time', `stolenNs must fit a u64, got ${String(stolenNs)}`);
  for (let i = 0; i < ARM_PVTIME_SIZE; i++) view.setUint8(i, 0);
  view.setBigUint64(ARM_PVTIME_STOLEN_OFFSET, stolenNs, true);
}
