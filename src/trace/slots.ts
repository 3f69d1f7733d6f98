/**
 * What the replay keeps per task and per CPU while it reads a trace.
 * @module
 * @internal
 */
import type { Ledger } from '../accounting/ledger.js';
import { MAX_SAFE_WHOLE } from '../accounting/reading.js';
import { SchedacctError } from '../errors.js';
import type { TaskRunner } from './engine.js';
import { MAX_CPUS } from './events.js';
import { taskLabel } from './rows.js';
import type { RuntimeWindow } from './steal-estimate.js';

/**
 * What the replay keeps per tid: one record instead of a map per fact, so an event costs one lookup.
 * @internal
 */
export class TaskSlot implements RuntimeWindow {
  readonly tid: number;
  /** The task's machine, once an event reached it. */
  runner: TaskRunner | undefined = undefined;
  /** The task ended and its figures went to the finished store: the slot is no longer the tid's. */
  finished = false;
  comm: string | undefined = undefined;
  /** Steal suffered so far: the stolen total its readings carry. */
  stolenTotalNs = 0;
  sliceRuntime = -1;
  inCpu = -1;
  inT = 0;
  /** CPU it is on (−1 when the trace shows it off every CPU). */
  onCpu = -1;
  migrations = 0;
  parent = -1;
  /** Process id, where the trace gives it (−1: not given). */
  pid = -1;
  exited = false;
  /** `comm[tid]` for wakeup and migration lines, and the comm it was made from. */
  label: string | undefined = undefined;
  labelComm: string | undefined = undefined;
  labelPid = -1;

  /** @param tid - the thread */
  constructor(tid: number) {
    this.tid = tid;
  }

  /** @returns `comm[tid]` (with the pid where it differs) for wakeup and migration lines, made anew on a change */
  labelText(): string {
    if (this.label === undefined || this.labelComm !== this.comm || this.labelPid !== this.pid) {
      this.labelComm = this.comm;
      this.labelPid = this.pid;
      this.label = taskLabel(this.comm ?? ':' + String(this.tid), this.tid, this.pid);
    }
    return this.label;
  }

  /**
   * What the trace says of the task's process, where it says it (perf.data).
   * @param pid - its process id
   * @param ppid - its parent, as perf's thread table has it
   */
  process(pid: number | undefined, ppid?: number): void {
    if (pid !== undefined) this.pid = pid;
    if (ppid !== undefined) this.parent = ppid;
  }
}

/**
 * Per CPU: the previous switch (perf's tprev, as a reading: see {@link ReadingClock}), the task it switched in, and
 * the CPU's idle task.
 * @internal
 */
export class CpuSlot {
  tprev = 0;
  hasCurrent = false;
  current = 0;
  /** The slot of the task it switched in last: the sample of most of its next events (no lookup for them). */
  currentSlot: TaskSlot | undefined = undefined;
  idle: TaskRunner | undefined = undefined;
  idleStolenTotalNs = 0;
}

/**
 * The machines' clock: a trace time as ns since a base, so readings are numbers (no BigInt) that stay safe integers.
 * The base is 0, or the first time less 2^52 ns for a machine up over 52 days. A time whose reading would leave 0 …
 * 2^53 − 1 (a jump of months, a garbled second) is a time jump: its reading is the previous one, and the jump is
 * left out of every reading after it, so no gap between two readings is too long for a number.
 * @internal
 */
export class ReadingClock {
  #base = Number.NaN;
  #jumpedNs = 0;
  #lastNs = 0;
  /** The jump the last {@link ReadingClock.reading} left out, ns (0 when none). */
  jumpNs = 0;

  /**
   * @param timeNs - a trace time, a whole number of ns
   * @param ledger - where a time jump is recorded (`time-jump`)
   * @param cpu - the event's CPU, for the anomaly
   * @param line - its line
   * @returns its reading
   */
  reading(timeNs: number, ledger: Ledger, cpu: number, line: number): number {
    if (Number.isNaN(this.#base)) this.#base = timeNs > 2 ** 52 ? timeNs - 2 ** 52 : 0;
    let ns = timeNs - this.#base - this.#jumpedNs;
    this.jumpNs = 0;
    if (!(ns >= 0 && ns <= MAX_SAFE_WHOLE)) {
      this.jumpNs = ns - this.#lastNs;
      this.#jumpedNs += this.jumpNs;
      ns = this.#lastNs;
      const message = `time jumped by ${String(this.jumpNs)} ns, too far for an exact gap; the jump is left out of every figure`;
      ledger.recordAnomaly({ kind: 'time-jump', message, atNs: timeNs, cpu, line });
    }
    this.#lastNs = ns;
    return ns;
  }

  /**
   * @param reading - a reading
   * @returns the trace time it stands for (for anomaly reports)
   */
  timeOf(reading: number): number {
    return reading + this.#base + this.#jumpedNs;
  }
}

/**
 * Checks where and when an event happened: misuse, as a reader gives any other CPU or time as a malformed line.
 * @param cpu - its CPU: a whole number below {@link MAX_CPUS}, so one bad number cannot make the CPU table huge
 * @param timeNs - its time: a whole number of ns ≥ 0
 * @throws {@link SchedacctError} `invalid-argument` for either out of range
 * @internal
 */
export function checkPlace(cpu: number, timeNs: number): void {
  if (!(cpu >>> 0 === cpu && cpu < MAX_CPUS && Number.isInteger(timeNs) && timeNs >= 0)) {
    throw new SchedacctError(
      'invalid-argument',
      `an event needs a CPU that is a whole number from 0 to MAX_CPUS − 1 (${String(MAX_CPUS - 1)}) and a time that is a whole number of ns ≥ 0, got cpu ${String(cpu)}, time ${String(timeNs)}`,
    );
  }
}

/**
 * perf walks its thread table: 256 buckets by tid (as unsigned: thread −1 is in the last), each in tid order.
 * @param tid - the thread
 * @returns its bucket
 * @internal
 */
export function threadBucket(tid: number): number {
  return (tid >>> 0) % 256;
}
