/**
 * Scanned lines as flat records, to hand them from one thread to another without copying objects: each line is a
 * row of numbers in a `Float64Array` (kind, line number, time, CPU, tids, …) and strings travel once, as ids into a
 * table both sides grow in the same order. Lines the scanner leaves to the general parser travel as text.
 * @module
 * @internal
 */
import {
  runtimeEvent,
  switchEvent,
  wakeupEvent,
  type RuntimeEvent,
  type SwitchEvent,
  type TraceEvent,
  type TraceEventBase,
  type WakeupEvent,
} from './events.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
import { SCANNED, type LineResult, type PerfScriptScanner } from './perf-script.js';

/** Numbers per record. */
export const RECORD_WIDTH = 11;

// Record kinds: the scanner's codes, and one more for a line that travels as text.
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
   * Adds the line the scanner just read (its fields hold the event).
   * @param scanner - the scanner, after {@link PerfScriptScanner.scanInto} returned `kind`
   * @param kind - what it found (not `SCANNED.general`: see {@link RecordWriter.text})
   * @param line - the line's number
   * @returns true when the batch is full
   */
  scanned(scanner: PerfScriptScanner, kind: number, line: number): boolean {
    const r = this.#records;
    const at = this.#count * RECORD_WIDTH;
    r[at] = kind;
    r[at + 1] = line;
    if (kind === SCANNED.skipped) {
      r[at + 5] = this.#id(scanner.name);
    } else {
      r[at + 2] = scanner.timeNs;
      r[at + 3] = scanner.cpu;
      r[at + 4] = scanner.tid;
      r[at + 5] = this.#id(scanner.comm);
      if (kind === SCANNED.switch) {
        r[at + 6] = scanner.prevTid;
        r[at + 7] = this.#id(scanner.prevComm);
        r[at + 8] = this.#id(scanner.prevState);
        r[at + 9] = scanner.nextTid;
        r[at + 10] = this.#id(scanner.nextComm);
      } else if (kind === SCANNED.runtime) {
        r[at + 6] = scanner.targetTid;
        r[at + 7] = scanner.runtimeNs;
      } else {
        r[at + 6] = scanner.targetTid;
        r[at + 7] = this.#id(scanner.targetComm);
        r[at + 8] = scanner.targetCpu;
      }
    }
    this.#count++;
    return this.#count === this.#capacity;
  }

  /**
   * Adds a line for the general parser, as text.
   * @param line - its number
   * @param text - the line
   * @returns true when the batch is full
   */
  text(line: number, text: string): boolean {
    const r = this.#records;
    const at = this.#count * RECORD_WIDTH;
    r[at] = TEXT;
    r[at + 1] = line;
    r[at + 5] = this.#texts.length;
    this.#texts.push(text);
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
  // One event per kind, refilled for every record (made by the shared constructors: the same shapes as a reader's).
  readonly #switch: Mutable<SwitchEvent> = switchEvent(0, 0, 0, '', 0, 0, '', '', 0, '');
  readonly #wakeup: Mutable<WakeupEvent> = wakeupEvent(0, 0, 0, '', 0, 'waking', 0, '', 0);
  readonly #runtime: Mutable<RuntimeEvent> = runtimeEvent(0, 0, 0, '', 0, 0, 0);
  readonly #general: (text: string, line: number) => LineResult;

  /** @param general - the parser for lines that travel as text */
  constructor(general: (text: string, line: number) => LineResult) {
    this.#general = general;
  }

  // The fields every event has, from the record at `at`.
  #head<T extends Mutable<TraceEventBase>>(e: T, r: Float64Array, at: number, line: number): T {
    e.timeNs = r[at + 2] as number;
    e.cpu = r[at + 3] as number;
    e.tid = r[at + 4] as number;
    e.comm = this.#s(r[at + 5] as number);
    e.line = line;
    return e;
  }

  #s(id: number): string {
    return this.#strings[id] ?? '';
  }

  /**
   * Hands out each record, in order: events to `onEvent`, anything else as a line result to `onLine`. An event object
   * is refilled for the next record of its kind: read it before returning, do not keep it.
   * @param batch - the next batch
   * @param lineBase - added to each record's line number (the lines before the batch's segment)
   * @param onEvent - gets each event
   * @param onLine - gets each other line's result (skipped, or what the general parser made of it) and its number
   */
  read(
    batch: RecordBatch,
    lineBase: number,
    onEvent: (event: TraceEvent) => void,
    onLine: (result: LineResult, line: number) => void,
  ): void {
    for (const s of batch.strings) this.#strings.push(s);
    const r = batch.records;
    for (let i = 0; i < batch.count; i++) {
      const at = i * RECORD_WIDTH;
      const kind = r[at] as number;
      const line = lineBase + (r[at + 1] as number);
      if (kind === TEXT) {
        onLine(this.#general(batch.texts[r[at + 5] as number] ?? '', line), line);
        continue;
      }
      if (kind === SCANNED.skipped) {
        onLine({ type: 'skipped', name: this.#s(r[at + 5] as number) }, line);
        continue;
      }
      if (kind === SCANNED.switch) {
        const e = this.#head(this.#switch, r, at, line);
        e.prevTid = r[at + 6] as number;
        e.prevComm = this.#s(r[at + 7] as number);
        e.prevState = this.#s(r[at + 8] as number);
        e.nextTid = r[at + 9] as number;
        e.nextComm = this.#s(r[at + 10] as number);
        onEvent(e);
      } else if (kind === SCANNED.runtime) {
        const e = this.#head(this.#runtime, r, at, line);
        e.targetTid = r[at + 6] as number;
        e.runtimeNs = r[at + 7] as number;
        onEvent(e);
      } else {
        const e = this.#head(this.#wakeup, r, at, line);
        e.variant = kind === SCANNED.waking ? 'waking' : kind === SCANNED.wakeup ? 'wakeup' : 'wakeup_new';
        e.targetTid = r[at + 6] as number;
        e.targetComm = this.#s(r[at + 7] as number);
        e.targetCpu = r[at + 8] as number;
        onEvent(e);
      }
    }
  }
}
