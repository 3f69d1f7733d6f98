/**
 * Scanned lines as flat records (see {@link RecordBatch}): the perf script scanner writes them, the replay reads them,
 * on the same thread or across threads (a batch's `ints` buffer is transferred). Strings travel once, as ids into a
 * table both sides grow in the same order; lines the scanner leaves to the general parser travel as text.
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
import type { LineResult } from './perf-script.js';
import { RECORD_INTS, RECORD_KIND, type RecordBatch } from './wasm-scan.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const VARIANTS = ['waking', 'wakeup', 'wakeup_new'] as const;

/**
 * Reads batches back into events and line results, in order.
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

  // The fields every event has, from the record at `at` (record `r`).
  #head<T extends Mutable<TraceEventBase>>(e: T, b: RecordBatch, at: number, r: number, line: number): T {
    const ints = b.ints;
    e.timeNs = b.floats[r * (RECORD_INTS / 2) + 6] as number;
    e.cpu = ints[at + 2] as number;
    e.tid = ints[at + 3] as number;
    e.comm = this.#strings[ints[at + 4] as number] ?? '';
    e.line = line;
    return e;
  }

  /**
   * Hands out each record, in order: events to `onEvent`, anything else as a line result to `onLine`. An event object
   * is refilled for the next record of its kind: read it before returning, do not keep it.
   * @param batch - the next batch
   * @param lineBase - added to each record's line number (the lines before the batch's stream began)
   * @param onEvent - gets each event
   * @param onLine - gets each other line's result (skipped, or what the general parser made of it) and its number
   */
  read(
    batch: RecordBatch,
    lineBase: number,
    onEvent: (event: TraceEvent) => void,
    onLine: (result: LineResult, line: number) => void,
  ): void {
    const strings = this.#strings;
    for (const s of batch.strings) strings.push(s);
    const ints = batch.ints;
    for (let r = 0; r < batch.count; r++) {
      const at = r * RECORD_INTS;
      const kind = ints[at] as number;
      const line = lineBase + (ints[at + 1] as number);
      if (kind === RECORD_KIND.switch) {
        const e = this.#head(this.#switch, batch, at, r, line);
        e.prevTid = ints[at + 5] as number;
        e.prevComm = strings[ints[at + 6] as number] ?? '';
        e.prevState = strings[ints[at + 7] as number] ?? '';
        e.nextTid = ints[at + 8] as number;
        e.nextComm = strings[ints[at + 9] as number] ?? '';
        onEvent(e);
      } else if (kind === RECORD_KIND.runtime) {
        const e = this.#head(this.#runtime, batch, at, r, line);
        e.targetTid = ints[at + 5] as number;
        e.runtimeNs = batch.floats[r * (RECORD_INTS / 2) + 7] as number;
        onEvent(e);
      } else if (kind >= RECORD_KIND.waking && kind <= RECORD_KIND.wakeupNew) {
        const e = this.#head(this.#wakeup, batch, at, r, line);
        e.variant = VARIANTS[kind - RECORD_KIND.waking] ?? 'waking';
        e.targetTid = ints[at + 5] as number;
        e.targetComm = strings[ints[at + 6] as number] ?? '';
        e.targetCpu = ints[at + 7] as number;
        onEvent(e);
      } else if (kind === RECORD_KIND.skipped) {
        onLine({ type: 'skipped', name: strings[ints[at + 4] as number] ?? '' }, line);
      } else {
        onLine(this.#general(batch.texts[ints[at + 4] as number] ?? '', line), line);
      }
    }
  }
}
