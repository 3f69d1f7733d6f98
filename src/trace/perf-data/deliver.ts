/**
 * perf.data's records once in perf's order, into events: the thread table (COMM and FORK records, and every sample's
 * thread) and one event per sample, as {@link RecordStream} delivers them, or as the replay's thread makes them from
 * rows decoded on a worker thread (`perf-data-file.ts`).
 * @module
 * @internal
 */
import type { TraceEvent } from '../events.js';
import type { StateDecoder } from './decode.js';
import { EventMaker, type Head } from './event-maker.js';
import { K, ROW } from './sample-event.js';
import { ThreadTable } from './threads.js';

/**
 * Rows (the queue's) into events.
 * @internal
 */
export class Delivery {
  readonly #emit: (event: TraceEvent) => void;
  readonly #threads = new ThreadTable();
  readonly #h: Head = { timeNs: 0, cpu: 0, tid: 0, comm: '', line: 0, pid: 0, ppid: -1 };
  readonly #events: EventMaker;
  readonly #decoders: readonly StateDecoder[];

  /**
   * @param emit - gets the events
   * @param reuseEvents - fill one object per kind again and again (the consumer keeps none)
   * @param decoders - the decoders a row's code names, by place (the list may grow; it is read as rows come)
   */
  constructor(emit: (event: TraceEvent) => void, reuseEvents: boolean, decoders: readonly StateDecoder[]) {
    this.#emit = emit;
    this.#events = new EventMaker(reuseEvents);
    this.#decoders = decoders;
  }

  /**
   * Takes a record as the queue delivers it (or at once, for one without a time).
   * @param rows - the queue's rows
   * @param at - where the record's row starts
   * @param item - its string, if it has one
   */
  deliver(rows: Float64Array, at: number, item: unknown): void {
    const threads = this.#threads;
    const code = rows[at + ROW.CODE] as number;
    const kind = code & 7;
    if (kind === K.COMM) {
      threads.comm(rows[at + ROW.TID] as number, rows[at + ROW.PID] as number, item as string);
      return;
    }
    const tid = rows[at + ROW.TID] as number;
    if (kind === K.FORK) {
      // (perf's machine__process_fork_event: see ThreadTable.fork)
      const pid = rows[at + ROW.PID] as number;
      threads.fork(pid, rows[at + ROW.F0] as number, tid, rows[at + ROW.F1] as number);
      return;
    }
    const h = this.#h;
    h.timeNs = rows[at] as number;
    h.cpu = (code >>> 3) & 8191;
    h.tid = tid;
    h.line = rows[at + ROW.LINE] as number;
    if (tid === 0) {
      h.pid = 0;
      h.ppid = -1;
      h.comm = 'swapper';
    } else {
      const thread = threads.findnew(tid, rows[at + ROW.PID] as number);
      h.pid = thread.pid;
      h.ppid = thread.ppid;
      h.comm = thread.comm ?? `:${String(tid)}`;
    }
    const f0 = rows[at + ROW.F0] as number;
    const events = this.#events;
    if (kind === K.SWITCH) {
      const d = this.#decoders[code >>> 16] as StateDecoder;
      const next = rows[at + ROW.F2] as number;
      this.#emit(events.switch(h, d, rows, at, threads.commOf(next), item as string | undefined));
    } else if (kind === K.WAKEUP || kind === K.MIGRATE) {
      const targetComm = threads.commOf(f0);
      const targetPid = threads.findnew(f0, 0).pid; // perf: machine__findnew_thread(machine, 0, pid)
      const f1 = rows[at + ROW.F1] as number;
      if (kind === K.WAKEUP) {
        const d = this.#decoders[code >>> 16] as StateDecoder;
        this.#emit(events.wakeup(h, d, f0, targetComm, f1, targetPid));
      } else this.#emit(events.migrate(h, f0, targetComm, targetPid, f1, rows[at + ROW.F2] as number));
    } else if (kind === K.RUNTIME) this.#emit(events.runtime(h, f0, rows[at + ROW.F1] as number));
    else if (kind === K.EXIT) this.#emit(events.exit(h, f0));
    else {
      const child = rows[at + ROW.F1] as number;
      this.#emit(events.fork(h, f0, child, threads.knownComm(child) ?? (item as string)));
    }
  }
}
