/**
 * The task machine's events and input: what a producer (a trace replay, a simulator, a protocol session) sends a task,
 * each with the reading taken when it happened.
 * @module
 */
import { checkObject, checkReadingArg, checkString, checkWhole } from '../check.js';
import type { TaskId } from '../accounting/anomaly.js';
import type { WaitKind } from '../accounting/account.js';
import type { ConversionMode } from '../accounting/conversion.js';
import type { Ledger } from '../accounting/ledger.js';
import type { ReadingValue } from '../accounting/reading.js';
import type { StealPolicy } from '../accounting/steal.js';

/**
 * A reading as a task event carries it: counter and stolen total, where, and how it was taken. A `Snapshot` from a
 * source is one (its values are bigints); a caller whose values are safe integers (a trace's ns timestamps) may give
 * numbers, which the machine handles without BigInt arithmetic (see {@link ReadingValue}).
 */
export interface TaskReading {
  /** Raw counter value (ticks). */
  readonly counter: ReadingValue;
  /** Stolen-time total, ns. */
  readonly stolenTotalNs: ReadingValue;
  /** CPU the event happened on. */
  readonly cpu: number;
  /** False when the consistent read ran out of retries (default true). */
  readonly consistent?: boolean;
  /** Time for anomaly reports, ns on the caller's timeline (e.g. the trace timestamp). */
  readonly atNs?: number;
  /** Input line, for anomaly reports from readers. */
  readonly line?: number;
  /**
   * Events before this one were lost (a trace that dropped the task's switch-in): an inconsistency with the task's
   * previous reading is recorded as `lost-event`, which is what it is, rather than as the clock's fault.
   */
  readonly lost?: boolean;
}

/** Common to every task event: the reading taken when it happened. */
export interface TaskEventBase {
  /** The reading taken when the event happened. */
  readonly reading: TaskReading;
}
/** The task was created (fork, `sched_wakeup_new`): runnable. */
export interface TaskCreateEvent extends TaskEventBase {
  /** Event type. */
  readonly type: 'create';
}
/** The task was woken (`sched_waking` / `sched_wakeup`): runnable. */
export interface TaskWakeupEvent extends TaskEventBase {
  /** Event type. */
  readonly type: 'wakeup';
}
/** The task was switched in. */
export interface TaskDispatchEvent extends TaskEventBase {
  /** Event type. */
  readonly type: 'dispatch';
  /**
   * The switch-in itself was not seen (a trace that starts while the CPU runs the task): the slice starts here, but
   * no wait or scheduling delay can be measured, so none is booked.
   */
  readonly untracked?: boolean;
}
/** The task was switched out while runnable (state `R`). */
export interface TaskPreemptEvent extends TaskEventBase {
  /** Event type. */
  readonly type: 'preempt';
}
/** The task was switched out to sleep. */
export interface TaskBlockEvent extends TaskEventBase {
  /** Event type. */
  readonly type: 'block';
  /** The kernel's state letter(s): `D…` is uninterruptible (iowait), anything else a voluntary sleep. */
  readonly state: string;
}
/** The task moved to another CPU. */
export interface TaskMigrateEvent extends TaskEventBase {
  /** Event type. */
  readonly type: 'migrate';
  /** The CPU it moved to. */
  readonly toCpu: number;
}
/** The task exited (or was switched out dead, state `X`/`Z`). */
export interface TaskExitEvent extends TaskEventBase {
  /** Event type. */
  readonly type: 'exit';
}

/** Events of the task machine. */
export type TaskEvent =
  | TaskCreateEvent
  | TaskWakeupEvent
  | TaskDispatchEvent
  | TaskPreemptEvent
  | TaskBlockEvent
  | TaskMigrateEvent
  | TaskExitEvent;

/**
 * Every task event type.
 * @example
 * ```ts
 * TASK_EVENT_TYPES; // ['create', 'wakeup', 'dispatch', 'preempt', 'block', 'migrate', 'exit']
 * ```
 */
export const TASK_EVENT_TYPES: readonly TaskEvent['type'][] = [
  'create',
  'wakeup',
  'dispatch',
  'preempt',
  'block',
  'migrate',
  'exit',
];

/** Configuration of a task machine (its `input`). */
export interface TaskInput {
  /** The task. */
  readonly task: TaskId;
  /** Counter frequency, Hz (1e9 when readings are ns timestamps). */
  readonly counterHz: number;
  /** Counter width in bits (default: Linux's choice for the frequency). */
  readonly widthBits?: number;
  /** `'exact'` (default) or `'kernel'`. */
  readonly conversion?: ConversionMode;
  /** Steal beyond a slice: `'drop'` (default, current kernels) or `'carry'`. */
  readonly policy?: StealPolicy;
  /** Count the time from a preemption to the next run as scheduling delay (current perf; perf 6.1: false). */
  readonly delayAfterPreempt?: boolean;
  /**
   * Where the task's totals and anomalies are booked (default: a ledger of its own). The machine opens a new account
   * in it for the task (see {@link Ledger.open}); `strict` and the anomaly limit are the ledger's.
   */
  readonly ledger?: Ledger;
}

/** Why a task is off the CPU, or `'none'` while it is on it or was never seen leaving. */
export type OffKind = WaitKind | 'none';

/**
 * The switch-out event for a kernel state letter, as `sched_switch` reports `prev_state`: `R`/`R+` preempted,
 * `D…` uninterruptible (iowait), `X`/`Z`/`x` dead (exit), anything else a voluntary sleep.
 * @param state - the state letter(s)
 * @param reading - the reading at the switch
 * @returns the event to send
 * @throws {@link SchedacctError} `invalid-argument` for a state that is not a string, or a reading without a counter, a stolen total and a CPU
 * @example
 * ```ts
 * switchOutEvent('D', { counter: 240_000n, stolenTotalNs: 0n, cpu: 0 }); // { type: 'block', reading: { … }, state: 'D' }
 * switchOutEvent('R+', { counter: 240_000n, stolenTotalNs: 0n, cpu: 0 }).type; // 'preempt'
 * ```
 */
export function switchOutEvent(state: string, reading: TaskReading): TaskEvent {
  checkString('state', state);
  checkObject('reading', reading);
  checkReadingArg('reading.counter', reading.counter);
  checkReadingArg('reading.stolenTotalNs', reading.stolenTotalNs);
  checkWhole('reading.cpu', reading.cpu);
  const type = switchOutType(state);
  return type === 'block' ? { type, reading, state } : { type, reading };
}

/**
 * The type of {@link switchOutEvent} for a kernel state letter: `R…` preempt, `X…`/`Z…`/`x…` exit, anything else block.
 * @param state - the state letter(s)
 * @returns the event type
 * @throws {@link SchedacctError} `invalid-argument` for a state that is not a string
 * @example
 * ```ts
 * switchOutType('R+'); // 'preempt'
 * switchOutType('Z'); // 'exit'
 * switchOutType('D'); // 'block'
 * ```
 */
export function switchOutType(state: string): 'preempt' | 'exit' | 'block' {
  checkString('state', state);
  const c = state.charCodeAt(0);
  if (c === 82) return 'preempt'; // R
  if (c === 88 || c === 90 || c === 120) return 'exit'; // X Z x
  return 'block';
}
