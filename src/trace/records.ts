/**
 * Scanned lines as flat records, to hand them from one thread to another without copying objects: each line is a
 * row of numbers in a `Float64Array` (kind, line number, time, CPU, tids, …) and strings travel once, as ids into a
 * table both sides grow in the same order. Lines the scanner leaves to the general parser travel as text.
 * @module
 * @internal
 */
import { runtimeEvent, switchEvent, wakeupEvent, type TraceEvent } from './events.js';
import type { LineResult } from './perf-script.js';

/** Numbers per record. */
export const RECORD_WIDTH = 11;

const SWITCH = 1;
const WAKING = 2;
const WAKEUP = 3;
const WAKEUP_NEW = 4;
const RUNTIME = 5;
const SKIPPED = 6;
const TEXT = 7;

/**
 * One batch of records and the strings first used in it.
 * @internal
 */
export interface RecordBatch {
  /** `count` records of {@link RECORD_WIDTH} numbers. */
  readonly records: Float64Array;
  /** Records in use. */
  readonly count: number;
  /** Strings first interned in this batch, in id order. */
  readonly strings: string[];
  /** Lines for the general parser, in order (a TEXT record points at one). */
  readonly texts: string[];
}

/**
 * Collects scanned lines into batches.
 * @internal
 */
export class RecordWriter {
  readonly #capacity: number;
  readonly #ids = new Map<string, number>();
  #records: Float64Array;
  #count = 0;
  #strings: string[] = [];
  #texts: string[] = [];

  /** @param capacity - records per batch */
  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#records = new Float64Array(capacity * RECORD_WIDTH);
  }

  #id(s: string): number {
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.#ids.size;
      this.#ids.set(s, id);
      this.#strings.push(s);
    }
    return id;
  }

  /**
   * Adds a line: a scanned result, or (undefined) a line for the general parser.
   * @param result - what the scanner made of it, or undefined
   * @param line - its number
   * @param text - the line's text, asked for only when the result is undefined
   * @returns true when the batch is full
   */
  add(result: LineResult | undefined, line: number, text: () => string): boolean {
    const r = this.#records;
    const at = this.#count * RECORD_WIDTH;
    r[at + 1] = line;
    if (result === undefined || result.type === 'malformed') {
      r[at] = TEXT;
      r[at + 5] = this.#texts.length;
      this.#texts.push(text());
    } else if (result.type === 'skipped') {
      r[at] = SKIPPED;
      r[at + 5] = this.#id(result.name);
    } else {
      const e = result.event;
      r[at + 2] = e.timeNs;
      r[at + 3] = e.cpu;
      r[at + 4] = e.tid;
      r[at + 5] = this.#id(e.comm);
      switch (e.kind) {
        case 'switch':
          r[at] = SWITCH;
          r[at + 6] = e.prevTid;
          r[at + 7] = this.#id(e.prevComm);
          r[at + 8] = this.#id(e.prevState);
          r[at + 9] = e.nextTid;
          r[at + 10] = this.#id(e.nextComm);
          break;
        case 'wakeup':
          r[at] = e.variant === 'waking' ? WAKING : e.variant === 'wakeup' ? WAKEUP : WAKEUP_NEW;
          r[at + 6] = e.targetTid;
          r[at + 7] = this.#id(e.targetComm);
          r[at + 8] = e.targetCpu;
          break;
        case 'runtime':
          r[at] = RUNTIME;
          r[at + 6] = e.targetTid;
          r[at + 7] = e.runtimeNs;
          break;
        default:
          // The scanner makes no other kinds; should it one day, the general parser reads the line.
          r[at] = TEXT;
          r[at + 5] = this.#texts.length;
          this.#texts.push(text());
      }
    }
    this.#count++;
    return this.#count === this.#capacity;
  }

  /**
   * Takes the batch collected so far and starts a new one.
   * @returns the batch (its buffer can be transferred)
   */
  take(): RecordBatch {
    const batch = { records: this.#records, count: this.#count, strings: this.#strings, texts: this.#texts };
    this.#records = new Float64Array(this.#capacity * RECORD_WIDTH);
    this.#count = 0;
    this.#strings = [];
    this.#texts = [];
    return batch;
  }
}

/**
 * Reads batches back into line results, in order.
 * @internal
 */
export class RecordReader {
  readonly #strings: string[] = [];
  readonly #general: (text: string, line: number) => LineResult;

  /** @param general - the parser for lines that travel as text */
  constructor(general: (text: string, line: number) => LineResult) {
    this.#general = general;
  }

  #s(id: number): string {
    return this.#strings[id] ?? '';
  }

  /**
   * Calls `onLine` with each line's result.
   * @param batch - the next batch
   * @param onLine - gets each result and its line number
   */
  read(batch: RecordBatch, onLine: (result: LineResult, line: number) => void): void {
    for (const s of batch.strings) this.#strings.push(s);
    const r = batch.records;
    for (let i = 0; i < batch.count; i++) {
      const at = i * RECORD_WIDTH;
      const kind = r[at] as number;
      const line = r[at + 1] as number;
      if (kind === TEXT) {
        onLine(this.#general(batch.texts[r[at + 5] as number] ?? '', line), line);
        continue;
      }
      if (kind === SKIPPED) {
        onLine({ type: 'skipped', name: this.#s(r[at + 5] as number) }, line);
        continue;
      }
      const timeNs = r[at + 2] as number;
      const cpu = r[at + 3] as number;
      const tid = r[at + 4] as number;
      const comm = this.#s(r[at + 5] as number);
      const event: TraceEvent =
        kind === SWITCH
          ? switchEvent(
              timeNs,
              cpu,
              tid,
              comm,
              line,
              r[at + 6] as number,
              this.#s(r[at + 7] as number),
              this.#s(r[at + 8] as number),
              r[at + 9] as number,
              this.#s(r[at + 10] as number),
            )
          : kind === RUNTIME
            ? runtimeEvent(timeNs, cpu, tid, comm, line, r[at + 6] as number, r[at + 7] as number)
            : wakeupEvent(
                timeNs,
                cpu,
                tid,
                comm,
                line,
                kind === WAKING ? 'waking' : kind === WAKEUP ? 'wakeup' : 'wakeup_new',
                r[at + 6] as number,
                this.#s(r[at + 7] as number),
                r[at + 8] as number,
              );
      onLine({ type: 'event', event }, line);
    }
  }
}
