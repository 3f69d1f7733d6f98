// Runs protocol fuzz jobs in worker processes (test/fuzz/process-pool.ts) with a heap limit and a time budget per job, so that a session that
// hangs or exhausts its heap is one failure with its seed (a reproducer), not the end of the run.
import { runInWorkers } from '../fuzz/process-pool.js';
import type { Answer, Job } from './fuzz-run.js';

const WORKER = new URL('./fuzz-worker.ts', import.meta.url).pathname;

/** Options of {@link runJobs}. */
export interface PoolOptions {
  readonly workers: number;
  readonly heapMb: number;
  /** Kill a job after this long and count it a hang (a budget, not a speed requirement). */
  readonly budgetMs: number;
  /** Called with each answer as it comes. */
  readonly onAnswer?: (answer: Answer) => void;
}

function failed(job: Job, kind: string, message: string): Answer {
  return {
    job,
    ms: 0,
    counts: {},
    violations: [{ kind, index: -1, message, where: 'in-process', line: '' }],
    total: 1,
  };
}

/**
 * @param jobs - the jobs
 * @param options - see {@link PoolOptions}
 * @returns every job's answer, in the order they finished
 */
export function runJobs(jobs: readonly Job[], options: PoolOptions): Promise<Answer[]> {
  return runInWorkers<Job, Answer>(WORKER, jobs, {
    workers: options.workers,
    heapMb: options.heapMb,
    hangMs: options.budgetMs,
    ...(options.onAnswer === undefined ? {} : { onAnswer: options.onAnswer }),
    failed: (job, kind, why) => failed(job, kind, why),
  });
}
