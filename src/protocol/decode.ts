/**
 * Field checks for protocol messages: each reads one field of a parsed JSON value and throws a
 * {@link ProtocolError} naming its dotted path when it is missing, of the wrong type or out of range. Runtime-neutral.
 * @module
 * @internal
 */
import type { TaskId } from '../accounting/anomaly.js';
import { MAX_SAFE_WHOLE } from '../accounting/reading.js';
import { ProtocolError } from './errors.js';

/** A parsed JSON object, read field by field. */
export type Fields = Readonly<Record<string, unknown>>;

const U64_DIGITS = /^(0|[1-9][0-9]*)$/;
const U64_MAX = (1n << 64n) - 1n;

// A value as a message shows it: short, so a 1 MB string does not come back in the reply.
function shown(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : `"${value}"`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The error for a field that is not what it must be.
 * @param path - the field's path
 * @param wanted - what it must be
 * @param value - what it was
 * @returns the error, code `invalid-params`
 */
export function fieldError(path: string, wanted: string, value: unknown): ProtocolError {
  const got = value === undefined ? 'it is missing' : `got ${shown(value)}`;
  return new ProtocolError('invalid-params', `${path} must be ${wanted}, ${got}`, path);
}

/**
 * Whether a value is a JSON object (not null, not an array).
 * @param value - a parsed JSON value
 * @returns true for an object
 */
export function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A U64 field as a bigint.
 * @param value - the field's value
 * @param path - its path
 * @returns the value
 * @throws {@link ProtocolError} `invalid-params` unless it is a string of decimal digits below 2^64
 */
export function u64(value: unknown, path: string): bigint {
  if (typeof value !== 'string' || value.length > 20 || !U64_DIGITS.test(value))
    throw fieldError(path, 'a string of decimal digits (a U64, e.g. "1500000")', value);
  const n = BigInt(value);
  if (n > U64_MAX) throw fieldError(path, 'below 2^64', value);
  return n;
}

/**
 * A U64 field that must hold a whole number of ns below 2^53, as a number.
 * @param value - the field's value
 * @param path - its path
 * @returns the value
 * @throws {@link ProtocolError} `invalid-params` unless it is a U64 string of at most 2^53 − 1
 */
export function u64Ns(value: unknown, path: string): number {
  const n = u64(value, path);
  if (n > BigInt(MAX_SAFE_WHOLE)) throw fieldError(path, 'at most 9007199254740991 (2^53 − 1 ns)', value);
  return Number(n);
}

/**
 * A whole-number field.
 * @param value - the field's value
 * @param path - its path
 * @param min - the least allowed
 * @param max - the most allowed
 * @returns the value
 * @throws {@link ProtocolError} `invalid-params` unless it is a whole number from `min` to `max`
 */
export function whole(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw fieldError(path, `a whole number from ${min} to ${max}`, value);
  return value;
}

/**
 * An optional field of one of several string values.
 * @param value - the field's value (undefined: the default)
 * @param path - its path
 * @param allowed - the values allowed
 * @param fallback - the default
 * @returns the value
 * @throws {@link ProtocolError} `invalid-params` for any other value
 */
export function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw fieldError(path, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

/**
 * An optional boolean field.
 * @param value - the field's value (undefined: the default)
 * @param path - its path
 * @param fallback - the default
 * @returns the value
 * @throws {@link ProtocolError} `invalid-params` for anything but true or false
 */
export function bool(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw fieldError(path, 'true or false', value);
  return value;
}

/**
 * A task id field: a safe integer ≥ 0 or a non-empty string of at most 256 characters.
 * @param value - the field's value
 * @param path - its path
 * @returns the id
 * @throws {@link ProtocolError} `invalid-params` for anything else
 */
export function taskId(value: unknown, path: string): TaskId {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && value.length > 0 && value.length <= 256) return value;
  throw fieldError(path, 'a task id (a whole number ≥ 0 or a string of 1 to 256 characters)', value);
}

/**
 * Refuses fields an object does not take (a misspelt one would otherwise be ignored silently).
 * @param fields - the object
 * @param path - its path (`params`)
 * @param known - the fields it takes
 * @throws {@link ProtocolError} `invalid-params` naming the first unknown field
 */
export function onlyKnown(fields: Fields, path: string, known: readonly string[]): void {
  for (const key in fields) {
    if (!known.includes(key)) {
      const at = path === '' ? key : `${path}.${key}`;
      throw new ProtocolError('invalid-params', `${at} is not a field here (known: ${known.join(', ')})`, at);
    }
  }
}
