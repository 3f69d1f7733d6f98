/**
 * perf.data arriving in chunks (stdin, a gzip stream): pipe mode is read as it comes, its records streamed; file
 * mode keeps its tracing data after the data, so it is gathered and read whole (a plain file is read at offsets
 * instead: see perf-data-file.ts).
 * @module
 * @internal
 */
import type { TraceEvent } from '../events.js';
import { Framer } from './framer.js';
import { PIPE_HEADER_BYTES, replaySource } from './read.js';
import { memorySource } from './source.js';
import { RecordStream, type Metadata, type PerfDataOptions, type PerfDataRecords } from './stream.js';
import { PerfDataError } from './error.js';

/**
 * perf.data's chunks in, events out.
 * @internal
 */
export class PerfDataInput {
  readonly #emit: (event: TraceEvent) => void;
  #chunks: Uint8Array[] = [];
  #size = 0;
  #pipe: { framer: Framer; records: RecordStream } | undefined;
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
    const little = String.fromCharCode(...head.subarray(0, 8)) === 'PERFILE2';
    const data = new DataView(head.buffer, head.byteOffset, 16);
    const size = data.getUint32(little ? 8 : 12, little) + data.getUint32(little ? 12 : 8, little) * 2 ** 32;
    if (size !== PIPE_HEADER_BYTES) {
      this.#file = true;
      this.#chunks = [head];
      return;
    }
    const meta: Metadata = { attrs: [], byId: new Map(), tracing: undefined, cpusOnline: 0 };
    const records = new RecordStream(little, meta, this.#emit, this.#options);
    const framer = new Framer(little, PIPE_HEADER_BYTES, (view, at, length) => {
      records.record(view, at, length);
    });
    this.#pipe = { framer, records };
    this.#chunks = [];
    framer.push(head.subarray(PIPE_HEADER_BYTES));
  }

  /**
   * The input's end.
   * @returns what was counted
   * @throws {@link PerfDataError} for corrupt perf.data
   */
  finish(): PerfDataRecords {
    const pipe = this.#pipe;
    if (pipe === undefined) return replaySource(memorySource(joined(this.#chunks)), this.#emit, this.#options);
    pipe.framer.end();
    if (!pipe.records.hasTracing)
      throw new PerfDataError(
        'no tracing data: this perf.data has no tracepoints (record it with perf sched record)',
        16,
      );
    return pipe.records.finish();
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
