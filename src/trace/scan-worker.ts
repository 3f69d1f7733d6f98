/**
 * Node-only worker thread of `readTraceFile` (parallel.ts): scans perf script lines with the WebAssembly scanner
 * while the main thread replays them, posting them in record batches. A plain file is cut into segments (see
 * segments.ts) that the threads claim one at a time from a shared counter, the main thread too when it would
 * otherwise wait; a `.gz` file is one segment, streamed. Line numbers are counted from the segment's start: the main
 * thread, which replays the segments in order, adds the lines before. At most `maxInFlight` batches wait unread: then
 * the worker blocks until the main thread has taken one, so memory stays bounded whatever the trace's length.
 * @module
 * @internal
 */
import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { scanSegment, segmentCount } from './segments.js';
import { ChunkScanner, RECORD_INTS, type RecordBatch } from './wasm-scan.js';

/** What the main thread hands a worker. */
export interface ScanWorkerData {
  /** The trace file (or `.gz`, then streamed as one segment). */
  readonly path: string;
  /** One Int32: this worker's batches posted and not yet read. */
  readonly inFlight: SharedArrayBuffer;
  /** Most batches in flight. */
  readonly maxInFlight: number;
  /** One Int32: the next segment no thread has claimed (`Atomics.add` claims it). */
  readonly claims: SharedArrayBuffer;
  /** Bytes per segment (a plain file); 0 streams the whole file as one segment. */
  readonly segmentBytes: number;
  /**
   * The file's size when the read began: every thread cuts the same segments, and what is appended later is not
   * read (a plain file only).
   */
  readonly size: number;
}

/**
 * A batch as it crosses threads: its own copy of the records (`ints`, whose buffer is transferred and read as doubles
 * on the other side too), and the rest of the batch.
 */
export type PostedBatch = Omit<RecordBatch, 'floats'>;

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
    batch: { ints, count: batch.count, reset: batch.reset, strings: batch.strings, texts: batch.texts },
    segment,
    last: false,
    lines: 0,
  });
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
  const claims = new Int32Array(data.claims);
  const segments = segmentCount(data.size, data.segmentBytes); // as the main thread counts them
  const fd = openSync(data.path, 'r');
  try {
    for (segment = Atomics.add(claims, 0, 1); segment < segments; segment = Atomics.add(claims, 0, 1)) {
      const lines = scanSegment(scanner, fd, segment, data.segmentBytes, data.size, onBatch);
      post({ type: 'batch', batch: undefined, segment, last: true, lines });
    }
  } finally {
    closeSync(fd);
  }
}

await run();
