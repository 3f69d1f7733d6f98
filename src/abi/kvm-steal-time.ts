/**
 * x86 KVM steal time (`struct kvm_steal_time`, MSR_KVM_STEAL_TIME): 64 bytes, 64-byte aligned, little-endian:
 * `0: u64 steal (ns) · 8: u32 version · 12: u32 flags · 16: u8 preempted · 17..19: u8 pad · 20..63: u32 pad[11]`.
 * The host makes `version` odd, writes, and makes it even; the guest retries while it is odd or changed.
 * @module
 */
import { checkBigint, checkObject, checkWhole, describe } from '../check.js';
import { AbiError } from '../errors.js';
import { checkZero, structView, type Bytes } from './bytes.js';

/**
 * ABI name used in errors.
 * @example
 * ```ts
 * KVM_STEAL_TIME; // 'kvm-steal-time'
 * ```
 */
export const KVM_STEAL_TIME = 'kvm-steal-time';
/**
 * Size of the structure, bytes.
 * @example
 * ```ts
 * KVM_STEAL_TIME_SIZE; // 64
 * ```
 */
export const KVM_STEAL_TIME_SIZE = 64;
/**
 * Required alignment, bytes.
 * @example
 * ```ts
 * KVM_STEAL_TIME_ALIGN; // 64
 * ```
 */
export const KVM_STEAL_TIME_ALIGN = 64;
/**
 * Offset of `steal`.
 * @example
 * ```ts
 * KVM_STEAL_OFFSET; // 0
 * ```
 */
export const KVM_STEAL_OFFSET = 0;
/**
 * Offset of `version`.
 * @example
 * ```ts
 * const memory = new Uint8Array(KVM_STEAL_TIME_SIZE);
 * encodeKvmStealTime(memory, { stealNs: 2_000_000n, version: 4, preempted: 0 });
 * new DataView(memory.buffer).getUint32(KVM_VERSION_OFFSET, true); // 4
 * ```
 */
export const KVM_VERSION_OFFSET = 8;
/**
 * Offset of `flags`.
 * @example
 * ```ts
 * KVM_FLAGS_OFFSET; // 12
 * ```
 */
export const KVM_FLAGS_OFFSET = 12;
/**
 * Offset of `preempted`.
 * @example
 * ```ts
 * const memory = new Uint8Array(KVM_STEAL_TIME_SIZE);
 * encodeKvmStealTime(memory, { stealNs: 0n, version: 2, preempted: KVM_VCPU_PREEMPTED });
 * memory[KVM_PREEMPTED_OFFSET]; // 1
 * ```
 */
export const KVM_PREEMPTED_OFFSET = 16;
/**
 * `preempted` bit: the vCPU was preempted by the host.
 * @example
 * ```ts
 * const memory = new Uint8Array(KVM_STEAL_TIME_SIZE);
 * encodeKvmStealTime(memory, { stealNs: 2_000_000n, version: 4, preempted: KVM_VCPU_PREEMPTED });
 * (decodeKvmStealTime(memory).preempted & KVM_VCPU_PREEMPTED) !== 0; // true
 * ```
 */
export const KVM_VCPU_PREEMPTED = 1;
/**
 * `preempted` bit: the guest must flush its TLB.
 * @example
 * ```ts
 * KVM_VCPU_PREEMPTED | KVM_VCPU_FLUSH_TLB; // 3, the only bits decodeKvmStealTime accepts
 * ```
 */
export const KVM_VCPU_FLUSH_TLB = 2;

/** The decoded structure. */
export interface KvmStealTime {
  /** Steal time, ns. */
  readonly stealNs: bigint;
  /** Seqcount: odd while the host writes. */
  readonly version: number;
  /** Flags (unused, 0). */
  readonly flags: number;
  /** Preemption bits. */
  readonly preempted: number;
}

/**
 * Decodes and validates the structure. A torn copy (odd version) is returned as is: the reader decides.
 * @param bytes - memory holding the structure
 * @param offset - its offset (default 0)
 * @returns the fields
 * @throws {@link AbiError} naming `size`, `alignment`, `flags`, `preempted` or `pad`
 * @example
 * ```ts
 * const memory = new Uint8Array(KVM_STEAL_TIME_SIZE);
 * encodeKvmStealTime(memory, { stealNs: 2_000_000n, version: 4, preempted: 0 });
 * decodeKvmStealTime(memory); // { stealNs: 2_000_000n, version: 4, flags: 0, preempted: 0 }
 * ```
 */
export function decodeKvmStealTime(bytes: Bytes, offset = 0): KvmStealTime {
  const view = structView(KVM_STEAL_TIME, bytes, offset, KVM_STEAL_TIME_SIZE, KVM_STEAL_TIME_ALIGN);
  const flags = view.getUint32(KVM_FLAGS_OFFSET, true);
  if (flags !== 0) throw new AbiError(KVM_STEAL_TIME, 'flags', `no flags are defined, must be 0, got ${String(flags)}`);
  const preempted = view.getUint8(KVM_PREEMPTED_OFFSET);
  if ((preempted & ~(KVM_VCPU_PREEMPTED | KVM_VCPU_FLUSH_TLB)) !== 0) {
    throw new AbiError(KVM_STEAL_TIME, 'preempted', `only bits 0 and 1 are defined, got ${String(preempted)}`);
  }
  checkZero(KVM_STEAL_TIME, 'pad', view, 17, KVM_STEAL_TIME_SIZE);
  return {
    stealNs: view.getBigUint64(KVM_STEAL_OFFSET, true),
    version: view.getUint32(KVM_VERSION_OFFSET, true),
    flags,
    preempted,
  };
}

/**
 * Writes a structure (pads zeroed).
 * @param bytes - memory to write into
 * @param fields - steal, version and preempted bits (flags are 0)
 * @param offset - the structure's offset (default 0)
 * @throws {@link AbiError} for size, alignment or a value that does not fit its field
 * @example
 * ```ts
 * const memory = new Uint8Array(KVM_STEAL_TIME_SIZE);
 * encodeKvmStealTime(memory, { stealNs: 2_000_000n, version: 5, preempted: 0 }); // odd: the host is mid-write
 * decodeKvmStealTime(memory).version % 2; // 1, so a guest retries
 * ```
 */
export function encodeKvmStealTime(bytes: Bytes, fields: Omit<KvmStealTime, 'flags'>, offset = 0): void {
  const view = structView(KVM_STEAL_TIME, bytes, offset, KVM_STEAL_TIME_SIZE, KVM_STEAL_TIME_ALIGN);
  checkObject('fields', fields);
  checkBigint('fields.stealNs', fields.stealNs);
  if (fields.stealNs < 0n || fields.stealNs >= 1n << 64n)
    throw new AbiError(KVM_STEAL_TIME, 'steal', `fields.stealNs must fit a u64, got ${String(fields.stealNs)}`);
  if (!Number.isInteger(fields.version) || fields.version < 0 || fields.version > 0xffff_ffff) {
    throw new AbiError(KVM_STEAL_TIME, 'version', `fields.version must fit a u32, got ${describe(fields.version)}`);
  }
  checkWhole('fields.preempted', fields.preempted, 0, 0xff);
  for (let i = 0; i < KVM_STEAL_TIME_SIZE; i++) view.setUint8(i, 0);
  view.setBigUint64(KVM_STEAL_OFFSET, fields.stealNs, true);
  view.setUint32(KVM_VERSION_OFFSET, fields.version, true);
  view.setUint8(KVM_PREEMPTED_OFFSET, fields.preempted & 0xff);
}
