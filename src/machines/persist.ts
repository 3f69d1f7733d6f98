/**
 * Persisting machine snapshots. Contexts hold 64-bit counters and stolen totals as BigInt, which `JSON` cannot
 * write, and a task's context names the ledger and the account it books into, which are not data of the snapshot.
 * These helpers encode BigInts as `{"$bigint":"…"}`, a task account as `{"$account":{…}}` (its figures) and leave
 * the ledger out; parsing restores the accounts into a ledger you give, so `actor.getPersistedSnapshot()` survives a
 * trip through a file or a database and the restored machine goes on booking where it left off.
 * @module
 */
import type { AnyStateMachine, Snapshot, SnapshotFrom, StateValue } from 'xstate';
import { Ledger } from '../accounting/ledger.js';
import { TaskAccount, type AccountRecord } from '../accounting/account.js';
import { SchedacctError } from '../errors.js';
import { argError, checkInstance, checkString } from '../check.js';

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
 * JSON text of a value, BigInts included; task accounts as their figures, ledgers left out.
 * @param value - e.g. `actor.getPersistedSnapshot()`
 * @returns JSON text
 * @throws {@link SchedacctError} `invalid-argument` for a value JSON cannot write (a cycle, a function at the top)
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { parseSnapshot, stringifySnapshot, taskMachine } from 'schedacct';
 *
 * const input = { task: 1, counterHz: 1e9 };
 * const actor = createActor(taskMachine, { input }).start();
 * const text = stringifySnapshot(actor.getPersistedSnapshot());
 * const resumed = createActor(taskMachine, { snapshot: parseSnapshot(taskMachine, text), input }).start();
 * resumed.getSnapshot().value; // 'unknown'
 * ```
 */
export function stringifySnapshot(value: unknown): string {
  let text: string | undefined;
  try {
    text = stringify(value);
  } catch (e) {
    throw argError(
      'invalid-argument',
      'value',
      'a value JSON can write',
      value,
      e instanceof Error ? e.message : String(e),
    );
  }
  if (text === undefined) throw argError('invalid-argument', 'value', 'a value JSON can write', value);
  return text;
}

function stringify(value: unknown): string | undefined {
  // (the holder's own value: JSON.stringify applies toJSON before a replacer sees it)
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const own = this[key];
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    if (own instanceof TaskAccount) return { $account: own.toRecord() };
    if (own instanceof Ledger) return undefined;
    return v;
  });
}

// BigInts restored; each task account opened again in `ledger`, and every context that had one given that ledger.
function parseJson(text: string, ledger: Ledger): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null) return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && '$bigint' in v) {
      const digits = v.$bigint;
      if (typeof digits === 'string' && /^-?\d+$/.test(digits)) return BigInt(digits);
    }
    if (keys.length === 1 && '$account' in v) return ledger.restore(v.$account as AccountRecord);
    if ('account' in v && v.account instanceof TaskAccount && !('ledger' in v)) return { ...v, ledger };
    return v;
  });
}

// JSON.parse's SyntaxError, and a restored account's, as the misuse they are.
function parseText(text: string, ledger: Ledger): unknown {
  try {
    return parseJson(text, ledger);
  } catch (e) {
    if (e instanceof SchedacctError) throw e;
    throw argError('invalid-argument', 'text', 'JSON text', text, e instanceof Error ? e.message : String(e));
  }
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
 * @param ledger - where restored task accounts go (default: a new ledger)
 * @returns the value, BigInts and accounts restored
 * @throws {@link SchedacctError} `invalid-argument` for text that is not a string of JSON, a ledger that is not a
 *   Ledger, or an account in it whose figures are not an account's
 * @example
 * ```ts
 * const text = stringifySnapshot({ stolenTotalNs: 2_000_000n }); // '{"stolenTotalNs":{"$bigint":"2000000"}}'
 * parseSnapshot(text); // { stolenTotalNs: 2_000_000n }
 * ```
 */
export function parseSnapshot(text: string, ledger?: Ledger): unknown;
/**
 * Parses a snapshot of `machine` that {@link stringifySnapshot} wrote, checking that it is one: typed for
 * `createActor(machine, { snapshot })` without a cast.
 * @param machine - the machine the snapshot was taken of
 * @param text - JSON text of `actor.getPersistedSnapshot()`
 * @param ledger - where a restored task machine books (default: a new ledger)
 * @returns the snapshot, BigInts and accounts restored
 * @throws {@link SchedacctError} `invalid-argument` when the text is not JSON, not a snapshot (no status, no context
 *   object) or names a state the machine does not have
 */
export function parseSnapshot<TMachine extends AnyStateMachine>(
  machine: TMachine,
  text: string,
  ledger?: Ledger,
): PersistedSnapshot<TMachine>;
export function parseSnapshot(
  machineOrText: AnyStateMachine | string,
  textOrLedger?: string | Ledger,
  ledger: Ledger = new Ledger(),
): unknown {
  if (typeof machineOrText === 'string') {
    if (typeof textOrLedger === 'string')
      throw argError('invalid-argument', 'ledger', 'a Ledger (text second takes a machine first)', textOrLedger);
    if (textOrLedger !== undefined) checkInstance('ledger', textOrLedger, Ledger, 'a Ledger');
    return parseText(machineOrText, textOrLedger ?? ledger);
  }
  const first: unknown = machineOrText;
  if (typeof first !== 'object' || first === null)
    throw argError('invalid-argument', 'text', 'JSON text (or a machine, then its text)', first);
  checkString('text', textOrLedger);
  checkInstance('ledger', ledger, Ledger, 'a Ledger');
  const text = textOrLedger;
  const machine = machineOrText;
  if (typeof machine.resolveState !== 'function')
    throw argError('invalid-argument', 'machine', 'an XState machine', machine);
  const bad = (why: string): never => {
    throw new SchedacctError('invalid-argument', `text is not a persisted snapshot of machine '${machine.id}': ${why}`);
  };
  let parsed: unknown;
  try {
    parsed = parseJson(text, ledger);
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
