/**
 * Node-only: a trace file read on two threads. A worker thread reads the bytes, splits the lines and scans the
 * events; the main thread replays them as they come. Same results as {@link readTrace}, in less time for large
 * perf script files (the scan is about a third of a replay).
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { SchedacctError } from '../errors.js';
import { decodeBytes } from './bytes.js';
import { traceBytes } from './file.js';
import { parsePerfScriptText } from './perf-script.js';
import { detectFormat, readTrace, TraceSink, type ReadOptions, type ReadResult, type TraceFormat } from './read.js';
import { RecordReader, type RecordBatch } from './records.js';
import type { ScanWorkerData } from './scan-worker.js';

/** Options of {@link readTraceFile}. */
export interface ReadFileOptions extends ReadOptions {
  /**
   * Perf script files of at least this many bytes (on disk) are scanned in a worker thread; smaller ones, other
   * formats and stdin are read on the calling thread, where a worker's start-up would cost more than it saves.
   * Default 8 MiB; `0` always uses the worker, `Infinity` never.
   */
  readonly workerMinBytes?: number;
}

/** The default of {@link ReadFileOptions.workerMinBytes}. */
export const WORKER_MIN_BYTES: number = 8 << 20;

// The compiled worker beside this module (run from TypeScript sources it is absent, and reading stays on one thread).
const WORKER = new URL('./scan-worker.js', import.meta.url);

/** What {@link readTraceFile} gave: {@link ReadResult}, and whether a worker thread scanned the file. */
export interface ReadFileResult extends ReadResult {
  /** True when a worker thread scanned the file (see {@link ReadFileOptions.workerMinBytes}). */
  readonly worker: boolean;
}

type WorkerMessage = { readonly type: 'batch'; readonly batch: RecordBatch } | { readonly type: 'done' };

/**
 * Reads and replays a trace file (`.gz` too, or `-` for stdin), scanning large perf script files in a worker thread.
 * @param path - the file
 * @param options - see {@link ReadFileOptions}
 * @returns what {@link readTrace} returns for the same file, and whether a worker scanned it
 * @throws {@link SchedacctError} `invalid-argument` when the file does not exist or is not a trace,
 *   `strict-anomaly` with `strict`, `unavailable` when the worker thread stops unexpectedly
 */
export async function readTraceFile(path: string, options: ReadFileOptions = {}): Promise<ReadFileResult> {
  const min = options.workerMinBytes ?? WORKER_MIN_BYTES;
  const inWorker =
    path !== '-' &&
    existsSync(path) &&
    statSync(path).size >= min &&
    existsSync(WORKER) &&
    (await formatOf(path)) === 'perf-script';
  const result = await (inWorker ? scanInWorker(path, options) : readTrace(traceBytes(path), options));
  return { ...result, worker: inWorker };
}

// The format, from the first chunk's lines (256 KiB: past any header).
async function formatOf(path: string): Promise<TraceFormat | undefined> {
  for await (const chunk of traceBytes(path)) {
    return detectFormat(decodeBytes(chunk, 0, chunk.length).split('\n')); // comments are passed over
  }
  return undefined;
}

function scanInWorker(path: string, options: ReadOptions): Promise<ReadResult> {
  const sink = new TraceSink(options);
  sink.begin('perf-script');
  const records = new RecordReader(parsePerfScriptText);
  const onEvent = sink.event.bind(sink);
  const onLine = sink.result.bind(sink);
  const inFlight = new Int32Array(new SharedArrayBuffer(4));
  const data: ScanWorkerData = { path, batch: 4096, inFlight: inFlight.buffer, maxInFlight: 4 };
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: data });
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    worker.on('message', (message: WorkerMessage) => {
      if (settled) return;
      try {
        if (message.type === 'batch') {
          records.read(message.batch, onEvent, onLine);
          sink.count(message.batch.count);
          Atomics.sub(inFlight, 0, 1);
          Atomics.notify(inFlight, 0);
        } else {
          settled = true;
          resolve(sink.finish());
        }
      } catch (error: unknown) {
        fail(error);
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      fail(new SchedacctError('unavailable', `the trace scanning thread stopped (exit code ${String(code)})`));
    });
  });
}
