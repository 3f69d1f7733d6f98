/**
 * The race's two halves as single memory operations: the host's update split into the stores `hostWriteStolen`
 * makes, and the guest's view of the structure built from single loads. In the seeded race the host runs in this
 * thread and takes a PRNG-chosen number of stores before every guest load, so any interleaving of the two can
 * happen, the worst ones often, and a seed gives the same race every time.
 * @module
 * @internal
 */
import { seqcountRead, updateBitRead } from '../accounting/consistent-read.js';
import { XEN_UPDATE_BIT } from '../abi/xen-runstate.js';
import { SchedacctError } from '../errors.js';
import { EMULATED_LAYOUT, FIELDS, type Abi, type EmulatedMemory } from '../host/emulated-writer.js';
import { mulberry32 } from '../host/prng.js';
import type { ClockSource } from './types.js';

/** One store of the host: width in bits, byte offset, value. */
export type HostStore = readonly [widthBits: 32 | 64, byteOffset: number, value: bigint];

/**
 * The stores of the host's k-th update, in `hostWriteStolen`'s order: stolen = k·(2^32 + 1) by the ABI's protocol,
 * then the counter k.
 * @param abi - which structure
 * @param k - the update's number (≥ 1)
 * @param torn - write the 64-bit stolen value as two 32-bit halves, low first
 * @param version - x86: the version before the update
 * @returns the stores, to be made one by one
 * @internal
 */
export function hostStores(abi: Abi, k: bigint, torn: boolean, version: number): HostStore[] {
  const value = (at: number): HostStore[] =>
    torn
      ? [
          [32, at, k & 0xffffffffn],
          [32, at + 4, k & 0xffffffffn],
        ]
      : [[64, at, (k << 32n) | k]];
  const counter: HostStore = [64, EMULATED_LAYOUT.counter, k];
  if (abi === 'arm64') return [...value(FIELDS.arm64.stolen), counter];
  if (abi === 'x86') {
    const { version: at } = FIELDS.x86;
    return [[32, at, BigInt(version + 1)], ...value(FIELDS.x86.stolen), [32, at, BigInt(version + 2)], counter];
  }
  return [
    [64, FIELDS.xen.entry, k | XEN_UPDATE_BIT],
    ...value(FIELDS.xen.runnable),
    [64, FIELDS.xen.entry, k],
    counter,
  ];
}

// Host steps before one guest load: mostly none (a load pair completes inside one update's window), often one
// (a store lands between two loads: tears, odd versions, update bits), sometimes a burst (whole updates between
// two loads: stale pairs).
function stepsBeforeLoad(random: () => number): number {
  const r = random();
  if (r < 0.85) return 0;
  if (r < 0.95) return 1;
  if (r < 0.975) return 2;
  return 3 + Math.floor(random() * 10);
}

/**
 * The host of the seeded race: makes its stores one at a time, as many before each guest load as its PRNG says.
 * @internal
 */
export class InterleavedHost {
  readonly #mem: EmulatedMemory;
  readonly #abi: Abi;
  readonly #torn: boolean;
  readonly #random: () => number;
  #k = 0n;
  #pending: HostStore[] = [];
  #next = 0;

  /**
   * @param mem - the shared memory, as created for the ABI
   * @param abi - which structure
   * @param torn - write 64-bit values as two 32-bit halves
   * @param seed - the PRNG's seed (its low 32 bits)
   */
  constructor(mem: EmulatedMemory, abi: Abi, torn: boolean, seed: number) {
    this.#mem = mem;
    this.#abi = abi;
    this.#torn = torn;
    this.#random = mulberry32(seed);
  }

  /** Lets the host make the stores its PRNG picks, before a guest load. */
  beforeLoad(): void {
    for (let n = stepsBeforeLoad(this.#random); n > 0; n--) this.step();
  }

  /** Makes the host's next store (starting its next update when the last one is done). */
  step(): void {
    if (this.#next === this.#pending.length) {
      this.#k++;
      const version = Atomics.load(this.#mem.i32, FIELDS.x86.version / 4);
      this.#pending = hostStores(this.#abi, this.#k, this.#torn, version);
      this.#next = 0;
    }
    const [widthBits, at, value] = this.#pending[this.#next++] as HostStore;
    if (widthBits === 64) Atomics.store(this.#mem.u64, at / 8, value);
    else Atomics.store(this.#mem.i32, at / 4, Number(value & 0xffffffffn) | 0);
  }

  /** Updates the host has published (counter written). */
  get updates(): number {
    return Number(Atomics.load(this.#mem.u64, EMULATED_LAYOUT.counter / 8));
  }
}

/** The guest's single loads from the shared memory. */
export interface GuestLoads {
  /**
   * Loads an unsigned 32-bit value.
   * @param byteOffset - where
   */
  u32(byteOffset: number): number;
  /**
   * Loads a 64-bit value at once.
   * @param byteOffset - where
   */
  u64(byteOffset: number): bigint;
}

/**
 * The guest's loads, each one preceded by `beforeLoad` (the seeded host's turn) when given.
 * @param mem - the shared memory
 * @param beforeLoad - runs before every load
 * @returns the loads
 * @internal
 */
export function guestLoads(mem: EmulatedMemory, beforeLoad?: () => void): GuestLoads {
  if (beforeLoad === undefined) {
    return { u32: (at) => Atomics.load(mem.i32, at / 4) >>> 0, u64: (at) => Atomics.load(mem.u64, at / 8) };
  }
  return {
    u32: (at) => {
      beforeLoad();
      return Atomics.load(mem.i32, at / 4) >>> 0;
    },
    u64: (at) => {
      beforeLoad();
      return Atomics.load(mem.u64, at / 8);
    },
  };
}

/**
 * A 64-bit field read as a naive guest might: two 32-bit loads, low half first (may tear).
 * @param loads - the guest's loads
 * @param byteOffset - the field
 * @returns the value
 * @internal
 */
export function loadHalves(loads: GuestLoads, byteOffset: number): bigint {
  const lo = BigInt(loads.u32(byteOffset));
  return (BigInt(loads.u32(byteOffset + 4)) << 32n) | lo;
}

/**
 * The guest's backend over the race's memory: the counter (1 GHz, 64 bits) and the ABI's stolen fields, each
 * access made of the loads given (`readStolenRaw` of x86 and Xen as two 32-bit loads, as `emulatedStolen` reads).
 * @param loads - the guest's loads
 * @param abi - which structure
 * @returns the backend a race reader reads
 * @internal
 */
export function raceSource(loads: GuestLoads, abi: Abi): ClockSource {
  const counter = { counterHz: 1e9, widthBits: 64, readCounter: () => loads.u64(EMULATED_LAYOUT.counter) };
  const gaveUp = (what: string): never => {
    throw new SchedacctError('unavailable', `${what}: the host never finished a write`);
  };
  if (abi === 'arm64') {
    return {
      name: abi,
      counter,
      stolen: { protocol: 'stable-read', readStolen: () => loads.u64(FIELDS.arm64.stolen) },
    };
  }
  if (abi === 'x86') {
    const readVersion = (): number => loads.u32(FIELDS.x86.version);
    const readStolenRaw = (): bigint => loadHalves(loads, FIELDS.x86.stolen);
    const readStolen = (): bigint => {
      const r = seqcountRead({ readVersion, readStolen: readStolenRaw }, () => 0n, 1000);
      return r.consistent ? r.stolenTotalNs : gaveUp('x86 steal time');
    };
    return { name: abi, counter, stolen: { protocol: 'seqcount', readVersion, readStolenRaw, readStolen } };
  }
  const readEntryTime = (): bigint => loads.u64(FIELDS.xen.entry);
  // Steal = time[runnable] + time[offline].
  const readStolenRaw = (): bigint => loadHalves(loads, FIELDS.xen.runnable) + loadHalves(loads, FIELDS.xen.offline);
  const readStolen = (): bigint => {
    const r = updateBitRead({ readEntryTime, readStolen: readStolenRaw }, () => 0n, 1000);
    return r.consistent ? r.stolenTotalNs : gaveUp('Xen runstate');
  };
  return { name: abi, counter, stolen: { protocol: 'update-bit', readEntryTime, readStolenRaw, readStolen } };
}
