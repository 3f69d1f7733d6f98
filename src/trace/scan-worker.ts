/**
 * Node-only worker thread of `readTraceFile` (parallel.ts): reads a perf script file, splits its lines and scans its events
 * while the main thread replays them, posting them in record batches. At most `maxInFlight` batches wait unread:
 * then it blocks until the main thread has taken one, so memory stays bounded whatever the trace's length.
 * @module
 * @internal
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeBytes, LineSplitter } from './bytes.js';
import { traceBytes } from './file.js';
import { PerfScriptScanner, SCANNED } from './perf-script.js';
import { RecordWriter } from './records.js';

/** What the main thread hands the worker. */
export interface ScanWorkerData {
  /** The trace file (or `.gz`). */
  readonly path: string;
  /** Records per batch. */
  readonly batch: number;
  /** One Int32: batches posted and not yet read. */
  readonly inFlight: SharedArrayBuffer;
  /** Most batches in flight. */
  readonly maxInFlight: number;
}

const data = workerData as ScanWorkerData;
const port = parentPort;
if (port === null) throw new Error('scan-worker runs as a worker thread');
const inFlight = new Int32Array(data.inFlight);
const writer = new RecordWriter(data.batch);
const scanner = new PerfScriptScanner();
let lines = 0;

function post(): void {
  const batch = writer.take();
  for (let n = Atomics.load(inFlight, 0); n >= data.maxInFlight; n = Atomics.load(inFlight, 0)) {
    Atomics.wait(inFlight, 0, n);
  }
  Atomics.add(inFlight, 0, 1);
  port?.postMessage({ type: 'batch', batch }, [batch.records.buffer as ArrayBuffer]);
}

const splitter = new LineSplitter((bytes, start, end) => {
  lines++;
  const kind = scanner.scanInto(bytes, start, end);
  const full =
    kind === SCANNED.general
      ? writer.text(lines, decodeBytes(bytes, start, end))
      : writer.scanned(scanner, kind, lines);
  if (full) post();
});
for await (const chunk of traceBytes(data.path)) splitter.push(chunk);
splitter.end();
post();
port.postMessage({ type: 'done' });
