/**
 * What the replay keeps per task and per CPU while it reads a trace.
 * @module
 * @internal
 */
import type { TaskAccount } from '../accounting/account.js';
import type { TaskRunner } from './engine.js';
import type { RuntimeWindow } from './steal-estimate.js';

/**
 * What the replay keeps per tid: one record instead of a map per fact, so an event costs one lookup.
 * @internal
 */
export class TaskSlot implements RuntimeWindow {
  readonly tid: number;
  /** The task's machine, once an event reached it; undefined again once it exited. */
  runner: TaskRunner | undefined = undefined;
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
  exited = false;
  /** `comm[tid]` for wakeup and migration lines, and the comm it was made from. */
  label: string | undefined = undefined;
  labelComm: string | undefined = undefined;

  /** @param tid - the thread */
  constructor(tid: number) {
    this.tid = tid;
  }
}

/**
 * Per CPU: the previous switch (perf's tprev), the task it switched in, and the CPU's idle task.
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
 * A task whose machine finished: what the reports show of it, as it was then.
 * @internal
 */
export interface Finished {
  readonly tid: number;
  readonly comm: string;
  readonly account: TaskAccount;
  readonly migrations: number;
  readonly parent: number;
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
