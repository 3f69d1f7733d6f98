/**
 * The task lifecycle as an XState v5 machine: `scheduled`, `running`, `preempted`, `blocked` (`sleep` / `iowait`),
 * `exited`, plus `unknown` for a task first seen mid-flight (a trace that starts while it runs or sleeps).
 *
 * Every event carries the reading taken when it happened. Leaving `running` charges the slice through the
 * accounting core (`to_ns(Δcounter) − Δstolen`, clamped, under the configured {@link StealPolicy}); entering
 * `running` books the wait (perf's "wait time": from leaving the CPU to running again, filed by how the task left)
 * and the scheduling delay (from the first wakeup). Guards on the readings choose the path: a reading that is not
 * `monotonic`, not a `stableRead`, or whose steal is not `stealWithinElapsed` takes a transition that records the
 * anomaly and still charges the clamped value. Events a state does not allow are caught at the root and recorded as
 * `impossible-transition`.
 * @module
 */
import { and, not, setup } from 'xstate';
import type { Anomaly, AnomalyKind, TaskId } from '../accounting/anomaly.js';
import { checkReadingValue, type ReadingValue } from '../accounting/reading.js';
import { COUNTER_BACKWARDS, counterWidthForHz } from '../accounting/counter.js';
import { type ConversionMode, type CounterConversion } from '../accounting/conversion.js';
import { Ledger, type TaskAccount, type TaskTotals, type WaitKind } from '../accounting/ledger.js';
import { anomalyMessage, chargeSlice, sliceCharge } from '../accounting/slice.js';
import { nsBetween, skipSteal, stealState, type StealPolicy, type StealState } from '../accounting/steal.js';
import {
  compileMachine,
  toXStateActions,
  toXStateGuards,
  type CompiledMachine,
  type GuardImpl,
  type MachineImplementations,
} from './compile.js';
import { conversionFor } from './conversions.js';
import type { ActionOf, Machine, MachineSetup, Target, TransitionOf } from './machine-type.js';

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

/** Every task event type. */
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
 * The task machine's context: the task's steal bookkeeping and lifecycle marks, flat (every field a primitive), so
 * it copies cheaply and persists as JSON (with bigints encoded, see `persist`); plus the ledger and the account the
 * actions book into. Totals and anomalies live in the ledger, not here.
 */
export interface TaskContext extends StealState {
  /** The task. */
  readonly task: TaskId;
  /** Counter frequency, Hz. */
  readonly counterHz: number;
  /** Counter width, bits. */
  readonly widthBits: number;
  /** Counter conversion. */
  readonly conversion: ConversionMode;
  /** See {@link TaskInput.delayAfterPreempt}. */
  readonly delayAfterPreempt: boolean;
  /** Where the task's slices, waits and anomalies are booked. */
  readonly ledger: Ledger;
  /** The task's account in {@link TaskContext.ledger}. */
  readonly account: TaskAccount;
  /** CPU of the last event (−1 before any). */
  cpu: number;
  /** Migrations seen. */
  migrations: number;
  /** Whether any reading was captured yet. */
  hasReading: boolean;
  /** Counter of the last reading. */
  lastCounter: ReadingValue;
  /** Stolen total of the last reading. */
  lastStolenNs: ReadingValue;
  /** Counter at switch-in (start of the current slice). */
  sliceCounter: ReadingValue;
  /** Counter when the task last left the CPU. */
  offCounter: ReadingValue;
  /** How it left: the wait kind its next switch-in books. */
  offKind: OffKind;
  /** Whether a wakeup was seen since it left the CPU. */
  ready: boolean;
  /** Counter at that first wakeup. */
  readyCounter: ReadingValue;
}

/**
 * The initial context for an input.
 * @param input - the machine's configuration
 * @returns a fresh context
 * @throws {@link SchedacctError} for a bad frequency, width or policy
 */
export function createTaskContext(input: TaskInput): TaskContext {
  const widthBits = input.widthBits ?? counterWidthForHz(input.counterHz);
  const conversion = input.conversion ?? 'exact';
  conversionFor(conversion, input.counterHz, widthBits); // validates frequency, width and mode now
  const steal = stealState(input.policy ?? 'drop', 0); // validates the policy
  const ledger = input.ledger ?? new Ledger();
  // One literal with every field, in one order: every context gets the same shape with its fields in the object
  // itself, so the actions' property accesses stay monomorphic however many tasks a replay holds.
  return {
    policy: steal.policy,
    lastSeenNs: steal.lastSeenNs,
    observedNs: 0,
    accountedNs: 0,
    droppedNs: 0,
    carriedNs: 0,
    lastAnomaly: null,
    task: input.task,
    counterHz: input.counterHz,
    widthBits,
    conversion,
    delayAfterPreempt: input.delayAfterPreempt ?? true,
    ledger,
    account: ledger.open(input.task),
    cpu: -1,
    migrations: 0,
    hasReading: false,
    // Readings start as numbers: fields that only ever hold numbers stay unboxed (a bigint reading turns a field into
    // a general one, once, for every context).
    lastCounter: 0,
    lastStolenNs: 0,
    sliceCounter: 0,
    offCounter: 0,
    offKind: 'none',
    ready: false,
    readyCounter: 0,
  };
}

/**
 * The task's totals, as its account in the ledger holds them.
 * @param context - a task machine's context
 * @returns its totals
 */
export function taskTotals(context: TaskContext): TaskTotals {
  return context.account.toJSON();
}

// Both reading guards need the time since the task's last reading: computed once per event (a memo of a pure
// function of the conversion, the last counter and the event's counter).
// Keyed by values, not by the reading object: a caller may refill one reading for every event.
let memoCounter: ReadingValue | undefined;
let memoConversion: CounterConversion | undefined;
let memoLast: ReadingValue = 0;
let memoElapsed = 0;
function sinceLast(c: TaskContext, e: TaskEvent): number {
  const conversion = conversionFor(c.conversion, c.counterHz, c.widthBits);
  const counter = e.reading.counter;
  if (memoCounter !== counter || memoConversion !== conversion || memoLast !== c.lastCounter) {
    memoCounter = counter;
    memoConversion = conversion;
    memoLast = c.lastCounter;
    memoElapsed = conversion.elapsedNs(c.lastCounter, counter);
  }
  return memoElapsed;
}

// ns from an earlier counter to the event's; 0 when the counter went backwards.
function elapsedSince(c: TaskContext, from: ReadingValue, e: TaskEvent): number {
  const ns = conversionFor(c.conversion, c.counterHz, c.widthBits).elapsedNs(from, e.reading.counter);
  return ns === COUNTER_BACKWARDS ? 0 : ns;
}

// The steal since the task's last reading is between 0 and the time since it (`elapsed`, ns).
function stealWithin(c: TaskContext, r: TaskReading, elapsed: number): boolean {
  return !(r.stolenTotalNs < c.lastStolenNs) && nsBetween(c.lastStolenNs, r.stolenTotalNs) <= elapsed;
}

// Into the ledger, the one recorder. A reading after lost events explains its own inconsistency: `lost-event`.
function record(context: TaskContext, event: TaskEvent, kind: AnomalyKind, message: string): void {
  const r = event.reading;
  const lost = r.lost === true && kind !== 'impossible-transition';
  const anomaly: Anomaly = {
    kind: lost ? 'lost-event' : kind,
    message: lost ? `${anomalyMessage('lost-event')} (seen as ${kind})` : message,
    task: context.task,
    cpu: r.cpu,
    ...(r.atNs === undefined ? {} : { atNs: r.atNs }),
    ...(r.line === undefined ? {} : { line: r.line }),
  };
  context.ledger.recordAnomaly(anomaly);
}

// The one slice result the chargeSlice action fills (an action runs to its end before the next starts).
const charge = sliceCharge();

const taskGuards: Record<'monotonic' | 'stableRead' | 'stealWithinElapsed', GuardImpl<TaskContext, TaskEvent>> = {
  // The reading is not before the previous one.
  monotonic: (c, e) => !c.hasReading || sinceLast(c, e) !== COUNTER_BACKWARDS,
  // The reading was taken consistently (its protocol did not run out of retries).
  stableRead: (_c, e) => e.reading.consistent !== false,
  // The steal since the previous reading is between 0 and the time since it.
  stealWithinElapsed: (c, e) => {
    if (!c.hasReading) return true;
    const elapsed = sinceLast(c, e);
    return stealWithin(c, e.reading, elapsed === COUNTER_BACKWARDS ? 0 : elapsed);
  },
};

/** The task machine's guards, by name, and the params each takes (none). */
export type TaskGuardParams = {
  /** All three reading checks at once: `monotonic`, `stableRead`, `stealWithinElapsed`. */
  readingValid: undefined;
  /** The reading is not before the previous one. */
  monotonic: undefined;
  /** The reading was taken consistently. */
  stableRead: undefined;
  /** The steal since the previous reading is between 0 and the time since it. */
  stealWithinElapsed: undefined;
  /** The task blocked in uninterruptible sleep (state `D`). */
  iowaitState: undefined;
};

/** The task machine's actions, by name, and the params each takes. */
export type TaskActionParams = {
  /** Keeps the event's reading as the task's last one. */
  capture: undefined;
  /** Marks the first wakeup since leaving the CPU. */
  markReady: undefined;
  /** Switch-in: books the wait and the scheduling delay, starts a slice. */
  startSlice: undefined;
  /** Switch-out: charges the slice. */
  chargeSlice: undefined;
  /** Marks when the task left the CPU, and why. */
  leaveCpu: {
    /** How it left: the wait its next switch-in books. */
    readonly kind: OffKind;
  };
  /** `leaveCpu`, sleep or iowait by the kernel state letter. */
  leaveCpuBlocked: undefined;
  /** Counts a migration. */
  noteMigration: undefined;
  /** Records an anomaly. */
  recordAnomaly: {
    /** Which. */
    readonly kind: AnomalyKind;
  };
  /** Records why steal was not within the elapsed time. */
  recordStealAnomaly: undefined;
};

/** The guard and action implementations, shared by the XState machine and the compiled stepper. */
export const taskImplementations: MachineImplementations<TaskContext, TaskEvent, TaskGuardParams, TaskActionParams> = {
  guards: {
    ...taskGuards,
    // All three checks at once (monotonic, stableRead, stealWithinElapsed), the time since the last reading computed
    // once: the ordinary path tries this one guard first.
    readingValid: (c, e) => {
      const r = e.reading;
      if (r.consistent === false) return false;
      if (!c.hasReading) return true;
      const elapsed = conversionFor(c.conversion, c.counterHz, c.widthBits).elapsedNs(c.lastCounter, r.counter);
      return elapsed !== COUNTER_BACKWARDS && stealWithin(c, r, elapsed);
    },
    // The task blocked in uninterruptible sleep (state D: counted as iowait, as perf does).
    iowaitState: (_c, e) => e.type === 'block' && e.state.startsWith('D'),
  },
  actions: {
    // Keeps the event's reading as the task's last one (every accepted event ends here: a bad reading is refused at
    // the event that brings it).
    capture: (c, e) => {
      checkReadingValue(e.reading.counter);
      checkReadingValue(e.reading.stolenTotalNs);
      c.lastCounter = e.reading.counter;
      c.lastStolenNs = e.reading.stolenTotalNs;
      c.hasReading = true;
      c.cpu = e.reading.cpu;
    },
    // First wakeup since leaving the CPU: the scheduling delay starts.
    markReady: (c, e) => {
      if (c.ready) return;
      c.ready = true;
      c.readyCounter = e.reading.counter;
    },
    // Switch-in: books the wait since leaving the CPU and the scheduling delay, and starts a slice.
    startSlice: (c, e) => {
      const now = e.reading.counter;
      if (e.type === 'dispatch' && e.untracked === true) {
        c.offKind = 'none';
        c.ready = false;
      }
      if (c.offKind !== 'none') c.account.addWait(c.offKind, elapsedSince(c, c.offCounter, e));
      if (c.ready) c.account.addDelay(elapsedSince(c, c.readyCounter, e));
      else if (c.offKind === 'preempt' && c.delayAfterPreempt) {
        c.account.addDelay(elapsedSince(c, c.offCounter, e));
      }
      c.offKind = 'none';
      c.ready = false;
      c.sliceCounter = now;
      skipSteal(c, e.reading.stolenTotalNs); // steal while the task was off the CPU is not its concern
    },
    // Switch-out: charges the slice through the accounting core.
    chargeSlice: (c, e) => {
      const conversion = conversionFor(c.conversion, c.counterHz, c.widthBits);
      chargeSlice(c, conversion, c.sliceCounter, e.reading.counter, e.reading.stolenTotalNs, charge);
      c.account.addSlice(charge.elapsedNs, charge.stolenNs);
    },
    // Marks when and how the task left the CPU (its next switch-in books the wait under this kind).
    leaveCpu: (c, e, params) => {
      c.offCounter = e.reading.counter;
      c.offKind = params.kind;
      c.ready = false; // perf resets the wakeup time at every switch-out
    },
    // Same as `leaveCpu`, choosing sleep or iowait by the kernel state letter.
    leaveCpuBlocked: (c, e) => {
      c.offCounter = e.reading.counter;
      c.offKind = e.type === 'block' && e.state.startsWith('D') ? 'iowait' : 'sleep';
      c.ready = false;
    },
    // Counts a migration.
    noteMigration: (c, e) => {
      c.migrations++;
      if (e.type === 'migrate') c.cpu = e.toCpu;
    },
    // Records an anomaly of the kind given as a parameter.
    recordAnomaly: (c, e, params) => {
      const kind = (params as { kind: AnomalyKind }).kind;
      record(
        c,
        e,
        kind,
        kind === 'impossible-transition' ? `'${e.type}' is not possible in this state; ignored` : anomalyMessage(kind),
      );
    },
    // Records why steal was not within the elapsed time: it went backwards, or exceeded it.
    recordStealAnomaly: (c, e) => {
      const kind: AnomalyKind = e.reading.stolenTotalNs < c.lastStolenNs ? 'steal-backwards' : 'steal-exceeds-elapsed';
      record(c, e, kind, anomalyMessage(kind));
    },
  },
};

/** The task machine's state value: where a task is in its life. */
export type TaskStateValue =
  | 'unknown'
  | 'scheduled'
  | 'running'
  | 'preempted'
  | {
      /** Asleep: voluntary or uninterruptible. */
      blocked: 'sleep' | 'iowait';
    }
  | 'exited';

/** A target a transition of the task machine may name (XState types targets as any string; this checks them). */
export type TaskTarget = Target<'task', TaskStateValue>;

/** The machine's type, spelled out because declarations are emitted without inference. */
export type TaskMachine = Machine<TaskContext, TaskEvent, TaskInput, TaskGuardParams, TaskActionParams, TaskStateValue>;

/** The task machine's setup: its `createMachine` checks the guards and actions a definition names, and their params. */
export const taskSetup: MachineSetup<TaskContext, TaskEvent, TaskInput, TaskGuardParams, TaskActionParams> = setup({
  types: { context: {} as TaskContext, events: {} as TaskEvent, input: {} as TaskInput },
  guards: toXStateGuards(taskImplementations),
  actions: toXStateActions(taskImplementations),
});

type TaskTransition = TransitionOf<TaskContext, TaskEvent, TaskGuardParams, TaskActionParams, TaskTarget>;
type TaskAction = ActionOf<TaskContext, TaskEvent, TaskGuardParams, TaskActionParams>;

/** The reading checks, in order: each failing guard takes a path that records its anomaly, then does the work. */
const CHECKS: readonly {
  readonly failed: 'monotonic' | 'stableRead' | 'stealWithinElapsed';
  readonly record: TaskAction;
}[] = [
  { failed: 'monotonic', record: { type: 'recordAnomaly', params: { kind: 'counter-backwards' } } },
  { failed: 'stableRead', record: { type: 'recordAnomaly', params: { kind: 'snapshot-inconsistent' } } },
  { failed: 'stealWithinElapsed', record: 'recordStealAnomaly' },
];

function checked(target: TaskTarget, actions: readonly TaskAction[], when?: 'iowaitState'): TaskTransition[] {
  const onAll: TaskAction[] = [...actions, 'capture'];
  // The ordinary path first, behind the one combined guard; then each failed check, in order, records its anomaly.
  return [
    { guard: when === undefined ? 'readingValid' : and([when, 'readingValid']), target, actions: onAll },
    ...CHECKS.map((c) => ({
      guard: when === undefined ? not(c.failed) : and([when, not(c.failed)]),
      target,
      actions: [c.record, ...onAll],
    })),
  ];
}

const impossible: TaskTransition = {
  actions: [{ type: 'recordAnomaly', params: { kind: 'impossible-transition' } }],
};
const ignore: TaskTransition = { actions: ['capture'] };
const migrate: TaskTransition = { actions: ['noteMigration', 'capture'] };
const leave = (kind: OffKind): TaskAction => ({ type: 'leaveCpu', params: { kind } });

/**
 * The task lifecycle machine. Create an actor with `createActor(taskMachine, { input })`, or run the same
 * definition fast with {@link compileTaskMachine}.
 */
export const taskMachine: TaskMachine = taskSetup.createMachine({
  id: 'task',
  context: ({ input }) => createTaskContext(input),
  initial: 'unknown',
  // Events a state does not handle: recorded and ignored.
  on: {
    create: impossible,
    wakeup: impossible,
    dispatch: impossible,
    preempt: impossible,
    block: impossible,
    migrate: impossible,
    exit: impossible,
  },
  states: {
    unknown: {
      description: 'First seen mid-flight: nothing to charge until a switch-in is seen.',
      on: {
        create: checked('scheduled', ['markReady']),
        wakeup: checked('scheduled', ['markReady']),
        dispatch: checked('running', ['startSlice']),
        preempt: checked('preempted', [leave('preempt')]),
        block: [
          ...checked('#task.blocked.iowait', ['leaveCpuBlocked'], 'iowaitState'),
          ...checked('#task.blocked.sleep', ['leaveCpuBlocked']),
        ],
        migrate,
        exit: checked('exited', []),
      },
    },
    scheduled: {
      description: 'Runnable after a wakeup or creation, waiting for a CPU.',
      on: {
        dispatch: checked('running', ['startSlice']),
        wakeup: ignore,
        migrate,
        exit: checked('exited', []),
      },
    },
    running: {
      description: 'On a CPU: leaving charges the slice.',
      on: {
        preempt: checked('preempted', ['chargeSlice', leave('preempt')]),
        block: [
          ...checked('#task.blocked.iowait', ['chargeSlice', 'leaveCpuBlocked'], 'iowaitState'),
          ...checked('#task.blocked.sleep', ['chargeSlice', 'leaveCpuBlocked']),
        ],
        exit: checked('exited', ['chargeSlice']),
        wakeup: ignore,
        migrate,
      },
    },
    preempted: {
      description: 'Runnable after an involuntary switch-out.',
      on: {
        dispatch: checked('running', ['startSlice']),
        wakeup: ignore,
        migrate,
        exit: checked('exited', []),
      },
    },
    blocked: {
      description: 'Asleep: voluntary (sleep) or uninterruptible (iowait), kept apart so the ledger can split them.',
      initial: 'sleep',
      states: { sleep: {}, iowait: {} },
      on: {
        wakeup: checked('scheduled', ['markReady']),
        dispatch: checked('running', ['startSlice']),
        migrate,
        exit: checked('exited', []),
      },
    },
    exited: { type: 'final', description: 'Gone: no further events.' },
  },
});

/**
 * The task machine compiled to a table-driven stepper.
 * @returns the compiled machine: `compileTaskMachine().start(createTaskContext(input))`
 */
export function compileTaskMachine(): CompiledMachine<TaskContext, TaskEvent> {
  // Compiled once: the tables are immutable and every start() makes an independent instance.
  compiledTaskMachine ??= compileMachine(taskMachine, taskImplementations);
  return compiledTaskMachine;
}

let compiledTaskMachine: CompiledMachine<TaskContext, TaskEvent> | undefined;

/**
 * The switch-out event for a kernel state letter, as `sched_switch` reports `prev_state`: `R`/`R+` preempted,
 * `D…` uninterruptible (iowait), `X`/`Z`/`x` dead (exit), anything else a voluntary sleep.
 * @param state - the state letter(s)
 * @param reading - the reading at the switch
 * @returns the event to send
 */
export function switchOutEvent(state: string, reading: TaskReading): TaskEvent {
  const type = switchOutType(state);
  return type === 'block' ? { type, reading, state } : { type, reading };
}

/**
 * The type of {@link switchOutEvent} for a kernel state letter: `R…` preempt, `X…`/`Z…`/`x…` exit, anything else block.
 * @param state - the state letter(s)
 * @returns the event type
 */
export function switchOutType(state: string): 'preempt' | 'exit' | 'block' {
  const c = state.charCodeAt(0);
  if (c === 82) return 'preempt'; // R
  if (c === 88 || c === 90 || c === 120) return 'exit'; // X Z x
  return 'block';
}
