/**
 * `schedacct replay FILE`: perf sched timehist's reports from a trace.
 * @module
 */
import { totalsOf } from '../accounting/ledger.js';
import { SchedacctError } from '../errors.js';
import type { TraceFormat } from '../trace/format.js';
import type { Compat, Engine, InfoRow, TimehistRow } from '../trace/replay.js';
import { summaryLines, TimehistWriter } from '../trace/report.js';

/** The reports `replay` prints. */
export type ReportKind = 'timehist' | 'state' | 'summary' | 'state-summary';
const REPORTS: readonly ReportKind[] = ['timehist', 'state', 'summary', 'state-summary'];

/** Options of {@link runReplay}. */
export interface ReplayCliOptions {
  /** Which report. */
  readonly report: ReportKind;
  /** Text (perf's columns) or JSON. */
  readonly format: 'text' | 'json';
  /** Which perf to agree with. */
  readonly compat: Compat;
  /** Which engine runs the machines. */
  readonly engine: Engine;
  /** Show wakeup lines (`-w`). */
  readonly wakeups: boolean;
  /** Show migration lines and count migrations (`-M`). */
  readonly migrations: boolean;
  /** Stop at the first malformed line or anomaly. */
  readonly strict: boolean;
}

/**
 * Checks and completes the report option.
 * @param value - `--report`
 * @returns the report kind
 * @throws {@link SchedacctError} for an unknown report
 */
export function reportKind(value: string | undefined): ReportKind {
  const report = (value ?? 'timehist') as ReportKind;
  if (!REPORTS.includes(report))
    throw new SchedacctError('invalid-argument', `--report must be one of ${REPORTS.join(', ')}, got ${String(value)}`);
  return report;
}

/**
 * Replays a trace file and writes the report, on this thread.
 * @param file - a trace, `.gz`, or `-` for stdin
 * @param options - see {@link ReplayCliOptions}
 * @param write - where output goes (text, or the timehist rows as UTF-8 bytes)
 * @param warn - where notes go (standard error)
 * @param hold - asked between chunks: a promise while the output is full (see `ReadOptions.hold`)
 */
export async function runReplay(
  file: string,
  options: ReplayCliOptions,
  write: (chunk: string | Uint8Array) => void,
  warn: (text: string) => void,
  hold?: () => Promise<void> | undefined,
): Promise<void> {
  const timehist = options.report === 'timehist' || options.report === 'state';
  const info = options.wakeups || options.migrations;
  const format = { state: options.report === 'state', info };
  const json = options.format === 'json';
  // Rows go out as they come, so memory stays bounded: as bytes for text (a string per row cost more than the replay
  // on a long trace), as JSON array elements, 4096 to a write, between the head of the document and its tail.
  const text = timehist && !json ? new TimehistWriter(write, format) : undefined;
  text?.header();
  let pending: string[] = [];
  let rowsWritten = 0;
  const flushRows = (): void => {
    if (pending.length === 0) return;
    write(`${rowsWritten === 0 ? '' : ','}${pending.join(',')}`);
    rowsWritten += pending.length;
    pending = [];
  };
  const onRow = (row: TimehistRow | InfoRow): void => {
    if (
      'kind' in row &&
      !((row.kind === 'wakeup' && options.wakeups) || (row.kind === 'migrate' && options.migrations))
    )
      return;
    if (text !== undefined) text.row(row);
    else {
      pending.push(JSON.stringify(row));
      if (pending.length >= 4096) flushRows();
    }
  };
  // The JSON document's keys in one order whether rows stream or not: format, report, compat, then the rest.
  const head = (traceFormat: TraceFormat): string =>
    JSON.stringify({ format: traceFormat, report: options.report, compat: options.compat }).slice(0, -1);
  const document = { opened: false };
  const onFormat = (traceFormat: TraceFormat): void => {
    write(`${head(traceFormat)},"rows":[`);
    document.opened = true;
  };
  // The reader (the machines, XState) is loaded when a replay runs: not for --help or a usage error.
  const [{ readTrace }, { traceBytes }] = await Promise.all([import('../trace/read.js'), import('../trace/file.js')]);
  const result = await readTrace(traceBytes(file), {
    compat: options.compat,
    engine: options.engine,
    migrations: options.migrations,
    strict: options.strict,
    ...(hold === undefined ? {} : { hold }),
    // Summaries need no rows: without onRow the replay builds none.
    ...(timehist ? { onRow } : {}),
    ...(timehist && json ? { onFormat } : {}),
  });
  const { replay, malformed } = result;
  const anomalies = replay.anomalies();
  if (json) {
    const tail = {
      steal: replay.steal,
      outOfOrder: replay.outOfOrder,
      switchBugs: replay.switchBugs,
      anomalies: { count: anomalies.count, first: anomalies.details.slice(0, 20) },
      malformed,
      skipped: result.skipped,
    };
    if (timehist) {
      if (!document.opened) onFormat(result.format); // (the read tells the format before any row; never left headless)
      flushRows();
      write(`],${JSON.stringify(tail).slice(1)}\n`);
    } else {
      const tasks = replay.tasks().map((t) => ({
        tid: t.tid,
        ...(t.tid === 0 ? { cpu: t.cpu } : {}),
        comm: t.comm,
        dead: t.dead,
        migrations: t.migrations,
        ...totalsOf(t.tid, t.context),
        task: undefined,
      }));
      const summary = {
        tasks,
        firstSwitchNs: replay.firstSwitchNs,
        lastSwitchNs: replay.lastSwitchNs,
        cpus: replay.cpus,
      };
      write(`${head(result.format)},${JSON.stringify({ ...summary, ...tail }).slice(1)}\n`);
    }
  } else if (text !== undefined) {
    text.end();
  } else {
    // Under --compat perf-6.1 the report is perf's, line for line; otherwise the stolen-time section follows it.
    const stolen = options.compat !== 'perf-6.1';
    write(`${summaryLines(replay, { state: options.report === 'state-summary', stolen }).join('\n')}\n`);
  }
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
