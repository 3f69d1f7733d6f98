// Runs fuzz jobs in worker processes with a heap limit, so that an input that exhausts memory or kills the process
// is one crash with its seed, not the end of the run. With `hangMs` (npm run fuzz only) a job that takes longer is
// killed and counted as a hang; without it (the unit tests) a hang shows as the test's timeout.
import { fork, type ChildProcess } from 'node:child_process';
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
  const answers: Answer[] = [];
  let next = 0;
  return new Promise((resolve) => {
    let running = 0;
    const finish = (answer: Answer): void => {
      answers.push(answer);
      options.onAnswer?.(answer);
    };
    const start = (): void => {
      running++;
      const child: ChildProcess = fork(WORKER, [], {
        execArgv: ['--import', 'tsx', `--max-old-space-size=${String(options.heapMb)}`],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
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
        options.onStart?.(current);
        if (options.hangMs !== undefined) {
          timer = setTimeout(() => {
            hung = true;
            child.kill('SIGKILL');
          }, options.hangMs);
        }
      };
      child.on('message', (answer: Answer) => {
        clearTimeout(timer);
        finish(answer);
        give();
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (current !== undefined) {
          const outcome = hung ? 'hang' : 'crash';
          const why = hung
            ? `no answer within ${String(options.hangMs)} ms: killed`
            : `the process died (${signal ?? `exit ${String(code)}`}): ${/heap out of memory/.test(stderr) ? 'JavaScript heap out of memory' : stderr.trim().split('\n').slice(-3).join(' | ')}`;
          finish({
            job: current,
            verdict: { outcome, violations: [{ outcome, message: why }], lines: 0 },
            reproducer: `npm run fuzz -- --category ${current.category} --input ${String(current.seed)}\n  ${why}`,
          });
          current = undefined;
          if (next < jobs.length) {
            start();
          }
        }
        running--;
        if (running === 0) resolve(answers);
      });
      give();
    };
    for (let w = 0; w < Math.min(options.workers, jobs.length); w++) start();
    if (jobs.length === 0) resolve(answers);
  });
}
