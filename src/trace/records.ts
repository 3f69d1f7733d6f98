/**
 * What the reports read of a replay: its tasks (with their totals from the ledger) and its anomalies.
 * @module
 */
import type { Anomaly } from '../accounting/anomaly.js';
import type { TaskTotals } from '../accounting/account.js';
import type { Ledger } from '../accounting/ledger.js';
import type { TaskRunner } from './engine.js';
import type { FinishedTasks } from './finished-tasks.js';
import type { IdleHist } from './idle-hist.js';
import { threadBucket, type CpuSlot, type TaskSlot } from './slots.js';

/** Anomalies counted, with the first ones in detail. */
export interface AnomalyReport {
  /** How many. */
  readonly count: number;
  /** The first ones, oldest first. */
  readonly details: readonly Anomaly[];
}

/** A task as the reports see it: one per task machine, so a tid reused after its thread exited is two tasks. */
export interface TaskRecord {
  /** tid, or 0 with `cpu` for an idle task. */
  readonly tid: number;
  /** CPU, for idle tasks (−1 for others). */
  readonly cpu: number;
  /** Latest comm. */
  readonly comm: string;
  /** Its totals, from the ledger. */
  readonly totals: TaskTotals;
  /** Exited during the trace. */
  readonly dead: boolean;
  /** Migrations counted (with `migrations: true`). */
  readonly migrations: number;
  /** The forking task, where the trace shows the fork (perf takes its parent column from side-band records). */
  readonly parent: number;
  /** Process id, where the trace gives it (perf.data), else −1. */
  readonly pid: number;
  /**
   * perf's `-I` (a replay with `idleHist`): the idle time booked to the task, a slice per idle period that followed
   * one of its switches to idle (`runNs` its sum); absent otherwise, and for idle tasks and tasks never booked any.
   */
  readonly idleTotals?: TaskTotals;
}

/**
 * Every task a machine ran for, idle tasks included, in perf's thread order: finished tasks (in the order they
 * finished), then live ones, then the idle tasks, sorted stably by bucket, tid and CPU. Built once; each record is
 * made when it is read, so a report over millions of finished tasks holds one at a time.
 * @internal
 */
export class TaskOrder {
  readonly #finished: FinishedTasks;
  readonly #ledger: Ledger;
  readonly #live: TaskSlot[] = [];
  readonly #idle: { readonly cpu: number; readonly runner: TaskRunner }[] = [];
  readonly #order: Uint32Array;
  readonly #idleHist: IdleHist | undefined;

  /**
   * @param finished - the tasks that finished
   * @param ledger - where their accounts are
   * @param tasks - the live slots, by tid
   * @param cpus - the CPUs, with their idle tasks
   * @param idleHist - perf's `-I` figures, where the replay keeps them
   */
  constructor(
    finished: FinishedTasks,
    ledger: Ledger,
    tasks: ReadonlyMap<number, TaskSlot>,
    cpus: readonly CpuSlot[],
    idleHist?: IdleHist,
  ) {
    this.#finished = finished;
    this.#idleHist = idleHist;
    this.#ledger = ledger;
    for (const slot of tasks.values()) if (slot.runner !== undefined) this.#live.push(slot);
    cpus.forEach((slot, cpu) => {
      if (slot.idle !== undefined) this.#idle.push({ cpu, runner: slot.idle });
    });
    const f = finished.size;
    const l = f + this.#live.length;
    const n = l + this.#idle.length;
    // the sort keys as columns, so the comparator reads typed arrays, not records
    const tids = new Float64Array(n);
    const idleCpus = new Int32Array(n).fill(-1);
    for (let i = 0; i < f; i++) tids[i] = finished.tid(i);
    for (let i = f; i < l; i++) tids[i] = (this.#live[i - f] as TaskSlot).tid;
    for (let i = l; i < n; i++) idleCpus[i] = (this.#idle[i - l] as { cpu: number }).cpu;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => {
      const ta = tids[a] as number;
      const tb = tids[b] as number;
      return (
        threadBucket(ta) - threadBucket(tb) || ta - tb || (idleCpus[a] as number) - (idleCpus[b] as number) || a - b
      );
    });
    this.#order = order;
  }

  /** How many tasks. */
  get length(): number {
    return this.#order.length;
  }

  /**
   * @param k - position in perf's order, 0 … length − 1
   * @returns the task there
   */
  at(k: number): TaskRecord {
    const i = this.#order[k] as number;
    const finished = this.#finished;
    const f = finished.size;
    if (i < f) {
      const totals = this.#ledger.finishedTotals(finished.accountRow(i));
      const idleTotals = this.#idleHist?.finishedTotals(i);
      return {
        tid: finished.tid(i),
        cpu: -1,
        comm: finished.comm(i),
        totals,
        dead: true,
        migrations: finished.migrations(i),
        parent: finished.parent(i),
        pid: finished.pid(i),
        ...(idleTotals === undefined ? {} : { idleTotals }),
      };
    }
    const slot = this.#live[i - f];
    if (slot?.runner !== undefined) {
      const idleTotals = this.#idleHist?.liveTotals(slot);
      return {
        tid: slot.tid,
        cpu: -1,
        comm: slot.comm ?? ':' + String(slot.tid),
        totals: slot.runner.context.account.toJSON(),
        dead: slot.exited,
        migrations: slot.migrations,
        parent: slot.parent,
        pid: slot.pid,
        ...(idleTotals === undefined ? {} : { idleTotals }),
      };
    }
    const idle = this.#idle[i - f - this.#live.length] as { readonly cpu: number; readonly runner: TaskRunner };
    const totals = idle.runner.context.account.toJSON();
    return { tid: 0, cpu: idle.cpu, comm: '<idle>', totals, dead: false, migrations: 0, parent: -1, pid: -1 };
  }
}

/**
 * A ledger's anomalies of some kinds.
 * @param ledger - the ledger
 * @param keep - which kinds
 * @returns their count and the ones kept in detail
 * @internal
 */
export function anomaliesOf(ledger: Ledger, keep: (kind: Anomaly['kind']) => boolean): AnomalyReport {
  let count = 0;
  for (const [kind, n] of Object.entries(ledger.anomalyCounts())) if (keep(kind as Anomaly['kind'])) count += n;
  return { count, details: ledger.anomalies().filter((a) => keep(a.kind)) };
}
