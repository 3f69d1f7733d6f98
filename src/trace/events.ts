/**
 * Normalized scheduler events: what every trace reader produces and the replay consumes.
 * @module
 */

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
  /** CPU it will run on. */
  readonly targetCpu: number;
}

/** `sched_migrate_task`. */
export interface MigrateEvent extends TraceEventBase {
  /** Kind. */
  readonly kind: 'migrate';
  /** The migrated task. */
  readonly targetTid: number;
  /** Its comm. */
  readonly targetComm: string;
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

// Constructors for the events the hot readers make, so every producer builds them with the fields in one order
// (one hidden class per kind, whichever reader or thread made the event).

/**
 * A `sched_switch` event.
 * @param timeNs - time, ns
 * @param cpu - CPU
 * @param tid - sample thread
 * @param comm - its comm
 * @param line - input line
 * @param prevTid - outgoing task
 * @param prevComm - its comm
 * @param prevState - its state letters
 * @param nextTid - incoming task
 * @param nextComm - its comm
 * @returns the event
 * @internal
 */
export function switchEvent(
  timeNs: number,
  cpu: number,
  tid: number,
  comm: string,
  line: number,
  prevTid: number,
  prevComm: string,
  prevState: string,
  nextTid: number,
  nextComm: string,
): SwitchEvent {
  return { timeNs, cpu, tid, comm, line, kind: 'switch', prevTid, prevComm, prevState, nextTid, nextComm };
}

/**
 * A wakeup event.
 * @param timeNs - time, ns
 * @param cpu - CPU
 * @param tid - sample thread (the waker)
 * @param comm - its comm
 * @param line - input line
 * @param variant - which tracepoint
 * @param targetTid - the woken task
 * @param targetComm - its comm
 * @param targetCpu - CPU it will run on
 * @returns the event
 * @internal
 */
export function wakeupEvent(
  timeNs: number,
  cpu: number,
  tid: number,
  comm: string,
  line: number,
  variant: WakeupEvent['variant'],
  targetTid: number,
  targetComm: string,
  targetCpu: number,
): WakeupEvent {
  return { timeNs, cpu, tid, comm, line, kind: 'wakeup', variant, targetTid, targetComm, targetCpu };
}

/**
 * A `sched_stat_runtime` event.
 * @param timeNs - time, ns
 * @param cpu - CPU
 * @param tid - sample thread
 * @param comm - its comm
 * @param line - input line
 * @param targetTid - the task
 * @param runtimeNs - its runtime, ns
 * @returns the event
 * @internal
 */
export function runtimeEvent(
  timeNs: number,
  cpu: number,
  tid: number,
  comm: string,
  line: number,
  targetTid: number,
  runtimeNs: number,
): RuntimeEvent {
  return { timeNs, cpu, tid, comm, line, kind: 'runtime', targetTid, runtimeNs };
}
