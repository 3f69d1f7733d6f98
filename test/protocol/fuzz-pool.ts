// Runs protocol fuzz jobs in worker processes with a heap limit and a time budget per job, so that a session that
// hangs or exhausts its heap is one failure with its seed (a reproducer), not the end of the run.
import { fork } from 'node:child_process';
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
  const answers: Answer[] = [];
  let next = 0;
  let running = 0;
  return new Promise((resolve) => {
    const finish = (a: Answer): void => {
      answers.push(a);
      options.onAnswer?.(a);
    };
    const start = (): void => {
      running++;
      const child = fork(WORKER, [], {
        execArgv: ['--import', 'tsx', `--max-old-space-size=${String(options.heapMb)}`],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-3000)));
      let current: Job | undefined;
      let timer: NodeJS.Timeout | undefined;
      let hung = false;
      const give = (): void => {
        current = jobs[next++];
        if (current === undefined) {
          child.disconnect();
          return;
        }
        child.send(current);
        timer = setTimeout(() => {
          hung = true;
          child.kill('SIGKILL');
        }, options.budgetMs);
      };
      child.on('message', (a: Answer) => {
        clearTimeout(timer);
        current = undefined;
        finish(a);
        give();
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (current !== undefined) {
          const why = hung
            ? `no answer within ${String(options.budgetMs)} ms: killed`
            : `the worker died (${signal ?? `exit ${String(code)}`}): ${stderr.trim().split('\n').slice(-6).join(' | ')}`;
          finish(failed(current, hung ? 'hang' : 'crash', why));
        }
        running--;
        if (next < jobs.length) start();
        else if (running === 0) resolve(answers);
      });
      give();
    };
    if (jobs.length === 0) resolve(answers);
    for (let i = 0; i < Math.min(options.workers, jobs.length); i++) start();
  });
}
