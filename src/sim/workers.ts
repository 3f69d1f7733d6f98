/**
 * An experiment's runs in worker threads (Node only): each run's row is collected by its index and handed on in run
 * order, so the output is the same bytes for any number of workers; one worker or one run runs in this thread.
 * @module
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { argError, checkFunction, checkObject, checkString, checkWhole } from '../check.js';
import { SchedacctError, type SchedacctErrorCode } from '../errors.js';
import { SimMetrics } from './metrics.js';
import { runRow, type RunPlace, type RunRow } from './report-rows.js';
import type { ResolvedScenario, SchedPolicy } from './types.js';

/** A run to do: where it is in its experiment, and what it runs. */
export interface RunJob extends RunPlace {
  /** The resolved scenario. */
  readonly scenario: ResolvedScenario;
}

/** What every run of an experiment shares (sent to each worker once). */
export interface RunSettings {
  /** How the task machines run. */
  readonly engine?: 'compiled' | 'xstate';
  /** A policy module to run instead of the scenario's shipped policy (an absolute path or URL). */
  readonly policyFile?: string;
  /** Where the scenario's relative paths (trace files) start. */
  readonly baseDir: string;
}

/** Options of {@link runRuns}. */
export interface RunRunsOptions {
  /** Worker threads (default 1: this thread). */
  readonly workers?: number;
  /** Takes each row, in run order. */
  readonly onRow: (row: RunRow) => void;
  /** Told after each run is done, with the number done. */
  readonly onDone?: (done: number) => void;
}

const policies = new Map<string, Promise<SchedPolicy>>();

/**
 * Runs one run in this thread: loads its inputs (and the policy module, once per file), simulates it with the metrics
 * listening, and makes its row.
 * @param job - the run
 * @param settings - what the runs share
 * @returns its row
 * @throws whatever loading or simulating throws (a `ScenarioError`, a `SchedacctError`)
 * @internal
 */
export async function executeRun(job: RunJob, settings: RunSettings): Promise<RunRow> {
  const [{ simulate }, { loadInputs }] = await Promise.all([import('./simulate.js'), import('./inputs.js')]);
  let policy: SchedPolicy | undefined;
  if (settings.policyFile !== undefined) {
    const file = settings.policyFile;
    let loading = policies.get(file);
    if (loading === undefined) {
      loading = import('./policies/load.js').then((m) => m.loadPolicy(file));
      policies.set(file, loading);
    }
    policy = await loading;
  }
  const inputs = await loadInputs(job.scenario, settings.baseDir);
  const metrics = new SimMetrics();
  const result = simulate(job.scenario, {
    observer: metrics,
    inputs,
    ...(settings.engine === undefined ? {} : { engine: settings.engine }),
    ...(policy === undefined ? {} : { policy }),
  });
  return runRow(job, { result, metrics });
}

/** What a worker answers. */
type Reply =
  | { readonly index: number; readonly row: RunRow }
  | { readonly index: number; readonly error: { readonly code?: string; readonly message: string } };

// The worker script beside this module: the built one, or the TypeScript source with the tests' loader (tsx)
// registered first (a worker's --import does not reach its entry module on Node 20).
function startWorker(settings: RunSettings): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./sim-worker.js', import.meta.url), { workerData: settings });
  const tsxPackage = pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = new URL('dist/esm/api/index.mjs', tsxPackage).href; // tsx's register(), as an ES module
  const entry = new URL('./sim-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: settings });
}

/**
 * Runs every job and hands each row on in run order: in this thread with one worker or one job, else in up to
 * `workers` threads, each taking the next job as it finishes one.
 * @param jobs - the runs
 * @param settings - what they share
 * @param options - workers, where rows and progress go
 * @returns when every row was handed on
 * @throws {@link SchedacctError} `invalid-argument` for bad arguments; the first run's error (with its code) otherwise
 * @example
 * ```ts
 * void runRuns; // see `schedacct simulate --sweep`
 * ```
 */
export async function runRuns(jobs: readonly RunJob[], settings: RunSettings, options: RunRunsOptions): Promise<void> {
  const list: unknown = jobs;
  if (!Array.isArray(list)) throw argError('invalid-argument', 'jobs', 'an array of runs', jobs);
  checkObject('settings', settings);
  checkObject('options', options);
  checkFunction('options.onRow', options.onRow);
  if (options.onDone !== undefined) checkFunction('options.onDone', options.onDone);
  checkString('settings.baseDir', settings.baseDir);
  if (settings.policyFile !== undefined) checkString('settings.policyFile', settings.policyFile);
  const workers = options.workers ?? 1;
  checkWhole('options.workers', workers, 1, 1024);
  if (workers === 1 || jobs.length <= 1) {
    for (const [k, job] of jobs.entries()) {
      options.onRow(await executeRun(job, settings));
      options.onDone?.(k + 1);
    }
    return;
  }
  await inWorkers(jobs, settings, Math.min(workers, jobs.length), options);
}

function inWorkers(jobs: readonly RunJob[], settings: RunSettings, n: number, options: RunRunsOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const rows = new Map<number, RunRow>();
    const pool: Worker[] = [];
    let next = 0;
    let emitted = 0;
    let failed = false;
    const stop = (error?: Error) => {
      failed = failed || error !== undefined;
      for (const w of pool) void w.terminate();
      if (error === undefined) resolve();
      else reject(error);
    };
    const give = (w: Worker) => {
      if (next < jobs.length) w.postMessage({ slot: next, job: jobs[next++] });
    };
    for (let k = 0; k < n; k++) {
      const w = startWorker(settings);
      pool.push(w);
      w.on('message', (reply: Reply & { slot: number }) => {
        if (failed) return;
        if ('error' in reply) {
          const code = reply.error.code as SchedacctErrorCode | undefined;
          stop(code === undefined ? new Error(reply.error.message) : new SchedacctError(code, reply.error.message));
          return;
        }
        rows.set(reply.slot, reply.row);
        // hand on every row whose predecessors are all in: run order, whichever worker finished first
        for (let row = rows.get(emitted); row !== undefined; row = rows.get(emitted)) {
          rows.delete(emitted++);
          options.onRow(row);
          options.onDone?.(emitted);
        }
        if (emitted === jobs.length) stop();
        else give(w);
      });
      w.on('error', (error) => {
        if (!failed) stop(error);
      });
      give(w);
    }
  });
}
