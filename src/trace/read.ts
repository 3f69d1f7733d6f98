/**
 * Reading a whole trace: detect the format from the first lines, parse every line with the format's one parser,
 * replay the events, and count what was skipped or malformed (into the replay's ledger). Runtime-neutral: the input
 * is any iterable of lines (strings) or of raw byte chunks (`Uint8Array`, cut anywhere); the node entry streams
 * files, `.gz` and stdin as bytes.
 * @module
 */
import type { Ledger } from '../accounting/ledger.js';
import { SchedacctError } from '../errors.js';
import { LineSplitter, MAX_LINE_CHARS } from './bytes.js';
import { checkInput, checkReadOptions } from './check-trace.js';
import { detectFormat, isComment, type TextFormat, type TraceFormat } from './format.js';
import { createFtraceParser } from './ftrace.js';
import type { TraceEvent } from './events.js';
import { couldBePerfData, isPerfData, MAGIC_BYTES, replaySource, type PerfDataRecords } from './perf-data/read.js';
import type { PerfDataOptions } from './perf-data/stream.js';
import { PerfDataError } from './perf-data/error.js';
import { joined, PerfDataInput } from './perf-data/input.js';
import {
  PARALLEL_READ,
  RANDOM_ACCESS,
  type ByteSource,
  type ParallelRead,
  type RandomAccess,
} from './perf-data/source.js';
import { parsePerfScriptLine, type LineResult } from './perf-script.js';
import { anomaliesOf, type AnomalyReport } from './records.js';
import { applyChecked, Replay, type ReplayOptions } from './replay.js';
import type { InfoRow, TimehistRow } from './rows.js';
export { detectFormat, type TraceFormat } from './format.js';

/** Options of {@link readTrace}. */
export interface ReadOptions extends ReplayOptions {
  /** Called with every timehist row and wakeup / migration line, in order. */
  readonly onRow?: (row: TimehistRow | InfoRow) => void;
  /**
   * Called once, when the input's format is known: before any row (for perf.data, once its header is read, with the
   * online CPUs it gives; 0 for text). Not called for input that is not a trace.
   */
  readonly onFormat?: (format: TraceFormat, info: { readonly cpusOnline: number }) => void;
  /**
   * Asked between chunks of the input: a promise holds the reading until it settles (e.g. until the output the rows go
   * to has drained, so that memory stays bounded however slow its reader), undefined lets it go on.
   */
  readonly hold?: () => Promise<void> | undefined;
}

/** What reading a trace gave. */
export interface ReadResult {
  /** The format read. */
  readonly format: TraceFormat;
  /** The replay, for summaries. */
  readonly replay: Replay;
  /** Its ledger: every task's totals and every anomaly, malformed lines included. */
  readonly ledger: Ledger;
  /** Lines read. */
  readonly lines: number;
  /** Events that are not scheduler events this reader uses (irq, hrtimer, …), by name. */
  readonly skipped: Readonly<Record<string, number>>;
  /** Comment and blank lines (`#…`, as `perf script --header` and ftrace print them; trace-cmd's `cpus=N`): passed over. */
  readonly comments: number;
  /** Malformed lines: count and the first ones with their line numbers (the ledger's `malformed-line` anomalies). */
  readonly malformed: AnomalyReport;
  /** perf.data: what its records held besides the events (samples, lost events, online CPUs). */
  readonly records?: PerfDataRecords;
}

/** A line held while the format is not known yet: its text, or (overlong) none, the line being too long to hold. */
interface HeadLine {
  readonly line: number;
  readonly text: string;
  readonly overlong: boolean;
}

/** One line of a format: what it held. */
type LineParser = (text: string, line: number) => LineResult;

const PARSERS: Record<TextFormat, () => LineParser> = {
  'perf-script': () => parsePerfScriptLine,
  ftrace: createFtraceParser,
  'trace-cmd': createFtraceParser,
};

// The format is told from the first 50 lines that are not comments (perf script --header prints one per CPU); the
// comments before them are counted, not held.
const DETECT_LINES = 50;

const OVERLONG = `line longer than the ${String(MAX_LINE_CHARS)} characters a trace line may have (passed over)`;

/**
 * Where a trace's lines go, one after the other: format detection from the first lines, parsing, the replay, and
 * the count of what was skipped or malformed.
 * @internal
 */
export class TraceSink {
  readonly replay: Replay;
  readonly #options: ReadOptions;
  readonly #head: HeadLine[] = [];
  #parse: LineParser | undefined;
  #format: TraceFormat | undefined;
  #n = 0;
  #comments = 0;
  readonly #skipped: Record<string, number> = {};
  readonly #onRow: ((row: TimehistRow | InfoRow) => void) | undefined;
  readonly #splitter = new LineSplitter(
    (text) => {
      this.line(text);
    },
    () => {
      this.#overlong();
    },
  );

  /** @param options - see {@link ReadOptions} */
  constructor(options: ReadOptions) {
    this.replay = new Replay(options);
    this.#options = options;
    this.#onRow = options.onRow;
  }

  /** Nothing read yet (no line, no chunk). */
  get fresh(): boolean {
    return this.#n === 0 && this.#format === undefined && !this.#splitter.started;
  }

  /**
   * The next line.
   * @param text - the line, without its line end
   */
  line(text: string): void {
    const n = ++this.#n;
    if (this.#parse !== undefined) this.#result(this.#parse(text, n), n);
    else if (isComment(text)) this.#comments++;
    else this.#hold({ line: n, text, overlong: false });
  }

  // A line longer than MAX_LINE_CHARS (its text was not kept): a malformed line.
  #overlong(): void {
    const n = ++this.#n;
    if (this.#parse !== undefined)
      this.replay.ledger.recordAnomaly({ kind: 'malformed-line', message: OVERLONG, line: n });
    else this.#hold({ line: n, text: '', overlong: true });
  }

  #hold(line: HeadLine): void {
    this.#head.push(line);
    if (this.#head.length >= DETECT_LINES) this.#detect();
  }

  #result(r: LineResult, line: number): void {
    if (r.type === 'event') this.#event(r.event);
    else if (r.type === 'skipped') {
      if (r.name === '') this.#comments++;
      else this.#skipped[r.name] = (this.#skipped[r.name] ?? 0) + 1;
    } else this.replay.ledger.recordAnomaly({ kind: 'malformed-line', message: r.reason, line });
  }

  /**
   * Sets the format without looking at the first lines (the caller detected it).
   * @param format - the trace's format
   */
  begin(format: TextFormat): void {
    const parse = PARSERS[format]();
    this.#format = format;
    this.#parse = parse;
    this.#options.onFormat?.(format, { cpusOnline: 0 });
    for (const { line, text, overlong } of this.#head) {
      if (overlong) this.replay.ledger.recordAnomaly({ kind: 'malformed-line', message: OVERLONG, line });
      else this.#result(parse(text, line), line);
    }
    this.#head.length = 0;
  }

  /**
   * The next item of a trace: a line (string) or a chunk of bytes.
   * @param item - the line or the chunk
   */
  take(item: string | Uint8Array): void {
    if (typeof item !== 'string') {
      this.#splitter.push(item);
      return;
    }
    this.#splitter.end(); // a partial byte line before a text line is a line of its own
    if (item.length > MAX_LINE_CHARS) this.#overlong();
    else this.line(item);
  }

  /**
   * Replays a whole perf.data file (its events in perf's order); `line` of each event is its record's byte offset.
   * @param source - the file, read at offsets
   * @throws {@link PerfDataError} for corrupt or unsupported perf.data
   */
  perfData(source: ByteSource): void {
    this.#format = 'perf-data';
    this.perfDataEnd(replaySource(source, this.#recordFn, this.#perfDataOptions));
  }

  /**
   * Replays a perf.data file read elsewhere (on a worker thread), its events handed over in perf's order.
   * @param read - the read
   * @throws {@link PerfDataError} for corrupt or unsupported perf.data
   */
  async perfDataElsewhere(read: ParallelRead): Promise<void> {
    this.#format = 'perf-data';
    this.perfDataEnd(await read(this.#recordFn, this.#perfDataOptions));
  }

  /**
   * Starts a perf.data input that arrives in chunks.
   * @returns the input: push its chunks, then end it with {@link perfDataEnd}
   */
  perfDataInput(): PerfDataInput {
    this.#format = 'perf-data';
    return new PerfDataInput(this.#recordFn, this.#perfDataOptions);
  }

  /**
   * Ends a perf.data input.
   * @param records - what it counted
   */
  perfDataEnd(records: PerfDataRecords): void {
    this.#records = records;
    Object.assign(this.#skipped, records.skipped);
  }

  #records: PerfDataRecords | undefined;
  readonly #recordFn = (event: TraceEvent): void => {
    this.#record(event);
  };

  get #perfDataOptions(): PerfDataOptions {
    const onFormat = this.#options.onFormat;
    return {
      tracepointComms: this.#options.next === true,
      reuseEvents: true, // (the replay keeps no event)
      ...(onFormat === undefined ? {} : { onStart: (cpusOnline: number) => onFormat('perf-data', { cpusOnline }) }),
    };
  }

  // A perf.data record's event (checked by the reader: see RecordStream); an error the replay's own rules raise on it
  // (a runtime total past 2^53, say) is a PerfDataError at the record's byte.
  #record(event: TraceEvent): void {
    try {
      if (this.#onRow === undefined) applyChecked(this.replay, event, false);
      else {
        const row = applyChecked(this.replay, event, true);
        if (row !== undefined) this.#onRow(row);
      }
    } catch (error: unknown) {
      const refused =
        error instanceof SchedacctError && (error.code === 'invalid-argument' || error.code === 'out-of-range');
      if (refused && !(error instanceof PerfDataError))
        throw new PerfDataError(`a record the replay refuses: ${error.message}`, event.line);
      throw error;
    }
  }

  #event(event: TraceEvent): void {
    if (this.#onRow === undefined) this.replay.apply(event);
    else {
      const row = this.replay.push(event);
      if (row !== undefined) this.#onRow(row);
    }
  }

  #detect(): void {
    const format = detectFormat(this.#head.map((l) => l.text));
    if (format === undefined) {
      throw new SchedacctError(
        'invalid-argument',
        'not a trace schedacct reads: expected perf script, ftrace or trace-cmd report text',
      );
    }
    this.begin(format);
  }

  /**
   * Ends the trace.
   * @returns what reading it gave
   * @throws {@link SchedacctError} `invalid-argument` when the lines read are no trace schedacct reads
   */
  finish(): ReadResult {
    this.#splitter.end();
    if (this.#parse === undefined && this.#format === undefined) this.#detect();
    const ledger = this.replay.ledger;
    return {
      format: this.#format ?? 'perf-script',
      replay: this.replay,
      ledger,
      lines: this.#n,
      skipped: this.#skipped,
      comments: this.#comments,
      malformed: anomaliesOf(ledger, (kind) => kind === 'malformed-line'),
      ...(this.#records === undefined ? {} : { records: this.#records }),
    };
  }
}

/**
 * Reads and replays a trace, in bounded memory (rows go to `onRow`, nothing is kept per line).
 * @param input - the trace: its lines in order (strings, without line ends), or its bytes in chunks (`Uint8Array`,
 *   cut anywhere; lines end at `\n`, a `\r` before it is dropped). A line longer than 65,536 characters is one
 *   malformed line, passed over without being held; comment lines are counted (`comments`), not held
 * @param options - see {@link ReadOptions}
 * @returns the replay, its ledger, and what was skipped or malformed
 * @throws {@link SchedacctError} `invalid-argument` for an input that is not an iterable of lines or byte chunks, or
 *   options that are not a replay's (a callback that is not a function, say); `invalid-argument` when the format cannot
 *   be recognised, `strict-anomaly` at the first
 *   malformed line or anomaly with `strict`
 * @example
 * ```ts
 * const lines = [
 *   'sh 42 [000] 1.000000000: sched:sched_switch: prev_comm=sh prev_pid=42 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
 * ];
 * const { ledger, format } = await readTrace(lines);
 * format; // 'perf-script'
 * ledger.size; // 1
 * ```
 */
export async function readTrace(
  input: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: ReadOptions = {},
): Promise<ReadResult> {
  checkInput(input);
  checkReadOptions(options);
  const sink = new TraceSink(options);
  const hold = options.hold;
  // perf.data is told by its magic in the first bytes: then it is read at offsets where the input offers that (a
  // file), else as its chunks come (pipe mode streamed, file mode gathered).
  const offers = (input as RandomAccess)[RANDOM_ACCESS];
  const offersParallel = (input as RandomAccess)[PARALLEL_READ];
  let source: (ByteSource & { close(): void }) | undefined;
  let parallel: ParallelRead | undefined;
  let binary: PerfDataInput | undefined;
  // The first bytes, held while they could still be perf.data's magic (chunks may be cut anywhere).
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  const release = (): void => {
    for (const chunk of held) sink.take(chunk);
    held = [];
  };
  // Takes an item; true when the input is perf.data to read at offsets instead.
  const take = (item: string | Uint8Array): boolean => {
    if (binary !== undefined) {
      if (typeof item === 'string')
        throw new SchedacctError('invalid-argument', 'perf.data input with a text line in it');
      binary.push(item);
      return false;
    }
    if (typeof item === 'string' || !sink.fresh) {
      release();
      sink.take(item);
      return false;
    }
    held.push(item);
    heldBytes += item.length;
    const head = held.length === 1 ? item : joined(held);
    if (heldBytes < MAGIC_BYTES) {
      if (!couldBePerfData(head)) release();
      return false;
    }
    if (!isPerfData(head)) {
      release();
      return false;
    }
    held = [];
    parallel = offersParallel?.();
    if (parallel !== undefined) return true;
    source = offers?.();
    if (source !== undefined) return true;
    binary = sink.perfDataInput();
    binary.push(head);
    return false;
  };
  if (Symbol.asyncIterator in input) {
    for await (const item of input) {
      if (take(item)) break;
      const wait = hold?.();
      if (wait !== undefined) await wait;
    }
  } else {
    for (const item of input) {
      if (take(item)) break;
      const wait = hold?.();
      if (wait !== undefined) await wait;
    }
  }
  release();
  if (parallel !== undefined) await sink.perfDataElsewhere(parallel);
  else if (source !== undefined) {
    try {
      sink.perfData(source);
    } finally {
      source.close();
    }
  } else if (binary !== undefined) sink.perfDataEnd(binary.finish());
  return sink.finish();
}
