/**
 * perf sched timehist's `-I` (`--idle-hist`): idle time attributed to the task that ran before it. perf keeps, per
 * CPU, the last task switched out there; when the CPU's idle task switches out, the idle slice just ended is booked
 * to that task as if it were the task's run (`timehist_update_runtime_stats` on it, its deltas then dropped), and the
 * CPU forgets it. Only switches into or out of idle are shown: an idle row with the idle slice's numbers (those of
 * the ordinary report), a task's row with every delta 0. The summary lists each task's booked idle time.
 * @module
 * @internal
 */
import { Ledger } from '../accounting/ledger.js';
import type { TaskAccount, TaskTotals } from '../accounting/account.js';
import type { SwitchOut } from './perf-compat.js';
import type { TaskSlot } from './slots.js';

// perf's thread_runtime fields that -I reads of a task: last_time, last_state, ready_to_run (−1: perf's 0, unset).
interface IdleTask {
  readonly account: TaskAccount;
  lastTime: number;
  lastKind: 'sleep' | 'iowait' | 'preempt';
  ready: number;
}

/**
 * The idle time booked to tasks, as perf's `-I` books it: an account per task (a tid reused is a new task, as in the
 * replay) in a ledger of its own, so that finished tasks are kept as compact rows.
 * @internal
 */
export class IdleHist {
  readonly #ledger = new Ledger();
  readonly #live = new Map<TaskSlot, IdleTask>();
  // per CPU, perf's itr->last_thread: the task switched out there last, until the idle slice after it is booked
  readonly #last: (TaskSlot | undefined)[] = [];
  // the ledger's row of each finished task's account, by the replay's finished row (−1: none)
  readonly #finished: number[] = [];
  // finished tasks some CPU still holds as its last, with their finished row
  readonly #pending = new Map<TaskSlot, { readonly task: IdleTask; readonly row: number }>();

  #task(slot: TaskSlot): IdleTask {
    let task = this.#live.get(slot) ?? this.#pending.get(slot)?.task;
    if (task === undefined) {
      task = { account: this.#ledger.open(slot.tid), lastTime: -1, lastKind: 'sleep', ready: -1 };
      this.#live.set(slot, task);
    }
    return task;
  }

  /**
   * A wakeup of a task (perf's `ready_to_run`, set when unset).
   * @param slot - the woken task
   * @param at - the wakeup's reading
   */
  woken(slot: TaskSlot, at: number): void {
    const task = this.#task(slot);
    if (task.ready < 0) task.ready = at;
  }

  /**
   * A switch on a CPU.
   * @param cpu - the CPU
   * @param prev - the task switched out, or undefined for the CPU's idle task
   * @param prevTid - the switch's prev_pid
   * @param nextTid - its next_pid
   * @param t - its reading
   * @param tprev - the CPU's previous switch's reading (0 at its first)
   * @param out - how the task left
   * @returns whether perf's `-I` shows the switch's row
   */
  switched(
    cpu: number,
    prev: TaskSlot | undefined,
    prevTid: number,
    nextTid: number,
    t: number,
    tprev: number,
    out: SwitchOut,
  ): boolean {
    while (this.#last.length <= cpu) this.#last.push(undefined);
    if (prev !== undefined && this.#last[cpu] !== prev) {
      const replaced = this.#last[cpu];
      this.#last[cpu] = prev;
      this.#release(replaced);
    }
    if (prevTid !== 0 && nextTid !== 0) return false;
    if (prev !== undefined) {
      // perf's `out:` for the task's row: the time it left, how, and no wakeup pending
      const task = this.#task(prev);
      task.lastTime = t;
      task.lastKind = out.type === 'preempt' ? 'preempt' : out.blockState.startsWith('D') ? 'iowait' : 'sleep';
      task.ready = -1;
      return true;
    }
    const last = this.#last[cpu];
    if (last === undefined) return false; // perf: no task to book it to, and no row
    this.#last[cpu] = undefined;
    this.#book(this.#task(last), t, tprev);
    this.#release(last);
    return true;
  }

  // perf's timehist_update_runtime_stats(last_tr, t, tprev): a slice (0 at a CPU's first switch) and what waited.
  #book(task: IdleTask, t: number, tprev: number): void {
    const { account } = task;
    if (tprev === 0) {
      account.addSlice(0, 0);
      return;
    }
    account.addSlice(t - tprev, 0);
    if (task.ready >= 0 && task.ready <= tprev) account.addDelay(tprev - task.ready);
    if (task.lastTime >= 0 && task.lastTime <= tprev) account.addWait(task.lastKind, tprev - task.lastTime);
  }

  /**
   * A task that ended: its account is filed beside the replay's finished row (the next one, in order). A task still
   * some CPU's last (an exiting task switches to idle) stays open until the idle slice after it is booked, as perf's
   * thread outlives its exit there.
   * @param slot - the task
   */
  finish(slot: TaskSlot): void {
    const task = this.#live.get(slot);
    this.#live.delete(slot);
    const row = this.#finished.length;
    this.#finished.push(-1);
    if (task === undefined) return;
    if (this.#last.includes(slot)) this.#pending.set(slot, { task, row });
    else this.#finished[row] = this.#ledger.finish(task.account);
  }

  // A finished task no CPU holds any more: filed now.
  #release(slot: TaskSlot | undefined): void {
    const pending = slot === undefined ? undefined : this.#pending.get(slot);
    if (pending === undefined || this.#last.includes(slot)) return;
    this.#pending.delete(slot as TaskSlot);
    this.#finished[pending.row] = this.#ledger.finish(pending.task.account);
  }

  /**
   * @param slot - a live task
   * @returns the idle time booked to it (undefined where none was)
   */
  liveTotals(slot: TaskSlot): TaskTotals | undefined {
    return booked(this.#live.get(slot)?.account.toJSON());
  }

  /**
   * @param row - the replay's finished row
   * @returns the idle time booked to the task (undefined where none was)
   */
  finishedTotals(row: number): TaskTotals | undefined {
    const at = this.#finished[row] ?? -1;
    if (at >= 0) return booked(this.#ledger.finishedTotals(at));
    for (const pending of this.#pending.values()) if (pending.row === row) return booked(pending.task.account.toJSON());
    return undefined;
  }
}

// Totals that booked a slice; a task only woken has an account with none.
const booked = (totals: TaskTotals | undefined): TaskTotals | undefined =>
  totals !== undefined && totals.slices > 0 ? totals : undefined;
