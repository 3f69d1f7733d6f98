// One fuzz job: the stream of a seed, fed in process to a session (mixed) and its valid lines to another (clean), and
// perhaps also through `serve --stdio`, judged by the oracle. Runs in a worker process (fuzz-worker.ts) so that a hang
// or an exhausted heap is one failure with its seed.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Session, SessionOptions } from '../../src/protocol/types.js';
import { judge, runSession, type Violation } from './fuzz-oracle.js';
import { runServe } from './fuzz-serve.js';
import { buildStream } from './fuzz-stream.js';

/** A job: a stream and where it goes. */
export interface Job {
  readonly seed: number;
  readonly lines: number;
  /** Scale of the long-line and deep weights (1: as in the stream's table). */
  readonly heavy: number;
  /** Through `serve --stdio` too (the built command), with this time budget, ms. */
  readonly serveBudgetMs?: number;
}

/** A job's outcome. */
export interface Answer {
  readonly job: Job;
  readonly ms: number;
  /** Lines by category, `V …` valid and `B …` bad. */
  readonly counts: Readonly<Record<string, number>>;
  /** What the oracle found (at most 50), each with its line. */
  readonly violations: readonly (Violation & { readonly where: 'in-process' | 'serve'; readonly line: string })[];
  readonly total: number;
}

type CreateSession = (options?: SessionOptions) => Session;

const SESSION = fileURLToPath(new URL('../../src/protocol/session.ts', import.meta.url));

/** @returns whether part 1's session exists in this tree */
export const haveSession = (): boolean => existsSync(SESSION);

/**
 * Loads `createSession` (imported at run time so that this file compiles before the session exists).
 * @returns it
 */
export async function loadCreateSession(): Promise<CreateSession> {
  const mod = (await import(SESSION)) as { createSession: CreateSession };
  return mod.createSession;
}

const show = (text: string): string =>
  text.length > 300 ? `${text.slice(0, 300)}… (${String(text.length)} chars)` : text;

/**
 * Runs a job.
 * @param job - the job
 * @returns its answer
 */
export async function runJob(job: Job): Promise<Answer> {
  const started = performance.now();
  const items = buildStream(job.seed, job.lines, { heavy: job.heavy });
  const createSession = await loadCreateSession();
  const mixed = runSession(createSession(), items);
  const clean = runSession(createSession(), items, true);
  const found: Answer['violations'][number][] = [];
  const lineText = (i: number): string => {
    const p = items[i]?.payload;
    return p === undefined
      ? ''
      : 'text' in p
        ? show(JSON.stringify(p.text))
        : `snapshot.set from line ${String(p.snapshotFrom + 1)}`;
  };
  const add = (where: 'in-process' | 'serve', list: readonly Violation[]): void => {
    for (const v of list) if (found.length < 50) found.push({ ...v, where, line: lineText(v.index) });
  };
  add('in-process', [...mixed.violations, ...clean.violations.map((v) => ({ ...v, kind: `clean-${v.kind}` }))]);
  const judged = judge(items, mixed.replies, clean.replies);
  add('in-process', judged);
  let total = mixed.violations.length + clean.violations.length + judged.length;
  if (job.serveBudgetMs !== undefined) {
    const served = await runServe(items, job.serveBudgetMs);
    const end: Violation[] = [];
    if (served.hung)
      end.push({
        kind: 'hang',
        index: items.length - 1,
        message: `serve did not finish within ${String(job.serveBudgetMs)} ms`,
      });
    if (served.status !== 0)
      end.push({
        kind: 'crash',
        index: items.length - 1,
        message: `serve exited ${String(served.status)}: ${served.stderr.slice(-500)}`,
      });
    // standard error carries the server's log lines only: a runtime warning there (a listener leak) is a fault
    const noise = served.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('schedacct serve:'));
    if (noise.length > 0) end.push({ kind: 'stderr', index: items.length - 1, message: noise.slice(0, 3).join(' | ') });
    if (served.extra > 0)
      end.push({
        kind: 'extra-reply',
        index: items.length - 1,
        message: `${String(served.extra)} reply lines more than lines`,
      });
    const servedJudged = judge(items, served.replies, clean.replies);
    add('serve', [...end, ...servedJudged]);
    total += end.length + servedJudged.length;
  }
  const counts: Record<string, number> = {};
  for (const it of items) {
    const k = `${it.valid ? 'V' : 'B'} ${it.category.replace(' (variant)', '')}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return { job, ms: performance.now() - started, counts, violations: found, total };
}
