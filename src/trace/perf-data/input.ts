/**
 * perf.data arriving in chunks (stdin, a gzip stream): pipe mode is read as it comes, its records streamed; file
 * mode keeps its tracing data after the data, so it is gathered and read whole (a plain file is read at offsets
 * instead: see perf-data-file.ts).
 * @module
 * @internal
 */
import type { TraceEvent } from '../events.js';
import { closeRecords, isLittle, openPipe, PIPE_HEADER_BYTES, replaySource, type RecordsReader } from './read.js';
import { memorySource } from './source.js';
import type { PerfDataOptions, PerfDataRecords } from './stream.js';
import { ByteView } from './view.js';

/**
 * perf.data's chunks in, events out.
 * @internal
 */
export class PerfDataInput {
  readonly #emit: (event: TraceEvent) => void;
  #chunks: Uint8Array[] = [];
  #size = 0;
  #pipe: RecordsReader | undefined;
  #file = false;
  readonly #options: PerfDataOptions;

  /**
   * @param emit - gets the events, in perf's order
   * @param options - see {@link PerfDataOptions}
   */
  constructor(emit: (event: TraceEvent) => void, options: PerfDataOptions = {}) {
    this.#emit = emit;
    this.#options = options;
  }

  /**
   * The next bytes.
   * @param chunk - bytes
   * @throws {@link PerfDataError} for corrupt pipe-mode records
   */
  push(chunk: Uint8Array): void {
    if (this.#pipe !== undefined) {
      this.#pipe.framer.push(chunk);
      return;
    }
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#file || this.#size < PIPE_HEADER_BYTES) return;
    const head = joined(this.#chunks);
    const little = isLittle(head);
    if (new ByteView(head, little).u64(8, 'header size') !== PIPE_HEADER_BYTES) {
      this.#file = true;
      this.#chunks = [head];
      return;
    }
    this.#pipe = openPipe(little, this.#emit, this.#options);
    this.#chunks = [];
    this.#pipe.framer.push(head.subarray(PIPE_HEADER_BYTES));
  }

  /**
   * The input's end.
   * @returns what was counted
   * @throws {@link PerfDataError} for corrupt perf.data
   */
  finish(): PerfDataRecords {
    const pipe = this.#pipe;
    if (pipe === undefined) return replaySource(memorySource(joined(this.#chunks)), this.#emit, this.#options);
    return closeRecords(pipe);
  }
}

/**
 * Chunks as one array.
 * @param chunks - the chunks
 * @returns their bytes
 * @internal
 */
export function joined(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
