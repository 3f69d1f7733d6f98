// `npm run fuzz:protocol [-- --seed S --lines N --per-job L --workers W --serve-every K --budget-ms MS]`: the protocol
// fuzz at full scale (test/protocol/fuzz-*.ts): N lines (default 1 000 000) as jobs of L lines, job i's stream seeded
// from S and i, every K-th job also through the built `serve --stdio`, each job in a worker process with a heap limit
// and a time budget; prints lines per category, the slowest job, and a reproducer for every kind of failure; exits 1
// if there was any. `--seed J --lines L --show I` runs one job again and prints its line I, both replies and what the
// oracle found there (what a failure's reproducer says).
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { createSessionLoader, showLine } from '../test/protocol/fuzz-show.ts';
import { runJobs } from '../test/protocol/fuzz-pool.ts';
import type { Answer, Job } from '../test/protocol/fuzz-run.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    lines: { type: 'string', default: '1000000' },
    'per-job': { type: 'string', default: '2000' },
    workers: { type: 'string', default: String(Math.max(1, availableParallelism() - 1)) },
    'serve-every': { type: 'string', default: '10' },
    'budget-ms': { type: 'string', default: '300000' },
    show: { type: 'string' },
    serve: { type: 'boolean', default: false },
  },
});
const whole = (name: string, text: string | undefined): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} takes a whole number ≥ 0, got ${String(text)}`);
  return n;
};
const seed = whole('seed', values.seed);
const lines = whole('lines', values.lines);

if (values.show !== undefined) {
  await showLine(await createSessionLoader(), seed, lines, whole('show', values.show), values.serve);
} else {
  const perJob = Math.max(8, whole('per-job', values['per-job']));
  const serveEvery = whole('serve-every', values['serve-every']);
  const budgetMs = whole('budget-ms', values['budget-ms']);
  const jobs: Job[] = [];
  for (let i = 0, left = lines; left > 0; i++, left -= perJob) {
    const jobSeed = (Math.imul(seed, 1_000_003) + i) >>> 0;
    const serve = serveEvery > 0 && i % serveEvery === serveEvery - 1;
    jobs.push({
      seed: jobSeed,
      lines: Math.max(8, Math.min(perJob, left)),
      heavy: 1,
      ...(serve ? { serveBudgetMs: budgetMs / 2 } : {}),
    });
  }
  const started = performance.now();
  const counts = new Map<string, number>();
  const failures = new Map<string, string>();
  let done = 0;
  let linesDone = 0;
  let slowest: Answer | undefined;
  const onAnswer = (a: Answer): void => {
    done++;
    for (const [k, n] of Object.entries(a.counts)) counts.set(k, (counts.get(k) ?? 0) + n);
    linesDone += a.job.lines;
    if (slowest === undefined || a.ms > slowest.ms) slowest = a;
    for (const v of a.violations) {
      const key = `${v.where} ${v.kind}`;
      if (failures.has(key)) continue;
      const serve = a.job.serveBudgetMs === undefined ? '' : ' --serve';
      failures.set(
        key,
        `${v.message}\n    line: ${v.line}\n    reproduce: npm run fuzz:protocol -- --seed ${String(a.job.seed)} --lines ${String(a.job.lines)} --show ${String(v.index + 1)}${serve}`,
      );
      console.error(`FAIL ${key} (seed ${String(a.job.seed)}, line ${String(v.index + 1)})`);
    }
    if (done % 20 === 0 || done === jobs.length) {
      const s = (performance.now() - started) / 1000;
      console.error(
        `${String(done)}/${String(jobs.length)} jobs, ${String(linesDone)} lines, ${s.toFixed(0)} s (${(linesDone / s).toFixed(0)} lines/s)`,
      );
    }
  };
  const workers = Math.max(1, whole('workers', values.workers));
  await runJobs(jobs, { workers, heapMb: 1536, budgetMs, onAnswer });
  const table = [...counts].sort(([a], [b]) => a.localeCompare(b));
  console.log(
    `protocol fuzz: seed ${String(seed)}, ${String(linesDone)} lines in ${String(jobs.length)} jobs of ${String(perJob)}`,
  );
  for (const [k, n] of table) console.log(`  ${k.padEnd(28)} ${String(n).padStart(10)}`);
  if (slowest !== undefined)
    console.log(`slowest job: seed ${String(slowest.job.seed)}, ${(slowest.ms / 1000).toFixed(1)} s`);
  if (failures.size === 0) console.log('no failures');
  for (const [k, text] of failures) console.log(`\n${k}: ${text}`);
  process.exitCode = failures.size === 0 ? 0 : 1;
}
