/**
 * perf's thread table, as far as perf sched timehist reads it: each thread's comm, pid and parent, kept from the
 * COMM and FORK side-band records and the samples with perf's rules (tools/perf/util/machine.c).
 * @module
 * @internal
 */

/**
 * Threads by tid.
 * @internal
 */
export class ThreadTable {
  readonly #comms = new Map<number, string>();
  readonly #pids = new Map<number, number>();
  readonly #ppids = new Map<number, number>();

  /**
   * perf's machine__findnew_thread: a thread met first under a pid keeps it (a pid of −1 is filled in later).
   * @param tid - the thread
   * @param pid - the pid it is met under (0 for a wakeup's or migration's target, as perf looks those up)
   * @returns its pid in the table
   */
  findnew(tid: number, pid: number): number {
    const known = this.#pids.get(tid);
    if (known === undefined || (known === -1 && pid !== -1)) {
      this.#pids.set(tid, pid);
      return pid;
    }
    return known;
  }

  /**
   * A COMM record.
   * @param tid - the thread
   * @param pid - its process
   * @param comm - its new comm
   */
  comm(tid: number, pid: number, comm: string): void {
    this.findnew(tid, pid);
    this.#comms.set(tid, comm);
  }

  /**
   * A FORK record (machine__process_fork_event): the parent found (made anew under the record's ppid if its pid
   * differs), any thread under the child's tid removed, the child made with the parent's comm and parent.
   * @param pid - the child's process
   * @param ppid - the parent's process
   * @param tid - the child
   * @param ptid - the parent
   */
  fork(pid: number, ppid: number, tid: number, ptid: number): void {
    if (this.findnew(ptid, ppid) !== ppid) this.#forget(ptid, ppid);
    this.#forget(tid, pid);
    const parent = this.#comms.get(ptid);
    if (parent !== undefined) this.#comms.set(tid, parent);
    this.#ppids.set(tid, ptid);
  }

  /**
   * @param tid - the thread
   * @returns perf's comm for it (what perf sched timehist and perf script print): its last COMM's (or its parent's
   *   at FORK), else `:tid`; tracepoint comms are the kernel's 16 bytes, perf's can be longer
   */
  commOf(tid: number): string {
    if (tid === 0) return 'swapper';
    return this.#comms.get(tid) ?? `:${String(tid)}`;
  }

  /**
   * @param tid - the thread
   * @returns its comm, if a record gave it one
   */
  knownComm(tid: number): string | undefined {
    return this.#comms.get(tid);
  }

  /**
   * @param tid - the thread
   * @returns its parent's tid (perf's thread->ppid), −1 when no FORK record gave one
   */
  parent(tid: number): number {
    return this.#ppids.get(tid) ?? -1;
  }

  // perf's machine__remove_thread, then the thread made anew under `pid`: no comm, no parent.
  #forget(tid: number, pid: number): void {
    this.#comms.delete(tid);
    this.#ppids.delete(tid);
    this.#pids.set(tid, pid);
  }
}
