/**
 * Reading a whole trace: detect the format from the first lines, parse every line, replay, and collect what went
 * wrong. Runtime-neutral: lines come from any iterable (the node entry streams files, `.gz` and stdin).
 * @module
 */
import { anomalyError, type Anomaly } from '../accounting/anomaly.js';
import { SchedacctError } from '../errors.js';
import { createFtraceParser } from './ftrace.js';
import { parsePerfScriptLine, type LineResult } from './perf-script.js';
import { Replay, type AnomalyReport, type InfoRow, type ReplayOptions, type TimehistRow } from './replay.js';

/** Trace text formats. */
export type TraceFormat = 'perf-script' | 'ftrace' | 'trace-cmd';

const PERF_LINE = /^\s*.*?\s+-?\d+\s+\[\d+\]\s+\d+\.\d+:\s+(?:\d+\s+)?[\w-]+:[\w-]+:/;
const FTRACE_LINE = /^\s*.+-\d+\s+(?:\(\s*[\d-]+\)\s+)?\[\d+\]\s+\S{4,5}\s+\d+\.\d+:\s+\w+:/;
const TRACE_CMD_LINE = /^\s*.+-\d+\s+\[\d+\]\s+\d+\.\d+:\s+\w+:/;

/**
 * Detects the format from the first lines (comments and blank lines are passed over).
 * @param lines - the first lines of the trace
 * @returns the format, or undefined when no line looks like any of them
 */
export function detectFormat(lines: readonly string[]): TraceFormat | undefined {
  for (const line of lines) {
    if (line.trim() === '' || line.startsWith('#') || /^cpus=\d+$/.test(line.trim())) continue;
    if (PERF_LINE.test(line)) return 'perf-script';
    if (FTRACE_LINE.test(line)) return 'ftrace';
    if (TRACE_CMD_LINE.test(line)) return 'trace-cmd';
  }
  return undefined;
}

/** Options of {@link readTrace}. */
export interface ReadOptions extends ReplayOptions {
  /** Called with every timehist row and wakeup / migration line, in order. */
  readonly onRow?: (row: TimehistRow | InfoRow) => void;
  /** Malformed lines kept in detail (all are counted); default 100. */
  readonly maxMalformedDetails?: number;
}

/** What reading a trace gave. */
export interface ReadResult {
  /** The format read. */
  readonly format: TraceFormat;
  /** The replay, for summaries. */
  readonly replay: Replay;
  /** Lines read. */
  readonly lines: number;
  /** Events that are not scheduler events this reader uses (irq, hrtimer, …), by name. */
  readonly skipped: Readonly<Record<string, number>>;
  /** Malformed lines: count and the first ones with their line numbers. */
  readonly malformed: AnomalyReport;
}

const PARSERS: Record<TraceFormat, () => (text: string, line: number) => LineResult> = {
  'perf-script': () => parsePerfScriptLine,
  ftrace: createFtraceParser,
  'trace-cmd': createFtraceParser,
};

/**
 * Reads and replays a trace from its lines, in bounded memory (rows go to `onRow`, nothing is kept per line).
 * @param lines - the trace's lines, in order
 * @param options - see {@link ReadOptions}
 * @returns the replay and what was skipped or malformed
 * @throws {@link SchedacctError} `invalid-argument` when the format cannot be recognised, `strict-anomaly` at the first
 *   malformed line or anomaly with `strict`
 */
export async function readTrace(
  lines: AsyncIterable<string> | Iterable<string>,
  options: ReadOptions = {},
): Promise<ReadResult> {
  const replay = new Replay(options);
  const head: string[] = [];
  let parse: ((text: string, line: number) => LineResult) | undefined;
  let format: TraceFormat | undefined;
  let n = 0;
  const skipped: Record<string, number> = {};
  const malformed: Anomaly[] = [];
  let malformedCount = 0;
  const maxDetails = options.maxMalformedDetails ?? 100;
  const handle = (text: string, line: number): void => {
    if (parse === undefined) return;
    const r = parse(text, line);
    if (r.type === 'event') {
      const row = replay.push(r.event);
      if (row !== undefined) options.onRow?.(row);
    } else if (r.type === 'skipped') {
      if (r.name !== '') skipped[r.name] = (skipped[r.name] ?? 0) + 1;
    } else {
      const anomaly: Anomaly = { kind: 'malformed-line', message: r.reason, line };
      if (options.strict === true) throw anomalyError(anomaly);
      malformedCount++;
      if (malformed.length < maxDetails) malformed.push(anomaly);
    }
  };
  const start = (): void => {
    format = detectFormat(head);
    if (format === undefined) {
      throw new SchedacctError(
        'invalid-argument',
        'not a trace schedacct reads: expected perf script, ftrace or trace-cmd report text',
      );
    }
    parse = PARSERS[format]();
    head.forEach((l, i) => {
      handle(l, i + 1);
    });
  };
  for await (const text of lines) {
    n++;
    if (parse === undefined) {
      head.push(text);
      if (head.length >= 50) start();
      continue;
    }
    handle(text, n);
  }
  if (parse === undefined) start();
  return {
    format: format ?? 'perf-script',
    replay,
    lines: n,
    skipped,
    malformed: { count: malformedCount, details: malformed },
  };
}
