// One line of a protocol fuzz stream and what the oracle may expect of its reply, and the writer of damaged JSON.
import type { ErrorCode, RequestId } from '../../src/protocol/types.js';

/** A snapshot.set made at run time from the reply of an earlier snapshot.get, perhaps corrupted. */
export interface SnapshotRef {
  /** The stream index of the snapshot.get whose reply holds the snapshot. */
  readonly snapshotFrom: number;
  readonly id: RequestId | undefined;
  readonly now: string;
  /** How to damage it (undefined: as given). */
  readonly corrupt?: 'format' | 'not-object' | 'missing' | 'now';
}

/** What a line carries: text (the same in process and through serve), raw bytes for serve, or a snapshot.set. */
export type Payload = { readonly text: string; readonly bytes?: Uint8Array } | SnapshotRef;

/** One line of the stream. */
export interface Item {
  /** A line the clean session also gets, which must be applied; else a line that must be refused. */
  readonly valid: boolean;
  /** What made it: the method (valid) or the mutation (bad). */
  readonly category: string;
  readonly payload: Payload;
  /** The clean session's text, when the mixed stream's is a variant of it (whitespace, duplicate keys, …). */
  readonly canonical?: string;
  /** The id its reply must carry (null: none, so an error reply names the line). */
  readonly id: RequestId | null;
  /**
   * A batch: the ids of its requests and, for a bad one, the index of the one element that must fail (`whole`: the
   * feature was not granted, so one error for the whole line will do).
   */
  readonly batch?: { readonly ids: readonly (RequestId | null)[]; readonly bad?: number; readonly whole?: boolean };
  /** The codes the spec allows for a bad line (undefined: any error code). */
  readonly codes?: readonly ErrorCode[];
  /** The dotted path the damage is at: an error's `path` must be a prefix of it (and not empty under `params`). */
  readonly damaged?: string;
  /** A line-too-long line: its reply may or may not carry its id. */
  readonly anyId?: boolean;
}

/** A number written as given, e.g. `1e400` or `18446744073709551616`, which JSON.stringify cannot write. */
export interface Raw {
  readonly raw: string;
}
/** @returns a raw number */
export const raw = (text: string): Raw => ({ raw: text });
const isRaw = (v: unknown): v is Raw =>
  typeof v === 'object' && v !== null && Object.keys(v).length === 1 && typeof (v as Raw).raw === 'string';

/**
 * JSON text of a value that may hold {@link Raw} numbers.
 * @param value - the value
 * @returns one line of JSON
 */
export function write(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) =>
    isRaw(v) ? `\u0001raw:${String(raws.push(v.raw) - 1)}` : v,
  );
  return text.replace(/"\\u0001raw:(\d+)"/g, (_m, i: string) => raws[Number(i)] ?? '');
}

/** @returns whether a payload is a snapshot reference */
export const isRef = (p: Payload): p is SnapshotRef => 'snapshotFrom' in p;
