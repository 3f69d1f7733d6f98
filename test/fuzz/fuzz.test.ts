// The seeded fuzz suite at test scale: whole traces of every reader (perf script, ftrace, trace-cmd) per category,
// each judged by test/fuzz/oracle.ts in a worker process (an input that exhausts its heap is a crash with its seed).
// A hang shows as this test's timeout. `npm run fuzz` runs the same categories at full scale, 100 000 inputs.
import { describe, expect, it, onTestFailed } from 'vitest';
import { CATEGORIES, inputSeed } from './cases.js';
import { FAILURES } from './oracle.js';
import { runJobs } from './pool.js';
import type { Job } from './worker.js';

// Inputs per category: two thousand in all (many-tasks' are 2 000 and 5 000 tasks; npm run fuzz goes to 200 000).
const RUNS: Readonly<Record<string, number>> = {
  bytes: 800,
  numbers: 300,
  'long-lines': 10,
  whitespace: 120,
  comments: 120,
  'time-order': 250,
  'many-tasks': 2,
  'tid-reuse': 150,
  mixed: 250,
};
const SEED = 12;
// A hang detector, not a speed requirement: each category's inputs take seconds.
const TIMEOUT_MS = 240_000;

describe('fuzz: whole traces through readTrace, judged by the oracle', () => {
  for (const c of CATEGORIES) {
    it(
      `${c.name}: ${String(RUNS[c.name] ?? 0)} inputs, no crash, hang, throw, negative or uncounted line`,
      async () => {
        const jobs: Job[] = Array.from({ length: RUNS[c.name] ?? 0 }, (_, i) => ({
          category: c.name,
          seed: inputSeed(SEED, i),
          scale: 'test',
        }));
        // Each kind of failure is printed as it comes, and the input in flight if the test times out (a hang).
        const printed = new Set<string>();
        let inFlight: Job | undefined;
        onTestFailed(() => {
          if (inFlight !== undefined) {
            console.error(
              `fuzz ${c.name}: in flight at the end: npm run fuzz -- --category ${c.name} --input ${String(inFlight.seed)}`,
            );
          }
        });
        const answers = await runJobs(jobs, {
          workers: 1,
          heapMb: 384,
          onStart: (job) => (inFlight = job),
          onAnswer: (a) => {
            inFlight = undefined;
            if (a.reproducer === undefined || printed.has(a.verdict.outcome)) return;
            printed.add(a.verdict.outcome);
            console.error(`fuzz ${c.name}: ${a.verdict.outcome}\n${a.reproducer}`);
          },
        });
        const failed = answers.filter((a) => FAILURES.includes(a.verdict.outcome));
        const kinds = new Map<string, string>();
        for (const a of failed) if (!kinds.has(a.verdict.outcome)) kinds.set(a.verdict.outcome, a.reproducer ?? '');
        const report = [...kinds].map(
          ([outcome, text]) =>
            `${outcome} (${String(failed.filter((a) => a.verdict.outcome === outcome).length)}):\n${text}`,
        );
        expect(answers).toHaveLength(jobs.length);
        expect(
          report.join('\n\n'),
          `${String(failed.length)} of ${String(jobs.length)} inputs broke the contract`,
        ).toBe('');
      },
      TIMEOUT_MS,
    );
  }
});
