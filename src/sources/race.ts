/**
 * The race: an emulated hypervisor in a worker thread updates a real ABI structure in shared memory as fast as it
 * can, while this thread reads it with a naive reader and with the ABI's protocol reader, and counts the snapshots
 * that are inconsistent. Node only (worker threads).
 *
 * The host's k-th update publishes stolen = k·(2^32 + 1) (both 32-bit halves equal k, so a torn read shows) and then
 * the counter k. A snapshot (counter c, stolen s) is consistent when s was the value current while c was read:
 * its halves agree and its k is c or c + 1.
 * @module
 */
import { checkObject, checkOptionalBoolean, checkOptionalWhole, checkString } from '../check.js';
import { Worker } from 'node:worker_threads';
import { SchedacctError } from '../errors.js';
import {
  ABIS,
  createEmulatedMemory,
  EMULATED_LAYOUT,
  hostWriteStolen,
  type Abi,
  type EmulatedMemory,
} from '../host/emulated-writer.js';
import { emulatedStolen, readHalves } from './emulated.js';
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
}

/** What one reader saw. */
export interface ReaderResult {
  /** Snapshots accepted although inconsistent. */
  readonly inconsistent: number;
  /** Of those, torn values (halves from two different writes). */
  readonly torn: number;
  /** Snapshots the protocol gave up on (retries exhausted): reported, never used as consistent. */
  readonly exhausted: number;
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

function classify(counter: bigint, stolen: bigint): 'ok' | 'torn' | 'stale' {
  const lo = stolen & 0xffffffffn;
  const hi = stolen >> 32n;
  if (lo !== hi) return 'torn';
  return lo === counter || lo === counter + 1n ? 'ok' : 'stale';
}

function naiveField(abi: Abi): number {
  return abi === 'arm64'
    ? EMULATED_LAYOUT.struct + 8
    : abi === 'x86'
      ? EMULATED_LAYOUT.struct
      : EMULATED_LAYOUT.struct + 24;
}

function readers(
  mem: EmulatedMemory,
  abi: Abi,
  reads: number,
  maxRetries: number,
): { naive: ReaderResult; protocol: ReaderResult } {
  const readCounter = (): bigint => Atomics.load(mem.u64, EMULATED_LAYOUT.counter / 8);
  const field = naiveField(abi);
  let inconsistent = 0;
  let torn = 0;
  for (let i = 0; i < reads; i++) {
    const s = readHalves(mem, field);
    const verdict = classify(readCounter(), s);
    if (verdict !== 'ok') inconsistent++;
    if (verdict === 'torn') torn++;
  }
  const naive: ReaderResult = { inconsistent, torn, exhausted: 0, retries: 0 };

  const source: ClockSource = {
    name: abi,
    counter: { counterHz: 1e9, widthBits: 64, readCounter },
    stolen: emulatedStolen(mem, abi),
  };
  let bad = 0;
  let badTorn = 0;
  let exhausted = 0;
  let retries = 0;
  for (let i = 0; i < reads; i++) {
    const snap = consistentReadOf(source, maxRetries);
    retries += snap.retries;
    if (!snap.consistent) {
      exhausted++;
      continue;
    }
    const verdict = classify(snap.counter, snap.stolenTotalNs);
    if (verdict !== 'ok') bad++;
    if (verdict === 'torn') badTorn++;
  }
  return { naive, protocol: { inconsistent: bad, torn: badTorn, exhausted, retries } };
}

/**
 * Runs the race.
 * @param options - see {@link RaceOptions}
 * @returns what each reader saw
 * @throws {@link SchedacctError} `invalid-argument` for options that are not an object, an unknown ABI, a read count
 *   that is not a whole number ≥ 1, a `torn` that is not a boolean or a `maxRetries` that is not a whole number ≥ 0
 * @example
 * ```ts
 * const r = await runRace({ abi: 'x86', reads: 1_000_000 });
 * r.naive.inconsistent > 0 && r.protocol.inconsistent === 0; // true
 * ```
 */
export async function runRace(options: RaceOptions): Promise<RaceResult> {
  checkObject('options', options);
  checkString('options.abi', options.abi);
  checkOptionalWhole('options.reads', options.reads, 1);
  checkOptionalBoolean('options.torn', options.torn);
  checkOptionalWhole('options.maxRetries', options.maxRetries);
  const { abi } = options;
  if (!ABIS.includes(abi))
    throw new SchedacctError('invalid-argument', `--abi must be arm64, x86 or xen, got ${abi as string}`);
  const reads = options.reads ?? 1_000_000;
  if (!Number.isSafeInteger(reads) || reads <= 0)
    throw new SchedacctError('invalid-argument', `reads must be a whole number > 0, got ${String(reads)}`);
  const tornWrites = options.torn ?? abi !== 'arm64';
  const mem = createEmulatedMemory(abi);
  const worker = new Worker(hostSource(), {
    eval: true,
    workerData: { buffer: mem.buffer, abi: ABIS.indexOf(abi), torn: tornWrites },
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
    const result = readers(mem, abi, reads, options.maxRetries ?? 1000);
    const hostUpdates = Number(Atomics.load(mem.u64, EMULATED_LAYOUT.counter / 8));
    return { reads, abi, tornWrites, hostUpdates, ...result };
  } finally {
    Atomics.store(mem.i32, EMULATED_LAYOUT.stop / 4, 1);
    await worker.terminate();
  }
}
