/**
 * The queue's records as rows of numbers, for handing them from the worker thread that decodes and orders them to
 * the replay's thread, which makes the events ({@link Delivery}: the thread table and the events are made there, so
 * the worker does no more than decode and order). A batch is up to {@link BATCH_ROWS} rows of the queue's
 * {@link STRIDE} numbers in one Float64Array, the few strings some records carry (a COMM's or a fork's comm, a
 * switch's next_comm for `-n`) by row, and the decoders met since the previous batch (what the events need of them).
 * @module
 * @internal
 */
import type { TraceEvent } from '../events.js';
import type { StateDecoder } from './decode.js';
import { Delivery } from './deliver.js';
import { STRIDE } from './queue.js';

/**
 * Rows per batch.
 * @internal
 */
export const BATCH_ROWS = 8192;

/**
 * A decoder as a batch carries it.
 * @internal
 */
export interface BatchDecoder {
  readonly variant: StateDecoder['variant'];
  readonly preemptBit: number;
}

/**
 * A batch of rows: `n` rows, the strings of those that carry one (`[row, string]`), and the decoders that came.
 * @internal
 */
export interface RowBatch {
  readonly rows: Float64Array;
  readonly n: number;
  readonly items: [number, string][];
  readonly decoders: BatchDecoder[];
}

/**
 * Writes the queue's records into batches (the worker's side).
 * @internal
 */
export class RowBatcher {
  #rows: Float64Array = new Float64Array(BATCH_ROWS * STRIDE);
  #items: [number, string][] = [];
  #decoders: BatchDecoder[] = [];
  #decodersSent = 0;
  #n = 0;
  readonly #send: (batch: RowBatch) => void;
  readonly #recycled: () => Float64Array | undefined;

  /**
   * @param send - gets each full batch (its rows are handed over: not used again here)
   * @param recycled - rows a batch was sent in and the other side is done with, if any (else new rows are made)
   */
  constructor(send: (batch: RowBatch) => void, recycled: () => Float64Array | undefined = () => undefined) {
    this.#send = send;
    this.#recycled = recycled;
  }

  /**
   * Adds a record (`RecordStream`'s `handOver`).
   * @param rows - the queue's rows
   * @param at - where the record's row starts
   * @param item - its string, if any
   * @param decoders - the decoders so far
   */
  add(rows: Float64Array, at: number, item: unknown, decoders: readonly StateDecoder[]): void {
    // a row names a decoder made before it: the ones new since the last batch go out with this one
    for (; this.#decodersSent < decoders.length; this.#decodersSent++) {
      const d = decoders[this.#decodersSent] as StateDecoder;
      this.#decoders.push({ variant: d.variant, preemptBit: d.format.preemptBit });
    }
    const out = this.#rows;
    const o = this.#n * STRIDE;
    for (let j = 0; j < STRIDE; j++) out[o + j] = rows[at + j] as number;
    if (item !== undefined) this.#items.push([this.#n, item as string]);
    if (++this.#n === BATCH_ROWS) this.flush();
  }

  /** Sends what is written, if anything. */
  flush(): void {
    if (this.#n === 0 && this.#decoders.length === 0) return;
    this.#send({ rows: this.#rows, n: this.#n, items: this.#items, decoders: this.#decoders });
    this.#rows = this.#recycled() ?? new Float64Array(BATCH_ROWS * STRIDE);
    this.#items = [];
    this.#decoders = [];
    this.#n = 0;
  }
}

/**
 * Makes events from batches, in order (the replay's side): a {@link Delivery} over the rows.
 * @internal
 */
export class BatchReader {
  readonly #decoders: StateDecoder[] = [];
  readonly #delivery: Delivery;

  /** @param emit - gets each event (valid until the next: one object per kind is filled anew) */
  constructor(emit: (event: TraceEvent) => void) {
    this.#delivery = new Delivery(emit, true, this.#decoders);
  }

  /**
   * Hands over a batch's events.
   * @param batch - the batch
   */
  read(batch: RowBatch): void {
    for (const d of batch.decoders) {
      this.#decoders.push({ variant: d.variant, states: new Map(), format: { preemptBit: d.preemptBit } });
    }
    const { rows, n, items } = batch;
    const delivery = this.#delivery;
    let next = 0;
    let itemAt = items.length > 0 ? (items[0] as [number, string])[0] : -1;
    for (let i = 0; i < n; i++) {
      let item: string | undefined;
      if (i === itemAt) {
        item = (items[next++] as [number, string])[1];
        itemAt = next < items.length ? (items[next] as [number, string])[0] : -1;
      }
      delivery.deliver(rows, i * STRIDE, item);
    }
  }
}
