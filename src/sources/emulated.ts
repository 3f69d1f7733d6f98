/**
 * The emulated backend: the guest's view of a hypervisor that writes the real ABI structures (Arm PV time, x86
 * `kvm_steal_time`, Xen runstate) byte for byte into shared memory, next to an emulated Arm generic counter. The
 * host side can run in this thread (deterministic, driven by a {@link SimulatedHost}) or in a worker thread
 * (`runRace`, node entry), concurrently with guest readers. A "torn" host writes each 64-bit value as two 32-bit
 * halves, as a 32-bit host or a careless one would, so torn reads really happen.
 * @module
 */
import { counterMask, counterWidthForHz } from '../accounting/counter.js';
import { ARM_PVTIME_SIZE, decodeArmPvTime, encodeArmPvTime } from '../abi/arm-pvtime.js';
import { decodeKvmStealTime, encodeKvmStealTime, KVM_STEAL_TIME_SIZE } from '../abi/kvm-steal-time.js';
import { decodeXenRunstate, encodeXenRunstate, XEN_RUNSTATE_SIZE, XEN_UPDATE_BIT } from '../abi/xen-runstate.js';
import { SchedacctError } from '../errors.js';
import { SimulatedHost, type SimulatedOptions } from './simulated.js';
import type { ClockSource, CounterSource, StolenSource } from './types.js';

/** The hypervisor ABIs schedacct emulates. */
export type Abi = 'arm64' | 'x86' | 'xen';
/** Every {@link Abi}. */
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

/** Offsets of the structure's fields within the shared memory, per ABI. */
const FIELDS = {
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

/**
 * Reads a 64-bit field the way a naive guest might: two 32-bit loads, low half first (may tear).
 * @param mem - the shared memory
 * @param byteOffset - the field's offset
 * @returns the value read
 */
export function readHalves(mem: EmulatedMemory, byteOffset: number): bigint {
  const lo = BigInt(Atomics.load(mem.i32, byteOffset / 4) >>> 0);
  const hi = BigInt(Atomics.load(mem.i32, byteOffset / 4 + 1) >>> 0);
  return (hi << 32n) | lo;
}

/**
 * The guest's stolen-time source over the shared memory, with the ABI's protocol accessors. `readStolen` applies the
 * protocol (Arm: one atomic 64-bit load; x86: seqcount; Xen: update bit, both with a bounded retry).
 * @param mem - the shared memory
 * @param abi - which structure it holds
 * @returns the source
 */
export function emulatedStolen(mem: EmulatedMemory, abi: Abi): StolenSource {
  if (abi === 'arm64') {
    return { protocol: 'stable-read', readStolen: () => Atomics.load(mem.u64, FIELDS.arm64.stolen / 8) };
  }
  if (abi === 'x86') {
    const readVersion = (): number => Atomics.load(mem.i32, FIELDS.x86.version / 4);
    const readStolenRaw = (): bigint => readHalves(mem, FIELDS.x86.stolen);
    return {
      protocol: 'seqcount',
      readVersion,
      readStolenRaw,
      readStolen: () => {
        for (let i = 0; ; i++) {
          const v1 = readVersion();
          const s = readStolenRaw();
          if ((v1 & 1) === 0 && v1 === readVersion()) return s;
          if (i > 1000) throw new SchedacctError('unavailable', 'x86 steal time: the host never finished a write');
        }
      },
    };
  }
  const readEntryTime = (): bigint => Atomics.load(mem.u64, FIELDS.xen.entry / 8);
  // Steal = time[runnable] + time[offline].
  const readStolenRaw = (): bigint => readHalves(mem, FIELDS.xen.runnable) + readHalves(mem, FIELDS.xen.offline);
  return {
    protocol: 'update-bit',
    readEntryTime,
    readStolenRaw,
    readStolen: () => {
      for (let i = 0; ; i++) {
        const e1 = readEntryTime();
        const s = readStolenRaw();
        if ((e1 & XEN_UPDATE_BIT) === 0n && e1 === readEntryTime()) return s;
        if (i > 1000) throw new SchedacctError('unavailable', 'Xen runstate: the host never finished an update');
      }
    },
  };
}

/**
 * Decodes the structure currently in the shared memory with the ABI's validating decoder.
 * @param mem - the shared memory
 * @param abi - which structure it holds
 * @returns the decoded fields
 */
export function decodeEmulated(
  mem: EmulatedMemory,
  abi: Abi,
): ReturnType<typeof decodeArmPvTime | typeof decodeKvmStealTime | typeof decodeXenRunstate> {
  const bytes = new Uint8Array(
    mem.buffer,
    EMULATED_LAYOUT.struct,
    abi === 'xen' ? XEN_RUNSTATE_SIZE : abi === 'x86' ? KVM_STEAL_TIME_SIZE : ARM_PVTIME_SIZE,
  );
  if (abi === 'arm64') return decodeArmPvTime(bytes);
  if (abi === 'x86') return decodeKvmStealTime(bytes);
  return decodeXenRunstate(bytes);
}

/** Options of {@link createEmulatedSource}. */
export interface EmulatedOptions extends SimulatedOptions {
  /** Which structure the host publishes. */
  readonly abi: Abi;
  /** Host writes 64-bit values as two 32-bit halves (default false). */
  readonly torn?: boolean;
}

/** The emulated backend, with its shared memory and host. */
export interface EmulatedSource extends ClockSource {
  /** The shared memory the host writes and the guest reads. */
  readonly memory: EmulatedMemory;
  /** The host deciding steal and pauses. */
  readonly host: SimulatedHost;
}

/**
 * The emulated backend with the host in this thread: a {@link SimulatedHost} decides steal; on every `advance` the
 * host publishes it into the ABI structure (by the ABI's protocol) and moves the emulated CNTVCT; the guest reads
 * both from the shared memory.
 * @param options - see {@link EmulatedOptions}
 * @returns a backend with the shared `memory`
 */
export function createEmulatedSource(options: EmulatedOptions): EmulatedSource {
  const memory = createEmulatedMemory(options.abi);
  const host = new SimulatedHost(options);
  const counterHz = options.counterHz ?? 24_000_000;
  const widthBits = options.widthBits ?? counterWidthForHz(counterHz);
  const mask = counterMask(widthBits);
  const start = options.counterStart ?? 0n;
  const abiCode = ABIS.indexOf(options.abi);
  const publish = (): void => {
    hostWriteStolen(memory.i32, memory.u64, abiCode, host.stolenNs, options.torn ?? false, BigInt(host.hostNs));
    const cntvct = (start + (BigInt(host.guestNs) * BigInt(counterHz)) / 1_000_000_000n) & mask;
    Atomics.store(memory.u64, EMULATED_LAYOUT.counter / 8, cntvct);
  };
  publish();
  const counter: CounterSource = {
    counterHz,
    widthBits,
    readCounter: () => Atomics.load(memory.u64, EMULATED_LAYOUT.counter / 8),
  };
  return {
    name: `emulated-${options.abi}`,
    counter,
    stolen: emulatedStolen(memory, options.abi),
    memory,
    host,
    advance: (ns: number) => {
      host.advance(ns);
      publish();
    },
  };
}
