/**
 * The emulated backend: the guest's view of a hypervisor that writes the real ABI structures (Arm PV time, x86
 * `kvm_steal_time`, Xen runstate) byte for byte into shared memory, next to an emulated Arm generic counter. The
 * host side can run in this thread (deterministic, driven by a {@link SimulatedHost}) or in a worker thread
 * (`runRace`, node entry), concurrently with guest readers. A "torn" host writes each 64-bit value as two 32-bit
 * halves, as a 32-bit host or a careless one would, so torn reads really happen.
 * @module
 */
import { counterMask, counterWidthForHz } from '../accounting/counter.js';
import { ARM_PVTIME_SIZE, decodeArmPvTime } from '../abi/arm-pvtime.js';
import { decodeKvmStealTime, KVM_STEAL_TIME_SIZE } from '../abi/kvm-steal-time.js';
import { decodeXenRunstate, XEN_RUNSTATE_SIZE, XEN_UPDATE_BIT } from '../abi/xen-runstate.js';
import { SchedacctError } from '../errors.js';
import {
  ABIS,
  createEmulatedMemory,
  EMULATED_LAYOUT,
  FIELDS,
  hostWriteStolen,
  type Abi,
  type EmulatedMemory,
} from '../host/emulated-writer.js';
import { checkCounterOptions, SimulatedHost, type SimulatedOptions } from '../host/simulated-host.js';
import { argError, checkObject, checkOneOf, checkOptionalBoolean } from '../check.js';
import type { ClockSource, CounterSource, StolenSource } from './types.js';

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
 * @throws {@link SchedacctError} `invalid-argument` for memory that is not the emulation's or an unknown ABI; {@link AbiError} for a
 *   structure that breaks its ABI
 * @example
 * ```ts
 * const src = createEmulatedSource({ abi: 'arm64', pattern: { kind: 'constant', share: 0.25 } });
 * src.advance?.(10_000_000);
 * decodeEmulated(src.memory, 'arm64'); // { revision: 0, attributes: 0, stolenNs: 2_500_000n }
 * ```
 */
export function decodeEmulated(
  mem: EmulatedMemory,
  abi: Abi,
): ReturnType<typeof decodeArmPvTime | typeof decodeKvmStealTime | typeof decodeXenRunstate> {
  checkObject('mem', mem);
  if (!(mem.buffer instanceof SharedArrayBuffer) || mem.buffer.byteLength < EMULATED_LAYOUT.size)
    throw argError('invalid-argument', 'mem.buffer', 'the emulation buffer (createEmulatedMemory)', mem.buffer);
  checkOneOf('abi', abi, ABIS);
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
 * @throws {@link SchedacctError} `invalid-argument` or `out-of-range` for bad options (see {@link SimulatedHost}), frequency, width or start
 * @example
 * ```ts
 * const src = createEmulatedSource({ abi: 'x86', pattern: { kind: 'constant', share: 0.25 } });
 * src.advance?.(10_000_000);
 * consistentReadOf(src); // { counter: 240_000n, stolenTotalNs: 2_500_000n, retries: 0, consistent: true }: by the seqcount
 * ```
 */
export function createEmulatedSource(options: EmulatedOptions): EmulatedSource {
  checkObject('options', options);
  checkOneOf('options.abi', options.abi, ABIS);
  checkOptionalBoolean('options.torn', options.torn);
  const memory = createEmulatedMemory(options.abi);
  const host = new SimulatedHost(options);
  checkCounterOptions(options);
  const counterHz = options.counterHz ?? 24_000_000;
  const widthBits = options.widthBits ?? counterWidthForHz(counterHz);
  const mask = counterMask(widthBits);
  const start = options.counterStart ?? 0n;
  const abiCode = ABIS.indexOf(options.abi);
  const publish = (): void => {
    hostWriteStolen(memory.i32, memory.u64, abiCode, host.stolenTotalNs, options.torn ?? false, BigInt(host.hostNs));
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
