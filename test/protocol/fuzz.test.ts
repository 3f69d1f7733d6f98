// The protocol fuzz at test scale: 10 000 lines in process across seeds (valid model-mode sessions with truncated JSON,
// wrong types, huge numbers, NUL bytes, invalid UTF-8, 1 MiB lines, deep nesting, duplicate and __proto__ keys, bad
// batch elements and valid messages out of order mixed in), and a slice through the built `serve --stdio`; each job
// in a worker process with a heap limit and a time budget, judged by fuzz-oracle.ts. `npm run fuzz:protocol` runs
// millions of lines and prints the same reproducers.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/protocol/types.js';
import { judge, runSession } from './fuzz-oracle.js';
import { runJobs } from './fuzz-pool.js';
import { haveSession, loadCreateSession, type Answer, type Job } from './fuzz-run.js';
import { buildStream } from './fuzz-stream.js';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const LINES = 1250; // × 8 seeds: 10 000 lines in process
const SERVE_SEEDS = [101, 102];
const SERVE_LINES = 500;
// A hang detector, not a speed requirement: a job takes a few seconds.
const BUDGET_MS = 120_000;
const serveBuilt = existsSync(fileURLToPath(new URL('../../src/protocol/serve.ts', import.meta.url)));

function report(answers: readonly Answer[]): string {
  const lines: string[] = [];
  for (const a of answers) {
    for (const v of a.violations.slice(0, 5)) {
      lines.push(
        `${v.where} ${v.kind} at line ${String(v.index + 1)}: ${v.message}\n    line: ${v.line}\n` +
          `    reproduce: npm run fuzz:protocol -- --seed ${String(a.job.seed)} --lines ${String(a.job.lines)} --show ${String(v.index + 1)}${a.job.serveBudgetMs === undefined ? '' : ' --serve'}`,
      );
    }
    if (a.total > 5) lines.push(`  … ${String(a.total)} in all for seed ${String(a.job.seed)}`);
  }
  return lines.join('\n');
}

describe('the protocol fuzz stream', () => {
  it('is the same for the same seed, and mixes every bad category with valid lines', () => {
    const a = buildStream(9, 2000);
    const b = buildStream(9, 2000);
    expect(a.map((i) => JSON.stringify(i.payload))).toEqual(b.map((i) => JSON.stringify(i.payload)));
    expect(a).toHaveLength(2000);
    const categories = new Set(a.filter((i) => !i.valid).map((i) => i.category));
    for (const c of [
      'truncated',
      'wrong-type',
      'missing',
      'huge',
      'nul',
      'utf8',
      'order',
      'dup-key',
      'proto',
      'batch',
    ]) {
      expect(categories).toContain(c);
    }
    const valid = a.filter((i) => i.valid).length;
    expect(valid).toBeGreaterThan(1000);
    expect(a.at(-1)?.id).toBe('final-anomalies');
  });
});

/** A session with one fault, to prove the oracle sees it: `answer` rewrites a reply to a line. */
function faulty(inner: Session, answer: (line: string, reply: string, inner: Session) => string): Session {
  return {
    request: (m) => inner.request(m),
    requestLine: (line) => answer(line, inner.requestLine(line), inner),
    get closed() {
      return inner.closed;
    },
  };
}

const isError = (reply: string): boolean => reply.includes('"error":{"code"');

describe.skipIf(!haveSession())('the protocol fuzz oracle finds a faulty session', async () => {
  const createSession = haveSession() ? await loadCreateSession() : undefined;
  const items = buildStream(21, 600);
  const kinds = (session: (inner: Session) => Session): Set<string> => {
    if (createSession === undefined) throw new Error('no session');
    const mixed = runSession(session(createSession()), items);
    const clean = runSession(session(createSession()), items, true);
    return new Set([...mixed.violations, ...judge(items, mixed.replies, clean.replies)].map((v) => v.kind));
  };
  it('finds nothing in the session as it is, whose ledger shows steal charged and anomalies found', () => {
    expect(kinds((s) => s)).toEqual(new Set());
    if (createSession === undefined) throw new Error('no session');
    const clean = runSession(createSession(), items, true).replies;
    const ledger = JSON.parse(clean.at(-2) ?? 'null') as { result: { tasks: { stolenNs: string; slices: number }[] } };
    const anomalies = JSON.parse(clean.at(-1) ?? 'null') as { result: { total: number } };
    expect(ledger.result.tasks.some((t) => BigInt(t.stolenNs) > 0n)).toBe(true);
    expect(ledger.result.tasks.reduce((n, t) => n + t.slices, 0)).toBeGreaterThan(50);
    expect(anomalies.result.total).toBeGreaterThan(0);
  });
  it('a bad line accepted', () => {
    const fake = (s: Session): Session =>
      faulty(s, (line, r) => (line.includes('\u0000') && isError(r) ? '{"id":null,"now":"0","result":{}}' : r));
    expect(kinds(fake)).toContain('accepted-bad');
  });
  it('a bad line that moved the time on', () => {
    const leak = (s: Session): Session =>
      faulty(s, (line, r, inner) => {
        const now = /"now":"(\d+)"/.exec(line)?.[1];
        if (isError(r) && now !== undefined)
          inner.request({ now: String(BigInt(now) + 10n ** 12n), method: 'ledger.get' });
        return r;
      });
    const found = kinds(leak);
    expect(found.has('rejected-valid') || found.has('diverged')).toBe(true);
  });
  it('a time as a number, an error without its line, a throw', () => {
    expect(kinds((s) => faulty(s, (_l, r) => r.replace(/"now":"(\d+)"/, '"now":$1')))).toContain('bad-time');
    expect(kinds((s) => faulty(s, (_l, r) => r.replace(/"line":\d+/, '"line":0')))).toContain('wrong-id');
    const thrower = (s: Session): Session =>
      faulty(s, (line, r) => (line.startsWith('[[[') ? (undefined as unknown as string).trim() : r));
    expect(kinds(thrower)).toContain('throw');
  });
});

describe.skipIf(!haveSession())('protocol fuzz: mixed streams against clean ones', () => {
  it(`${String(SEEDS.length * LINES)} lines in process: every line one reply, every bad line an error, the same ledger`, async () => {
    const jobs: Job[] = SEEDS.map((seed) => ({ seed, lines: LINES, heavy: 1 }));
    const answers = await runJobs(jobs, { workers: 1, heapMb: 1024, budgetMs: BUDGET_MS });
    expect(answers).toHaveLength(jobs.length);
    const lines = answers.reduce((n, a) => n + Object.values(a.counts).reduce((x, y) => x + y, 0), 0);
    expect(lines).toBe(SEEDS.length * LINES);
    expect(report(answers.filter((a) => a.total > 0))).toBe('');
  }, 600_000);

  it.skipIf(!serveBuilt)(
    `${String(SERVE_SEEDS.length * SERVE_LINES)} lines through serve --stdio, as bytes`,
    async () => {
      const jobs: Job[] = SERVE_SEEDS.map((seed) => ({
        seed,
        lines: SERVE_LINES,
        heavy: 4,
        serveBudgetMs: BUDGET_MS / 2,
      }));
      const answers = await runJobs(jobs, { workers: 1, heapMb: 1024, budgetMs: BUDGET_MS });
      expect(answers).toHaveLength(jobs.length);
      expect(report(answers.filter((a) => a.total > 0))).toBe('');
    },
    600_000,
  );
});
