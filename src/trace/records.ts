/**
 * Scanned lines as flat records (see {@link RecordBatch}): the perf script scanner writes them, the replay reads them,
 * on the same thread or across threads (a batch's `ints` buffer is transferred). Strings travel once, as ids into a
 * table both sides grow in the same order; lines the scanner leaves to the general parser travel as text.
 * @module
 * @internal
 */
import type { WakeupEvent } from './events.js';
import type { LineResult } from './perf-script.js';
import { RECORD_INTS, RECORD_KIND, type RecordBatch } from './wasm-scan.js';

const VARIANTS = ['waking', 'wakeup', 'wakeup_new'] as const;

/**
 * Where {@link RecordReader.read} hands records: one method per kind, with the fields as arguments (no event object
 * between the record and the replay), and every other line's result.
 * @internal
 */
export interface RecordSink {
  /**
   * A `sched_switch`.
   * @param timeNs - time, ns
   * @param cpu - CPU
   * @param tid - the sample's thread
   * @param comm - its comm
   * @param line - input line
   * @param prevTid - outgoing task
   * @param prevComm - its comm
   * @param prevState - its state letters
   * @param nextTid - incoming task
   * @param nextComm - its comm
   */
  switchAt(
    timeNs: number,
    cpu: number,
    tid: number,
    comm: string,
    line: number,
    prevTid: number,
    prevComm: string,
    prevState: string,
    nextTid: number,
    nextComm: string,
  ): void;
  /**
   * A `sched_waking`, `sched_wakeup` or `sched_wakeup_new`.
   * @param timeNs - time, ns
   * @param cpu - CPU
   * @param tid - the sample's thread (the waker)
   * @param comm - its comm
   * @param line - input line
   * @param variant - which tracepoint
   * @param targetTid - the woken task
   * @param targetComm - its comm
   * @param targetCpu - the CPU it will run on
   */
  wakeupAt(
    timeNs: number,
    cpu: number,
    tid: number,
    comm: string,
    line: number,
    variant: WakeupEvent['variant'],
    targetTid: number,
    targetComm: string,
    targetCpu: number,
  ): void;
  /**
   * A `sched_stat_runtime`.
   * @param timeNs - time, ns
   * @param cpu - CPU
   * @param tid - the sample's thread
   * @param comm - its comm
   * @param line - input line
   * @param targetTid - the task the runtime is for
   * @param ns - task-clock runtime, ns
   */
  runtimeAt(timeNs: number, cpu: number, tid: number, comm: string, line: number, targetTid: number, ns: number): void;
  /**
   * Any other line: an event of another system (skipped), or what the general parser made of a TEXT record.
   * @param result - what the line held
   * @param line - its number
   */
  result(result: LineResult, line: number): void;
}

/**
 * Reads batches back into a {@link RecordSink}, in order.
 * @internal
 */
export class RecordReader {
  readonly #strings: string[] = [];
  readonly #general: (text: string, line: number) => LineResult;

  /** @param general - the parser for lines that travel as text */
  constructor(general: (text: string, line: number) => LineResult) {
    this.#general = general;
  }

  /**
   * Hands each record to the sink, in order.
   * @param batch - the next batch
   * @param lineBase - added to each record's line number (the lines before the batch's stream began)
   * @param sink - gets each record
   */
  read(batch: RecordBatch, lineBase: number, sink: RecordSink): void {
    const strings = this.#strings;
    if (batch.reset) strings.length = 0;
    for (const s of batch.strings) strings.push(s);
    const ints = batch.ints;
    const floats = batch.floats;
    for (let r = 0; r < batch.count; r++) {
      const at = r * RECORD_INTS;
      const kind = ints[at] as number;
      const line = lineBase + (ints[at + 1] as number);
      if (kind <= RECORD_KIND.runtime) {
        const timeNs = floats[r * (RECORD_INTS / 2) + 6] as number;
        const cpu = ints[at + 2] as number;
        const tid = ints[at + 3] as number;
        const comm = strings[ints[at + 4] as number] ?? '';
        if (kind === RECORD_KIND.switch) {
          sink.switchAt(
            timeNs,
            cpu,
            tid,
            comm,
            line,
            ints[at + 5] as number,
            strings[ints[at + 6] as number] ?? '',
            strings[ints[at + 7] as number] ?? '',
            ints[at + 8] as number,
            strings[ints[at + 9] as number] ?? '',
          );
        } else if (kind === RECORD_KIND.runtime) {
          sink.runtimeAt(
            timeNs,
            cpu,
            tid,
            comm,
            line,
            ints[at + 5] as number,
            floats[r * (RECORD_INTS / 2) + 7] as number,
          );
        } else {
          sink.wakeupAt(
            timeNs,
            cpu,
            tid,
            comm,
            line,
            VARIANTS[kind - RECORD_KIND.waking] ?? 'waking',
            ints[at + 5] as number,
            strings[ints[at + 6] as number] ?? '',
            ints[at + 7] as number,
          );
        }
      } else if (kind === RECORD_KIND.skipped) {
        sink.result({ type: 'skipped', name: strings[ints[at + 4] as number] ?? '' }, line);
      } else {
        sink.result(this.#general(batch.texts[ints[at + 4] as number] ?? '', line), line);
      }
    }
  }
}
