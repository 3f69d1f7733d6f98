/**
 * The perf script scanner: the usual lines of `perf script` text read straight from the bytes by a small WebAssembly
 * module (`assembly/scanner.ts`, compiled by `scripts/build-wasm.mjs`) into fixed-size records, many lines per call.
 * Every other shape comes back as a TEXT record for the general parser, so results equal the general parser's on
 * every line (checked on every fixture line and on generated lines). Runtime-neutral: any runtime with WebAssembly
 * SIMD (Node 16.4+, Deno, Bun, current browsers); {@link ChunkScanner.create} resolves to undefined without it, and
 * the readers then parse every line with the general parser.
 * @module
 * @internal
 */
import { SchedacctError } from '../errors.js';
import { decodeBytes } from './bytes.js';
import { SCANNER_WASM } from './scanner-wasm.js';

/** What a record holds (`ints[at]`). */
export const RECORD_KIND = {
  switch: 1,
  waking: 2,
  wakeup: 3,
  wakeupNew: 4,
  runtime: 5,
  /** An event of another system; its `system:name` is string `ints[at + 4]`. */
  skipped: 6,
  /** A line for the general parser: `texts[ints[at + 4]]`. */
  text: 7,
} as const;

/** 32-bit slots per record: see assembly/scanner.ts for the layout. */
export const RECORD_INTS = 16;

/**
 * Records of consecutive lines, and what a reader needs to understand them.
 * @internal
 */
export interface RecordBatch {
  /** `count` records of {@link RECORD_INTS} slots (ids, tids, CPUs). */
  readonly ints: Int32Array;
  /** The same records as doubles: slot 6 is the time in ns, slot 7 the runtime in ns. */
  readonly floats: Float64Array;
  /** Records in the batch: one per line. */
  readonly count: number;
  /**
   * The scanner's string table started afresh before this batch (it does when it fills up): forget the strings of
   * earlier batches, ids count from 0 again.
   */
  readonly reset: boolean;
  /** Strings interned first in this batch, in id order (ids continue from the previous batch's, or from 0). */
  readonly strings: readonly string[];
  /** The lines of TEXT records, in order. */
  readonly texts: readonly string[];
}

interface ScannerExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  layout(inputBytes: number, records: number): number;
  recordsAddress(): number;
  stringsAddress(): number;
  textsAddress(): number;
  records(): number;
  strings(): number;
  texts(): number;
  resets(): number;
  scan(from: number, to: number, last: number, linesBefore: number): number;
}

// The part of the standard WebAssembly API used here (the runtime-neutral entry has no DOM or Node types).
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ readonly exports: object }>;
}
const platform = globalThis as unknown as { WebAssembly?: WasmApi; atob?: (base64: string) => string };

let compiled: Promise<object | undefined> | undefined;

// The module, compiled once per thread; undefined where the runtime has no WebAssembly (or no SIMD).
function scannerModule(): Promise<object | undefined> {
  const wasm = platform.WebAssembly;
  const atob = platform.atob;
  if (wasm === undefined || atob === undefined) return Promise.resolve(undefined);
  compiled ??= wasm.compile(Uint8Array.from(atob(SCANNER_WASM), (c) => c.charCodeAt(0))).catch(() => undefined);
  return compiled;
}

/** Options of {@link ChunkScanner.create}. */
export interface ChunkScannerOptions {
  /** Bytes of input scanned at once (default 1 MiB); a longer line is collected apart and read as text. */
  readonly inputBytes?: number;
  /** Records per batch (default 8192). */
  readonly records?: number;
}

/**
 * Scans perf script bytes into record batches, carrying a partial line from one chunk to the next. One per trace: it
 * holds the trace's interned strings.
 * @internal
 */
export class ChunkScanner {
  readonly #ex: ScannerExports;
  readonly #input: Uint8Array;
  readonly #ints: Int32Array;
  readonly #floats: Float64Array;
  readonly #records: number;
  readonly #stringsAt: number;
  readonly #textsAt: number;
  #fill = 0;
  #lines = 0;
  #resets = 0;
  // A line longer than the input area, collected here until its end comes.
  #long: Uint8Array[] = [];

  private constructor(ex: ScannerExports, options: ChunkScannerOptions) {
    const inputBytes = options.inputBytes ?? 1 << 20;
    const records = options.records ?? 8192;
    this.#ex = ex;
    const inputAt = ex.layout(inputBytes, records);
    // The memory is laid out once and never grows after: these views stay valid.
    this.#input = new Uint8Array(ex.memory.buffer, inputAt, inputBytes);
    this.#ints = new Int32Array(ex.memory.buffer, ex.recordsAddress(), records * RECORD_INTS);
    this.#floats = new Float64Array(ex.memory.buffer, ex.recordsAddress(), records * (RECORD_INTS / 2));
    this.#records = records;
    this.#stringsAt = ex.stringsAddress() / 4;
    this.#textsAt = ex.textsAddress() / 4;
  }

  /**
   * A scanner, or undefined where the runtime cannot run the WebAssembly module.
   * @param options - see {@link ChunkScannerOptions}
   * @returns the scanner
   */
  static async create(options: ChunkScannerOptions = {}): Promise<ChunkScanner | undefined> {
    const module = await scannerModule();
    const wasm = platform.WebAssembly;
    if (module === undefined || wasm === undefined) return undefined;
    const abort = (): never => {
      throw new SchedacctError('unavailable', 'the perf script scanner stopped (WebAssembly abort)');
    };
    const instance = await wasm.instantiate(module, { env: { abort } });
    return new ChunkScanner(instance.exports as ScannerExports, options);
  }

  /**
   * The free part of the input area: write the next bytes here, then call {@link ChunkScanner.commit}. Reading a file
   * straight into it saves a copy.
   * @returns a view of the free bytes, never empty after a commit (an area full of one line is collected apart)
   */
  writable(): Uint8Array {
    return this.#input.subarray(this.#fill);
  }

  /**
   * Scans what {@link ChunkScanner.writable} received.
   * @param bytes - how many bytes were written there
   * @param onBatch - gets each batch of records, in line order (its arrays are reused after it returns)
   */
  commit(bytes: number, onBatch: (batch: RecordBatch) => void): void {
    this.#fill += bytes;
    this.#scan(false, onBatch);
  }

  /**
   * Scans a chunk of bytes (cut anywhere).
   * @param chunk - the next bytes
   * @param onBatch - gets each batch of records, in line order (its arrays are reused after it returns)
   */
  push(chunk: Uint8Array, onBatch: (batch: RecordBatch) => void): void {
    for (let at = 0; at < chunk.length;) {
      const free = this.writable();
      const n = Math.min(free.length, chunk.length - at);
      free.set(chunk.subarray(at, at + n));
      at += n;
      this.commit(n, onBatch);
    }
  }

  /**
   * Scans what is left: the last line, which had no line end.
   * @param onBatch - gets the last batch
   */
  end(onBatch: (batch: RecordBatch) => void): void {
    this.#scan(true, onBatch);
    if (this.#long.length > 0) this.#longLine(new Uint8Array(0), onBatch);
  }

  #scan(last: boolean, onBatch: (batch: RecordBatch) => void): void {
    let from = 0;
    const to = this.#fill;
    while (from < to) {
      if (this.#long.length > 0) {
        // Inside a long line: it ends at the first line end here.
        const nl = this.#input.subarray(from, to).indexOf(10);
        if (nl < 0 && !last) {
          this.#long.push(this.#input.slice(from, to));
          from = to;
          break;
        }
        const stop = nl < 0 ? to : from + nl;
        this.#longLine(this.#input.slice(from, stop), onBatch);
        from = nl < 0 ? to : stop + 1;
        continue;
      }
      const stop = this.#ex.scan(from, to, last ? 1 : 0, this.#lines);
      const count = this.#ex.records();
      if (count > 0) {
        this.#lines += count;
        onBatch(this.#batch());
      }
      if (stop === from) {
        // No line end in the whole input area: the line is collected apart.
        if (from === 0 && to === this.#input.length) {
          this.#long.push(this.#input.slice(0, to));
          from = to;
        }
        break;
      }
      from = stop;
    }
    this.#input.copyWithin(0, from, to);
    this.#fill = to - from;
  }

  // The records of the last scan call as a batch, their new strings and text lines decoded.
  #batch(): RecordBatch {
    const ex = this.#ex;
    const input = this.#input;
    const ints = this.#ints;
    const fresh: string[] = [];
    const resets = ex.resets();
    const reset = resets !== this.#resets;
    if (reset) this.#resets = resets;
    const list = new Int32Array(ex.memory.buffer, 0);
    for (let i = 0, n = ex.strings(); i < n; i++) {
      const at = this.#stringsAt + i * 3;
      const offset = list[at + 1] as number;
      fresh.push(decodeBytes(input, offset, offset + (list[at + 2] as number)));
    }
    const count = ex.records();
    const texts: string[] = [];
    for (let t = 0, n = ex.texts(); t < n; t++) {
      const at = (list[this.#textsAt + t] as number) * RECORD_INTS;
      const start = ints[at + 4] as number;
      texts.push(decodeBytes(input, start, start + (ints[at + 5] as number)));
      ints[at + 4] = t;
    }
    return { ints, floats: this.#floats, count, reset, strings: fresh, texts };
  }

  // A line collected apart (its last piece given): one TEXT record.
  #longLine(piece: Uint8Array, onBatch: (batch: RecordBatch) => void): void {
    const parts = [...this.#long, piece];
    this.#long = [];
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
    const ints = new Int32Array(RECORD_INTS);
    ints[0] = RECORD_KIND.text;
    ints[1] = ++this.#lines;
    ints[4] = 0;
    onBatch({
      ints,
      floats: new Float64Array(ints.buffer),
      count: 1,
      reset: false,
      strings: [],
      texts: [decodeBytes(bytes, 0, end)],
    });
  }

  /** Lines scanned so far (their records have gone to `onBatch`); records number lines from this plus one. */
  get lines(): number {
    return this.#lines;
  }

  /**
   * Numbers the following lines from `lines` + 1 (a reader that starts a new segment, or takes over after lines it
   * read itself). Only between lines: call it after {@link ChunkScanner.end} or before the first bytes.
   * @param lines - lines before the next one
   */
  set lines(lines: number) {
    this.#lines = lines;
  }

  /** Records per batch at most. */
  get capacity(): number {
    return this.#records;
  }
}
