/**
 * perf.data's records cut out of a byte stream that arrives in chunks cut anywhere: each whole record is handed on
 * where it lies in its chunk; one cut by a chunk's end is gathered (growing as its bytes arrive, never sized by a
 * corrupt field) and handed on whole. An AUXTRACE payload is skipped by its size, and pipe mode's
 * HEADER_TRACING_DATA payload (not counted in its header's size) is kept with its record.
 * @module
 * @internal
 */
import { PerfDataError } from './error.js';
import { RECORD } from './layout.js';
import { ByteView } from './view.js';

/**
 * Gets each record: its bytes (offsets are the input's), where it starts and its length (a pipe-mode tracing data
 * record's length takes its payload in).
 * @internal
 */
export type OnRecord = (view: ByteView, at: number, length: number) => void;

/** A record gathered across chunks. */
interface Partial {
  bytes: Uint8Array;
  filled: number;
  /** Its length, once its header is in (0 before). */
  length: number;
  readonly at: number;
}

/**
 * Cuts records out of chunks.
 * @internal
 */
export class Framer {
  readonly #little: boolean;
  readonly #onRecord: OnRecord;
  #offset: number;
  #partial: Partial | undefined;
  #skip = 0;

  /**
   * @param little - the input's byte order
   * @param offset - the input's offset of the first byte pushed
   * @param onRecord - gets the records
   */
  constructor(little: boolean, offset: number, onRecord: OnRecord) {
    this.#little = little;
    this.#offset = offset;
    this.#onRecord = onRecord;
  }

  /** @returns the input's offset of the next byte */
  get offset(): number {
    return this.#offset;
  }

  /**
   * The next bytes.
   * @param chunk - bytes (not kept past the call)
   */
  push(chunk: Uint8Array): void {
    const base = this.#offset;
    this.#offset += chunk.length;
    let p = 0;
    if (this.#skip > 0) {
      p = Math.min(this.#skip, chunk.length);
      this.#skip -= p;
    }
    if (this.#partial !== undefined) p = this.#fill(chunk, p);
    if (p >= chunk.length) return;
    const view = new ByteView(chunk, this.#little, base);
    const data = view.data;
    const little = this.#little;
    const n = chunk.length;
    while (p + 8 <= n) {
      const size = data.getUint16(p + 6, little);
      const type = data.getUint32(p, little);
      if (size < 8) throw new PerfDataError(`record size ${String(size)} (below the 8-byte header)`, base + p + 6);
      let length = size;
      if (type === RECORD.HEADER_TRACING_DATA) {
        if (p + 12 > n) break;
        length = size + align8(data.getUint32(p + 8, little));
      }
      if (p + length > n) break;
      this.#onRecord(view, base + p, length);
      p += length;
      if (type === RECORD.AUXTRACE) p = this.#auxtrace(view, base + p - length, p, n);
    }
    if (p < n) this.#begin(chunk, p, base + p);
  }

  /**
   * The input's end.
   * @throws {@link PerfDataError} for a record cut off by it
   */
  end(): void {
    const partial = this.#partial;
    if (partial !== undefined) {
      throw new PerfDataError(
        partial.length === 0
          ? 'a record header cut off by the end of the data'
          : `a record of ${String(partial.length)} bytes past the end of the data`,
        partial.at + (partial.filled >= 8 ? 6 : 0),
      );
    }
    if (this.#skip > 0) throw new PerfDataError('an AUXTRACE payload past the end of the data', this.#offset);
  }

  // An AUXTRACE record's payload follows it: skipped, here and in the chunks to come.
  #auxtrace(view: ByteView, at: number, p: number, n: number): number {
    const payload = view.u64(at + 8, 'AUXTRACE size');
    if (!Number.isSafeInteger(payload))
      throw new PerfDataError(`an AUXTRACE payload of ${String(payload)} bytes`, at + 8);
    const here = Math.min(payload, n - p);
    this.#skip = payload - here;
    return p + here;
  }

  #begin(chunk: Uint8Array, p: number, at: number): void {
    const bytes = new Uint8Array(Math.max(64, chunk.length - p));
    bytes.set(chunk.subarray(p));
    this.#partial = { bytes, filled: chunk.length - p, length: 0, at };
    this.#settle();
  }

  // Works out the gathered record's length once its header is in.
  #settle(): void {
    const partial = this.#partial as Partial;
    if (partial.length !== 0 || partial.filled < 8) return;
    const data = new DataView(partial.bytes.buffer, 0, partial.filled);
    const size = data.getUint16(6, this.#little);
    if (size < 8) throw new PerfDataError(`record size ${String(size)} (below the 8-byte header)`, partial.at + 6);
    const type = data.getUint32(0, this.#little);
    if (type !== RECORD.HEADER_TRACING_DATA) partial.length = size;
    else if (partial.filled >= 12) partial.length = size + align8(data.getUint32(8, this.#little));
  }

  // Adds a chunk's bytes to the gathered record; hands it on when whole; returns where the chunk goes on.
  #fill(chunk: Uint8Array, from: number): number {
    const partial = this.#partial as Partial;
    let p = from;
    while (p < chunk.length) {
      const want = partial.length === 0 ? (partial.filled < 8 ? 8 : 12) : partial.length;
      const take = Math.min(want - partial.filled, chunk.length - p);
      if (partial.filled + take > partial.bytes.length) {
        const grown = new Uint8Array(Math.max(partial.filled + take, partial.bytes.length * 2));
        grown.set(partial.bytes.subarray(0, partial.filled));
        partial.bytes = grown;
      }
      partial.bytes.set(chunk.subarray(p, p + take), partial.filled);
      partial.filled += take;
      p += take;
      this.#settle();
      if (partial.length !== 0 && partial.filled === partial.length) {
        this.#partial = undefined;
        const view = new ByteView(partial.bytes.subarray(0, partial.length), this.#little, partial.at);
        this.#onRecord(view, partial.at, partial.length);
        if (view.u32(partial.at, 'record type') === RECORD.AUXTRACE)
          p = this.#auxtrace(view, partial.at, p, chunk.length);
        return p;
      }
    }
    return p;
  }
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
