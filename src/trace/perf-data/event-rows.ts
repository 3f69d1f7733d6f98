/**
 * Events as rows of numbers, for handing them from one thread to another in batches: each event one row of
 * {@link EVENT_STRIDE} numbers in a Float64Array, its strings (comms, state letters) as numbers of a string table
 * that grows as new strings are met (each batch carries the strings it added). The receiving side makes the events
 * again, one object per kind filled anew each time (its consumer keeps none).
 * @module
 * @internal
 */
import type {
  ExitEvent,
  ForkEvent,
  MigrateEvent,
  RuntimeEvent,
  SwitchEvent,
  TraceEvent,
  WakeupEvent,
} from '../events.js';

/**
 * Numbers per event row.
 * @internal
 */
export const EVENT_STRIDE = 14;

/**
 * Rows per batch.
 * @internal
 */
export const BATCH_ROWS = 8192;

const KIND = { switch: 0, wakeup: 1, migrate: 2, fork: 3, exit: 4, runtime: 5 } as const;
const VARIANTS = ['waking', 'wakeup', 'wakeup_new'] as const;

/**
 * A batch of events: `n` rows and the strings the table gained with them.
 * @internal
 */
export interface EventBatch {
  readonly rows: Float64Array;
  readonly n: number;
  readonly strings: string[];
}

/**
 * Writes events into batches.
 * @internal
 */
export class EventEncoder {
  readonly #ids = new Map<string, number>();
  #lastText = '';
  #lastId = -1;
  #strings: string[] = [];
  #rows: Float64Array = new Float64Array(BATCH_ROWS * EVENT_STRIDE);
  #n = 0;
  readonly #send: (batch: EventBatch) => void;
  readonly #recycled: () => Float64Array | undefined;

  /**
   * @param send - gets each full batch (its rows are handed over: not used again here)
   * @param recycled - rows a batch was sent in and the other side is done with, if any (else new rows are made)
   */
  constructor(send: (batch: EventBatch) => void, recycled: () => Float64Array | undefined = () => undefined) {
    this.#send = send;
    this.#recycled = recycled;
  }

  #id(text: string): number {
    // (a run of events mostly names the strings the last one did: the comm a switch's sample and prev share, say)
    if (text === this.#lastText) return this.#lastId;
    let id = this.#ids.get(text);
    if (id === undefined) {
      id = this.#ids.size;
      this.#ids.set(text, id);
      this.#strings.push(text);
    }
    this.#lastText = text;
    this.#lastId = id;
    return id;
  }

  /**
   * Adds an event.
   * @param e - the event (perf.data's: pid and ppid given)
   */
  add(e: TraceEvent): void {
    // One method per kind, each seeing events of one shape (the reader fills one object per kind): the property
    // reads stay monomorphic, where one method for all six shapes made each of them a megamorphic lookup.
    const kind = e.kind;
    if (kind === 'switch') this.#switch(e);
    else if (kind === 'runtime') this.#runtime(e);
    else if (kind === 'wakeup') this.#wakeup(e);
    else if (kind === 'migrate') this.#migrate(e);
    else if (kind === 'fork') this.#fork(e);
    else this.#exit(e);
    if (++this.#n === BATCH_ROWS) this.flush();
  }

  // The columns every kind has; returns where the kind's own begin.
  #head(
    kind: number,
    timeNs: number,
    cpu: number,
    tid: number,
    comm: string,
    line: number,
    pid = -1,
    ppid = -1,
  ): number {
    const r = this.#rows;
    const o = this.#n * EVENT_STRIDE;
    r[o] = kind;
    r[o + 1] = timeNs;
    r[o + 2] = cpu;
    r[o + 3] = tid;
    r[o + 4] = this.#id(comm);
    r[o + 5] = line;
    r[o + 6] = pid;
    r[o + 7] = ppid;
    return o + 8;
  }

  #switch(e: SwitchEvent): void {
    const o = this.#head(KIND.switch, e.timeNs, e.cpu, e.tid, e.comm, e.line, e.pid, e.ppid);
    const r = this.#rows;
    r[o] = e.prevTid;
    r[o + 1] = this.#id(e.prevComm);
    r[o + 2] = this.#id(e.prevState);
    r[o + 3] = e.nextTid;
    r[o + 4] = this.#id(e.nextComm);
    r[o + 5] = e.nextTracepointComm === undefined ? -1 : this.#id(e.nextTracepointComm);
  }

  #runtime(e: RuntimeEvent): void {
    const o = this.#head(KIND.runtime, e.timeNs, e.cpu, e.tid, e.comm, e.line, e.pid, e.ppid);
    const r = this.#rows;
    r[o] = e.targetTid;
    r[o + 1] = e.runtimeNs;
  }

  #wakeup(e: WakeupEvent): void {
    const o = this.#head(KIND.wakeup, e.timeNs, e.cpu, e.tid, e.comm, e.line, e.pid, e.ppid);
    const r = this.#rows;
    r[o] = VARIANTS.indexOf(e.variant);
    r[o + 1] = e.targetTid;
    r[o + 2] = this.#id(e.targetComm);
    r[o + 3] = e.targetCpu;
    r[o + 4] = e.targetPid ?? -1;
  }

  #migrate(e: MigrateEvent): void {
    const o = this.#head(KIND.migrate, e.timeNs, e.cpu, e.tid, e.comm, e.line, e.pid, e.ppid);
    const r = this.#rows;
    r[o] = e.targetTid;
    r[o + 1] = this.#id(e.targetComm);
    r[o + 2] = e.targetPid ?? -1;
    r[o + 3] = e.origCpu;
    r[o + 4] = e.destCpu;
  }

  #fork(e: ForkEvent): void {
    const o = this.#head(KIND.fork, e.timeNs, e.cpu, e.tid, e.comm, e.line, e.pid, e.ppid);
    const r = this.#rows;
    r[o] = e.parentTid;
    r[o + 1] = e.childTid;
    r[o + 2] = this.#id(e.childComm);
  }

  #exit(e: ExitEvent): void {
    const o = this.#head(KIND.exit, e.timeNs, e.cpu, e.tid, e.comm, e.line, e.pid, e.ppid);
    this.#rows[o] = e.targetTid;
  }

  /** Sends what is written, if anything. */
  flush(): void {
    if (this.#n === 0 && this.#strings.length === 0) return;
    this.#send({ rows: this.#rows, n: this.#n, strings: this.#strings });
    this.#rows = this.#recycled() ?? new Float64Array(BATCH_ROWS * EVENT_STRIDE);
    this.#strings = [];
    this.#n = 0;
  }
}

type Out<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Makes events from batches, in order.
 * @internal
 */
export class EventDecoder {
  readonly #strings: string[] = [];
  readonly #switch: Out<SwitchEvent> = {
    ...base('switch'),
    prevTid: 0,
    prevComm: '',
    prevState: '',
    nextTid: 0,
    nextComm: '',
    nextTracepointComm: undefined,
  };
  readonly #wakeup: Out<WakeupEvent> = {
    ...base('wakeup'),
    variant: 'wakeup',
    targetTid: 0,
    targetComm: '',
    targetCpu: -1,
    targetPid: 0,
  };
  readonly #migrate: Out<MigrateEvent> = {
    ...base('migrate'),
    targetTid: 0,
    targetComm: '',
    targetPid: 0,
    origCpu: 0,
    destCpu: 0,
  };
  readonly #exit: Out<ExitEvent> = { ...base('exit'), targetTid: 0 };
  readonly #runtime: Out<RuntimeEvent> = { ...base('runtime'), targetTid: 0, runtimeNs: 0 };

  /**
   * Hands over a batch's events.
   * @param batch - the batch
   * @param emit - gets each event (valid until the next)
   */
  decode(batch: EventBatch, emit: (event: TraceEvent) => void): void {
    const strings = this.#strings;
    for (const s of batch.strings) strings.push(s);
    const r = batch.rows;
    for (let i = 0; i < batch.n; i++) emit(this.#event(r, i * EVENT_STRIDE, strings));
  }

  #event(r: Float64Array, o: number, s: string[]): TraceEvent {
    const kind = r[o] as number;
    if (kind === KIND.switch) return this.#switchAt(r, o, s);
    if (kind === KIND.runtime) return this.#runtimeAt(r, o, s);
    if (kind === KIND.wakeup) return this.#wakeupAt(r, o, s);
    if (kind === KIND.migrate) return this.#migrateAt(r, o, s);
    if (kind === KIND.exit) return this.#exitAt(r, o, s);
    return forkAt(r, o, s);
  }

  // (each kind's object filled field by field: one helper for all would make every store megamorphic)
  #switchAt(r: Float64Array, o: number, s: string[]): SwitchEvent {
    const e = this.#switch;
    e.timeNs = r[o + 1] as number;
    e.cpu = r[o + 2] as number;
    e.tid = r[o + 3] as number;
    e.comm = s[r[o + 4] as number] as string;
    e.line = r[o + 5] as number;
    e.pid = r[o + 6] as number;
    e.ppid = r[o + 7] as number;
    e.prevTid = r[o + 8] as number;
    e.prevComm = s[r[o + 9] as number] as string;
    e.prevState = s[r[o + 10] as number] as string;
    e.nextTid = r[o + 11] as number;
    e.nextComm = s[r[o + 12] as number] as string;
    const tp = r[o + 13] as number;
    e.nextTracepointComm = tp < 0 ? undefined : s[tp];
    return e;
  }

  #runtimeAt(r: Float64Array, o: number, s: string[]): RuntimeEvent {
    const e = this.#runtime;
    e.timeNs = r[o + 1] as number;
    e.cpu = r[o + 2] as number;
    e.tid = r[o + 3] as number;
    e.comm = s[r[o + 4] as number] as string;
    e.line = r[o + 5] as number;
    e.pid = r[o + 6] as number;
    e.ppid = r[o + 7] as number;
    e.targetTid = r[o + 8] as number;
    e.runtimeNs = r[o + 9] as number;
    return e;
  }

  #wakeupAt(r: Float64Array, o: number, s: string[]): WakeupEvent {
    const e = this.#wakeup;
    e.timeNs = r[o + 1] as number;
    e.cpu = r[o + 2] as number;
    e.tid = r[o + 3] as number;
    e.comm = s[r[o + 4] as number] as string;
    e.line = r[o + 5] as number;
    e.pid = r[o + 6] as number;
    e.ppid = r[o + 7] as number;
    e.variant = VARIANTS[r[o + 8] as number] ?? 'wakeup';
    e.targetTid = r[o + 9] as number;
    e.targetComm = s[r[o + 10] as number] as string;
    e.targetCpu = r[o + 11] as number;
    e.targetPid = r[o + 12] as number;
    return e;
  }

  #migrateAt(r: Float64Array, o: number, s: string[]): MigrateEvent {
    const e = this.#migrate;
    e.timeNs = r[o + 1] as number;
    e.cpu = r[o + 2] as number;
    e.tid = r[o + 3] as number;
    e.comm = s[r[o + 4] as number] as string;
    e.line = r[o + 5] as number;
    e.pid = r[o + 6] as number;
    e.ppid = r[o + 7] as number;
    e.targetTid = r[o + 8] as number;
    e.targetComm = s[r[o + 9] as number] as string;
    e.targetPid = r[o + 10] as number;
    e.origCpu = r[o + 11] as number;
    e.destCpu = r[o + 12] as number;
    return e;
  }

  #exitAt(r: Float64Array, o: number, s: string[]): ExitEvent {
    const e = this.#exit;
    e.timeNs = r[o + 1] as number;
    e.cpu = r[o + 2] as number;
    e.tid = r[o + 3] as number;
    e.comm = s[r[o + 4] as number] as string;
    e.line = r[o + 5] as number;
    e.pid = r[o + 6] as number;
    e.ppid = r[o + 7] as number;
    e.targetTid = r[o + 8] as number;
    return e;
  }
}

// A fork (rare): a fresh object.
function forkAt(r: Float64Array, o: number, s: string[]): ForkEvent {
  return {
    timeNs: r[o + 1] as number,
    cpu: r[o + 2] as number,
    tid: r[o + 3] as number,
    comm: s[r[o + 4] as number] as string,
    line: r[o + 5] as number,
    pid: r[o + 6] as number,
    ppid: r[o + 7] as number,
    kind: 'fork',
    parentTid: r[o + 8] as number,
    childTid: r[o + 9] as number,
    childComm: s[r[o + 10] as number] as string,
  };
}

function base<K extends TraceEvent['kind']>(
  kind: K,
): { timeNs: number; cpu: number; tid: number; comm: string; line: number; pid: number; ppid: number; kind: K } {
  return { timeNs: 0, cpu: 0, tid: 0, comm: '', line: 0, pid: 0, ppid: -1, kind };
}
