// Measures how reliably the race catches each protocol mutant (test/race-mutants.ts) and how often it fails a
// correct reader: `node --import tsx test/race-catch-rate.ts [RUNS] [READS] [--worker]`. Seeded by default (runs are
// seeds 0..RUNS-1); --worker races the host in a worker thread instead (a real race: rates vary run to run).
import { consistentReadOf, type Abi } from '../src/index.ts';
import { runRace, type RaceOptions } from '../src/linux.ts';
import { MUTANTS, protocolFailure } from './race-mutants.ts';

const [runsArg, readsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const worker = process.argv.includes('--worker');
const runs = Number(runsArg ?? 200);
const reads = Number(readsArg ?? 500);
const started = performance.now();

async function rate(label: string, options: Omit<RaceOptions, 'reads' | 'seed'>): Promise<void> {
  let failed = 0;
  let fewest = Infinity;
  for (let run = 0; run < runs; run++) {
    const r = await runRace({ ...options, reads, ...(worker ? {} : { seed: run }) });
    // A host writing flat out in another thread outruns a retry bound now and then: 10 % of reads may give up there.
    if (protocolFailure(r, worker ? reads / 10 : 0) !== undefined) failed++;
    fewest = Math.min(fewest, r.protocol.inconsistent);
  }
  const pct = ((100 * failed) / runs).toFixed(2);
  console.log(
    `${label.padEnd(52)} failed ${String(failed).padStart(6)}/${String(runs)} (${pct} %), fewest inconsistent ${String(fewest)}`,
  );
}

console.log(
  `${worker ? 'worker-thread' : 'seeded'} race, ${String(reads)} reads per reader, ${String(runs)} runs each`,
);
for (const m of MUTANTS) await rate(`mutant: ${m.name}`, { abi: m.abi, reader: m.reader });
const correct: [Abi, boolean][] = [
  ['arm64', false],
  ['x86', false],
  ['x86', true],
  ['xen', false],
  ['xen', true],
];
for (const [abi, torn] of correct)
  await rate(`correct: ${abi}, ${torn ? 'torn' : 'atomic'} host`, { abi, torn, reader: consistentReadOf });
console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
