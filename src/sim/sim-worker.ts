/**
 * The worker thread of `runRuns` (workers.ts): takes runs one at a time, answers each with its row or its error.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { executeRun, type RunJob, type RunSettings } from './workers.js';

const port = parentPort;
const settings = workerData as RunSettings;
port?.on('message', (message: { slot: number; job: RunJob }) => {
  const { slot, job } = message;
  executeRun(job, settings).then(
    (row) => port.postMessage({ slot, index: job.index, row }),
    (error: unknown) => {
      const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
      const text = error instanceof Error ? error.message : String(error);
      port.postMessage({ slot, index: job.index, error: { ...(code === undefined ? {} : { code }), message: text } });
    },
  );
});
