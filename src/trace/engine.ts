/**
 * How the replay runs its task machines: the compiled stepper (the default, fast) or real XState actors (the same
 * definition; the same results, about 60× slower). Both book into the ledger the input names.
 * @module
 */
import { createActor, type Actor, type StateValue } from 'xstate';
import type { ReadingValue } from '../accounting/reading.js';
import { SchedacctError } from '../errors.js';
import {
  compileTaskMachine,
  createTaskContext,
  taskMachine,
  type TaskContext,
  type TaskEvent,
  type TaskInput,
  type TaskReading,
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
  /** Stops a machine the replay lets go of before its final state (an actor; the stepper needs nothing). */
  readonly stop?: () => void;
}

/**
 * Checks an engine value.
 * @param engine - what the caller gave (default `'compiled'`)
 * @returns the engine
 * @throws {@link SchedacctError} `invalid-argument` for an unknown one
 * @example
 * ```ts
 * checkEngine(undefined); // 'compiled'
 * checkEngine('xstate'); // 'xstate'
 * ```
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
  return actorRunner(createActor(taskMachine, { input }));
}

/**
 * Starts a task actor (new, or made from a snapshot) and runs it as a {@link TaskRunner}: an error in an action is
 * thrown from `send`, as the stepper throws it; `value` is its state value.
 * @param actor - the actor, not started
 * @returns the running machine
 * @internal
 */
export function actorRunner(actor: Actor<typeof taskMachine>): TaskRunner & { readonly value: StateValue } {
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
    get value() {
      return actor.getSnapshot().value;
    },
    stop: () => {
      actor.stop();
    },
  };
}

// Every task event's fields in one mutable record.
interface ScratchEvent {
  type: TaskEvent['type'];
  readonly reading: {
    counter: ReadingValue;
    stolenTotalNs: number;
    cpu: number;
    atNs: number;
    line: number;
    lost: boolean;
  };
  state: string;
  toCpu: number;
  untracked: boolean;
}

/**
 * Sends task events from their fields. The compiled engine gets one event and one reading refilled every time (the
 * stepper keeps neither, and the machine's memo is keyed by values): no garbage per send. Real actors get fresh
 * objects, as XState keeps events in its snapshots.
 * @internal
 */
export class TaskSender {
  readonly #scratch: ScratchEvent | undefined;

  /** @param engine - the engine the events go to */
  constructor(engine: Engine) {
    this.#scratch =
      engine === 'compiled'
        ? {
            type: 'dispatch',
            reading: { counter: 0, stolenTotalNs: 0, cpu: 0, atNs: 0, line: 0, lost: false },
            state: '',
            toCpu: -1,
            untracked: false,
          }
        : undefined;
  }

  /**
   * Sends one event.
   * @param runner - the task's machine
   * @param type - the event type
   * @param counter - the reading's counter
   * @param stolenTotalNs - the reading's stolen total
   * @param cpu - where
   * @param atNs - when, for anomaly reports
   * @param line - the input line
   * @param state - a block's state letters
   * @param toCpu - a migration's destination
   * @param untracked - a dispatch whose switch-in was not seen
   * @param lost - events before this one were lost
   */
  send(
    runner: TaskRunner,
    type: TaskEvent['type'],
    counter: ReadingValue,
    stolenTotalNs: number,
    cpu: number,
    atNs: number,
    line: number,
    state: string,
    toCpu: number,
    untracked: boolean,
    lost: boolean,
  ): void {
    const scratch = this.#scratch;
    if (scratch === undefined) {
      const reading: TaskReading = { counter, stolenTotalNs, cpu, atNs, line, ...(lost ? { lost } : {}) };
      runner.send(
        type === 'block'
          ? { type, reading, state }
          : type === 'migrate'
            ? { type, reading, toCpu }
            : type === 'dispatch' && untracked
              ? { type, reading, untracked }
              : { type, reading },
      );
      return;
    }
    const r = scratch.reading;
    r.counter = counter;
    r.stolenTotalNs = stolenTotalNs;
    r.cpu = cpu;
    r.atNs = atNs;
    r.line = line;
    r.lost = lost;
    scratch.type = type;
    scratch.state = state;
    scratch.toCpu = toCpu;
    scratch.untracked = untracked;
    runner.send(scratch);
  }
}
