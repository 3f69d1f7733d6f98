/**
 * `schedacct replay FILE`: perf sched timehist's reports from a trace.
 * @module
 */
import type { Timeline } from '../export/timeline.js';
import type { TraceFormat } from '../trace/format.js';
import type { ReadResult } from '../trace/read.js';
import type { Replay } from '../trace/replay.js';
import type { InfoRow, TimehistRow } from '../trace/rows.js';
import { eachSummaryLine } from '../trace/report.js';
import { PerfDataError } from '../trace/perf-data/error.js';
import { TimehistWriter } from '../trace/timehist-writer.js';
import { EXIT_STATUS, outputOpen, parseCommand } from './args.js';
import { exportHelp, takeExports, writeExports } from './exports.js';
import { REPLAY_HTML_HELP } from './html-option.js';
import { idleOf, rowCsv, rowJsonl, ROW_COLUMNS, taskLines } from './replay-csv.js';
import { filterRow } from './replay-filter.js';
import { OPTIONS, replayInput, replayOptions, type ReplayCliOptions } from './replay-options.js';

export type { ReplayCliOptions, ReportKind } from './replay-options.js';

/** `schedacct replay --help`. */
export const help: string = `schedacct replay: perf sched timehist's reports from a trace, with the steal per task that perf
does not give

usage: schedacct replay [options] [FILE|-]

FILE (or -i FILE) is perf script output (from perf script --ns every value matches perf's own reports;
without --ns, to 1 us), ftrace text (/sys/kernel/tracing/trace) or trace-cmd report text,
gzip-compressed or not (told by its first bytes, not by its name); - reads standard input. Without
one, perf.data in the current folder, as perf reads it. perf.data (perf sched record's file, gzip-
compressed or not, -z or not, or its pipe mode: perf sched record -o - | schedacct replay -) is read
directly, without perf.

perf sched timehist's options:
  -i, --input FILE  the trace to read (instead of the FILE argument)
  -s, --summary     show only the summary: a line per task, then idle stats and totals
  -S, --with-summary  show the rows and the summary after them
  --state           show the state each task left the CPU in (with -s: the wait-time summary)
  -w, --wakeups     show wakeup events among the rows
  -M, --migrations  show migration events among the rows, and count migrations
  -C, --cpu LIST    only the rows of these CPUs (0-2,5)
  -p, --pid LIST    only the rows of these processes (from perf script text: the threads with
                    these tids, as the text gives no process id)
  -t, --tid LIST    only the rows of these threads
  --time START,STOP only the time window, in seconds (706.39,706.41); either side may be empty
  -n, --next        show the next task on each row (next: comm[tid], the tracepoint's comm)
  -V, --cpu-visual  add a column of a character per CPU (s a switch, i idle, m a migration)
  -I, --idle-hist   show only switches into or out of idle (a task's row with its deltas 0), and
                    with -s or -S the idle-time summary: per task, the idle time that followed its
                    switches to idle (not with -p, -t or --time yet)

  Under -C or --time, the summary (-s, -S) is not implemented yet; under -p or -t it lists the
  tasks chosen, without the idle stats and totals, as perf does.

schedacct's options:
  --report KIND     timehist (default): a row per run slice, as perf sched timehist
                    state: the rows with the state column (perf's --state)
                    summary: a line per task (perf's -s), then the stolen time per task
                    state-summary: the wait-time summary (perf's --state -s)
                    (perf's -s, -S and --state say the same; use one spelling or the other)
  --format FORMAT   text (default): perf's columns; json: one document (rows, or tasks for the
                    summaries, with the steal, anomalies, malformed and skipped lines); csv: a
                    header row, then a line per row (kind,time_ns,cpu,tid,name,wait_ns,delay_ns,
                    run_ns,stolen_ns,state,target) or per task for the summaries (tid,cpu,comm,
                    dead,migrations,run_ns,charged_ns,stolen_ns,sleep_ns,iowait_ns,preempt_ns,
                    delay_ns,slices,min_slice_ns,max_slice_ns; with -I also idle_ns,idle_periods);
                    jsonl: one JSON object per line (-S: the rows, then the tasks; with -I a task's
                    booked idle time as "idle")
  --compat PERF     current (default): today's perf; perf-6.1: perf 6.1's output line for line
                    (no stolen-time section after the summaries)
  --engine ENGINE   compiled (default): the stepper compiled from the task machine; xstate: the
                    machine's XState actors (slower, the same output)
  --strict          stop at the first malformed line or anomaly (exit status 2) instead of
                    counting it and going on
${REPLAY_HTML_HELP}
${exportHelp(20)}
  -h, --help        this text

${EXIT_STATUS}`;

/**
 * Runs `schedacct replay`.
 * @param args - the arguments after `replay`
 * @returns the exit status
 * @throws {@link UsageError} for options or arguments it does not take; a `SchedacctError` for input it cannot read
 */
export async function run(args: readonly string[]): Promise<number> {
  const taken = takeExports('replay', args);
  const parsed = parseCommand('replay', taken.args, OPTIONS, help, {
    max: 1,
    what: 'one trace FILE, or - for standard input',
  });
  if (parsed === undefined) return 0;
  const { values, positionals } = parsed;
  const options = { ...replayOptions(values), exports: taken.exports };
  const file = replayInput(values, positionals[0]);
  const notes: string[] = [];
  await runReplay(
    file,
    options,
    (text) => process.stdout.write(text),
    (text) => notes.push(text),
    // Standard output to a pipe is written asynchronously: the replay waits while it is full (else the report of a
    // long trace would pile up in memory ahead of a slower reader, and `| head` would not stop it).
    () =>
      process.stdout.writableNeedDrain
        ? new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()))
        : undefined,
  );
  // The notes follow the report; nothing more once standard output is closed (main ends the process with 141).
  if (notes.length > 0 && (await outputOpen())) process.stderr.write(notes.join(''));
  return 0;
}

/**
 * Replays a trace file and writes the report, on this thread.
 * @param file - a trace (gzip-compressed or not), or `-` for stdin
 * @param options - see {@link ReplayCliOptions}
 * @param write - where output goes (text, or the timehist rows as UTF-8 bytes)
 * @param warn - where notes go (standard error)
 * @param hold - asked between chunks: a promise while the output is full (see `ReadOptions.hold`)
 * @throws a `SchedacctError` for input it cannot read (see `traceBytes` and `readTrace`)
 */
export async function runReplay(
  file: string,
  options: ReplayCliOptions,
  write: (chunk: string | Uint8Array) => void,
  warn: (text: string) => void,
  hold?: () => Promise<void> | undefined,
): Promise<void> {
  const timehist = options.report === 'timehist' || options.report === 'state';
  const json = options.format === 'json';
  const lines = options.format === 'csv' || options.format === 'jsonl' ? options.format : undefined;
  const { text, onRow, flushRows, onVisual } = rowSink(options, write, timehist);
  const { filters } = options;
  // The JSON document's keys in one order whether rows stream or not: format, report, compat, then the rest.
  const head = (traceFormat: TraceFormat): string =>
    JSON.stringify({ format: traceFormat, report: options.report, compat: options.compat }).slice(0, -1);
  const document = { opened: false };
  const onFormat = (traceFormat: TraceFormat): void => {
    write(`${head(traceFormat)},"rows":[`);
    document.opened = true;
  };
  // --html and --export keep every slice (whatever the report and the filters), for what is written after the replay.
  const views =
    options.html !== undefined || (options.exports?.length ?? 0) > 0
      ? new (await import('../export/timeline-replay.js')).ReplayTimeline()
      : undefined;
  const rows =
    views === undefined
      ? onRow
      : (given: TimehistRow | InfoRow): void => {
          views.onRow(given);
          if (timehist) onRow(given);
        };
  // The reader (the machines, XState) is loaded when a replay runs: not for --help or a usage error.
  const [{ readTrace }, { traceBytes }] = await Promise.all([import('../trace/read.js'), import('../trace/file.js')]);
  const bytes =
    views === undefined ? traceBytes(file) : (await import('./html-replay.js')).progressBytes(file, traceBytes(file));
  const result = await named(
    file,
    readTrace(bytes, {
      compat: options.compat,
      engine: options.engine,
      migrations: options.migrations,
      ...(options.idleHist === true ? { idleHist: true } : {}),
      next: options.next,
      strict: options.strict,
      ...(hold === undefined ? {} : { hold }),
      // Summaries need no rows: without onRow the replay builds none.
      ...(timehist || views !== undefined ? { onRow: rows } : {}),
      ...(timehist && json ? { onFormat } : {}),
      ...(text !== undefined && options.cpuVisual
        ? { onFormat: (_: TraceFormat, i: { cpusOnline: number }) => onVisual(i.cpusOnline) }
        : {}),
    }),
  );
  if (json) {
    const tail = jsonTail(result);
    if (timehist) {
      if (!document.opened) onFormat(result.format); // (the read tells the format before any row; never left headless)
      flushRows();
      const summary = options.withSummary === true ? { ...jsonSummary(result.replay, filters?.tids) } : {};
      write(`],${JSON.stringify({ ...summary, ...tail }).slice(1)}\n`);
    } else {
      const summary = jsonSummary(result.replay, filters?.tids);
      write(`${head(result.format)},${JSON.stringify({ ...summary, ...tail }).slice(1)}\n`);
    }
  } else if (lines !== undefined) {
    flushRows();
    if (!timehist || options.withSummary === true)
      await writeLines(taskLines(result.replay, filters?.tids, lines), write, hold);
  } else {
    onVisual(0);
    text?.end();
    if (text === undefined || options.withSummary === true) await writeSummary(result.replay, options, write, hold);
  }
  if (views !== undefined) await writeViews(views.finish(result, traceTitle(file)), result, options);
  notes(result, warn);
}

// A perf.data error says which input it is in (the reader knows bytes, not files).
async function named<T>(file: string, reading: Promise<T>): Promise<T> {
  try {
    return await reading;
  } catch (error: unknown) {
    if (error instanceof PerfDataError) {
      throw new PerfDataError(error.problem, error.offset, file === '-' ? 'standard input' : file);
    }
    throw error;
  }
}

// Rows go out as they come, so memory stays bounded: as bytes for text (a string per row cost more than the replay
// on a long trace), as JSON array elements or CSV / JSON lines, 4096 to a write.
function rowSink(options: ReplayCliOptions, write: (chunk: string | Uint8Array) => void, timehist: boolean) {
  // (perf pads the rows for -w's lines, not for -M's)
  const format = { state: options.report === 'state', info: options.wakeups, next: options.next };
  const lines = options.format === 'csv' || options.format === 'jsonl' ? options.format : undefined;
  const text = timehist && options.format === 'text' ? new TimehistWriter(write, format) : undefined;
  // -V's header needs the input's CPUs: written when the read tells them (onVisual), or at the end
  const headed = { done: !options.cpuVisual };
  if (headed.done) text?.header();
  const onVisual = (cpusOnline: number): void => {
    if (headed.done) return;
    headed.done = true;
    text?.cpuVisual(cpusOnline === 0 ? 4 : cpusOnline); // (perf: max_cpu is 4 where the header gives no CPUs)
    text?.header();
  };
  if (timehist && lines === 'csv') write(`${ROW_COLUMNS.join(',')}\n`);
  let pending: string[] = [];
  let rowsWritten = 0;
  const flushRows = (): void => {
    if (pending.length === 0) return;
    if (lines !== undefined) write(`${pending.join('\n')}\n`);
    else write(`${rowsWritten === 0 ? '' : ','}${pending.join(',')}`);
    rowsWritten += pending.length;
    pending = [];
  };
  const { filters } = options;
  const onRow = (given: TimehistRow | InfoRow): void => {
    if (
      'kind' in given &&
      !((given.kind === 'wakeup' && options.wakeups) || (given.kind === 'migrate' && options.migrations))
    )
      return;
    const row = filters === undefined ? given : filterRow(given, filters);
    if (row === undefined) return;
    if (text !== undefined) text.row(row);
    else {
      pending.push(lines === 'csv' ? rowCsv(row) : lines === 'jsonl' ? rowJsonl(row) : JSON.stringify(row));
      if (pending.length >= 4096) flushRows();
    }
  };
  return { text, onRow, flushRows, onVisual };
}

// The trace's name as charts and exports show it.
function traceTitle(file: string): string {
  return file === '-' ? 'standard input' : (file.split(/[\\/]/).pop() ?? file);
}

// --export and --html, once the replay has succeeded.
async function writeViews(timeline: Timeline, result: ReadResult, options: ReplayCliOptions): Promise<void> {
  await writeExports(timeline, options.exports ?? []);
  if (options.html !== undefined)
    await (await import('./html-replay.js')).writeReplayHtml(options.html, timeline, result);
}

// The summary (-s, or after the rows with -S): under --compat perf-6.1 perf's, line for line; otherwise the
// stolen-time section follows it.
async function writeSummary(
  replay: Replay,
  options: ReplayCliOptions,
  write: (chunk: string) => void,
  hold: (() => Promise<void> | undefined) | undefined,
): Promise<void> {
  const stolen = options.compat !== 'perf-6.1';
  const state = options.report === 'state-summary' || options.report === 'state';
  const tids = options.filters?.tids;
  await writeLines(eachSummaryLine(replay, { state, stolen, ...(tids === undefined ? {} : { tids }) }), write, hold);
}

// Lines out in batches, waiting while the output is full: a summary of millions of tasks is never held whole.
async function writeLines(
  lines: Iterable<string>,
  write: (chunk: string) => void,
  hold: (() => Promise<void> | undefined) | undefined,
): Promise<void> {
  let batch: string[] = [];
  for (const line of lines) {
    batch.push(line);
    if (batch.length < 4096) continue;
    write(`${batch.join('\n')}\n`);
    batch = [];
    await hold?.();
  }
  if (batch.length > 0) write(`${batch.join('\n')}\n`);
}

// What a JSON document ends with: the steal estimate, what was read and what went wrong.
function jsonTail(result: ReadResult): object {
  const { replay, malformed } = result;
  const anomalies = replay.anomalies();
  return {
    steal: replay.steal,
    outOfOrder: replay.outOfOrder,
    switchBugs: replay.switchBugs,
    anomalies: { count: anomalies.count, first: anomalies.details.slice(0, 20) },
    malformed,
    skipped: result.skipped,
  };
}

// The summary as JSON: every task's totals (from the ledger) and the time window.
function jsonSummary(replay: Replay, tids: ReadonlySet<number> | undefined): object {
  const chosen = tids === undefined ? replay.tasks() : replay.tasks().filter((t) => tids.has(t.tid));
  const tasks = chosen.map((t) => ({
    tid: t.tid,
    ...(t.tid === 0 ? { cpu: t.cpu } : {}),
    comm: t.comm,
    dead: t.dead,
    migrations: t.migrations,
    ...t.totals,
    task: undefined,
    ...idleOf(t),
  }));
  return { tasks, firstSwitchNs: replay.firstSwitchNs, lastSwitchNs: replay.lastSwitchNs, cpus: replay.cpus };
}

// The notes on standard error after a replay: what was skipped, lost or out of order.
function notes(result: ReadResult, warn: (text: string) => void): void {
  const { replay, malformed } = result;
  const anomalies = replay.anomalies();
  if (malformed.count > 0) {
    const first = malformed.details[0];
    warn(
      `schedacct: ${String(malformed.count)} malformed line(s) skipped; first at line ${String(first?.line)}: ${first?.message ?? ''}\n`,
    );
  }
  if (replay.switchBugs > 0) {
    warn(
      `schedacct: ${String(replay.switchBugs)} of ${String(replay.counts.switch)} switches do not follow the CPU's previous one (lost events); charged as perf charges them\n`,
    );
  }
  if (replay.outOfOrder > 0) {
    warn(`schedacct: ${String(replay.outOfOrder)} event(s) out of time order (replayed in file order)\n`);
  }
  if (anomalies.count > 0) {
    warn(
      `schedacct: ${String(anomalies.count)} anomalies (events inconsistent with the task's previous ones, as lost events cause); --format json lists them\n`,
    );
  }
}
