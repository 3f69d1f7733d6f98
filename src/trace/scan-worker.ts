/**
 * Node-only worker thread of `readTraceFile` (parallel.ts): scans perf script lines with the WebAssembly scanner
 * while the main thread replays them, posting them in record batches. A plain file is cut into segments that several
 * of these workers may share (worker `w` of `W` takes segments `w`, `w + W`, …; a line belongs to the segment its
 * first byte is in); a `.gz` file is one segment, streamed. Line numbers are counted from the segment's start: the
 * main thread, which takes the segments in order, adds the lines before. At most `maxInFlight` batches wait unread:
 * then the worker blocks until the main thread has taken one, so memory stays bounded whatever the trace's length.
 * @module
 * @internal
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkScanner, RECORD_INTS, type RecordBatch } from './wasm-scan.js';

/** What the main thread hands a worker. */
export interface ScanWorkerData {
  /** The trace file (or `.gz`, then streamed as one segment). */
  readonly path: string;
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

/** A batch of records as it crosses threads: its own copy of the records, whose buffer is transferred. */
export interface PostedBatch {
  /** `count` records of {@link RECORD_INTS} slots; the same buffer is read as doubles. */
  readonly ints: Int32Array;
  /** Records in the batch. */
  readonly count: number;
  /** Strings interned first in this batch, in id order. */
  readonly strings: readonly string[];
  /** The lines of TEXT records, in order. */
  readonly texts: readonly string[];
}

/** A batch of one segment; `last` closes the segment and says how many lines it had. */
export interface SegmentBatchMessage {
  /** Kind. */
  readonly type: 'batch';
  /** The records (none in the message that only closes a segment). */
  readonly batch: PostedBatch | undefined;
  /** The segment's index. */
  readonly segment: number;
  /** Whether the segment ends with this message. */
  readonly last: boolean;
  /** With `last`: the segment's lines. */
  readonly lines: number;
}

/** Sent instead of batches when the runtime cannot run the scanner: the main thread reads the file itself. */
export interface UnavailableMessage {
  /** Kind. */
  readonly type: 'unavailable';
}

const data = workerData as ScanWorkerData;
const port = parentPort;
if (port === null) throw new Error('scan-worker runs as a worker thread');
const inFlight = new Int32Array(data.inFlight);
let segment = 0;

function post(message: SegmentBatchMessage): void {
  for (let n = Atomics.load(inFlight, 0); n >= data.maxInFlight; n = Atomics.load(inFlight, 0)) {
    Atomics.wait(inFlight, 0, n);
  }
  Atomics.add(inFlight, 0, 1);
  port?.postMessage(message, message.batch === undefined ? [] : [message.batch.ints.buffer as ArrayBuffer]);
}

// Each batch leaves as its own copy (the scanner reuses its records): strings and texts travel with it.
function onBatch(batch: RecordBatch): void {
  const ints = batch.ints.slice(0, batch.count * RECORD_INTS);
  post({
    type: 'batch',
    batch: { ints, count: batch.count, strings: batch.strings, texts: batch.texts },
    segment,
    last: false,
    lines: 0,
  });
}

function readAt(fd: number, buf: Uint8Array, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

const probe = new Uint8Array(1 << 16);

// The first position at or after `from` that starts a line: `from` itself when the byte before it is a line end (or
// it is the file's start), else the byte after the next line end (`size` when there is none).
function lineStartAt(fd: number, from: number, size: number): number {
  if (from === 0) return 0;
  for (let pos = from - 1; pos < size;) {
    const n = readAt(fd, probe, Math.min(probe.length, size - pos), pos);
    if (n === 0) break;
    const nl = probe.subarray(0, n).indexOf(10);
    if (nl >= 0) return pos + nl + 1;
    pos += n;
  }
  return size;
}

// Feeds the scanner the file's bytes [from, to), read straight into its input area.
function feed(scanner: ChunkScanner, fd: number, from: number, to: number): void {
  for (let pos = from; pos < to;) {
    const free = scanner.writable();
    if (free.length === 0) {
      scanner.commit(0, onBatch); // a long line is being collected: make room
      continue;
    }
    const n = readAt(fd, free, Math.min(free.length, to - pos), pos);
    if (n === 0) break;
    pos += n;
    scanner.commit(n, onBatch);
  }
}

async function run(): Promise<void> {
  const scanner = await ChunkScanner.create();
  if (scanner === undefined) {
    port?.postMessage({ type: 'unavailable' } satisfies UnavailableMessage);
    return;
  }
  if (data.segmentBytes === 0) {
    const { traceBytes } = await import('./file.js'); // streams and zlib: loaded for a .gz file only
    for await (const chunk of traceBytes(data.path)) scanner.push(chunk, onBatch);
    scanner.end(onBatch);
    post({ type: 'batch', batch: undefined, segment, last: true, lines: scanner.lines });
    return;
  }
  const fd = openSync(data.path, 'r');
  try {
    const size = data.size;
    const segments = Math.max(1, Math.ceil(size / data.segmentBytes)); // as the main thread counts them
    for (segment = data.worker; segment < segments; segment += data.workers) {
      const from = lineStartAt(fd, segment * data.segmentBytes, size);
      const to = lineStartAt(fd, Math.min(size, (segment + 1) * data.segmentBytes), size);
      scanner.lines = 0;
      if (from < to) feed(scanner, fd, from, to);
      scanner.end(onBatch);
      post({ type: 'batch', batch: undefined, segment, last: true, lines: scanner.lines });
    }
  } finally {
    closeSync(fd);
  }
}

await run();
