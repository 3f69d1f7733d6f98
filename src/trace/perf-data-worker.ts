/**
 * Node-only: the worker thread that reads a perf.data file for {@link readPerfDataInWorker}: the records framed,
 * decoded, ordered as perf orders them and turned into events here, handed to the replay's thread in batches of
 * rows ({@link RowBatcher}), at most a few batches ahead of it; the replay's thread makes the events.
 * @module
 * @internal
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { SchedacctError } from '../errors.js';
import { RowBatcher, type RowBatch } from './perf-data/event-rows.js';
import { PerfDataError } from './perf-data/error.js';
import { replaySource } from './perf-data/read.js';
import { perfDataFile } from './perf-data-file.js';

/**
 * What the worker is given.
 * @internal
 */
export interface WorkerInput {
  readonly path: string;
  readonly tracepointComms: boolean;
  /** One Int32: batches sent and not yet taken (the worker waits while it is at the limit). */
  readonly pending: SharedArrayBuffer;
  readonly maxPending: number;
  /** Where the replay's thread sends back the rows of batches it is done with (read here without waiting). */
  readonly returns: MessagePort;
}

/**
 * What the worker sends.
 * @internal
 */
export type WorkerMessage =
  | { readonly type: 'batch'; readonly batch: RowBatch }
  | { readonly type: 'start'; readonly cpusOnline: number }
  | { readonly type: 'end'; readonly records: unknown }
  | {
      readonly type: 'error';
      readonly problem?: string;
      readonly offset?: number;
      readonly code?: string;
      readonly message: string;
    };

// (with handOver the reader makes no events)
const noEvents = (): void => undefined;

const port = parentPort;
if (port !== null) run(workerData as WorkerInput, (m, transfer) => port.postMessage(m, transfer));

function run(input: WorkerInput, post: (m: WorkerMessage, transfer?: ArrayBuffer[]) => void): void {
  const pending = new Int32Array(input.pending);
  // (rows come back to be filled again: a few batches' worth of memory, however long the file)
  const recycled = (): Float64Array | undefined => {
    const back = receiveMessageOnPort(input.returns) as { message: ArrayBuffer } | undefined;
    return back === undefined ? undefined : new Float64Array(back.message);
  };
  const batcher = new RowBatcher((batch) => {
    post({ type: 'batch', batch }, [batch.rows.buffer as ArrayBuffer]);
    Atomics.add(pending, 0, 1);
    for (;;) {
      const now = Atomics.load(pending, 0);
      if (now < input.maxPending) break;
      Atomics.wait(pending, 0, now);
    }
  }, recycled);
  try {
    const source = perfDataFile(input.path);
    if (source === undefined) throw new SchedacctError('unavailable', `${input.path}: not a perf.data file to read`);
    try {
      const records = replaySource(source, noEvents, {
        tracepointComms: input.tracepointComms,
        // the records go over as rows: the thread table and the events are made on the replay's thread
        handOver: (rows, at, item, decoders) => {
          batcher.add(rows, at, item, decoders);
        },
        onStart: (cpusOnline) => {
          batcher.flush();
          post({ type: 'start', cpusOnline });
        },
      });
      batcher.flush();
      post({ type: 'end', records });
    } finally {
      source.close();
    }
  } catch (error: unknown) {
    batcher.flush();
    if (error instanceof PerfDataError)
      post({ type: 'error', problem: error.problem, offset: error.offset, message: error.message });
    else if (error instanceof SchedacctError) post({ type: 'error', code: error.code, message: error.message });
    else post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}
