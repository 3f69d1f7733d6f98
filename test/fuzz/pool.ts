// The trace fuzz's jobs in worker processes (test/fuzz/process-pool.ts): with `hangMs` (npm run fuzz only) a job that
// takes longer is killed and counted as a hang; without it (the unit tests) a hang shows as the test's timeout.
import { runInWorkers } from './process-pool.js';
import type { Answer, Job } from './worker.js';

/** Options of {@link runJobs}. */
export interface PoolOptions {
  /** Worker processes. */
  readonly workers: number;
  /** Heap limit of each, MB. */
  readonly heapMb: number;
  /** Kill a job after this long and call it a hang (undefined: never). */
  readonly hangMs?: number;
  /** Called with each answer as it comes. */
  readonly onAnswer?: (answer: Answer) => void;
  /** Called as each job is given to a worker. */
  readonly onStart?: (job: Job) => void;
}

const WORKER = new URL('./worker.ts', import.meta.url).pathname;

/**
 * @param jobs - the jobs, in order
 * @param options - see {@link PoolOptions}
 * @returns every job's answer (in the order they finished)
 */
export function runJobs(jobs: readonly Job[], options: PoolOptions): Promise<Answer[]> {
  return runInWorkers<Job, Answer>(WORKER, jobs, {
    ...options,
    failed: (job, outcome, why) => ({
      job,
      verdict: { outcome, violations: [{ outcome, message: why }], lines: 0 },
      reproducer: `npm run fuzz -- --category ${job.category} --input ${String(job.seed)}\n  ${why}`,
    }),
  });
}
