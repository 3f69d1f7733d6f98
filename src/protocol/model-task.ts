/**
 * Model mode's tasks: each a task machine (the compiled stepper or an XState actor, the same definition) booking into
 * the session's ledger; which events each state handles, read from the machine's definition; a machine's state and
 * context as plain JSON and back. Runtime-neutral.
 * @module
 * @internal
 */
import { createActor, type StateValue } from 'xstate';
import type { TaskId } from '../accounting/anomaly.js';
import type { TaskAccount } from '../accounting/account.js';
import type { Ledger } from '../accounting/ledger.js';
import {
  compileTaskMachine,
  createTaskContext,
  taskMachine,
  type TaskContext,
  type TaskEvent,
  type TaskInput,
} from '../machines/task.js';
import { actorRunner } from '../trace/engine.js';
import { ProtocolError } from './errors.js';
import type { TaskEventType, WireTaskState } from './types.js';

/** A running task machine, whichever engine runs it. */
export interface TaskRun {
  /**
   * Sends an event.
   * @param event - the event
   */
  send(event: TaskEvent): void;
  /** The context now. */
  readonly context: TaskContext;
  /** The state's path, e.g. `['blocked', 'sleep']`. */
  readonly path: readonly string[];
}

function valueOf(path: readonly string[]): StateValue {
  return path.length === 1 ? (path[0] ?? '') : { [path[0] ?? '']: path[1] ?? '' };
}

function pathOf(value: StateValue): string[] {
  if (typeof value === 'string') return [value];
  const [key, inner] = Object.entries(value)[0] ?? ['', ''];
  return [key, ...(inner === undefined ? [] : pathOf(inner))];
}

function actorRun(actor: ReturnType<typeof createActor<typeof taskMachine>>): TaskRun {
  const run = actorRunner(actor);
  return {
    send: (event) => {
      run.send(event);
    },
    get context() {
      return run.context;
    },
    get path() {
      return pathOf(run.value);
    },
  };
}

/**
 * Starts a task machine.
 * @param engine - the compiled stepper or XState
 * @param input - its input
 * @returns the machine
 */
export function startRun(engine: 'compiled' | 'xstate', input: TaskInput): TaskRun {
  if (engine === 'compiled') return compileTaskMachine().start(createTaskContext(input));
  return actorRun(createActor(taskMachine, { input }));
}

/**
 * Resumes a task machine at a state with a context.
 * @param engine - the compiled stepper or XState
 * @param path - the state's path
 * @param context - the context (taken over)
 * @returns the machine
 */
export function resumeRun(engine: 'compiled' | 'xstate', path: readonly string[], context: TaskContext): TaskRun {
  if (engine === 'compiled') return compileTaskMachine().resume(valueOf(path), context);
  const snapshot = taskMachine.resolveState({ value: valueOf(path), context });
  return actorRun(createActor(taskMachine, { snapshot, input: { task: context.task, counterHz: context.counterHz } }));
}

// The events each state handles itself or through an ancestor (the root's `impossible` catch-all left out).
const HANDLED = new Map<string, ReadonlySet<string>>();

/**
 * The task events a state handles, read from the machine's definition (the root's catch-all, which records
 * `impossible-transition`, does not count).
 * @param path - the state's path
 * @returns the event types
 */
export function handledEvents(path: readonly string[]): ReadonlySet<string> {
  const key = path.join('.');
  let set = HANDLED.get(key);
  if (set === undefined) {
    const events = new Set<string>();
    let node = taskMachine.root;
    for (const name of path) {
      const child = node.states[name];
      if (child === undefined) break;
      node = child;
      for (const event of node.transitions.keys()) events.add(event);
    }
    set = events;
    HANDLED.set(key, set);
  }
  return set;
}

/**
 * Refuses an event the task's state does not handle.
 * @param path - the state's path
 * @param type - the event
 * @throws {@link ProtocolError} `impossible-event` (path `type`)
 */
export function checkHandled(path: readonly string[], type: TaskEventType): void {
  if (handledEvents(path).has(type)) return;
  throw new ProtocolError(
    'impossible-event',
    `'${type}' is not possible for a task that is ${path.join('.')} (it handles ${[...handledEvents(path)].join(', ')})`,
    'type',
  );
}

/**
 * The wire form of a state path.
 * @param path - the path
 * @returns e.g. `blocked.sleep`
 */
export function wireState(path: readonly string[]): WireTaskState {
  return (path.length === 1 ? path[0] : path.join('.')) as WireTaskState;
}

// The context's own fields as JSON (its ledger and account are the session's, kept elsewhere); bigints tagged.
const SKIP = new Set(['ledger', 'account']);

/**
 * A task machine's context as plain JSON: its fields without the ledger and the account, bigints as
 * `{"$bigint": "…"}`.
 * @param context - the context
 * @returns the JSON
 */
export function encodeContext(context: TaskContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) {
    if (SKIP.has(key)) continue;
    out[key] = typeof value === 'bigint' ? { $bigint: value.toString() } : value;
  }
  return out;
}

/**
 * A context from {@link encodeContext}'s JSON, booking into `account` of `ledger`; checked against a fresh context's
 * fields and types.
 * @param json - the JSON
 * @param ledger - the session's ledger
 * @param account - the task's account in it
 * @param path - where in the snapshot, for errors
 * @returns the context
 * @throws {@link ProtocolError} `invalid-params` for JSON that is not a task context
 */
export function decodeContext(json: unknown, ledger: Ledger, account: TaskAccount, path: string): TaskContext {
  const bad = (why: string): never => {
    throw new ProtocolError('invalid-params', `${path} is not a task machine's context: ${why}`, path);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('not an object');
  const fields = json as Record<string, unknown>;
  const task = fields.task as TaskId;
  if (task !== account.task) return bad('its task is not its account');
  const template = createTaskContext({ task: 0, counterHz: 1e9 }) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(template)) {
    if (SKIP.has(key)) continue;
    let value = fields[key];
    if (typeof value === 'object' && value !== null && '$bigint' in value) {
      const digits = value.$bigint;
      if (typeof digits !== 'string' || !/^-?\d{1,20}$/.test(digits)) return bad(`${key} is not a bigint`);
      value = BigInt(digits);
    }
    const want = typeof template[key];
    const ok =
      typeof value === want ||
      (want === 'number' && typeof value === 'bigint') ||
      (key === 'lastAnomaly' && (value === null || typeof value === 'string')) ||
      (key === 'task' && typeof value === 'string');
    if (!ok) return bad(`${key} is missing or of the wrong type`);
    out[key] = value;
  }
  checkValues(out, bad);
  out.ledger = ledger;
  out.account = account;
  return out as unknown as TaskContext;
}

const OFF_KINDS: readonly unknown[] = ['none', 'sleep', 'iowait', 'preempt'];
// Stolen totals as the readings carried them: model mode's mapped totals go below 0 where a host lowered a vCPU's.
const STOLEN_TOTALS: readonly string[] = ['lastStolenNs', 'lastSeenNs'];

// A context's values, not only their types: its configuration as createTaskContext checks it, whole numbers ≥ −1
// (−1: none yet; the stolen totals any whole number), bigints ≥ 0, a known off kind. A snapshot that passes runs as the original would, never `internal`.
function checkValues(out: Record<string, unknown>, bad: (why: string) => never): void {
  try {
    createTaskContext({
      task: out.task as TaskId,
      counterHz: out.counterHz as number,
      widthBits: out.widthBits as number,
      conversion: out.conversion as TaskContext['conversion'],
      policy: out.policy as TaskContext['policy'],
      delayAfterPreempt: out.delayAfterPreempt as boolean,
    });
  } catch (e) {
    bad(e instanceof Error ? e.message : String(e));
  }
  for (const [key, value] of Object.entries(out)) {
    if (key === 'task') continue;
    if (typeof value === 'number' && !(Number.isSafeInteger(value) && (value >= -1 || STOLEN_TOTALS.includes(key))))
      bad(`${key} is not a whole number ≥ −1`);
    if (typeof value === 'bigint' && (value < 0n || value >= 1n << 64n)) bad(`${key} is not from 0 to 2^64 − 1`);
  }
  if (!OFF_KINDS.includes(out.offKind)) bad(`offKind must be one of ${OFF_KINDS.join(', ')}`);
}
