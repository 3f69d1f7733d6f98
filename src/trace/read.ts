/**
 * Reading a whole trace: detect the format from the first lines, parse every line, replay, and collect what went
 * wrong. Runtime-neutral: the input is any iterable of lines (strings) or of raw byte chunks (`Uint8Array`, cut
 * anywhere); the node entry streams files, `.gz` and stdin as bytes, which the perf script reader parses without
 * decoding each line.
 * @module
 */
import { anomalyError, type Anomaly } from '../accounting/anomaly.js';
import { SchedacctError } from '../errors.js';
import { concatBytes, decodeBytes, LineSplitter } from './bytes.js';
import { detectFormat, isComment, type TraceFormat } from './format.js';
import type { TraceEvent, WakeupEvent } from './events.js';
import { createFtraceParser } from './ftrace.js';
import { createPerfScriptReader, parsePerfScriptText, type LineReader, type LineResult } from './perf-script.js';
export { detectFormat, type TraceFormat } from './format.js';
import { RecordReader, type RecordSink } from './records.js';
import { Replay, type AnomalyReport, type InfoRow, type ReplayOptions, type TimehistRow } from './replay.js';
import { ChunkScanner, type RecordBatch } from './wasm-scan.js';

/** Options of {@link readTrace}. */
export interface ReadOptions extends ReplayOptions {
  /** Called with every timehist row and wakeup / migration line, in order. */
  readonly onRow?: (row: TimehistRow | InfoRow) => void;
  /**
   * Called once, when the input's format is known: before any row (with `readTraceFile` on worker threads, as told
   * from the file's first 256 KiB). Not called for input that is not a trace (the read throws).
   */
  readonly onFormat?: (format: TraceFormat) => void;
  /**
   * Asked between chunks of the input: a promise holds the reading until it settles (e.g. until the output the rows go
   * to has drained, so that memory stays bounded however slow its reader), undefined lets it go on.
   */
  readonly hold?: () => Promise<void> | undefined;
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
 * Where a trace's lines go, one after the other: format detection from the first lines, parsing, the replay, and
 * the count of what was skipped or malformed. {@link readTrace} feeds it lines or bytes; a parallel reader feeds it
 * lines a worker thread already scanned.
 * @internal
 */
export class TraceSink implements RecordSink {
  readonly replay: Replay;
  readonly #options: ReadOptions;
  readonly #head: string[] = [];
  #reader: LineReader | undefined;
  #format: TraceFormat | undefined;
  #n = 0;
  #headLines = 0;
  readonly #skipped: Record<string, number> = {};
  readonly #malformed: Anomaly[] = [];
  #malformedCount = 0;
  readonly #maxDetails: number;
  readonly #onRow: ((row: TimehistRow | InfoRow) => void) | undefined;
  readonly #splitter = new LineSplitter((bytes, from, to) => {
    this.#n++;
    if (this.#reader !== undefined) this.result(this.#reader.bytes(bytes, from, to, this.#n), this.#n);
    else this.#toHead(decodeBytes(bytes, from, to));
  });
  // The WebAssembly scanner for perf script bytes, when the caller has one; it takes over once the format is known.
  readonly #scanner: ChunkScanner | undefined;
  #scanning = false;
  // A partial line of the head, while the format is told with a scanner at hand.
  #headCarry = new Uint8Array(0);
  readonly #records = new RecordReader(parsePerfScriptText);
  readonly #onBatch = (batch: RecordBatch): void => {
    this.#records.read(batch, 0, this);
  };

  /**
   * @param options - see {@link ReadOptions}
   * @param scanner - reads perf script bytes many lines at a time (see {@link ChunkScanner.create}); without it
   *   every line is parsed on its own, with the same results
   */
  constructor(options: ReadOptions, scanner?: ChunkScanner) {
    this.replay = new Replay(options);
    this.#options = options;
    this.#maxDetails = options.maxMalformedDetails ?? 100;
    this.#onRow = options.onRow;
    this.#scanner = scanner;
  }

  /**
   * What one line held (its number is given by the caller, who counted it).
   * @param r - the parsed line
   * @param line - its number, 1-based
   */
  result(r: LineResult, line: number): void {
    if (r.type === 'event') this.event(r.event);
    else if (r.type === 'skipped') {
      if (r.name !== '') this.#skipped[r.name] = (this.#skipped[r.name] ?? 0) + 1;
    } else {
      const anomaly: Anomaly = { kind: 'malformed-line', message: r.reason, line };
      if (this.#options.strict === true) throw anomalyError(anomaly);
      this.#malformedCount++;
      if (this.#malformed.length < this.#maxDetails) this.#malformed.push(anomaly);
    }
  }

  /**
   * An event a line held.
   * @param event - the event
   */
  event(event: TraceEvent): void {
    if (this.#onRow === undefined) this.replay.apply(event);
    else {
      const row = this.replay.push(event);
      if (row !== undefined) this.#onRow(row);
    }
  }

  /** @inheritDoc */
  switchAt(
    timeNs: number,
    cpu: number,
    tid: number,
    comm: string,
    line: number,
    prevTid: number,
    prevComm: string,
    prevState: string,
    nextTid: number,
    nextComm: string,
  ): void {
    const onRow = this.#onRow;
    const row = this.replay.switchAt(
      timeNs,
      cpu,
      tid,
      comm,
      line,
      prevTid,
      prevComm,
      prevState,
      nextTid,
      nextComm,
      onRow !== undefined,
    );
    if (row !== undefined) onRow?.(row);
  }

  /** @inheritDoc */
  wakeupAt(
    timeNs: number,
    cpu: number,
    tid: number,
    comm: string,
    line: number,
    variant: WakeupEvent['variant'],
    targetTid: number,
    targetComm: string,
  ): void {
    const onRow = this.#onRow;
    const row = this.replay.wakeupAt(timeNs, cpu, tid, comm, line, variant, targetTid, targetComm, onRow !== undefined);
    if (row !== undefined) onRow?.(row);
  }

  /** @inheritDoc */
  runtimeAt(
    timeNs: number,
    cpu: number,
    tid: number,
    comm: string,
    _line: number,
    targetTid: number,
    ns: number,
  ): void {
    this.replay.runtimeAt(timeNs, cpu, tid, comm, targetTid, ns);
  }

  /**
   * Sets the format without looking at the first lines (the caller detected it).
   * @param format - the trace's format
   */
  begin(format: TraceFormat): void {
    const reader = READERS[format]();
    this.#format = format;
    this.#reader = reader;
    this.#options.onFormat?.(format);
    this.#head.forEach((l, i) => {
      this.result(reader.text(l, i + 1), i + 1);
    });
    this.#head.length = 0;
  }

  /**
   * The next item of a trace: a line (string) or a chunk of bytes.
   * @param item - the line or the chunk
   */
  take(item: string | Uint8Array): void {
    if (typeof item !== 'string') {
      if (this.#scanning) (this.#scanner as ChunkScanner).push(item, this.#onBatch);
      else if (this.#reader !== undefined || this.#scanner === undefined) this.#splitter.push(item);
      else this.#headBytes(item);
      return;
    }
    this.#endBytes(); // a partial byte line before a text line is a line of its own
    this.#n++;
    if (this.#reader !== undefined) this.result(this.#reader.text(item, this.#n), this.#n);
    else this.#toHead(item);
  }

  /**
   * Counts lines another reader consumed (a worker thread's, which delivers their results).
   * @param lines - how many
   */
  count(lines: number): void {
    this.#n += lines;
  }

  // Before the format is known, with a scanner at hand: the lines of this chunk go to the head until the format is
  // told, and the rest of the chunk to the scanner if it is perf script (else line by line, as without a scanner).
  #headBytes(chunk: Uint8Array): void {
    const bytes = this.#headCarry.length === 0 ? chunk : concatBytes(this.#headCarry, chunk);
    let start = 0;
    for (let nl = bytes.indexOf(10); nl >= 0 && this.#reader === undefined; nl = bytes.indexOf(10, start)) {
      this.#n++;
      this.#toHead(decodeBytes(bytes, start, nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl));
      start = nl + 1;
    }
    const rest = bytes.subarray(start);
    if (this.#reader === undefined) {
      this.#headCarry = rest.slice();
      return;
    }
    this.#headCarry = new Uint8Array(0);
    if (this.#format === 'perf-script' && this.#scanner !== undefined) {
      this.#scanning = true;
      this.#scanner.lines = this.#n;
      this.#scanner.push(rest, this.#onBatch);
    } else this.#splitter.push(rest);
  }

  // Ends the bytes so far: the scanner's, the head's or the splitter's last line.
  #endBytes(): void {
    if (this.#headCarry.length > 0) {
      const carry = this.#headCarry;
      this.#headCarry = new Uint8Array(0);
      const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
      this.#n++;
      if (this.#reader !== undefined) this.result(this.#reader.bytes(carry, 0, end, this.#n), this.#n);
      else this.#toHead(decodeBytes(carry, 0, end));
    }
    if (this.#scanning) {
      const scanner = this.#scanner as ChunkScanner;
      scanner.end(this.#onBatch);
      this.#n = scanner.lines;
      this.#scanning = false;
    }
    this.#splitter.end();
  }

  // The format is told from the first 50 lines that are not comments (perf script --header prints one per CPU).
  #toHead(line: string): void {
    this.#head.push(line);
    if (!isComment(line) && ++this.#headLines >= 50) this.#detect();
  }

  #detect(): void {
    const format = detectFormat(this.#head);
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
   */
  finish(): ReadResult {
    this.#endBytes();
    if (this.#reader === undefined) this.#detect();
    return {
      format: this.#format ?? 'perf-script',
      replay: this.replay,
      lines: this.#n,
      skipped: this.#skipped,
      malformed: { count: this.#malformedCount, details: this.#malformed },
    };
  }
}

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
  const sink = new TraceSink(options, await ChunkScanner.create());
  const hold = options.hold;
  if (Symbol.asyncIterator in input) {
    for await (const item of input) {
      sink.take(item);
      const wait = hold?.();
      if (wait !== undefined) await wait;
    }
  } else {
    for (const item of input) {
      sink.take(item);
      const wait = hold?.();
      if (wait !== undefined) await wait;
    }
  }
  return sink.finish();
}
