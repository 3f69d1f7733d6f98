/**
 * Node-only: a trace file read on several threads. Worker threads read the bytes, split the lines and scan the
 * events (a plain file in segments they share, a `.gz` file from its start); the main thread replays them in order as
 * they come. Same results as `readTrace`, in less time for large perf script files (the scan is about half of
 * the work).
 * @module
 */
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SchedacctError } from '../errors.js';
import { decodeBytes } from './bytes.js';
import { traceBytes } from './file.js';
import { parsePerfScriptText } from './perf-script.js';
import { detectFormat, type TraceFormat } from './format.js';
// The replay (XState, the machines) is imported when needed: scanning threads start while it loads.
import type { ReadOptions, ReadResult, TraceSink } from './read.js';
import { RecordReader } from './records.js';
import type { ScanWorkerData, SegmentBatchMessage, UnavailableMessage } from './scan-worker.js';
import { readAt, scanSegment, segmentCount } from './segments.js';
import { ChunkScanner } from './wasm-scan.js';

/** Options of {@link readTraceFile}. */
export interface ReadFileOptions extends ReadOptions {
  /**
   * Perf script files of at least this many bytes (on disk) are scanned in a worker thread; smaller ones, other
   * formats and stdin are read on the calling thread, where a worker's start-up would cost more than it saves.
   * Default 8 MiB; `0` always uses the worker, `Infinity` never.
   */
  readonly workerMinBytes?: number;
  /**
   * Worker threads that scan a plain (not `.gz`) file, each taking every n-th segment of it while the main thread
   * replays the segments in order. Default: one per core but the replay's, at least 1 and at most 3. A `.gz` file is
   * scanned by one.
   */
  readonly scanThreads?: number;
  /** Bytes per segment of a plain file (default 1 MiB). */
  readonly segmentBytes?: number;
  /**
   * Let the main thread scan a segment itself when no worker has taken it yet, instead of waiting (default true):
   * it does so mostly while the workers boot. Results are the same either way.
   */
  readonly mainThreadScans?: boolean;
}

/** The default of {@link ReadFileOptions.segmentBytes}. */
export const SEGMENT_BYTES: number = 1 << 20;

/** The default of {@link ReadFileOptions.workerMinBytes}. */
export const WORKER_MIN_BYTES: number = 8 << 20;

// The compiled worker beside this module (run from TypeScript sources it is absent, and reading stays on one thread).
const WORKER = new URL('./scan-worker.js', import.meta.url);

/** What {@link readTraceFile} gave: {@link ReadResult}, whether worker threads took part, and how the file was cut. */
export interface ReadFileResult extends ReadResult {
  /** True when worker threads scanned the file (see {@link ReadFileOptions.workerMinBytes}). */
  readonly worker: boolean;
  /** Segments the file was cut into for the threads (1 for a `.gz` file; 0 when no worker took part). */
  readonly segments: number;
  /** Of those, the segments the main thread scanned itself (see {@link ReadFileOptions.mainThreadScans}). */
  readonly mainSegments: number;
}

/**
 * Reads and replays a trace file (`.gz` too, or `-` for stdin), scanning large perf script files in worker threads.
 * A plain file is read as it was when the read began: what is appended while it is read is left for the next read.
 * @param path - the file
 * @param options - see {@link ReadFileOptions}
 * @returns what `readTrace` returns for the same file, and whether a worker scanned it
 * @throws {@link SchedacctError} `invalid-argument` when the file does not exist or is not a trace, or
 *   `scanThreads` / `segmentBytes` is not a whole number ≥ 1; `strict-anomaly` with `strict`; `unavailable` when a
 *   worker thread stops unexpectedly
 */
export async function readTraceFile(path: string, options: ReadFileOptions = {}): Promise<ReadFileResult> {
  positiveWhole('scanThreads', options.scanThreads);
  positiveWhole('segmentBytes', options.segmentBytes);
  // onFormat once, though a file whose threads cannot run the scanner is begun again on this thread
  const onFormat = options.onFormat;
  let told = false;
  const read: ReadFileOptions =
    onFormat === undefined
      ? options
      : {
          ...options,
          onFormat: (format) => {
            if (!told) onFormat(format);
            told = true;
          },
        };
  const min = options.workerMinBytes ?? WORKER_MIN_BYTES;
  const inWorker =
    path !== '-' &&
    existsSync(path) &&
    statSync(path).size >= min &&
    existsSync(WORKER) &&
    (await formatOf(path)) === 'perf-script';
  const onThread = (): Promise<ReadResult> =>
    import('./read.js').then(({ readTrace }) => readTrace(traceBytes(path), read));
  const result = inWorker ? await scanInWorkers(path, read) : undefined;
  // undefined: no worker, or the workers could not run the scanner (then nothing was replayed yet)
  return result === undefined
    ? { ...(await onThread()), worker: false, segments: 0, mainSegments: 0 }
    : { ...result, worker: true };
}

// The format, told from the file's first 256 KiB (comments are passed over): read in one call for a plain file,
// streamed for a `.gz` one.
async function formatOf(path: string): Promise<TraceFormat | undefined> {
  const detect = (bytes: Uint8Array): TraceFormat | undefined =>
    detectFormat(decodeBytes(bytes, 0, bytes.length).split('\n'));
  if (path.endsWith('.gz')) {
    for await (const chunk of traceBytes(path)) return detect(chunk);
    return undefined;
  }
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(1 << 18);
    return detect(head.subarray(0, readAt(fd, head, head.length, 0)));
  } finally {
    closeSync(fd);
  }
}

function scanInWorkers(
  path: string,
  options: ReadFileOptions,
): Promise<(ReadResult & { segments: number; mainSegments: number }) | undefined> {
  // A plain file is cut into segments that the threads claim in turn; a .gz file can only be read from its start.
  const size = statSync(path).size;
  const segmentBytes = path.endsWith('.gz') ? 0 : (options.segmentBytes ?? SEGMENT_BYTES);
  const segments = segmentBytes === 0 ? 1 : segmentCount(size, segmentBytes);
  const count = Math.max(1, Math.min(segments, options.scanThreads ?? defaultScanThreads()));
  const claims = new Int32Array(new SharedArrayBuffer(4));
  const workers = Array.from({ length: count }, () => {
    const inFlight = new Int32Array(new SharedArrayBuffer(4));
    const data: ScanWorkerData = {
      path,
      inFlight: inFlight.buffer,
      maxInFlight: 4,
      claims: claims.buffer,
      segmentBytes,
      size,
    };
    // Each worker's strings are interned apart: one reader per worker.
    return { data, inFlight, records: new RecordReader(parsePerfScriptText) };
  });
  // What has come for each segment not yet replayed, and from which worker.
  const queues = new Map<number, { readonly w: (typeof workers)[number]; readonly messages: SegmentBatchMessage[] }>();
  return new Promise((resolve, reject) => {
    const threads: Worker[] = [];
    let sink: TraceSink | undefined; // once the replay has loaded
    // The main thread's own scanner: it scans a segment itself where it would otherwise wait for one (while the
    // threads boot, above all). None for a .gz file, which only one thread can read.
    let own: { readonly scanner: ChunkScanner; readonly records: RecordReader; readonly fd: number } | undefined;
    let settled = false;
    let next = 0; // the segment to replay next
    let lineBase = 0; // lines in the segments before it
    let mainSegments = 0;
    let started = false; // a record has reached the replay
    let exited = 0;
    const end = (): void => {
      settled = true;
      for (const t of threads) void t.terminate();
      if (own !== undefined) closeSync(own.fd);
      own = undefined;
    };
    const fail = (error: unknown): void => {
      if (settled) return;
      end();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const segmentDone = (replay: TraceSink, lines: number): void => {
      lineBase += lines;
      replay.count(lines);
      next++;
    };
    // Replays what has come, in segment order; takes the next segment itself when no thread has claimed it yet.
    let holding = false; // waiting for options.hold's promise
    const drain = (): void => {
      if (sink === undefined || settled || holding) return;
      while (next < segments) {
        // The caller's output may be full: the threads wait too (their batches in flight are bounded).
        const wait = options.hold?.();
        if (wait !== undefined) {
          holding = true;
          wait.then(() => {
            holding = false;
            try {
              drain();
              stoppedEarly();
            } catch (error: unknown) {
              fail(error);
            }
          }, fail);
          return;
        }
        const queue = queues.get(next);
        const message = queue?.messages.shift();
        if (queue !== undefined && message !== undefined) {
          started = true;
          if (message.batch !== undefined) {
            const { ints, count, reset, strings, texts } = message.batch;
            const floats = new Float64Array(ints.buffer, ints.byteOffset, ints.length / 2);
            queue.w.records.read({ ints, floats, count, reset, strings, texts }, lineBase, sink);
          }
          Atomics.sub(queue.w.inFlight, 0, 1);
          Atomics.notify(queue.w.inFlight, 0);
          if (message.last) {
            queues.delete(next);
            segmentDone(sink, message.lines);
          }
          continue;
        }
        if (queue !== undefined || own === undefined || Atomics.compareExchange(claims, 0, next, next + 1) !== next)
          return; // a thread has it: wait for its batches
        started = true;
        const { scanner, records, fd } = own;
        const base = lineBase;
        const replay = sink;
        const lines = scanSegment(scanner, fd, next, segmentBytes, size, (batch) => {
          records.read(batch, base, replay);
        });
        mainSegments++;
        segmentDone(sink, lines);
      }
      // Every segment replayed: the threads are done (ended so that none can outlive the read).
      end();
      try {
        resolve({ ...sink.finish(), segments, mainSegments });
      } catch (error: unknown) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    // Every thread is gone and the replay has taken all they sent, yet a segment they claimed is missing. (While the
    // replay is held, what they sent is still queued: this is asked again once it goes on.)
    const stoppedEarly = (): void => {
      if (exited === count && sink !== undefined && !settled && !holding) {
        fail(new SchedacctError('unavailable', 'the trace scanning threads stopped before the end of the file'));
      }
    };
    workers.forEach((w) => {
      const thread = new Worker(WORKER, { workerData: w.data });
      threads.push(thread);
      thread.on('message', (message: SegmentBatchMessage | UnavailableMessage) => {
        if (settled) return;
        if (message.type === 'unavailable') {
          // The worker cannot run the scanner (and ends). With nothing replayed yet the caller reads the file on its
          // own thread; otherwise the other threads and the main thread go on without it.
          if (!started) {
            end();
            resolve(undefined);
          }
          return;
        }
        try {
          let queue = queues.get(message.segment);
          if (queue === undefined) {
            queue = { w, messages: [] };
            queues.set(message.segment, queue);
          }
          queue.messages.push(message);
          if (message.segment === next) drain();
        } catch (error: unknown) {
          fail(error);
        }
      });
      thread.on('error', fail);
      thread.on('exit', (code) => {
        exited++;
        if (code !== 0) {
          fail(new SchedacctError('unavailable', `a trace scanning thread stopped (exit code ${String(code)})`));
        } else {
          try {
            drain();
            stoppedEarly();
          } catch (error: unknown) {
            fail(error);
          }
        }
      });
    });
    // The replay's modules (XState, the machines) and the main thread's scanner load while the threads boot.
    const steal = segmentBytes !== 0 && options.mainThreadScans !== false;
    Promise.all([import('./read.js'), steal ? ChunkScanner.create() : undefined]).then(
      ([{ TraceSink: Sink }, scanner]) => {
        if (settled) return;
        try {
          if (scanner !== undefined)
            own = { scanner, records: new RecordReader(parsePerfScriptText), fd: openSync(path, 'r') };
          sink = new Sink(options);
          sink.begin('perf-script');
          drain();
          stoppedEarly();
        } catch (error: unknown) {
          fail(error);
        }
      },
      fail,
    );
  });
}

// Scanning threads: the cores the replay leaves, at least one and at most 3 (then the replay sets the pace). On two
// cores a second scanning thread only competes with the replay (measured: 0.58 s against 0.53 s).
function defaultScanThreads(): number {
  return Math.max(1, Math.min(3, availableParallelism() - 1));
}

function positiveWhole(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
    throw new SchedacctError('invalid-argument', `${name} must be a whole number ≥ 1, got ${String(value)}`);
  }
}
