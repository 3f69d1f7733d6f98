// A fuzz worker process (run by pool.ts with `node --import tsx`): makes each input it is sent, judges it, and
// answers with the verdict; a failure comes back with a reproducer, shrunk while it still fails the same way.
import { category, type Scale } from './cases.js';
import { textOf, type FuzzInput } from './draft.js';
import { FAILURES, judge, type Verdict } from './oracle.js';

/** A job: one input of a category, by seed. */
export interface Job {
  readonly category: string;
  readonly seed: number;
  readonly scale: Scale;
}

/** A worker's answer. */
export interface Answer {
  readonly job: Job;
  readonly verdict: Verdict;
  /** How long making and judging it took (the script reports the slowest; no test asserts on it). */
  readonly ms?: number;
  /** For a failure: what was done, and the lines that still fail, shrunk. */
  readonly reproducer?: string;
}

const SHRINK_RUNS = 200;
// Each kind of failure is shrunk once per process (shrinking costs up to SHRINK_RUNS reads): the first is the example.
const shrunk = new Set<string>();

// Drops chunks of lines while the input still fails with the same outcome (ddmin, bounded).
async function shrink(input: FuzzInput, outcome: Verdict['outcome']): Promise<FuzzInput> {
  let best = input;
  let runs = 0;
  for (let chunk = Math.ceil(best.lines.length / 2); chunk >= 1 && runs < SHRINK_RUNS; chunk = Math.floor(chunk / 2)) {
    for (let at = 0; at < best.lines.length && runs < SHRINK_RUNS;) {
      const lines = [...best.lines.slice(0, at), ...best.lines.slice(at + chunk)];
      const candidate = { ...best, lines, strict: best.strict && outcome === 'strict' };
      runs++;
      if (lines.length > 0 && (await judge(candidate)).outcome === outcome) best = candidate;
      else at += chunk;
    }
  }
  return best;
}

const show = (text: string): string =>
  JSON.stringify(text.length > 300 ? `${text.slice(0, 150)}…(${String(text.length)} chars)…${text.slice(-100)}` : text);

/**
 * @param input - the failing input
 * @param verdict - how it failed
 * @returns the reproducer: the category and seed, what was done, and the shrunk lines (long ones abridged)
 */
export async function reproducer(input: FuzzInput, verdict: Verdict): Promise<string> {
  const key = `${input.category} ${verdict.outcome}`;
  const first = !shrunk.has(key);
  shrunk.add(key);
  const small =
    first && input.lines.length <= 20_000 && input.expected === undefined
      ? await shrink(input, verdict.outcome)
      : input;
  const lines = small.lines.length <= 40 ? small.lines : small.lines.filter((l) => l.touched).slice(0, 20);
  return [
    `npm run fuzz -- --category ${input.category} --input ${String(input.seed)}   (${input.chunkBytes === 0 ? 'lines as strings' : `bytes in chunks of ${String(input.chunkBytes)}`}${input.strict ? ', strict' : ''}${input.rows ? ', rows' : ''})`,
    ...input.notes.slice(0, 12).map((n) => `  ${n}`),
    `  ${verdict.violations[0]?.message ?? verdict.outcome}`,
    `  minimal input (${String(small.lines.length)} lines${lines.length < small.lines.length ? ', the touched ones shown' : ''}):`,
    ...lines.map((l) => `    ${show(textOf(l.data))}`),
  ].join('\n');
}

/**
 * Runs one job.
 * @param job - the job
 * @returns the answer
 */
export async function run(job: Job): Promise<Answer> {
  const started = performance.now();
  const input = category(job.category).make(job.seed, job.scale);
  const verdict = await judge(input);
  const ms = Math.round(performance.now() - started);
  if (!FAILURES.includes(verdict.outcome)) return { job, verdict, ms };
  return { job, verdict, ms, reproducer: await reproducer(input, verdict) };
}

if (process.send !== undefined) {
  const send = process.send.bind(process);
  process.on('message', (job: Job) => {
    void run(job).then((answer) => send(answer));
  });
  process.on('disconnect', () => process.exit(0));
}
