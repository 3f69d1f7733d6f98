// A worker process of the protocol fuzz (forked by fuzz-pool.ts with tsx and a heap limit): runs the jobs it is sent,
// one at a time, and sends back each answer.
import { runJob, type Job } from './fuzz-run.js';

process.on('message', (job: Job) => {
  void runJob(job).then(
    (answer) => process.send?.(answer),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(3);
    },
  );
});
