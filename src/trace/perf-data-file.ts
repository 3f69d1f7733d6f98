/**
 * Node-only: a perf.data file read at offsets, so the reader streams its data section in chunks and memory does not
 * grow with the file (perf.data keeps its tracing data after the data, so a stream would have to be held whole).
 * @module
 * @internal
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { SchedacctError } from '../errors.js';
import type { TraceEvent } from './events.js';
import { BatchReader } from './perf-data/event-rows.js';
import { PerfDataError } from './perf-data/error.js';
import { isPerfData } from './perf-data/read.js';
import { PARALLEL_READ, RANDOM_ACCESS, type ByteSource } from './perf-data/source.js';
import type { PerfDataOptions, PerfDataRecords } from './perf-data/stream.js';
import type { WorkerInput, WorkerMessage } from './perf-data-worker.js';

/**
 * A file as a source read at offsets, when it is a regular file that starts with perf.data's magic (not gzip).
 * @param path - the file
 * @returns the source, with `close`; undefined for anything else (the caller streams it)
 * @internal
 */
export function perfDataFile(path: string): (ByteSource & { close(): void }) | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  const close = (): void => {
    closeSync(fd);
  };
  const stat = fstatSync(fd);
  let chunk: Buffer | undefined;
  const read = (position: number, length: number, into?: Buffer): Uint8Array => {
    const out = into ?? Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, out, got, length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return got === length ? out : out.subarray(0, got);
  };
  if (!stat.isFile() || stat.size < 16 || !isPerfData(read(0, 8))) {
    close();
    return undefined;
  }
  const readChunk = (position: number, length: number): Uint8Array => {
    if (chunk === undefined || chunk.length < length) chunk = Buffer.allocUnsafe(length);
    return read(position, length, chunk.subarray(0, length));
  };
  return { size: stat.size, read: (position, length) => read(position, length), readChunk, close };
}

/**
 * When a perf.data file is read on a worker thread: `'auto'` from {@link WORKER_BYTES} on, `'always'`, `'never'`.
 * @internal
 */
export type WorkerChoice = 'auto' | 'always' | 'never';

/**
 * The size from which `'auto'` reads perf.data on a worker thread: below it, starting the thread (about 30 ms) costs
 * more than it saves.
 * @internal
 */
export const WORKER_BYTES: number = 16 << 20;

/**
 * Marks a file's byte stream as one the reader may read at offsets instead, when it turns out to be perf.data (and,
 * for a large file, on a worker thread: see {@link readPerfDataInWorker}).
 * @param stream - the file's bytes
 * @param path - the file
 * @param worker - when to read it on a worker thread
 * @returns the stream, marked
 * @internal
 */
export function withRandomAccess<T extends object>(stream: T, path: string, worker: WorkerChoice = 'auto'): T {
  const parallel = ():
    ((emit: (event: TraceEvent) => void, options: PerfDataOptions) => Promise<PerfDataRecords>) | undefined => {
    if (worker === 'never' || (worker === 'auto' && sizeOf(path) < WORKER_BYTES)) return undefined;
    return (emit, options) => readPerfDataInWorker(path, emit, options);
  };
  return Object.assign(stream, { [RANDOM_ACCESS]: () => perfDataFile(path), [PARALLEL_READ]: parallel });
}

function sizeOf(path: string): number {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : 0;
  } catch {
    return 0;
  }
}

// Batches the reader's thread may be ahead of the replay's: bounds the memory between them (each about 900 KiB).
const MAX_PENDING = 4;

/**
 * Reads a perf.data file on a worker thread while this one replays: the worker frames, decodes and orders the
 * records; this thread gets them in batches of rows and makes the events ({@link BatchReader}: the thread table is
 * kept here), in perf's order, as
 * {@link replaySource} would hand them over. The worker waits while {@link MAX_PENDING} batches are not taken.
 * @param path - the file
 * @param emit - gets each event (valid until the next: keep none)
 * @param options - as {@link replaySource}'s (`reuseEvents` is implied)
 * @returns what was counted, once every event was handed over
 * @throws {@link PerfDataError} as {@link replaySource}, and what `emit` throws (the worker is stopped then)
 * @internal
 */
export function readPerfDataInWorker(
  path: string,
  emit: (event: TraceEvent) => void,
  options: PerfDataOptions,
): Promise<PerfDataRecords> {
  const pending = new SharedArrayBuffer(4);
  const count = new Int32Array(pending);
  const { port1: returns, port2 } = new MessageChannel();
  const worker = startWorker(
    { path, tracepointComms: options.tracepointComms ?? false, pending, maxPending: MAX_PENDING, returns: port2 },
    [port2],
  );
  const reader = new BatchReader(emit);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      returns.close();
      void worker.terminate();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    worker.on('message', (m: WorkerMessage) => {
      if (settled) return;
      try {
        if (m.type === 'batch') {
          reader.read(m.batch);
          const rows = m.batch.rows.buffer as ArrayBuffer;
          returns.postMessage(rows, [rows]); // (filled again there)
          Atomics.sub(count, 0, 1);
          Atomics.notify(count, 0);
        } else if (m.type === 'start') options.onStart?.(m.cpusOnline);
        else if (m.type === 'end') {
          settled = true;
          returns.close();
          resolve(m.records as PerfDataRecords);
        } else fail(workerError(m));
      } catch (error: unknown) {
        fail(error);
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      fail(new SchedacctError('unavailable', `the perf.data reader's thread stopped (exit code ${String(code)})`));
    });
  });
}

function workerError(m: Extract<WorkerMessage, { type: 'error' }>): Error {
  if (m.problem !== undefined && m.offset !== undefined) return new PerfDataError(m.problem, m.offset);
  if (m.code !== undefined) return new SchedacctError(m.code as SchedacctError['code'], m.message);
  return new Error(m.message);
}

// The worker script beside this module: the built one, or the TypeScript source with the tests' loader (tsx)
// registered first (a worker's --import does not reach its entry module on Node 20).
function startWorker(input: WorkerInput, transferList: MessagePort[]): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./perf-data-worker.js', import.meta.url), { workerData: input, transferList });
  const tsxPackage = pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = new URL('dist/esm/api/index.mjs', tsxPackage).href; // tsx's register(), as an ES module
  const entry = new URL('./perf-data-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: input, transferList });
}
