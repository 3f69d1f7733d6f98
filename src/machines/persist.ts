/**
 * Persisting machine snapshots. Contexts hold 64-bit counters and stolen totals as BigInt, which `JSON` cannot
 * write; these helpers encode them as `{"$bigint":"…"}` and back, so `actor.getPersistedSnapshot()` survives a
 * trip through a file or a database.
 * @module
 */
import type { AnyStateMachine, Snapshot, SnapshotFrom, StateValue } from 'xstate';
import { SchedacctError } from '../errors.js';

/**
 * A machine's snapshot as `actor.getPersistedSnapshot()` wrote it and {@link parseSnapshot} read it back: what
 * `createActor(machine, { snapshot })` takes, with its state value and context typed as the machine's (for
 * `compileTaskMachine().resume(snapshot.value, snapshot.context)`).
 */
export type PersistedSnapshot<TMachine extends AnyStateMachine> = Snapshot<unknown> & {
  /** The state value. */
  readonly value: SnapshotFrom<TMachine>['value'];
  /** The context. */
  readonly context: SnapshotFrom<TMachine>['context'];
};

/**
 * JSON text of a value, BigInts included.
 * @param value - e.g. `actor.getPersistedSnapshot()`
 * @returns JSON text
 * @example
 * ```ts
 * const text = stringifySnapshot(actor.getPersistedSnapshot());
 * const resumed = createActor(taskMachine, { snapshot: parseSnapshot(taskMachine, text), input }).start();
 * ```
 */
export function stringifySnapshot(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}

function parseJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && '$bigint' in v && Object.keys(v).length === 1) {
      const digits = v.$bigint;
      if (typeof digits === 'string' && /^-?\d+$/.test(digits)) return BigInt(digits);
    }
    return v;
  });
}

const STATUSES: readonly unknown[] = ['active', 'done', 'error', 'stopped'];

function isStateValue(value: unknown): value is StateValue {
  if (typeof value === 'string') return true;
  return (
    typeof value === 'object' && value !== null && Object.values(value).every((v) => v === undefined || isStateValue(v))
  );
}

/**
 * Parses what {@link stringifySnapshot} wrote.
 * @param text - JSON text
 * @returns the value, BigInts restored
 * @throws SyntaxError for text that is not JSON
 */
export function parseSnapshot(text: string): unknown;
/**
 * Parses a snapshot of `machine` that {@link stringifySnapshot} wrote, checking that it is one: typed for
 * `createActor(machine, { snapshot })` without a cast.
 * @param machine - the machine the snapshot was taken of
 * @param text - JSON text of `actor.getPersistedSnapshot()`
 * @returns the snapshot, BigInts restored
 * @throws {@link SchedacctError} `invalid-argument` when the text is not JSON, not a snapshot (no status, no context
 *   object) or names a state the machine does not have
 * @example
 * ```ts
 * const snapshot = parseSnapshot(taskMachine, text);
 * const resumed = createActor(taskMachine, { snapshot, input }).start();
 * ```
 */
export function parseSnapshot<TMachine extends AnyStateMachine>(
  machine: TMachine,
  text: string,
): PersistedSnapshot<TMachine>;
export function parseSnapshot(machineOrText: AnyStateMachine | string, text?: string): unknown {
  if (typeof machineOrText === 'string') return parseJson(machineOrText);
  const machine = machineOrText;
  const bad = (why: string): never => {
    throw new SchedacctError('invalid-argument', `not a persisted snapshot of machine '${machine.id}': ${why}`);
  };
  let parsed: unknown;
  try {
    parsed = parseJson(text ?? '');
  } catch (e) {
    return bad(e instanceof Error ? e.message : String(e));
  }
  if (typeof parsed !== 'object' || parsed === null) return bad('not an object');
  if (!('status' in parsed) || !STATUSES.includes(parsed.status)) return bad('no status');
  if (!('context' in parsed) || typeof parsed.context !== 'object' || parsed.context === null) return bad('no context');
  if (!('value' in parsed) || !isStateValue(parsed.value)) return bad('no state value');
  try {
    machine.resolveState({ value: parsed.value, context: parsed.context });
  } catch (e) {
    return bad(e instanceof Error ? e.message : String(e));
  }
  return parsed;
}
