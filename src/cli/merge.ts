/**
 * `schedacct merge PARTS…`: the shards of an experiment (`schedacct simulate --shard I/N --format jsonl`) combined:
 * checked to be of one experiment and to hold each of its runs once, then printed in run order.
 * @module
 */
import { readFileSync } from 'node:fs';
import { SchedacctError } from '../errors.js';
import { rowCsv, rowsCsvHeader, rowsTable, type RunRow } from '../sim/report-rows.js';
import { EXIT_STATUS, oneOf, parseCommand, UsageError } from './args.js';

const FORMATS = ['text', 'csv', 'jsonl'] as const;

const OPTIONS = { format: { type: 'string' } } as const;

/** `schedacct merge --help`. */
export const help: string = `schedacct merge: the parts of a sharded experiment in one (schedacct simulate --shard I/N
--format jsonl, one part per job of a Slurm array or a Kubernetes Indexed Job)

usage: schedacct merge [options] PART...

Each PART is a file of JSON lines, one run each. The parts must come from the same experiment
(the same scenario, --set, --sweep and --seeds) and hold each of its runs exactly once.

options:
  --format FORMAT  text (default): a table of means with 95 % intervals over seeds; csv: a row
                   per run; jsonl: the runs' JSON lines, in run order
  -h, --help       this text

${EXIT_STATUS}`;

function rowsOf(file: string): RunRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error: unknown) {
    throw new SchedacctError('unavailable', `${file}: ${error instanceof Error ? error.message : ''}`);
  }
  const rows: RunRow[] = [];
  for (const [k, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let row: Partial<RunRow> | null;
    try {
      row = JSON.parse(line) as Partial<RunRow> | null;
    } catch {
      row = null;
    }
    if (
      typeof row !== 'object' ||
      row === null ||
      typeof row.experiment !== 'string' ||
      !Number.isSafeInteger(row.runs) ||
      !Number.isSafeInteger(row.index) ||
      typeof row.values !== 'object'
    )
      throw new SchedacctError(
        'invalid-argument',
        `${file}:${String(k + 1)}: not a run of schedacct simulate --format jsonl`,
      );
    rows.push(row as RunRow);
  }
  return rows;
}

// Lists the first few numbers of a set, for a message.
const some = (numbers: readonly number[]): string =>
  `${numbers.slice(0, 10).join(', ')}${numbers.length > 10 ? `, … (${String(numbers.length)})` : ''}`;

/**
 * Combines the rows of an experiment's parts: one experiment, each run once, in run order.
 * @param parts - each part's file name and rows
 * @returns the rows, by run index
 * @throws {@link SchedacctError} `invalid-argument` for rows of two experiments, a run twice or a run missing
 * @internal
 */
export function mergeRows(parts: readonly { readonly file: string; readonly rows: readonly RunRow[] }[]): RunRow[] {
  const all = parts.flatMap((p) => p.rows.map((row) => ({ file: p.file, row })));
  const first = all[0];
  if (first === undefined) throw new SchedacctError('invalid-argument', 'the parts hold no runs');
  const byIndex = new Map<number, { file: string; row: RunRow }>();
  for (const r of all) {
    if (r.row.experiment !== first.row.experiment || r.row.runs !== first.row.runs)
      throw new SchedacctError(
        'invalid-argument',
        `${r.file} is of another experiment (${r.row.experiment}, ${String(r.row.runs)} runs) than ${first.file} (${first.row.experiment}, ${String(first.row.runs)} runs)`,
      );
    const seen = byIndex.get(r.row.index);
    if (seen !== undefined)
      throw new SchedacctError('invalid-argument', `run ${String(r.row.index)} is in ${seen.file} and in ${r.file}`);
    byIndex.set(r.row.index, r);
  }
  const missing: number[] = [];
  for (let i = 0; i < first.row.runs; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0)
    throw new SchedacctError(
      'invalid-argument',
      `the parts miss ${String(missing.length)} of the experiment's ${String(first.row.runs)} runs: ${some(missing)}`,
    );
  return [...byIndex.values()].sort((a, b) => a.row.index - b.row.index).map((r) => r.row);
}

/**
 * Runs `schedacct merge`.
 * @param args - the arguments after `merge`
 * @returns the exit status
 * @throws {@link UsageError} for options it does not take or no PART; a `SchedacctError` for parts that do not fit
 */
export function run(args: readonly string[]): Promise<number> {
  const parsed = parseCommand('merge', args, OPTIONS, help, { max: Infinity, what: 'PART files' });
  if (parsed === undefined) return Promise.resolve(0);
  const format = oneOf('merge', 'format', parsed.values.format, FORMATS, 'text');
  if (parsed.positionals.length === 0) throw new UsageError('merge', 'one PART file or more is needed');
  const rows = mergeRows(parsed.positionals.map((file) => ({ file, rows: rowsOf(file) })));
  const columns = Object.keys(rows[0]?.values ?? {});
  const lines =
    format === 'jsonl'
      ? rows.map((r) => JSON.stringify(r))
      : format === 'csv'
        ? [rowsCsvHeader(columns), ...rows.map((r) => rowCsv(r, columns))]
        : rowsTable(rows);
  process.stdout.write(`${lines.join('\n')}\n`);
  return Promise.resolve(0);
}
