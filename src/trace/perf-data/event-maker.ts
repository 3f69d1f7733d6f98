/**
 * The events delivery hands on, made from a queued row and the thread table: fresh objects, or one per kind filled
 * anew each time.
 * @module
 * @internal
 */
import type { ExitEvent, ForkEvent, MigrateEvent, RuntimeEvent, SwitchEvent, WakeupEvent } from '../events.js';
import { stateLetters, type StateDecoder } from './decode.js';
import { ROW } from './sample-event.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type WithProcess<T> = Mutable<T> & { pid: number; ppid: number };

/**
 * Events as delivery makes them: every field present.
 * @internal
 */
export type SwitchOut = WithProcess<SwitchEvent>;
/** @internal */
export type WakeupOut = WithProcess<WakeupEvent> & { targetPid: number };
/** @internal */
export type MigrateOut = WithProcess<MigrateEvent> & { targetPid: number };
/** @internal */
export type ForkOut = WithProcess<ForkEvent>;
/** @internal */
export type ExitOut = WithProcess<ExitEvent>;
/** @internal */
export type RuntimeOut = WithProcess<RuntimeEvent>;

/**
 * The sample's common part at delivery: what the row and the thread table say.
 * @internal
 */
export interface Head {
  timeNs: number;
  cpu: number;
  tid: number;
  comm: string;
  line: number;
  pid: number;
  ppid: number;
}

/**
 * Makes the events delivery hands on: fresh objects, or (`reuse`, for a consumer that keeps none) one per kind filled
 * anew each time, so a replay of millions of events makes no garbage for them. One shape per kind either way.
 * @internal
 */
export class EventMaker {
  readonly #reuse: boolean;
  readonly #switch: SwitchOut;
  readonly #wakeup: WakeupOut;
  readonly #migrate: MigrateOut;
  readonly #exit: ExitOut;
  readonly #runtime: RuntimeOut;
  // (each method fills its object's fields itself: one helper for all five shapes would make every store megamorphic)

  /** @param reuse - fill one object per kind again and again */
  constructor(reuse: boolean) {
    this.#reuse = reuse;
    const h: Head = { timeNs: 0, cpu: 0, tid: 0, comm: '', line: 0, pid: 0, ppid: -1 };
    this.#switch = switchOf(h, 0, '', '', 0, '', undefined);
    this.#wakeup = wakeupOf(h, 'wakeup', 0, '', -1, 0);
    this.#migrate = migrateOf(h, 0, '', 0, 0, 0);
    this.#exit = exitOf(h, 0);
    this.#runtime = runtimeOf(h, 0, 0);
  }

  /**
   * @param h - the sample
   * @param d - its decoder
   * @param row - its row
   * @param at - the row's start
   * @param nextComm - the next task's comm (the thread table's)
   * @param tracepointComm - the next task's comm as the tracepoint gave it, where asked
   * @returns the switch
   */
  switch(
    h: Head,
    d: StateDecoder,
    row: Float64Array,
    at: number,
    nextComm: string,
    tracepointComm: string | undefined,
  ): SwitchOut {
    const prevTid = row[at + ROW.F0] as number;
    const prevState = stateLetters(d, row[at + ROW.F1] as number);
    const nextTid = row[at + ROW.F2] as number;
    if (!this.#reuse) return switchOf(h, prevTid, h.comm, prevState, nextTid, nextComm, tracepointComm);
    const e = this.#switch;
    e.timeNs = h.timeNs;
    e.cpu = h.cpu;
    e.tid = h.tid;
    e.comm = h.comm;
    e.line = h.line;
    e.pid = h.pid;
    e.ppid = h.ppid;
    e.prevTid = prevTid;
    e.prevComm = h.comm; // (the row is the sample thread's, as perf's: prevComm is its comm)
    e.prevState = prevState;
    e.nextTid = nextTid;
    e.nextComm = nextComm;
    e.nextTracepointComm = tracepointComm;
    return e;
  }

  /**
   * @param h - the sample
   * @param d - its decoder
   * @param targetTid - the woken task
   * @param targetComm - its comm
   * @param targetCpu - where it will run (−1: not given)
   * @param targetPid - its pid
   * @returns the wakeup
   */
  wakeup(
    h: Head,
    d: StateDecoder,
    targetTid: number,
    targetComm: string,
    targetCpu: number,
    targetPid: number,
  ): WakeupOut {
    if (!this.#reuse) return wakeupOf(h, d.variant, targetTid, targetComm, targetCpu, targetPid);
    const e = this.#wakeup;
    e.timeNs = h.timeNs;
    e.cpu = h.cpu;
    e.tid = h.tid;
    e.comm = h.comm;
    e.line = h.line;
    e.pid = h.pid;
    e.ppid = h.ppid;
    e.variant = d.variant;
    e.targetTid = targetTid;
    e.targetComm = targetComm;
    e.targetCpu = targetCpu;
    e.targetPid = targetPid;
    return e;
  }

  /**
   * @param h - the sample
   * @param targetTid - the migrated task
   * @param targetComm - its comm
   * @param targetPid - its pid
   * @param origCpu - from
   * @param destCpu - to
   * @returns the migration
   */
  migrate(
    h: Head,
    targetTid: number,
    targetComm: string,
    targetPid: number,
    origCpu: number,
    destCpu: number,
  ): MigrateOut {
    if (!this.#reuse) return migrateOf(h, targetTid, targetComm, targetPid, origCpu, destCpu);
    const e = this.#migrate;
    e.timeNs = h.timeNs;
    e.cpu = h.cpu;
    e.tid = h.tid;
    e.comm = h.comm;
    e.line = h.line;
    e.pid = h.pid;
    e.ppid = h.ppid;
    e.targetTid = targetTid;
    e.targetComm = targetComm;
    e.targetPid = targetPid;
    e.origCpu = origCpu;
    e.destCpu = destCpu;
    return e;
  }

  /**
   * @param h - the sample
   * @param targetTid - the exiting task
   * @returns the exit
   */
  exit(h: Head, targetTid: number): ExitOut {
    if (!this.#reuse) return exitOf(h, targetTid);
    const e = this.#exit;
    e.timeNs = h.timeNs;
    e.cpu = h.cpu;
    e.tid = h.tid;
    e.comm = h.comm;
    e.line = h.line;
    e.pid = h.pid;
    e.ppid = h.ppid;
    e.targetTid = targetTid;
    return e;
  }

  /**
   * @param h - the sample
   * @param targetTid - the task
   * @param runtimeNs - its runtime
   * @returns the runtime event
   */
  runtime(h: Head, targetTid: number, runtimeNs: number): RuntimeOut {
    if (!this.#reuse) return runtimeOf(h, targetTid, runtimeNs);
    const e = this.#runtime;
    e.timeNs = h.timeNs;
    e.cpu = h.cpu;
    e.tid = h.tid;
    e.comm = h.comm;
    e.line = h.line;
    e.pid = h.pid;
    e.ppid = h.ppid;
    e.targetTid = targetTid;
    e.runtimeNs = runtimeNs;
    return e;
  }

  /**
   * A fork (rare: always a fresh object).
   * @param h - the sample
   * @param parentTid - the parent
   * @param childTid - the child
   * @param childComm - its comm
   * @returns the fork
   */
  fork(h: Head, parentTid: number, childTid: number, childComm: string): ForkOut {
    const { timeNs, cpu, tid, comm, line, pid, ppid } = h;
    return { timeNs, cpu, tid, comm, line, pid, ppid, kind: 'fork', parentTid, childTid, childComm };
  }
}

// One literal per kind, its fields in one order: the replay's property accesses stay monomorphic per kind.
function switchOf(
  h: Head,
  prevTid: number,
  prevComm: string,
  prevState: string,
  nextTid: number,
  nextComm: string,
  nextTracepointComm: string | undefined,
): SwitchOut {
  const { timeNs, cpu, tid, comm, line, pid, ppid } = h;
  const kind = 'switch';
  return {
    timeNs,
    cpu,
    tid,
    comm,
    line,
    pid,
    ppid,
    kind,
    prevTid,
    prevComm,
    prevState,
    nextTid,
    nextComm,
    nextTracepointComm,
  };
}

function wakeupOf(
  h: Head,
  variant: WakeupEvent['variant'],
  targetTid: number,
  targetComm: string,
  targetCpu: number,
  targetPid: number,
): WakeupOut {
  const { timeNs, cpu, tid, comm, line, pid, ppid } = h;
  const kind = 'wakeup';
  return { timeNs, cpu, tid, comm, line, pid, ppid, kind, variant, targetTid, targetComm, targetCpu, targetPid };
}

function migrateOf(
  h: Head,
  targetTid: number,
  targetComm: string,
  targetPid: number,
  origCpu: number,
  destCpu: number,
): MigrateOut {
  const { timeNs, cpu, tid, comm, line, pid, ppid } = h;
  const kind = 'migrate';
  return { timeNs, cpu, tid, comm, line, pid, ppid, kind, targetTid, targetComm, targetPid, origCpu, destCpu };
}

function exitOf(h: Head, targetTid: number): ExitOut {
  const { timeNs, cpu, tid, comm, line, pid, ppid } = h;
  return { timeNs, cpu, tid, comm, line, pid, ppid, kind: 'exit', targetTid };
}

function runtimeOf(h: Head, targetTid: number, runtimeNs: number): RuntimeOut {
  const { timeNs, cpu, tid, comm, line, pid, ppid } = h;
  return { timeNs, cpu, tid, comm, line, pid, ppid, kind: 'runtime', targetTid, runtimeNs };
}
