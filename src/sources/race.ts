/**
 * The race: an emulated hypervisor in a worker thread updates a real ABI structure in shared memory as fast as it
 * can, while this thread reads it with a naive reader and with the ABI's protocol reader, and counts the snapshots
 * that are inconsistent. Node only (worker threads). The seeded race (`seed`) runs the host in this thread instead,
 * a PRNG-chosen number of its stores before each load of the readers: deterministic, and adversarial enough that a
 * broken protocol reader fails it at every seed (test/race.test.ts).
 *
 * The host's k-th update publishes stolen = k·(2^32 + 1) (both 32-bit halves equal k, so a torn read shows) and then
 * the counter k. A snapshot (counter c, stolen s) is consistent when s was the value current while c was read:
 * its halves agree and its k is c or c + 1.
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { ConsistentReading } from '../accounting/consistent-read.js';
import { checkObject, checkOptionalBoolean, checkOptionalWhole, checkString } from '../check.js';
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
import { guestLoads, InterleavedHost, loadHalves, raceSource, type GuestLoads } from './race-seeded.js';
import { consistentReadOf, type ClockSource } from './types.js';

/** Options of {@link runRace}. */
export interface RaceOptions {
  /** Which structure the host writes. */
  readonly abi: Abi;
  /** Snapshots each reader takes (default 1 000 000). */
  readonly reads?: number;
  /**
   * Host writes 64-bit values as two 32-bit halves (default true for x86 and Xen, whose protocols guard against it;
   * the Arm ABI requires single-copy-atomic writes, so its host never tears and its naive reader tears by reading
   * the value in two halves).
   */
  readonly torn?: boolean;
  /** Retry bound of the protocol reader (default 1000: generous under a host writing flat out). */
  readonly maxRetries?: number;
  /**
   * Runs the seeded race instead of the worker thread: the host runs in this thread and makes a number of its stores
   * chosen by a PRNG with this seed (0 to 2^32 − 1) before every load of the readers, so every interleaving can
   * happen, the worst ones often, and the same seed gives the same result.
   */
  readonly seed?: number;
  /**
   * The protocol reader to race (default `consistentReadOf`, the ABI's protocol): takes the guest's backend over the
   * shared memory and the retry bound, and returns one reading.
   */
  readonly reader?: (source: ClockSource, maxRetries: number) => ConsistentReading;
}

/**
 * What one reader saw. `inconsistent` = `stale` + `hostTorn` + `readerTorn`: the snapshots the reader returned as
 * consistent that were not; `gaveUp` are the ones it returned as inconsistent (retry bound run out).
 */
export interface ReaderResult {
  /** Snapshots accepted although inconsistent. */
  readonly inconsistent: number;
  /** Of those, whole values from another moment than the counter's (the pair was not read at one time). */
  readonly stale: number;
  /**
   * Of those, torn values the host made: the memory held halves of two writes when the reader read it (low half
   * newer than the high half; only a host writing in halves makes it).
   */
  readonly hostTorn: number;
  /**
   * Of those, torn values the reader made: its two 32-bit loads straddled a write (high half newer than the low
   * half), which an atomic 64-bit load would not have done; it happens with an atomic host too.
   */
  readonly readerTorn: number;
  /** Snapshots the reader gave up on (retry bound run out, returned as inconsistent): never counted as consistent. */
  readonly gaveUp: number;
  /** Retries needed in all. */
  readonly retries: number;
}

/** The race's result (the JSON `schedacct race --format json` prints). */
export interface RaceResult {
  /** Snapshots each reader took. */
  readonly reads: number;
  /** The ABI raced. */
  readonly abi: Abi;
  /** Whether the host wrote torn halves. */
  readonly tornWrites: boolean;
  /** The seed of the seeded race, or null for the race against a worker thread. */
  readonly seed: number | null;
  /** Host updates published during the race. */
  readonly hostUpdates: number;
  /** The naive reader: read stolen once (as two 32-bit halves), then the counter. */
  readonly naive: ReaderResult;
  /** The ABI's protocol reader (stable read, seqcount or update bit around the counter read). */
  readonly protocol: ReaderResult;
}

function hostSource(): string {
  // The worker runs hostWriteStolen itself: its source is self-contained by design.
  return `
const { workerData } = require('node:worker_threads');
const hostWriteStolen = ${hostWriteStolen.toString()};
const i32 = new Int32Array(workerData.buffer);
const u64 = new BigUint64Array(workerData.buffer);
const stop = ${String(EMULATED_LAYOUT.stop / 4)};
const steps = ${String(EMULATED_LAYOUT.steps / 4)};
let k = 0n;
Atomics.store(i32, steps, 1);
while (Atomics.load(i32, stop) === 0 && k < 0xffffffffn) {
  k++;
  hostWriteStolen(i32, u64, workerData.abi, (k << 32n) | k, workerData.torn, k);
  Atomics.store(u64, ${String(EMULATED_LAYOUT.counter / 8)}, k);
  Atomics.store(i32, steps, Number(k & 0x3fffffffn));
}
`;
}

type Verdict = 'ok' | 'stale' | 'hostTorn' | 'readerTorn';

// Halves low-first: the host writes its low half first, so a low half newer than the high one was torn in memory.
function classify(counter: bigint, stolen: bigint): Verdict {
  const lo = stolen & 0xffffffffn;
  const hi = stolen >> 32n;
  if (lo !== hi) return lo > hi ? 'hostTorn' : 'readerTorn';
  return lo === counter || lo === counter + 1n ? 'ok' : 'stale';
}

class Tally {
  stale = 0;
  hostTorn = 0;
  readerTorn = 0;
  gaveUp = 0;
  retries = 0;

  add(verdict: Verdict): void {
    if (verdict !== 'ok') this[verdict]++;
  }

  result(): ReaderResult {
    const { stale, hostTorn, readerTorn, gaveUp, retries } = this;
    return { inconsistent: stale + hostTorn + readerTorn, stale, hostTorn, readerTorn, gaveUp, retries };
  }
}

function naiveField(abi: Abi): number {
  return abi === 'arm64' ? FIELDS.arm64.stolen : abi === 'x86' ? FIELDS.x86.stolen : FIELDS.xen.runnable;
}

interface ReadersOptions {
  readonly abi: Abi;
  readonly reads: number;
  readonly maxRetries: number;
  readonly reader: (source: ClockSource, maxRetries: number) => ConsistentReading;
}

function readers(loads: GuestLoads, o: ReadersOptions): { naive: ReaderResult; protocol: ReaderResult } {
  const field = naiveField(o.abi);
  const naive = new Tally();
  for (let i = 0; i < o.reads; i++) {
    const stolen = loadHalves(loads, field);
    naive.add(classify(loads.u64(EMULATED_LAYOUT.counter), stolen));
  }
  const source = raceSource(loads, o.abi);
  const protocol = new Tally();
  for (let i = 0; i < o.reads; i++) {
    const snap = o.reader(source, o.maxRetries);
    protocol.retries += snap.retries;
    // A give-up is reported as such by the reader (an anomaly for its caller), so it is counted, never classified.
    if (snap.consistent) protocol.add(classify(snap.counter, snap.stolenTotalNs));
    else protocol.gaveUp++;
  }
  return { naive: naive.result(), protocol: protocol.result() };
}

async function raceWorker(
  mem: EmulatedMemory,
  torn: boolean,
  o: ReadersOptions,
): Promise<{ hostUpdates: number; naive: ReaderResult; protocol: ReaderResult }> {
  const worker = new Worker(hostSource(), {
    eval: true,
    workerData: { buffer: mem.buffer, abi: ABIS.indexOf(o.abi), torn },
  });
  const failed = new Promise<never>((_resolve, reject) => {
    worker.once('error', reject);
  });
  try {
    // Wait (without blocking the event loop) until the host runs, so the readers really race it.
    const started = (async () => {
      while (Atomics.load(mem.i32, EMULATED_LAYOUT.steps / 4) === 0) await new Promise((r) => setTimeout(r, 1));
    })();
    await Promise.race([started, failed]);
    const result = readers(guestLoads(mem), o);
    return { hostUpdates: Number(Atomics.load(mem.u64, EMULATED_LAYOUT.counter / 8)), ...result };
  } finally {
    Atomics.store(mem.i32, EMULATED_LAYOUT.stop / 4, 1);
    await worker.terminate();
  }
}

function checkOptions(options: RaceOptions): void {
  checkObject('options', options);
  checkString('options.abi', options.abi);
  checkOptionalWhole('options.reads', options.reads, 1);
  checkOptionalBoolean('options.torn', options.torn);
  checkOptionalWhole('options.maxRetries', options.maxRetries);
  const { abi, seed, maxRetries, reader } = options;
  if (!ABIS.includes(abi))
    throw new SchedacctError('invalid-argument', `--abi must be arm64, x86 or xen, got ${abi as string}`);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32))
    throw new SchedacctError('invalid-argument', `seed must be a whole number from 0 to 2^32 - 1, got ${String(seed)}`);
  if (maxRetries !== undefined && !(Number.isSafeInteger(maxRetries) && maxRetries >= 0))
    throw new SchedacctError('invalid-argument', `maxRetries must be a whole number ≥ 0, got ${String(maxRetries)}`);
  if (reader !== undefined && typeof reader !== 'function')
    throw new SchedacctError('invalid-argument', 'reader must be a function (source, maxRetries) => ConsistentReading');
}

/**
 * Runs the race: against a host in a worker thread writing flat out (a real race, its result differs run to run),
 * or, given a `seed`, the seeded race (the host in this thread, interleaved with every load by a seeded PRNG).
 * @param options - see {@link RaceOptions}
 * @returns what each reader saw
 * @throws {@link SchedacctError} `invalid-argument` for an unknown ABI, a bad read count, seed or retry bound
 * @example
 * ```ts
 * const r = await runRace({ abi: 'x86', reads: 20_000, seed: 1 }); // the seeded race: the same result every time
 * r.naive.inconsistent > 0 && r.protocol.inconsistent === 0 && r.protocol.gaveUp === 0; // true
 * const live = await runRace({ abi: 'x86', reads: 20_000 }); // against a worker thread writing flat out
 * live.protocol.inconsistent; // 0
 * ```
 */
export async function runRace(options: RaceOptions): Promise<RaceResult> {
  checkOptions(options);
  const { abi } = options;
  const reads = options.reads ?? 1_000_000;
  if (!Number.isSafeInteger(reads) || reads <= 0)
    throw new SchedacctError('invalid-argument', `reads must be a whole number > 0, got ${String(reads)}`);
  const tornWrites = options.torn ?? abi !== 'arm64';
  const o: ReadersOptions = {
    abi,
    reads,
    maxRetries: options.maxRetries ?? 1000,
    reader: options.reader ?? consistentReadOf,
  };
  const mem = createEmulatedMemory(abi);
  const seed = options.seed ?? null;
  if (seed === null) return { reads, abi, tornWrites, seed, ...(await raceWorker(mem, tornWrites, o)) };
  const host = new InterleavedHost(mem, abi, tornWrites, seed);
  const result = readers(
    guestLoads(mem, () => {
      host.beforeLoad();
    }),
    o,
  );
  return { reads, abi, tornWrites, seed, hostUpdates: host.updates, ...result };
}
