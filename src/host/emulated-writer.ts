/**
 * The emulated hypervisor's side: shared memory laid out as an emulated Arm generic counter next to the real ABI
 * structure (Arm PV time, x86 `kvm_steal_time`, Xen runstate), and the host's writes into it, byte for byte, with
 * each ABI's own update protocol (a single-copy-atomic store, a seqcount, the update bit), torn on request.
 * @module
 */
import { encodeArmPvTime } from '../abi/arm-pvtime.js';
import { encodeKvmStealTime } from '../abi/kvm-steal-time.js';
import { encodeXenRunstate } from '../abi/xen-runstate.js';
import { SchedacctError } from '../errors.js';
import { argError, checkBigint, checkInstance, checkWhole } from '../check.js';

/** The hypervisor ABIs schedacct emulates. */
export type Abi = 'arm64' | 'x86' | 'xen';
/**
 * Every {@link Abi}.
 * @example
 * ```ts
 * ABIS; // ['arm64', 'x86', 'xen']
 * ABIS.indexOf('x86'); // 1, the abi code hostWriteStolen takes
 * ```
 */
export const ABIS: readonly Abi[] = ['arm64', 'x86', 'xen'];

/** Byte offsets in the shared emulation memory. */
export interface EmulatedLayout {
  /** u64: the emulated CNTVCT. */
  readonly counter: 0;
  /** i32: set to 1 to stop a worker host. */
  readonly stop: 8;
  /** i32: steps a worker host has published. */
  readonly steps: 12;
  /** The ABI structure, 64-byte aligned (as all three ABIs allow). */
  readonly struct: 64;
  /** Total size, bytes. */
  readonly size: 128;
}

/** The layout of the shared memory. */
export const EMULATED_LAYOUT: EmulatedLayout = { counter: 0, stop: 8, steps: 12, struct: 64, size: 128 };

/**
 * Offsets of the structure's fields within the shared memory, per ABI.
 * @internal
 */
export const FIELDS: {
  readonly arm64: { readonly stolen: number };
  readonly x86: { readonly stolen: number; readonly version: number };
  readonly xen: { readonly entry: number; readonly runnable: number; readonly offline: number };
} = {
  arm64: { stolen: 64 + 8 },
  x86: { stolen: 64 + 0, version: 64 + 8 },
  xen: { entry: 64 + 8, runnable: 64 + 16 + 8, offline: 64 + 16 + 24 },
} as const;

/** Typed views over one shared emulation memory. */
export interface EmulatedMemory {
  /** The shared bytes. */
  readonly buffer: SharedArrayBuffer;
  /** 32-bit view. */
  readonly i32: Int32Array;
  /** 64-bit view. */
  readonly u64: BigUint64Array;
}

/**
 * Creates the shared memory for one vCPU with a valid, zeroed structure of the ABI.
 * @param abi - which structure
 * @returns the memory
 * @throws {@link SchedacctError} `invalid-argument` for an unknown ABI
 * @example
 * ```ts
 * const memory = createEmulatedMemory('arm64');
 * memory.buffer.byteLength; // 128: the emulated CNTVCT, then the PV-time structure at 64
 * decodeEmulated(memory, 'arm64'); // { revision: 0, attributes: 0, stolenNs: 0n }
 * ```
 */
export function createEmulatedMemory(abi: Abi): EmulatedMemory {
  const buffer = new SharedArrayBuffer(EMULATED_LAYOUT.size);
  const bytes = new Uint8Array(buffer);
  const at = EMULATED_LAYOUT.struct;
  switch (abi) {
    case 'arm64':
      encodeArmPvTime(bytes, 0n, at);
      break;
    case 'x86':
      encodeKvmStealTime(bytes, { stealNs: 0n, version: 0, preempted: 0 }, at);
      break;
    case 'xen':
      encodeXenRunstate(bytes, { state: 'running', stateEntryTime: 0n, time: [0n, 0n, 0n, 0n] }, at);
      break;
    default:
      throw new SchedacctError('invalid-argument', `abi must be arm64, x86 or xen, got ${String(abi)}`);
  }
  return memoryViews(buffer);
}

/**
 * Typed views over an existing emulation buffer (e.g. one received by a worker).
 * @param buffer - the shared bytes
 * @returns the views
 */
export function memoryViews(buffer: SharedArrayBuffer): EmulatedMemory {
  return { buffer, i32: new Int32Array(buffer), u64: new BigUint64Array(buffer) };
}

/**
 * The host's write of a new stolen total, by the ABI's protocol. Self-contained (no imports, no closures) so the
 * worker thread runs this very function.
 * @param i32 - 32-bit view of the shared memory
 * @param u64 - 64-bit view of the shared memory
 * @param abi - 0 arm64, 1 x86, 2 xen
 * @param stolen - the new total, ns
 * @param torn - write 64-bit values as two 32-bit halves
 * @param entryTime - Xen: the new `state_entry_time` (ns, without the update bit)
 * @throws {@link SchedacctError} `invalid-argument` for views that are not the emulation's, an unknown ABI code, a
 *   total or entry time that is not a bigint from 0 to 2^64 − 1, or a `torn` that is not a boolean
 * @example
 * ```ts
 * const memory = createEmulatedMemory('x86');
 * hostWriteStolen(memory.i32, memory.u64, ABIS.indexOf('x86'), 2_000_000n, false, 0n);
 * decodeEmulated(memory, 'x86'); // { stealNs: 2_000_000n, version: 2, flags: 0, preempted: 0 }: version went 1, then 2
 * ```
 */
export function checkedHostWriteStolen(
  i32: Int32Array,
  u64: BigUint64Array,
  abi: number,
  stolen: bigint,
  torn: boolean,
  entryTime: bigint,
): void {
  checkInstance('i32', i32, Int32Array, 'an Int32Array over the emulation buffer (createEmulatedMemory)');
  checkInstance('u64', u64, BigUint64Array, 'a BigUint64Array over the emulation buffer (createEmulatedMemory)');
  if (i32.byteLength < EMULATED_LAYOUT.size || u64.byteLength < EMULATED_LAYOUT.size)
    throw argError(
      'invalid-argument',
      'i32',
      `views of at least ${String(EMULATED_LAYOUT.size)} bytes`,
      i32.byteLength,
    );
  checkWhole('abi', abi, 0, ABIS.length - 1);
  checkBigint('stolen', stolen, 0n, (1n << 64n) - 1n);
  if (typeof torn !== 'boolean') throw argError('invalid-argument', 'torn', 'true or false', torn);
  checkBigint('entryTime', entryTime, 0n, (1n << 63n) - 1n);
  hostWriteStolen(i32, u64, abi, stolen, torn, entryTime);
}

/**
 * {@link checkedHostWriteStolen} without its checks, self-contained (no imports, no closures) so the worker thread of
 * the race runs this very function (its source text).
 * @param i32 - 32-bit view of the shared memory
 * @param u64 - 64-bit view of the shared memory
 * @param abi - 0 arm64, 1 x86, 2 xen
 * @param stolen - the new total, ns
 * @param torn - write 64-bit values as two 32-bit halves
 * @param entryTime - Xen: the new `state_entry_time` (ns, without the update bit)
 * @internal
 */
export function hostWriteStolen(
  i32: Int32Array,
  u64: BigUint64Array,
  abi: number,
  stolen: bigint,
  torn: boolean,
  entryTime: bigint,
): void {
  const lo = Number(stolen & 0xffffffffn) | 0;
  const hi = Number((stolen >> 32n) & 0xffffffffn) | 0;
  if (abi === 0) {
    // Arm PV time: stolen_time at struct + 8. The ABI requires one single-copy-atomic store.
    if (torn) {
      Atomics.store(i32, (64 + 8) / 4, lo);
      Atomics.store(i32, (64 + 8) / 4 + 1, hi);
    } else Atomics.store(u64, (64 + 8) / 8, stolen);
    return;
  }
  if (abi === 1) {
    // x86: version at struct + 8 goes odd, steal at struct + 0 is written, version goes even.
    const v = Atomics.load(i32, (64 + 8) / 4);
    Atomics.store(i32, (64 + 8) / 4, v + 1);
    if (torn) {
      Atomics.store(i32, 64 / 4, lo);
      Atomics.store(i32, 64 / 4 + 1, hi);
    } else Atomics.store(u64, 64 / 8, stolen);
    Atomics.store(i32, (64 + 8) / 4, v + 2);
    return;
  }
  // Xen: state_entry_time (struct + 8) gets the update bit, time[runnable] (struct + 24) is written, then the bit clears.
  Atomics.store(u64, (64 + 8) / 8, entryTime | (1n << 63n));
  if (torn) {
    Atomics.store(i32, (64 + 24) / 4, lo);
    Atomics.store(i32, (64 + 24) / 4 + 1, hi);
  } else Atomics.store(u64, (64 + 24) / 8, stolen);
  Atomics.store(u64, (64 + 8) / 8, entryTime);
}
