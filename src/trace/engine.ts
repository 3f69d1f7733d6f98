/**
 * How the replay runs its task machines: the compiled stepper (the default, fast) or real XState actors (the same
 * definition; the same results, about 60× slower). Both book into the ledger the input names.
 * @module
 */
import { createActor } from 'xstate';
import { SchedacctError } from '../errors.js';
import {
  compileTaskMachine,
  createTaskContext,
  taskMachine,
  type TaskContext,
  type TaskEvent,
  type TaskInput,
} from '../machines/task.js';

/** How the machines run. */
export type Engine = 'compiled' | 'xstate';

/** A running task machine, whichever engine runs it. */
export interface TaskRunner {
  /**
   * Sends an event.
   * @param event - the event
   */
  send(event: TaskEvent): void;
  /** The context now. */
  readonly context: TaskContext;
  /** Whether the machine reached its final state. */
  readonly done: boolean;
}

/**
 * Checks an engine value.
 * @param engine - what the caller gave (default `'compiled'`)
 * @returns the engine
 * @throws {@link SchedacctError} `invalid-argument` for an unknown one
 */
export function checkEngine(engine: Engine | undefined): Engine {
  const value: unknown = engine ?? 'compiled';
  if (value !== 'compiled' && value !== 'xstate') {
    throw new SchedacctError('invalid-argument', `engine must be compiled or xstate, got ${String(value)}`);
  }
  return value;
}

/**
 * Starts a task machine.
 * @param engine - which engine
 * @param input - the machine's input
 * @returns the running machine
 */
export function startTask(engine: Engine, input: TaskInput): TaskRunner {
  if (engine === 'compiled') return compileTaskMachine().start(createTaskContext(input));
  const actor = createActor(taskMachine, { input });
  actor.subscribe({ error: () => undefined });
  actor.start();
  return {
    send: (event) => {
      actor.send(event);
      const snap = actor.getSnapshot();
      if (snap.status === 'error') throw snap.error;
    },
    get context() {
      return actor.getSnapshot().context;
    },
    get done() {
      return actor.getSnapshot().status === 'done';
    },
  };
}
