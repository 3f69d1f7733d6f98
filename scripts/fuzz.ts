// `npm run fuzz [-- --seed S --runs N --category NAME --input SEED --workers W]`: the fuzz suite at full scale
// (test/fuzz/): N whole traces (default 100 000) from the seed, spread over the categories by weight and over the
// cores, each judged by the oracle; prints the counts per category and outcome and a reproducer for every kind of
// failure, and exits 1 if there was any.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { CATEGORIES, category, inputSeed } from '../test/fuzz/cases.ts';
import { below, rngOf } from '../test/fuzz/draft.ts';
import { FAILURES, type Outcome } from '../test/fuzz/oracle.ts';
import { runJobs } from '../test/fuzz/pool.ts';
import type { Answer, Job } from '../test/fuzz/worker.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '100000' },
    category: { type: 'string' },
    input: { type: 'string' },
    workers: { type: 'string', default: String(availableParallelism()) },
    'hang-ms': { type: 'string', default: '60000' },
    scale: { type: 'string', default: 'full' },
  },
});
const whole = (name: string, text: string | undefined): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} takes a whole number ≥ 0, got ${String(text)}`);
  return n;
};
const runSeed = whole('seed', values.seed);
const scale = values.scale === 'test' ? 'test' : 'full';
const chosen = values.category === undefined ? undefined : category(values.category);

// The jobs: one input seed given (a reproducer), or N drawn from the run's seed.
const jobs: Job[] = [];
if (values.input !== undefined) {
  jobs.push({ category: (chosen ?? category('bytes')).name, seed: whole('input', values.input), scale });
} else {
  const runs = whole('runs', values.runs);
  const rng = rngOf(runSeed);
  const total = CATEGORIES.reduce((sum, c) => sum + c.weight, 0);
  for (let i = 0; i < runs; i++) {
    let r = (below(rng, 1_000_000) / 1_000_000) * total;
    const c = chosen ?? CATEGORIES.find((x) => (r -= x.weight) < 0) ?? category('bytes');
    jobs.push({ category: c.name, seed: inputSeed(runSeed, i), scale });
  }
}

const counts = new Map<string, Map<Outcome, number>>();
const slowest = new Map<string, { ms: number; seed: number }>();
const examples = new Map<string, string>();
let done = 0;
const started = Date.now();
const onAnswer = (a: Answer): void => {
  const byOutcome = counts.get(a.job.category) ?? new Map<Outcome, number>();
  byOutcome.set(a.verdict.outcome, (byOutcome.get(a.verdict.outcome) ?? 0) + 1);
  counts.set(a.job.category, byOutcome);
  if (a.ms !== undefined && a.ms > (slowest.get(a.job.category)?.ms ?? -1)) {
    slowest.set(a.job.category, { ms: a.ms, seed: a.job.seed });
  }
  const key = `${a.job.category} ${a.verdict.outcome}`;
  if (a.reproducer !== undefined && !examples.has(key)) examples.set(key, a.reproducer);
  if (++done % 5000 === 0)
    console.error(
      `fuzz: ${String(done)} of ${String(jobs.length)} (${String(Math.round((Date.now() - started) / 1000))} s)`,
    );
};
console.error(
  `fuzz: ${String(jobs.length)} inputs, seed ${String(runSeed)}, ${values.workers} workers, scale ${scale}`,
);
await runJobs(jobs, {
  workers: whole('workers', values.workers),
  heapMb: 2048,
  hangMs: whole('hang-ms', values['hang-ms']),
  onAnswer,
});

const outcomes: Outcome[] = ['ok', 'malformed', 'not-a-trace', ...FAILURES];
const width = Math.max(...outcomes.map((o) => o.length), 7);
console.log(`\n${'category'.padEnd(12)}${outcomes.map((o) => o.padStart(width + 1)).join('')}`);
const totals = new Map<Outcome, number>();
for (const c of CATEGORIES) {
  const row = counts.get(c.name);
  if (row === undefined) continue;
  console.log(`${c.name.padEnd(12)}${outcomes.map((o) => String(row.get(o) ?? 0).padStart(width + 1)).join('')}`);
  for (const [o, n] of row) totals.set(o, (totals.get(o) ?? 0) + n);
}
console.log(`${'total'.padEnd(12)}${outcomes.map((o) => String(totals.get(o) ?? 0).padStart(width + 1)).join('')}`);
console.log('\nslowest input per category (a hang is one killed after --hang-ms):');
for (const [name, { ms, seed }] of slowest)
  console.log(`  ${name.padEnd(12)} ${String(ms).padStart(7)} ms  --input ${String(seed)}`);
const failures = FAILURES.reduce((sum, o) => sum + (totals.get(o) ?? 0), 0);
console.log(
  `\n${String(done)} inputs in ${String(Math.round((Date.now() - started) / 1000))} s: ${String(failures)} broke the contract`,
);
for (const [key, text] of examples) console.log(`\n--- ${key}\n${text}`);
process.exitCode = failures === 0 ? 0 : 1;
