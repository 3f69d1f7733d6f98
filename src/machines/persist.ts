/**
 * Persisting machine snapshots. Contexts hold 64-bit counters and stolen totals as BigInt, which `JSON` cannot
 * write, and a task's context names the ledger and the account it books into, which are not data of the snapshot.
 * These helpers encode BigInts as `{"$bigint":"…"}`, a task account as `{"$account":{…}}` (its figures) and leave
 * the ledger out; parsing restores the accounts into a ledger you give, so `actor.getPersistedSnapshot()` survives a
 * trip through a file or a database and the restored machine goes on booking where it left off.
 * @module
 */
import { Ledger, TaskAccount, type AccountRecord } from '../accounting/ledger.js';

/**
 * JSON text of a value, BigInts included; task accounts as their figures, ledgers left out.
 * @param value - e.g. `actor.getPersistedSnapshot()`
 * @returns JSON text
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { stringifySnapshot, taskMachine } from 'schedacct';
 *
 * const actor = createActor(taskMachine, { input: { task: 1, counterHz: 1e9 } }).start();
 * const text = stringifySnapshot(actor.getPersistedSnapshot());
 * text.includes('"$account"'); // true
 * ```
 */
export function stringifySnapshot(value: unknown): string {
  // (the holder's own value: JSON.stringify applies toJSON before a replacer sees it)
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const own = this[key];
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    if (own instanceof TaskAccount) return { $account: own.toRecord() };
    if (own instanceof Ledger) return undefined;
    return v;
  });
}

/**
 * Parses what {@link stringifySnapshot} wrote: BigInts restored, each task account opened again in `ledger` with its
 * figures, and every context that had an account given that ledger.
 * @param text - JSON text
 * @param ledger - where restored accounts go (default: a new ledger)
 * @returns the value
 */
export function parseSnapshot(text: string, ledger: Ledger = new Ledger()): unknown {
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
