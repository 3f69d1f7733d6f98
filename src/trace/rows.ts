/**
 * The rows a replay gives as it goes: one per `sched_switch` (perf sched timehist's row), and one per wakeup or
 * migration (its `-w` and `-M` lines). Their numbers are read off the ledger: what a switch booked.
 * @module
 */
import type { TaskAccount } from '../accounting/account.js';
import type { MigrateEvent, WakeupEvent } from './events.js';

/** One `sched_switch` row, as `perf sched timehist` prints it. */
export interface TimehistRow {
  /** Switch time, ns. */
  readonly timeNs: number;
  /** CPU. */
  readonly cpu: number;
  /** The task switched out (0 for idle). */
  readonly tid: number;
  /** Its process id, where the trace gives one other than the tid (perf.data): perf labels it `comm[tid/pid]`. */
  readonly pid?: number;
  /** Its comm, `<idle>` for idle. */
  readonly name: string;
  /** Wait before this run (sleep + iowait + preempt), ns. */
  readonly waitNs: number;
  /** Scheduling delay before this run, ns. */
  readonly delayNs: number;
  /** Run time, ns (`t − tprev`). */
  readonly runNs: number;
  /**
   * Steal inside this slice: its wall time minus the task-clock runtime `sched_stat_runtime` reported in it
   * (clamped to 0 … run); 0 where it cannot be told: no runtime events (RT and idle tasks emit none), or the
   * trace lost the task's switch-in on this CPU.
   */
  readonly stolenNs: number;
  /** State letter it left in (`I` for idle). */
  readonly state: string;
  /** Input line. */
  readonly line: number;
  /** The task switched in, `comm[tid]` with the tracepoint's comm (perf's `-n`; replays with `next` only). */
  readonly next?: string;
}

/** A wakeup or migration line (`-w`, `-M`). */
export interface InfoRow {
  /** Kind. */
  readonly kind: 'wakeup' | 'migrate';
  /** Time, ns. */
  readonly timeNs: number;
  /** CPU. */
  readonly cpu: number;
  /** The sample's task (waker, or the migration thread). */
  readonly tid: number;
  /** Its process id, where the trace gives one other than the tid (perf.data). */
  readonly pid?: number;
  /** Its name. */
  readonly name: string;
  /** The woken or migrated task's name with tid, e.g. `sh[42]`. */
  readonly target: string;
  /** Migration: from. */
  readonly fromCpu?: number;
  /** Migration: to. */
  readonly toCpu?: number;
}

/**
 * An account's figures before a switch, so the row can give what the switch booked (see {@link rowFrom}).
 * @internal
 */
export interface AccountMark {
  /** Wait so far (sleep + iowait + preempt). */
  waitNs: number;
  /** Delay so far. */
  delayNs: number;
  /** Run so far. */
  runNs: number;
  /** Steal so far. */
  stolenNs: number;
}

/**
 * Notes an account's figures (into `mark`, reused).
 * @param account - the account
 * @param mark - where they go
 * @internal
 */
export function markAccount(account: TaskAccount, mark: AccountMark): void {
  mark.waitNs = account.sleepNs + account.iowaitNs + account.preemptNs;
  mark.delayNs = account.delayNs;
  mark.runNs = account.runNs;
  mark.stolenNs = account.stolenNs;
}

/**
 * The row for a switch: what the account gained since the mark.
 * @param account - the switched-out task's account, after the switch
 * @param mark - its figures before
 * @param timeNs - switch time
 * @param cpu - CPU
 * @param tid - task
 * @param name - its comm (or `<idle>`)
 * @param state - the state column's text
 * @param line - input line
 * @param pid - its process id (−1 when not known)
 * @returns the row
 * @internal
 */
export function rowFrom(
  account: TaskAccount,
  mark: AccountMark,
  timeNs: number,
  cpu: number,
  tid: number,
  name: string,
  state: string,
  line: number,
  pid = -1,
): TimehistRow {
  return {
    timeNs,
    cpu,
    tid,
    ...(pid >= 0 && pid !== tid ? { pid } : {}),
    name,
    waitNs: account.sleepNs + account.iowaitNs + account.preemptNs - mark.waitNs,
    delayNs: account.delayNs - mark.delayNs,
    runNs: account.runNs - mark.runNs,
    stolenNs: account.stolenNs - mark.stolenNs,
    state,
    line,
  };
}

/**
 * perf's `[tid/pid]`: the tid alone for a main thread or where the pid is not known.
 * @param tid - the thread
 * @param pid - its process id (−1 or undefined when not known)
 * @returns `42` or `43/42`
 * @internal
 */
export function tidLabel(tid: number, pid: number | undefined): string {
  return pid !== undefined && pid > 0 && pid !== tid ? `${String(tid)}/${String(pid)}` : String(tid);
}

/**
 * perf's `timehist_get_commstr`: `comm[tid]`, `comm[tid/pid]` for a thread of another process, the comm alone for
 * a thread perf's table has under pid 0 (one it first met as a wakeup or migration target).
 * @param comm - the comm
 * @param tid - the thread
 * @param pid - its process id (−1 or undefined when not known)
 * @returns the label
 * @internal
 */
export function taskLabel(comm: string, tid: number, pid: number | undefined): string {
  return pid === 0 && tid !== 0 ? comm : `${comm}[${tidLabel(tid, pid)}]`;
}

/**
 * The `-w` / `-M` line of a wakeup or migration.
 * @param e - the event
 * @param name - the sample's name
 * @param target - the woken or migrated task's `comm[tid]`
 * @returns the row
 * @internal
 */
export function infoRow(e: WakeupEvent | MigrateEvent, name: string, target: string): InfoRow {
  const { timeNs, cpu, tid } = e;
  const pid = e.pid !== undefined && e.pid >= 0 && e.pid !== tid ? { pid: e.pid } : {};
  if (e.kind === 'wakeup') return { kind: 'wakeup', timeNs, cpu, tid, ...pid, name, target };
  return { kind: 'migrate', timeNs, cpu, tid, ...pid, name, target, fromCpu: e.origCpu, toCpu: e.destCpu };
}
