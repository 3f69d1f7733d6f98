/**
 * What the reports read of a replay: its tasks (with their totals from the ledger) and its anomalies.
 * @module
 */
import type { Anomaly } from '../accounting/anomaly.js';
import type { TaskTotals } from '../accounting/account.js';
import type { Ledger } from '../accounting/ledger.js';
import { threadBucket, type CpuSlot, type Finished, type TaskSlot } from './slots.js';

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
}

/**
 * Every task a machine ran for, idle tasks included, in perf's thread order.
 * @param finished - the tasks whose machines finished
 * @param tasks - the live slots, by tid
 * @param cpus - the CPUs, with their idle tasks
 * @returns the records
 * @internal
 */
export function taskRecords(
  finished: readonly Finished[],
  tasks: ReadonlyMap<number, TaskSlot>,
  cpus: readonly CpuSlot[],
): TaskRecord[] {
  const out: TaskRecord[] = finished.map((f) => ({
    tid: f.tid,
    cpu: -1,
    comm: f.comm,
    totals: f.account.toJSON(),
    dead: true,
    migrations: f.migrations,
    parent: f.parent,
  }));
  for (const [tid, slot] of tasks) {
    if (slot.runner === undefined) continue;
    out.push({
      tid,
      cpu: -1,
      comm: slot.comm ?? ':' + String(tid),
      totals: slot.runner.context.account.toJSON(),
      dead: slot.exited,
      migrations: slot.migrations,
      parent: slot.parent,
    });
  }
  cpus.forEach((slot, cpu) => {
    if (slot.idle === undefined) return;
    const totals = slot.idle.context.account.toJSON();
    out.push({ tid: 0, cpu, comm: '<idle>', totals, dead: false, migrations: 0, parent: -1 });
  });
  return out.sort((a, b) => threadBucket(a.tid) - threadBucket(b.tid) || a.tid - b.tid || a.cpu - b.cpu);
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
