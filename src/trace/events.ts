/**
 * Normalized scheduler events: what every trace reader produces and the replay consumes.
 * @module
 */

/**
 * The most CPUs a trace may name: Linux's largest `CONFIG_NR_CPUS` (8192, x86 `MAXSMP`). A reader gives a line that
 * names a CPU at or above it as malformed, so that one bad number cannot make the replay's per-CPU table huge.
 * @example
 * ```ts
 * MAX_CPUS; // 8192
 * ```
 */
export const MAX_CPUS = 8192;

/** Fields every event has. */
export interface TraceEventBase {
  /** Time, ns (as the trace prints it: µs traces are exact to the µs). */
  readonly timeNs: number;
  /** CPU the event was recorded on. */
  readonly cpu: number;
  /** The sample's thread (the task current on that CPU). */
  readonly tid: number;
  /** The sample's comm. */
  readonly comm: string;
  /** The sample's process id (its thread group), where the trace gives it (perf.data; perf script text does not). */
  readonly pid?: number;
  /** The sample's parent as perf's thread table has it (from FORK side-band records; −1 when none), where given. */
  readonly ppid?: number;
  /** Input line, 1-based. */
  readonly line: number;
}

/** `sched_switch`: `prev` leaves the CPU in `prevState`, `next` takes it. */
export interface SwitchEvent extends TraceEventBase {
  /** Kind. */
  readonly kind: 'switch';
  /** Outgoing task. */
  readonly prevTid: number;
  /** Its comm. */
  readonly prevComm: string;
  /** Its state letters (`R`, `R+`, `S`, `D`, `Z`, …). */
  readonly prevState: string;
  /** Incoming task. */
  readonly nextTid: number;
  /** Its comm. */
  readonly nextComm: string;
  /**
   * Its comm as the tracepoint's next_comm recorded it, where `nextComm` comes from elsewhere (perf.data: perf's
   * thread table) and the replay asked for it (`next`); perf's `-n` column shows this one.
   */
  readonly nextTracepointComm?: string | undefined;
}

/** `sched_waking`, `sched_wakeup` or `sched_wakeup_new`: a task became runnable. */
export interface WakeupEvent extends TraceEventBase {
  /** Kind. */
  readonly kind: 'wakeup';
  /** Which tracepoint. */
  readonly variant: 'waking' | 'wakeup' | 'wakeup_new';
  /** The woken task. */
  readonly targetTid: number;
  /** Its comm. */
  readonly targetComm: string;
  /** CPU it will run on; -1 when the line does not say. */
  readonly targetCpu: number;
  /** The woken task's process id, where the trace gives it (perf.data). */
  readonly targetPid?: number;
}

/** `sched_migrate_task`. */
export interface MigrateEvent extends TraceEventBase {
  /** Kind. */
  readonly kind: 'migrate';
  /** The migrated task. */
  readonly targetTid: number;
  /** Its comm. */
  readonly targetComm: string;
  /** The migrated task's process id, where the trace gives it (perf.data). */
  readonly targetPid?: number;
  /** From. */
  readonly origCpu: number;
  /** To. */
  readonly destCpu: number;
}

/** `sched_process_fork`. */
export interface ForkEvent extends TraceEventBase {
  /** Kind. */
  readonly kind: 'fork';
  /** Parent. */
  readonly parentTid: number;
  /** Child. */
  readonly childTid: number;
  /** Child's comm. */
  readonly childComm: string;
}

/** `sched_process_exit`. */
export interface ExitEvent extends TraceEventBase {
  /** Kind. */
  readonly kind: 'exit';
  /** The exiting task. */
  readonly targetTid: number;
}

/** `sched_stat_runtime`: task-clock runtime since the last update (steal excluded on a paravirt guest). */
export interface RuntimeEvent extends TraceEventBase {
  /** Kind. */
  readonly kind: 'runtime';
  /** The task. */
  readonly targetTid: number;
  /** Runtime, ns. */
  readonly runtimeNs: number;
}

/** Any normalized event. */
export type TraceEvent = SwitchEvent | WakeupEvent | MigrateEvent | ForkEvent | ExitEvent | RuntimeEvent;
