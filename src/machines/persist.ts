/**
 * Persisting machine snapshots. Contexts hold 64-bit counters and stolen totals as BigInt, which `JSON` cannot
 * write; these helpers encode them as `{"$bigint":"…"}` and back, so `actor.getPersistedSnapshot()` survives a
 * trip through a file or a database.
 * @module
 */

/**
 * JSON text of a value, BigInts included.
 * @param value - e.g. `actor.getPersistedSnapshot()`
 * @returns JSON text
 * @example
 * ```ts
 * const text = stringifySnapshot(actor.getPersistedSnapshot());
 * const resumed = createActor(taskMachine, { snapshot: parseSnapshot(text), input }).start();
 * ```
 */
export function stringifySnapshot(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}

/**
 * Parses what {@link stringifySnapshot} wrote.
 * @param text - JSON text
 * @returns the value, BigInts restored
 */
export function parseSnapshot(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && '$bigint' in v && Object.keys(v).length === 1) {
      const digits = v.$bigint;
      if (typeof digits === 'string' && /^-?\d+$/.test(digits)) return BigInt(digits);
    }
    return v;
  });
}
