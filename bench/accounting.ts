// Accounting throughput: the core (SliceAccountant + Ledger via bookSlice) against a plain loop doing the same
// arithmetic inline (exact BigInt conversion, clamped steal under 'drop', per-task sums and slice statistics).
// Same readings for both. The difference is the price of the core's structure: validation, anomaly checks, the Map.
import { Ledger, SliceAccountant, bookSlice, type Reading } from 'schedacct';
import type { Bench } from 'tinybench';

/** Slices per benchmark iteration. */
export const SLICES = 10_000;
const TASKS = 8;
const HZ = 24_000_000;

/** Pseudo-random but fixed readings: a 24 MHz counter near 2^50 and a stolen total growing by 0–3 ms per slice. */
function makeReadings(): Reading[] {
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const out: Reading[] = [];
  let counter = 1n << 50n;
  let stolen = 10_000_000_000n;
  out.push({ counter, stolenTotalNs: stolen });
  for (let i = 0; i < SLICES; i++) {
    counter += BigInt(1000 + rand(200_000));
    if (rand(4) === 0) stolen += BigInt(rand(3_000_000));
    out.push({ counter, stolenTotalNs: stolen });
  }
  return out;
}

/**
 * Adds the two tasks to a bench.
 * @param bench - the bench to add to
 * @returns the names of the core and the reference task
 */
export function addAccountingBench(bench: Bench): { core: string; reference: string } {
  const readings = makeReadings();
  let sink = 0;

  const core = 'core: bookSlice (SliceAccountant + Ledger)';
  bench.add(core, () => {
    const ledger = new Ledger();
    const acct = new SliceAccountant({
      counterHz: HZ,
      widthBits: 56,
      policy: 'drop',
      initialStolenTotalNs: readings[0]?.stolenTotalNs ?? 0n,
    });
    for (let i = 1; i <= SLICES; i++) {
      bookSlice(ledger, i % TASKS, acct, readings[i - 1] as Reading, readings[i] as Reading);
    }
    sink += ledger.totals().chargedNs;
  });

  const reference = 'reference: plain loop, same arithmetic';
  bench.add(reference, () => {
    const mask = (1n << 56n) - 1n;
    const half = 1n << 55n;
    const num = 125n; // 1e9 / 24e6 = 125 / 3
    const den = 3n;
    const run = new Float64Array(TASKS);
    const stolenSum = new Float64Array(TASKS);
    const charged = new Float64Array(TASKS);
    const slices = new Float64Array(TASKS);
    const minSlice = new Float64Array(TASKS);
    const maxSlice = new Float64Array(TASKS);
    const meanSlice = new Float64Array(TASKS);
    const m2Slice = new Float64Array(TASKS);
    let lastSeen = readings[0]?.stolenTotalNs ?? 0n;
    for (let i = 1; i <= SLICES; i++) {
      const before = readings[i - 1] as Reading;
      const after = readings[i] as Reading;
      const forward = (after.counter - before.counter) & mask;
      const start = before.counter & mask;
      const elapsed = forward >= half ? 0 : Number(((start + forward) * num) / den - (start * num) / den);
      const observed = Number(after.stolenTotalNs - lastSeen);
      lastSeen = after.stolenTotalNs;
      const steal = observed > elapsed ? elapsed : observed;
      const t = i % TASKS;
      run[t] = (run[t] ?? 0) + elapsed;
      stolenSum[t] = (stolenSum[t] ?? 0) + steal;
      charged[t] = (charged[t] ?? 0) + elapsed - steal;
      const n = (slices[t] = (slices[t] ?? 0) + 1);
      // The slice statistics the ledger keeps: min, max, Welford mean and M2.
      if (n === 1 || elapsed < (minSlice[t] ?? 0)) minSlice[t] = elapsed;
      if (elapsed > (maxSlice[t] ?? 0)) maxSlice[t] = elapsed;
      const mean = meanSlice[t] ?? 0;
      const delta = elapsed - mean;
      const nextMean = mean + delta / n;
      meanSlice[t] = nextMean;
      m2Slice[t] = (m2Slice[t] ?? 0) + delta * (elapsed - nextMean);
    }
    let total = 0;
    for (const c of charged) total += c;
    sink += total;
  });

  // Keep the results observable so neither loop can be optimised away.
  process.on('exit', () => {
    if (sink < 0) console.log(sink);
  });
  return { core, reference };
}
