/**
 * `schedacct replay`'s command line: perf sched timehist's spellings (`-i`, `-s`, `-S`, `--state`, `-C`, `-p`, `-t`,
 * `--time`, …) beside schedacct's own (`--report`, `--format`, `--compat`), resolved into one set of options.
 * @module
 */
import { existsSync } from 'node:fs';
import type { Engine } from '../trace/engine.js';
import type { Compat } from '../trace/perf-compat.js';
import { oneOf, UsageError } from './args.js';
import type { ExportTarget } from './exports.js';
import { htmlPath } from './html-option.js';
import { parseCpuList, parseIdList, parseTimeWindow, type RowFilters } from './replay-filter.js';

/** The reports `replay` prints. */
export type ReportKind = 'timehist' | 'state' | 'summary' | 'state-summary';
const REPORTS = ['timehist', 'state', 'summary', 'state-summary'] as const satisfies readonly ReportKind[];
const FORMATS = ['text', 'json', 'csv', 'jsonl'] as const;
const COMPATS = ['perf-6.1', 'current'] as const satisfies readonly Compat[];
const ENGINES = ['compiled', 'xstate'] as const satisfies readonly Engine[];

/**
 * The options `replay` takes, for `parseArgs`.
 * @internal
 */
export const OPTIONS = {
  input: { type: 'string', short: 'i' },
  summary: { type: 'boolean', short: 's' },
  'with-summary': { type: 'boolean', short: 'S' },
  state: { type: 'boolean' },
  wakeups: { type: 'boolean', short: 'w' },
  migrations: { type: 'boolean', short: 'M' },
  cpu: { type: 'string', short: 'C' },
  pid: { type: 'string', short: 'p' },
  tid: { type: 'string', short: 't' },
  time: { type: 'string' },
  next: { type: 'boolean', short: 'n' },
  'cpu-visual': { type: 'boolean', short: 'V' },
  'idle-hist': { type: 'boolean', short: 'I' },
  report: { type: 'string' },
  format: { type: 'string' },
  compat: { type: 'string' },
  engine: { type: 'string' },
  strict: { type: 'boolean' },
  html: { type: 'string' },
} as const;

/** What `parseArgs` gives for {@link OPTIONS}. */
type Values = {
  readonly [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean;
};

/** Options of `runReplay`. */
export interface ReplayCliOptions {
  /** Which report. */
  readonly report: ReportKind;
  /** `-S`: the rows, then the summary (the state one with `--state`). */
  readonly withSummary?: boolean;
  /** Text (perf's columns), JSON (one document), CSV (a header row, then a line per row or task), JSON lines. */
  readonly format: 'text' | 'json' | 'csv' | 'jsonl';
  /** Which perf to agree with. */
  readonly compat: Compat;
  /** Which engine runs the machines. */
  readonly engine: Engine;
  /** Show wakeup lines (`-w`). */
  readonly wakeups: boolean;
  /** perf's -n: the next task's column on each row. */
  readonly next: boolean;
  /** perf's -V: a column of a character per CPU. */
  readonly cpuVisual: boolean;
  /** Show migration lines and count migrations (`-M`). */
  readonly migrations: boolean;
  /** perf's -I: only switches into or out of idle, and the summary of the idle time that followed each task. */
  readonly idleHist?: boolean;
  /** Stop at the first malformed line or anomaly. */
  readonly strict: boolean;
  /** `-C`, `-p`, `-t`, `--time`. */
  readonly filters?: RowFilters;
  /** `--html FILE`: the HTML report, written after the replay. */
  readonly html?: string;
  /** `--export KIND FILE`s: the timeline written after the replay. */
  readonly exports?: readonly ExportTarget[];
}

/**
 * The trace to read: `-i FILE` or the argument, and as perf does, `perf.data` in the current folder when neither.
 * @param values - the options parsed
 * @param positional - the argument, if any
 * @returns the file, or `-` for standard input
 * @throws {@link UsageError} for both, or neither without a perf.data here
 * @internal
 */
export function replayInput(values: Values, positional: string | undefined): string {
  if (values.input !== undefined && positional !== undefined) {
    throw new UsageError('replay', `a trace as -i ${values.input} or as '${positional}', not both`);
  }
  const file = values.input ?? positional;
  if (file !== undefined) return file;
  if (!existsSync('perf.data')) {
    throw new UsageError('replay', 'a trace FILE is needed (or - for standard input); no perf.data in this folder');
  }
  return 'perf.data';
}

/**
 * The options of a replay from its command line: perf's spellings map onto `--report` (`-s` is `summary`, `--state`
 * `state`, `--state -s` `state-summary`), `-S` adds the summary after the rows.
 * @param values - the options parsed
 * @returns the options
 * @throws {@link UsageError} for a value an option does not take, `--report` beside `-s`/`-S`/`--state`, a filter
 *   with a summary, or -I with -p, -t or --time (a later step)
 * @internal
 */
export function replayOptions(values: Values): ReplayCliOptions {
  const perfReport = values.summary === true || values['with-summary'] === true || values.state === true;
  if (values.report !== undefined && perfReport) {
    throw new UsageError('replay', "--report, or perf's -s, -S and --state: one or the other");
  }
  const state = values.state === true;
  const summaryOnly = values.summary === true && values['with-summary'] !== true;
  const perfKind: ReportKind = summaryOnly ? (state ? 'state-summary' : 'summary') : state ? 'state' : 'timehist';
  const report = perfReport ? perfKind : oneOf('replay', 'report', values.report, REPORTS, 'timehist');
  const filters: RowFilters = {
    ...(values.cpu === undefined ? {} : { cpus: parseCpuList('-C/--cpu', values.cpu) }),
    ...tidFilter(values),
    ...(values.time === undefined ? {} : { window: parseTimeWindow(values.time) }),
  };
  const filtered = Object.keys(filters).length > 0;
  const summary = report === 'summary' || report === 'state-summary' || values['with-summary'] === true;
  if (filtered && summary && (filters.cpus !== undefined || filters.window !== undefined)) {
    throw new UsageError('replay', 'a summary under -C or --time is not implemented yet (the rows are)');
  }
  const idleHist = values['idle-hist'] === true;
  if (idleHist && (filters.tids !== undefined || filters.window !== undefined)) {
    // (perf books idle time before the filters skip a sample, and clips the window with times -I's rows do not show)
    throw new UsageError('replay', '-I/--idle-hist under -p, -t or --time is not implemented yet');
  }
  return {
    report,
    ...(values['with-summary'] === true ? { withSummary: true } : {}),
    format: oneOf('replay', 'format', values.format, FORMATS, 'text'),
    compat: oneOf('replay', 'compat', values.compat, COMPATS, 'current'),
    engine: oneOf('replay', 'engine', values.engine, ENGINES, 'compiled'),
    wakeups: values.wakeups === true,
    next: values.next === true,
    cpuVisual: values['cpu-visual'] === true,
    migrations: values.migrations === true,
    ...(idleHist ? { idleHist } : {}),
    strict: values.strict === true,
    ...(filtered ? { filters } : {}),
    ...htmlOf(values),
  };
}

// --html FILE, kept apart from the report options it sits beside.
function htmlOf(values: Values): { html?: string } {
  const html = htmlPath('replay', values.html);
  return html === undefined ? {} : { html };
}

// -p and -t: one set of tids (perf keeps a task that both lists given name); perf script text gives no process id,
// so a pid selects the thread with that tid (a process's main thread).
function tidFilter(values: Values): { tids?: ReadonlySet<number> } {
  const pids = values.pid === undefined ? undefined : parseIdList('-p/--pid', values.pid);
  const tids = values.tid === undefined ? undefined : parseIdList('-t/--tid', values.tid);
  const chosen =
    pids === undefined || tids === undefined ? (pids ?? tids) : new Set([...pids].filter((id) => tids.has(id)));
  return chosen === undefined ? {} : { tids: chosen };
}
