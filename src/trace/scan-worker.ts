/**
 * Node-only worker thread of `readTraceFile` (parallel.ts): scans perf script lines while the main thread replays
 * them, posting them in record batches. A plain file is cut into segments that several of these workers share
 * (worker `w` of `W` takes segments `w`, `w + W`, …; a line belongs to the segment its first byte is in); a `.gz` file
 * is one segment, streamed. Line numbers are counted from the segment's start: the main thread, which takes the
 * segments in order, adds the lines before. At most `maxInFlight` batches wait unread: then the worker blocks until
 * the main thread has taken one, so memory stays bounded whatever the trace's length.
 * @module
 * @internal
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeBytes, LineSplitter } from './bytes.js';
import { traceBytes } from './file.js';
import { PerfScriptScanner, SCANNED } from './perf-script.js';
import { primerLines } from './primer.js';
import { RecordWriter, type RecordBatch } from './records.js';

/** What the main thread hands a worker. */
export interface ScanWorkerData {
  /** The trace file (or `.gz`, then streamed as one segment). */
  readonly path: string;
  /** Records per batch. */
  readonly batch: number;
  /** One Int32: this worker's batches posted and not yet read. */
  readonly inFlight: SharedArrayBuffer;
  /** Most batches in flight. */
  readonly maxInFlight: number;
  /** This worker's index. */
  readonly worker: number;
  /** How many workers share the file. */
  readonly workers: number;
  /** Bytes per segment (a plain file); 0 streams the whole file as one segment. */
  readonly segmentBytes: number;
  /**
   * The file's size when the read began: every thread cuts the same segments, and what is appended later is not
   * read (a plain file only).
   */
  readonly size: number;
}

/** A batch of one segment; `last` closes the segment and says how many lines it had. */
export interface SegmentBatchMessage {
  /** Kind. */
  readonly type: 'batch';
  /** The records. */
  readonly batch: RecordBatch;
  /** The segment's index. */
  readonly segment: number;
  /** Whether the segment ends with this batch. */
  readonly last: boolean;
  /** With `last`: the segment's lines. */
  readonly lines: number;
}

const data = workerData as ScanWorkerData;
const port = parentPort;
if (port === null) throw new Error('scan-worker runs as a worker thread');
const inFlight = new Int32Array(data.inFlight);
const writer = new RecordWriter(data.batch);
const scanner = new PerfScriptScanner();
primeScanner();
let segment = 0;
let lines = 0;

function post(last: boolean): void {
  const batch = writer.take();
  for (let n = Atomics.load(inFlight, 0); n >= data.maxInFlight; n = Atomics.load(inFlight, 0)) {
    Atomics.wait(inFlight, 0, n);
  }
  Atomics.add(inFlight, 0, 1);
  const message: SegmentBatchMessage = { type: 'batch', batch, segment, last, lines };
  port?.postMessage(message, [batch.records.buffer as ArrayBuffer]);
}

// The primer's lines, read once by a throwaway scanner before the file: the optimizing compiler then sees every branch
// the first time it compiles the scanner, instead of compiling it again when the trace first meets one. Measured on
// the large trace: one compile instead of two, ~20 ms less wall time.
function primeScanner(): void {
  const primer = new PerfScriptScanner();
  const encoder = new TextEncoder(); // plain Uint8Arrays, as the file is read into (a Buffer would add a second shape)
  for (const text of primerLines()) {
    const bytes = encoder.encode(text);
    primer.scanInto(bytes, 0, bytes.length);
  }
}

// One line, without its line end.
function line(bytes: Uint8Array, start: number, end: number): void {
  lines++;
  const kind = scanner.scanInto(bytes, start, end);
  const full =
    kind === SCANNED.general
      ? writer.text(lines, decodeBytes(bytes, start, end))
      : writer.scanned(scanner, kind, lines);
  if (full) post(false);
}

// A line that ended at `end` (a '\n' or the file's end): a '\r' before it is dropped, as LineSplitter does.
function lineTo(bytes: Uint8Array, start: number, end: number): void {
  line(bytes, start, end > start && bytes[end - 1] === 13 ? end - 1 : end);
}

// Reads until `length` bytes are in or the file ends; returns how many came.
function readAt(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, offset + got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

// One buffer for every segment (nothing keeps a view of it: the records hold numbers and decoded strings).
let buffer = new Uint8Array(0);

// Segment `s` of a plain file: the byte before it tells whether a line starts at its first byte; the last line that
// starts inside it is read to its end, past the segment if need be.
function scanSegment(fd: number, size: number, s: number): void {
  const from = s * data.segmentBytes;
  const to = Math.min(size, from + data.segmentBytes);
  const lead = from === 0 ? 0 : 1;
  if (buffer.length < to - from + lead + (1 << 16)) buffer = new Uint8Array(to - from + lead + (1 << 16));
  let buf = buffer;
  let len = readAt(fd, buf, 0, to - from + lead, from - lead);
  let start = lead;
  if (lead === 1 && buf[0] !== 10) {
    // The line in progress belongs to the previous segment: ours start after its end.
    const nl = buf.indexOf(10, 1);
    start = nl < 0 || nl >= to - from + lead ? len : nl + 1;
  }
  const segEnd = to - from + lead; // lines that start before here are ours
  while (start < segEnd) {
    let nl = buf.indexOf(10, start);
    while (nl < 0 || nl >= len) {
      // The line runs past what we read: read on (into a longer buffer when it is full), up to the file's end.
      if (len === buf.length) {
        const grown = new Uint8Array(buf.length * 2);
        grown.set(buf);
        buf = grown;
        buffer = grown;
      }
      const more = from - lead + len >= size ? 0 : readAt(fd, buf, len, buf.length - len, from - lead + len);
      if (more === 0) {
        nl = -1;
        break;
      }
      len += more;
      nl = buf.indexOf(10, start);
    }
    if (nl < 0) {
      if (start < len) lineTo(buf, start, len); // the file's last line, without a line end
      break;
    }
    lineTo(buf, start, nl);
    start = nl + 1;
  }
}

if (data.segmentBytes === 0) {
  const splitter = new LineSplitter(line);
  for await (const chunk of traceBytes(data.path)) splitter.push(chunk);
  splitter.end();
  post(true);
} else {
  const fd = openSync(data.path, 'r');
  try {
    const size = data.size;
    const segments = Math.max(1, Math.ceil(size / data.segmentBytes)); // as the main thread counts them
    for (segment = data.worker; segment < segments; segment += data.workers) {
      lines = 0;
      scanSegment(fd, size, segment);
      post(true);
    }
  } finally {
    closeSync(fd);
  }
}
