/**
 * The task lifecycle as an XState v5 machine: `scheduled`, `running`, `preempted`, `blocked` (`sleep` / `iowait`),
 * `exited`, plus `unknown` for a task first seen mid-flight (a trace that starts while it runs or sleeps).
 *
 * Every event carries the reading taken when it happened. Leaving `running` charges the slice through the
 * accounting core (`to_ns(Δcounter) − Δstolen`, clamped, under the configured {@link StealPolicy}); entering
 * `running` books the wait (perf's "wait time": from leaving the CPU to running again, filed by how the task left)
 * and the scheduling delay (from the first wakeup). Guards on the readings choose the path: a reading that is not
 * `monotonic`, not a `consistentRead`, or whose steal is not `stealWithinElapsed` takes a transition that records the
 * anomaly and still charges the clamped value. Events a state does not allow are caught at the root and recorded as
 * `impossible-transition`.
 * @module
 */
import { and, not, setup } from 'xstate';
import { compileMachine, toXStateActions, toXStateGuards, type CompiledMachine } from './compile.js';
import type { ActionOf, Machine, MachineSetup, Target, TransitionOf } from './machine-type.js';
import { taskImplementations, type TaskActionParams, type TaskGuardParams } from './task-actions.js';
import { createTaskContext, type TaskContext } from './task-context.js';
import type { OffKind, TaskEvent, TaskInput } from './task-events.js';

export { taskImplementations, type TaskActionParams, type TaskGuardParams } from './task-actions.js';
export { createTaskContext, taskTotals, type TaskContext } from './task-context.js';
export {
  switchOutEvent,
  switchOutType,
  TASK_EVENT_TYPES,
  type OffKind,
  type TaskBlockEvent,
  type TaskCreateEvent,
  type TaskDispatchEvent,
  type TaskEvent,
  type TaskEventBase,
  type TaskExitEvent,
  type TaskInput,
  type TaskMigrateEvent,
  type TaskPreemptEvent,
  type TaskReading,
  type TaskWakeupEvent,
} from './task-events.js';

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
  readonly failed: 'monotonic' | 'consistentRead' | 'stealWithinElapsed';
  readonly record: TaskAction;
}[] = [
  { failed: 'monotonic', record: { type: 'recordAnomaly', params: { kind: 'counter-backwards' } } },
  { failed: 'consistentRead', record: { type: 'recordAnomaly', params: { kind: 'snapshot-inconsistent' } } },
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
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { taskMachine, taskTotals } from 'schedacct';
 *
 * const actor = createActor(taskMachine, { input: { task: 42, counterHz: 24_000_000 } }).start();
 * actor.send({ type: 'dispatch', reading: { counter: 0n, stolenTotalNs: 0n, cpu: 0 } });
 * actor.send({ type: 'preempt', reading: { counter: 240_000n, stolenTotalNs: 2_000_000n, cpu: 0 } });
 * taskTotals(actor.getSnapshot().context).chargedNs; // 8_000_000: 10 ms on the CPU less 2 ms stolen
 * ```
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
 * @example
 * ```ts
 * const task = compileTaskMachine().start(createTaskContext({ task: 42, counterHz: 24_000_000 }));
 * task.send({ type: 'dispatch', reading: { counter: 0n, stolenTotalNs: 0n, cpu: 0 } });
 * task.send({ type: 'preempt', reading: { counter: 240_000n, stolenTotalNs: 2_000_000n, cpu: 0 } });
 * task.value; // 'preempted'
 * taskTotals(task.context).chargedNs; // 8_000_000
 * ```
 */
export function compileTaskMachine(): CompiledMachine<TaskContext, TaskEvent> {
  // Compiled once: the tables are immutable and every start() makes an independent instance.
  compiledTaskMachine ??= compileMachine(taskMachine, taskImplementations);
  return compiledTaskMachine;
}

let compiledTaskMachine: CompiledMachine<TaskContext, TaskEvent> | undefined;
