// Runs fuzz jobs in worker processes with a heap limit, so that an input that exhausts memory or kills the process is
// one failure with its seed, not the end of the run; with a time budget, a job that takes longer is killed and called
// a hang. The trace fuzz (test/fuzz/pool.ts) and the protocol fuzz (test/protocol/fuzz-pool.ts) are both this pool.
import { fork } from 'node:child_process';

/** Options of {@link runInWorkers}. */
export interface ProcessPoolOptions<J extends object, A> {
  /** Worker processes. */
  readonly workers: number;
  /** Heap limit of each, MB. */
  readonly heapMb: number;
  /** Kill a job after this long and call it a hang (undefined: never; the test's timeout shows a hang). */
  readonly hangMs?: number;
  /** Called with each answer as it comes. */
  readonly onAnswer?: (answer: A) => void;
  /** Called as each job is given to a worker. */
  readonly onStart?: (job: J) => void;
  /** The answer for a job its worker never answered: killed after `hangMs`, or died. */
  readonly failed: (job: J, outcome: 'hang' | 'crash', why: string) => A;
}

/**
 * @param worker - the worker module's path: it answers each job it is sent with one message
 * @param jobs - the jobs, in order
 * @param options - see {@link ProcessPoolOptions}
 * @returns every job's answer, in the order they finished
 */
export function runInWorkers<J extends object, A>(
  worker: string,
  jobs: readonly J[],
  options: ProcessPoolOptions<J, A>,
): Promise<A[]> {
  const answers: A[] = [];
  let next = 0;
  let running = 0;
  return new Promise((resolve) => {
    const finish = (answer: A): void => {
      answers.push(answer);
      options.onAnswer?.(answer);
    };
    const start = (): void => {
      running++;
      const child = fork(worker, [], {
        execArgv: ['--import', 'tsx', `--max-old-space-size=${String(options.heapMb)}`],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-3000);
      });
      let current: J | undefined;
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
      child.on('message', (answer: A) => {
        clearTimeout(timer);
        current = undefined;
        finish(answer);
        give();
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (current !== undefined) {
          const detail = /heap out of memory/.test(stderr)
            ? 'JavaScript heap out of memory'
            : stderr.trim().split('\n').slice(-6).join(' | ');
          const why = hung
            ? `no answer within ${String(options.hangMs)} ms: killed`
            : `the worker died (${signal ?? `exit ${String(code)}`}): ${detail}`;
          finish(options.failed(current, hung ? 'hang' : 'crash', why));
          current = undefined;
        }
        running--;
        if (next < jobs.length) start();
        else if (running === 0) resolve(answers);
      });
      give();
    };
    if (jobs.length === 0) resolve(answers);
    for (let w = 0; w < Math.min(options.workers, jobs.length); w++) start();
  });
}
