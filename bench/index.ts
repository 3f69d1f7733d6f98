// `npm run bench`: each measured task side by side with its reference in one run, reported as a ratio.
import { Bench } from 'tinybench';
import { addAccountingBench, SLICES } from './accounting.ts';

const bench = new Bench({ name: 'schedacct', time: 2000, warmupTime: 500 });
const accounting = addAccountingBench(bench);
await bench.run();

const byName = new Map(bench.tasks.map((t) => [t.name, t]));
function perSecond(name: string, unitsPerIteration: number): { rate: number; rme: number } {
  const result = byName.get(name)?.result;
  if (result === undefined || !('period' in result)) throw new Error(`benchmark ${name} did not complete`);
  return { rate: (unitsPerIteration * 1000) / result.period, rme: result.latency.rme };
}

console.log(`schedacct benchmarks (node ${process.version}, ${new Date().toISOString()})\n`);
const core = perSecond(accounting.core, SLICES);
const ref = perSecond(accounting.reference, SLICES);
const rows = [
  { name: accounting.core, rate: core },
  { name: accounting.reference, rate: ref },
];
for (const row of rows) {
  console.log(
    `${row.name.padEnd(48)} ${(row.rate.rate / 1e6).toFixed(2).padStart(8)} M slices/s  ±${row.rate.rme.toFixed(1)}%`,
  );
}
const ratio = ref.rate / core.rate;
console.log(
  `\naccounting: the plain loop is ${ratio.toFixed(2)}× the core (goal: core within 3×) ${ratio <= 3 ? 'MET' : 'NOT MET'}`,
);
