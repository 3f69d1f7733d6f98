/**
 * `perf record -z`: the kernel's records inside COMPRESSED (81) and COMPRESSED2 (83) records, as one zstd stream
 * flushed (not ended) at each record, so a record inside may straddle two of them. The stream is decompressed as it
 * comes by fzstd's streaming decoder (pure JS: Node 20 has no zstd of its own, and the reader is synchronous and
 * runtime-neutral), and its records cut out by a {@link Framer} of its own.
 * @module
 * @internal
 */
import { Decompress } from 'fzstd';
import { SchedacctError } from '../../errors.js';
import { PerfDataError } from './error.js';
import { Framer, type OnRecord } from './framer.js';
import { RECORD } from './layout.js';
import type { ByteView } from './view.js';

/**
 * The decompressed records of a file's COMPRESSED records.
 * @internal
 */
export class Inflater {
  readonly #framer: Framer;
  readonly #zstd: Decompress;
  #at = 0;

  /**
   * @param little - the file's byte order
   * @param onRecord - gets the records inside (their offsets are the decompressed stream's)
   */
  constructor(little: boolean, onRecord: OnRecord) {
    this.#framer = new Framer(little, 0, onRecord);
    this.#zstd = new Decompress((chunk) => {
      this.#framer.push(chunk);
    });
  }

  /**
   * A COMPRESSED or COMPRESSED2 record.
   * @param view - its bytes
   * @param at - where it starts
   * @param size - its size
   * @param type - which of the two
   * @throws {@link PerfDataError} at the record, for zstd data that does not decompress or a corrupt record inside
   */
  push(view: ByteView, at: number, size: number, type: number): void {
    let start = at + 8;
    let end = at + size;
    if (type === RECORD.COMPRESSED2) {
      // (a data_size past the record is clamped: perf has written one too large, see KDAB/hotspot#736)
      end = Math.min(end, at + 16 + view.u64(at + 8, 'COMPRESSED2 data size'));
      start = at + 16;
    }
    this.#at = at;
    try {
      // (a copy: the decompressor may keep a piece of input it cannot use yet, and the chunk is reused after this call)
      this.#zstd.push(view.sub(start, Math.max(start, end), 'compressed data').slice());
    } catch (error: unknown) {
      throw this.#error(error);
    }
  }

  /**
   * The file's end.
   * @throws {@link PerfDataError} for a record inside cut off by it
   */
  end(): void {
    try {
      this.#framer.end();
    } catch (error: unknown) {
      throw this.#error(error);
    }
  }

  #error(error: unknown): Error {
    if (error instanceof PerfDataError) {
      return new PerfDataError(`${error.problem} (byte ${String(error.offset)} of the decompressed data)`, this.#at);
    }
    if (error instanceof SchedacctError) return error; // the replay's, about an event inside
    const message = error instanceof Error ? error.message : String(error);
    return new PerfDataError(`zstd data that does not decompress (${message})`, this.#at);
  }
}
