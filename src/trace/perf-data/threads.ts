/**
 * perf's thread table, as far as perf sched timehist reads it: each thread's comm, pid and parent, kept from the
 * COMM and FORK side-band records and the samples with perf's rules (tools/perf/util/machine.c).
 * @module
 * @internal
 */

/**
 * A thread as the table has it.
 * @internal
 */
export interface Thread {
  /** Its process (−1: not known yet). */
  pid: number;
  /** Its parent's tid (−1: no FORK record gave one). */
  ppid: number;
  /** Its comm, if a record gave it one. */
  comm: string | undefined;
}

/**
 * Threads by tid: one record per thread, so a sample costs one lookup.
 * @internal
 */
export class ThreadTable {
  readonly #threads = new Map<number, Thread>();

  /**
   * perf's machine__findnew_thread: a thread met first under a pid keeps it (a pid of −1 is filled in later).
   * @param tid - the thread
   * @param pid - the pid it is met under (0 for a wakeup's or migration's target, as perf looks those up)
   * @returns the thread
   */
  findnew(tid: number, pid: number): Thread {
    const known = this.#threads.get(tid);
    if (known === undefined) {
      const thread: Thread = { pid, ppid: -1, comm: undefined };
      this.#threads.set(tid, thread);
      return thread;
    }
    if (known.pid === -1 && pid !== -1) known.pid = pid;
    return known;
  }

  /**
   * A COMM record.
   * @param tid - the thread
   * @param pid - its process
   * @param comm - its new comm
   */
  comm(tid: number, pid: number, comm: string): void {
    this.findnew(tid, pid).comm = comm;
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
    if (this.findnew(ptid, ppid).pid !== ppid) this.#forget(ptid, ppid);
    this.#forget(tid, pid);
    const comm = this.#threads.get(ptid)?.comm;
    this.#threads.set(tid, { pid, ppid: ptid, comm });
  }

  /**
   * @param tid - the thread
   * @returns perf's comm for it (what perf sched timehist and perf script print): its last COMM's (or its parent's
   *   at FORK), else `:tid`; tracepoint comms are the kernel's 16 bytes, perf's can be longer
   */
  commOf(tid: number): string {
    if (tid === 0) return 'swapper';
    return this.#threads.get(tid)?.comm ?? `:${String(tid)}`;
  }

  /**
   * @param tid - the thread
   * @returns its comm, if a record gave it one
   */
  knownComm(tid: number): string | undefined {
    return this.#threads.get(tid)?.comm;
  }

  /**
   * @param tid - the thread
   * @returns its parent's tid (perf's thread->ppid), −1 when no FORK record gave one
   */
  parent(tid: number): number {
    return this.#threads.get(tid)?.ppid ?? -1;
  }

  // perf's machine__remove_thread, then the thread made anew under `pid`: no comm, no parent.
  #forget(tid: number, pid: number): void {
    this.#threads.set(tid, { pid, ppid: -1, comm: undefined });
  }
}
