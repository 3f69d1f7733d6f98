// The oracle: an input through `readTrace` as the CLI reads it, and everything that must hold of what it gave.
// Bad input is data: no throw but SchedacctError `invalid-argument` for what is no trace (and `strict-anomaly` under
// strict), no negative or non-finite number in the ledger, the rows or the reports, every line counted and every
// malformed line numbered, and only lines a mutation touched called malformed.
import { Ledger } from '../../src/accounting/ledger.js';
import { SchedacctError } from '../../src/errors.js';
import { detectFormat, isComment } from '../../src/trace/format.js';
import { readTrace, type ReadResult } from '../../src/trace/read.js';
import { summaryLines } from '../../src/trace/report.js';
import type { InfoRow, TimehistRow } from '../../src/trace/rows.js';
import { delivery, linesGiven, textOf, type Expected, type FuzzInput } from './draft.js';

/** What an input gave: fine outcomes, and the ways the contract can break. */
export type Outcome =
  | 'ok'
  | 'malformed'
  | 'not-a-trace'
  | 'crash'
  | 'hang'
  | 'thrown'
  | 'negative'
  | 'non-finite'
  | 'miscount'
  | 'false-malformed'
  | 'accepted-bad'
  | 'misdetected'
  | 'strict'
  | 'expectation';

/** The outcomes that are a broken contract. */
export const FAILURES: readonly Outcome[] = [
  'crash',
  'hang',
  'thrown',
  'negative',
  'non-finite',
  'miscount',
  'false-malformed',
  'accepted-bad',
  'misdetected',
  'strict',
  'expectation',
];

/** One broken rule. */
export interface Violation {
  readonly outcome: Outcome;
  readonly message: string;
}

/** The verdict on one input. */
export interface Verdict {
  readonly outcome: Outcome;
  readonly violations: readonly Violation[];
  readonly lines: number;
}

// Room for every anomaly in detail, so every malformed line's number can be checked.
const DETAILS = 10_000_000;

const describeError = (e: unknown): string =>
  e instanceof Error
    ? `${e.name}${e instanceof SchedacctError ? ` ${e.code}` : ''}: ${e.message.slice(0, 300)}`
    : String(e);

/**
 * Runs one input and judges it.
 * @param input - the input
 * @returns the verdict
 */
export async function judge(input: FuzzInput): Promise<Verdict> {
  const v: Violation[] = [];
  const add = (outcome: Outcome, message: string): void => {
    if (v.length < 20) v.push({ outcome, message });
  };
  let formatKnown = false;
  let result: ReadResult;
  try {
    result = await readTrace(delivery(input), {
      ledger: new Ledger({ maxAnomalyDetails: DETAILS }),
      onFormat: () => (formatKnown = true),
      ...(input.rows ? { onRow: (row: TimehistRow | InfoRow) => checkRow(row, add) } : {}),
    });
  } catch (e: unknown) {
    return refused(input, e, formatKnown);
  }
  const summary = checkResult(input, result, add);
  if (input.expected !== undefined) for (const m of expected(input.expected, result, summary)) add('expectation', m);
  if (input.strict) await checkStrict(input, result, add);
  const outcome = v[0]?.outcome ?? (result.malformed.count > 0 ? 'malformed' : 'ok');
  return { outcome, violations: v, lines: result.lines };
}

// A read that threw: only "no trace" is data said as an error, and only when no line of the input is a trace line.
function refused(input: FuzzInput, e: unknown, formatKnown: boolean): Verdict {
  const message = describeError(e);
  const verdict = (outcome: Outcome, m = message): Verdict => ({
    outcome,
    violations: outcome === 'not-a-trace' ? [] : [{ outcome, message: m }],
    lines: 0,
  });
  if (!(e instanceof SchedacctError))
    return verdict('crash', `${message}\n${(e as Error).stack?.split('\n').slice(1, 4).join('\n') ?? ''}`);
  if (e.code !== 'invalid-argument' || formatKnown || !/^(not a trace|empty input)/.test(e.message)) {
    return verdict('thrown', `bad input thrown as an error, not recorded as an anomaly: ${message}`);
  }
  // the reader looks at the first 50 lines that are not comments: if a seed line is among them, it is a trace
  const head = input.lines.filter((l) => !isComment(textOf(l.data))).slice(0, 50);
  const seed = head.find((l) => !l.touched && detectFormat([textOf(l.data)]) !== undefined);
  if (seed !== undefined)
    return verdict('misdetected', `refused as no trace, but its line "${textOf(seed.data).slice(0, 120)}" is one`);
  return verdict('not-a-trace');
}

function checkRow(row: TimehistRow | InfoRow, add: (o: Outcome, m: string) => void): void {
  const numbers: [string, number | undefined][] =
    'kind' in row
      ? [
          ['timeNs', row.timeNs],
          ['cpu', row.cpu],
        ]
      : [
          ['timeNs', row.timeNs],
          ['cpu', row.cpu],
          ['waitNs', row.waitNs],
          ['delayNs', row.delayNs],
          ['runNs', row.runNs],
          ['stolenNs', row.stolenNs],
          ['line', row.line],
        ];
  for (const [name, n] of numbers) {
    if (n === undefined) continue;
    if (!Number.isFinite(n))
      add('non-finite', `row at line ${String('line' in row ? row.line : '?')}: ${name} ${String(n)}`);
    else if (n < 0) add('negative', `row at line ${String('line' in row ? row.line : '?')}: ${name} ${String(n)}`);
  }
}

// Counts, numbering, the ledger's figures and the reports; returns the summary's lines (for the expectations).
function checkResult(input: FuzzInput, r: ReadResult, add: (o: Outcome, m: string) => void): string[] {
  const given = linesGiven(input);
  if (r.lines !== given) add('miscount', `lines read ${String(r.lines)}, lines given ${String(given)}`);
  checkMalformed(input, r, add);
  const events = Object.values(r.replay.counts).reduce((a, b) => a + b, 0);
  const skipped = Object.values(r.skipped).reduce((a, b) => a + b, 0);
  const silent = r.lines - events - skipped - r.malformed.count;
  const quiet = input.lines.filter((l) => isQuiet(textOf(l.data))).length;
  if (silent < 0 || silent > quiet) {
    add(
      'miscount',
      `${String(silent)} lines neither events, skipped nor malformed; only ${String(quiet)} are blank or comments`,
    );
  }
  for (const t of r.ledger.tasks()) {
    for (const [key, value] of Object.entries(t)) {
      if (typeof value !== 'number' || key === 'task') continue;
      if (!Number.isFinite(value)) add('non-finite', `task ${String(t.task)}: ${key} ${String(value)}`);
      else if (value < 0) add('negative', `task ${String(t.task)}: ${key} ${String(value)}`);
    }
    if (t.runNs !== t.chargedNs + t.stolenNs) add('negative', `task ${String(t.task)}: runNs ≠ chargedNs + stolenNs`);
  }
  const { steal } = r.replay;
  if (!(steal.clampedNs >= 0 && steal.slices >= 0 && Number.isFinite(steal.signedNs))) {
    add('negative', `steal estimate ${JSON.stringify(steal)}`);
  }
  const summary = summaryLines(r.replay, { stolen: true });
  checkReport(summary, add);
  checkReport(summaryLines(r.replay, { state: true }), add);
  return summary;
}

const isQuiet = (text: string): boolean => isComment(text);
// ftrace and trace-cmd text are read by one parser
const sameParser = (a: string, b: string): boolean => a === b || (a !== 'perf-script' && b !== 'perf-script');

function checkMalformed(input: FuzzInput, r: ReadResult, add: (o: Outcome, m: string) => void): void {
  const { details, count } = r.malformed;
  if (details.length !== count)
    add('miscount', `${String(count)} malformed lines counted, ${String(details.length)} listed`);
  let last = 0;
  const seen = new Set<number>();
  for (const a of details) {
    const n = a.line;
    if (n === undefined || !Number.isInteger(n) || n < 1 || n > r.lines || n <= last) {
      add('miscount', `malformed line numbered ${String(n)} (after ${String(last)}, of ${String(r.lines)})`);
      continue;
    }
    last = n;
    seen.add(n);
    const line = input.lines[n - 1];
    // (a foreign line first, spliced in, may make the reader take the trace for its format: then any line may fail)
    if (line !== undefined && !line.touched && sameParser(r.format, input.format)) {
      add(
        'false-malformed',
        `line ${String(n)} is a valid line, called malformed (${a.message}): "${textOf(line.data).slice(0, 160)}"`,
      );
    }
  }
  input.lines.forEach((l, i) => {
    if (l.mustBeMalformed && !seen.has(i + 1) && i < r.lines) {
      const text = textOf(l.data);
      add(
        'accepted-bad',
        `line ${String(i + 1)} (${String(text.length)} chars) holds a value beyond the readers' bounds, read as valid: "${text.slice(0, 200)}"`,
      );
    }
  });
}

// A task row's figures follow its `[tid]` (a wide one may run into the next: perf's printf does that too); parent
// (−1 for none) is the only one that may be negative.
const TASK_TAIL = /\[-?\d+\]([^\]]*)$/;

function checkReport(lines: readonly string[], add: (o: Outcome, m: string) => void): void {
  let section: 'head' | 'tasks' | 'idle' | 'stolen' = 'head';
  for (const line of lines) {
    if (/^-{20,}$/.test(line)) section = 'tasks';
    else if (line === 'Idle stats:') section = 'idle';
    else if (line.startsWith('Stolen time')) section = 'stolen';
    let figures = line;
    if (section === 'tasks' || section === 'stolen') {
      const tail = TASK_TAIL.exec(line)?.[1];
      if (tail === undefined) continue;
      figures = section === 'tasks' ? tail.replace(/^\s*-?\d+/, '') : tail;
    } else if (section !== 'idle' && !line.includes('Total')) continue;
    if (/NaN|Infinity/.test(figures)) add('non-finite', `report: "${line.slice(-160)}"`);
    else if (/-\d/.test(figures) && !/signed sum/.test(line)) add('negative', `report: "${line.slice(-160)}"`);
  }
}

// Under strict the read stops at the first anomaly the recording read met, and only then.
async function checkStrict(input: FuzzInput, r: ReadResult, add: (o: Outcome, m: string) => void): Promise<void> {
  const first = r.ledger.anomalies()[0];
  try {
    await readTrace(delivery(input), { strict: true });
    if (first !== undefined)
      add('strict', `strict read did not stop at the first anomaly (${first.kind} at line ${String(first.line)})`);
  } catch (e: unknown) {
    if (!(e instanceof SchedacctError && e.code === 'strict-anomaly'))
      add('strict', `strict read threw ${describeError(e)}`);
    else if (first === undefined) add('strict', `strict read stopped, but the read recorded no anomaly: ${e.message}`);
    else if (!e.message.startsWith(`${first.kind}:`))
      add(
        'strict',
        `strict read stopped at "${e.message}", the first anomaly was ${first.kind} at line ${String(first.line)}`,
      );
  }
}

// A generated trace: every task listed once, and a reused tid's live task under its own comm, not as terminated.
function expected(e: Expected, r: ReadResult, summary: readonly string[]): string[] {
  const out: string[] = [];
  const tasks = r.replay.tasks().filter((t) => t.tid !== 0);
  if (tasks.length !== e.tasks) out.push(`${String(tasks.length)} tasks listed, the trace has ${String(e.tasks)}`);
  const terminated = summary.indexOf('Terminated tasks:');
  for (const { tid, oldComm, newComm } of e.reused.slice(0, 50)) {
    if (!tasks.some((t) => t.tid === tid && t.comm === newComm && !t.dead)) {
      out.push(
        `tid ${String(tid)} reused: no live task ${newComm}[${String(tid)}] (have ${tasks
          .filter((t) => t.tid === tid)
          .map((t) => `${t.comm}${t.dead ? ' dead' : ''}`)
          .join(', ')})`,
      );
    }
    if (!tasks.some((t) => t.tid === tid && t.comm === oldComm))
      out.push(`tid ${String(tid)} reused: the first task ${oldComm} is not listed`);
    const row = summary.findIndex((l) => l.includes(`${newComm}[${String(tid)}]`));
    if (row < 0 || row > terminated)
      out.push(`tid ${String(tid)} reused: ${newComm}[${String(tid)}] not among the running tasks of the summary`);
  }
  return out;
}
