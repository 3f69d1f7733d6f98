/**
 * Reading a whole trace: detect the format from the first lines, parse every line, replay, and collect what went
 * wrong. Runtime-neutral: the input is any iterable of lines (strings) or of raw byte chunks (`Uint8Array`, cut
 * anywhere); the node entry streams files, `.gz` and stdin as bytes, which the perf script reader parses without
 * decoding each line.
 * @module
 */
import { anomalyError, type Anomaly } from '../accounting/anomaly.js';
import { SchedacctError } from '../errors.js';
import { decodeBytes, LineSplitter } from './bytes.js';
import { createFtraceParser } from './ftrace.js';
import { createPerfScriptReader, type LineReader, type LineResult } from './perf-script.js';
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

// A reader of text lines only: byte lines are decoded for it.
function textOnly(parse: (text: string, line: number) => LineResult): LineReader {
  return { text: parse, bytes: (bytes, start, end, line) => parse(decodeBytes(bytes, start, end), line) };
}

const READERS: Record<TraceFormat, () => LineReader> = {
  'perf-script': createPerfScriptReader,
  ftrace: () => textOnly(createFtraceParser()),
  'trace-cmd': () => textOnly(createFtraceParser()),
};

/**
 * Reads and replays a trace, in bounded memory (rows go to `onRow`, nothing is kept per line).
 * @param input - the trace: its lines in order (strings, without line ends), or its bytes in chunks (`Uint8Array`,
 *   cut anywhere; lines end at `\n`, a `\r` before it is dropped)
 * @param options - see {@link ReadOptions}
 * @returns the replay and what was skipped or malformed
 * @throws {@link SchedacctError} `invalid-argument` when the format cannot be recognised, `strict-anomaly` at the first
 *   malformed line or anomaly with `strict`
 */
export async function readTrace(
  input: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: ReadOptions = {},
): Promise<ReadResult> {
  const replay = new Replay(options);
  const head: string[] = [];
  let reader: LineReader | undefined;
  let format: TraceFormat | undefined;
  let n = 0;
  const skipped: Record<string, number> = {};
  const malformed: Anomaly[] = [];
  let malformedCount = 0;
  const maxDetails = options.maxMalformedDetails ?? 100;
  const onRow = options.onRow;
  const handle = (r: LineResult, line: number): void => {
    if (r.type === 'event') {
      const row = replay.push(r.event);
      if (row !== undefined && onRow !== undefined) onRow(row);
    } else if (r.type === 'skipped') {
      if (r.name !== '') skipped[r.name] = (skipped[r.name] ?? 0) + 1;
    } else {
      const anomaly: Anomaly = { kind: 'malformed-line', message: r.reason, line };
      if (options.strict === true) throw anomalyError(anomaly);
      malformedCount++;
      if (malformed.length < maxDetails) malformed.push(anomaly);
    }
  };
  const start = (): LineReader => {
    format = detectFormat(head);
    if (format === undefined) {
      throw new SchedacctError(
        'invalid-argument',
        'not a trace schedacct reads: expected perf script, ftrace or trace-cmd report text',
      );
    }
    const r = READERS[format]();
    reader = r;
    head.forEach((l, i) => {
      handle(r.text(l, i + 1), i + 1);
    });
    return r;
  };
  const text = (line: string): void => {
    n++;
    if (reader !== undefined) handle(reader.text(line, n), n);
    else {
      head.push(line);
      if (head.length >= 50) start();
    }
  };
  const splitter = new LineSplitter((bytes, from, to) => {
    n++;
    if (reader !== undefined) handle(reader.bytes(bytes, from, to, n), n);
    else {
      head.push(decodeBytes(bytes, from, to));
      if (head.length >= 50) start();
    }
  });
  const take = (item: string | Uint8Array): void => {
    if (typeof item === 'string') {
      splitter.end(); // a partial byte line before a text line is a line of its own
      text(item);
    } else splitter.push(item);
  };
  if (Symbol.asyncIterator in input) for await (const item of input) take(item);
  else for (const item of input) take(item);
  splitter.end();
  if (reader === undefined) start();
  return {
    format: format ?? 'perf-script',
    replay,
    lines: n,
    skipped,
    malformed: { count: malformedCount, details: malformed },
  };
}
