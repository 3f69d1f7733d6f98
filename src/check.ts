/**
 * Argument checks for the public API: each throws a {@link SchedacctError} whose message names the parameter the caller
 * passed, what it must be, and what came instead. Misuse is an exception; bad input (a trace line) is an anomaly.
 * @module
 * @internal
 */
import { SchedacctError, type SchedacctErrorCode } from './errors.js';
import { MAX_SAFE_WHOLE } from './accounting/reading.js';

/**
 * A value as a message shows it: a string quoted, a bigint with its `n`, an object by its kind.
 * @param value - anything
 * @returns a short description that never throws (symbols and objects without `toString` included)
 * @internal
 */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `a string of ${String(value.length)} characters` : JSON.stringify(value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? 'an array' : 'an object';
    default:
      return String(value);
  }
}

/**
 * The error for one bad argument.
 * @param code - `invalid-argument` (wrong kind of value) or `out-of-range` (right kind, outside the bounds)
 * @param param - the parameter as the caller wrote it (`options.counterHz`, `event.timeNs`)
 * @param expected - what it must be
 * @param value - what it was
 * @param hint - what to do instead, if the expectation does not say it
 * @returns the error, to throw
 * @internal
 */
export function argError(
  code: SchedacctErrorCode,
  param: string,
  expected: string,
  value: unknown,
  hint?: string,
): SchedacctError {
  return new SchedacctError(
    code,
    `${param} must be ${expected}, got ${describe(value)}${hint === undefined ? '' : `: ${hint}`}`,
  );
}

/**
 * Checks a whole number within bounds (a count, an index, ns).
 * @param param - the parameter's name
 * @param value - the value
 * @param min - smallest allowed (default 0)
 * @param max - largest allowed (default 2^53 − 1)
 * @throws {@link SchedacctError} `invalid-argument` for anything but a whole number, `out-of-range` outside the bounds
 * @internal
 */
export function checkWhole(
  param: string,
  value: unknown,
  min: number = 0,
  max: number = MAX_SAFE_WHOLE,
): asserts value is number {
  const expected = `a whole number from ${String(min)} to ${String(max)}`;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw argError('invalid-argument', param, expected, value);
  if (value < min || value > max) throw argError('out-of-range', param, expected, value);
}

/**
 * Checks an optional whole number (undefined takes the default).
 * @param param - the parameter's name
 * @param value - the value
 * @param min - smallest allowed (default 0)
 * @param max - largest allowed (default 2^53 − 1)
 * @throws {@link SchedacctError} as {@link checkWhole}
 * @internal
 */
export function checkOptionalWhole(param: string, value: unknown, min: number = 0, max: number = MAX_SAFE_WHOLE): void {
  if (value !== undefined) checkWhole(param, value, min, max);
}

/**
 * Checks a finite number.
 * @param param - the parameter's name
 * @param value - the value
 * @throws {@link SchedacctError} `invalid-argument` for NaN, ±Infinity or a non-number
 * @internal
 */
export function checkFinite(param: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw argError('invalid-argument', param, 'a finite number', value);
}

/**
 * Checks a bigint within optional bounds.
 * @param param - the parameter's name
 * @param value - the value
 * @param min - smallest allowed (default: none)
 * @param max - largest allowed (default: none)
 * @throws {@link SchedacctError} `invalid-argument` for a non-bigint, `out-of-range` outside the bounds
 * @internal
 */
export function checkBigint(param: string, value: unknown, min?: bigint, max?: bigint): asserts value is bigint {
  const range = min === undefined ? '' : ` from ${String(min)}n${max === undefined ? '' : ` to ${String(max)}n`}`;
  if (typeof value !== 'bigint') throw argError('invalid-argument', param, `a bigint${range}`, value);
  if ((min !== undefined && value < min) || (max !== undefined && value > max))
    throw argError('out-of-range', param, `a bigint${range}`, value);
}

/**
 * Checks a reading value: a bigint, or a number that is a safe integer ({@link ReadingValue}).
 * @param param - the parameter's name
 * @param value - the value
 * @throws {@link SchedacctError} `invalid-argument` for anything else
 * @internal
 */
export function checkReadingArg(param: string, value: unknown): asserts value is bigint | number {
  if (typeof value === 'bigint' || Number.isSafeInteger(value)) return;
  throw argError('invalid-argument', param, 'a bigint or a safe-integer number', value, 'pass a bigint past 2^53');
}

/**
 * Checks a string.
 * @param param - the parameter's name
 * @param value - the value
 * @throws {@link SchedacctError} `invalid-argument` for a non-string
 * @internal
 */
export function checkString(param: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw argError('invalid-argument', param, 'a string', value);
}

/**
 * Checks an optional boolean.
 * @param param - the parameter's name
 * @param value - the value (undefined takes the default)
 * @throws {@link SchedacctError} `invalid-argument` for anything but true, false or undefined
 * @internal
 */
export function checkOptionalBoolean(param: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean')
    throw argError('invalid-argument', param, 'true or false', value);
}

/**
 * Checks a function.
 * @param param - the parameter's name
 * @param value - the value
 * @throws {@link SchedacctError} `invalid-argument` for a non-function
 * @internal
 */
export function checkFunction(param: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw argError('invalid-argument', param, 'a function', value);
}

/**
 * Checks an object (not null, not an array).
 * @param param - the parameter's name
 * @param value - the value
 * @throws {@link SchedacctError} `invalid-argument` for anything else
 * @internal
 */
export function checkObject(param: string, value: unknown): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw argError('invalid-argument', param, 'an object', value);
}

/**
 * Checks an optional options object (undefined takes every default).
 * @param param - the parameter's name
 * @param value - the value
 * @throws {@link SchedacctError} `invalid-argument` for anything but an object or undefined
 * @internal
 */
export function checkOptions(param: string, value: unknown): void {
  if (value !== undefined) checkObject(param, value);
}

/**
 * Checks that a value is one of a list.
 * @param param - the parameter's name
 * @param value - the value
 * @param allowed - the values allowed
 * @throws {@link SchedacctError} `invalid-argument` for a value not in the list
 * @internal
 */
export function checkOneOf<T>(param: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T))
    throw argError('invalid-argument', param, `one of ${allowed.map((a) => describe(a)).join(', ')}`, value);
}

/**
 * Checks that a value is an instance of a class.
 * @param param - the parameter's name
 * @param value - the value
 * @param type - the class
 * @param what - the class as the message names it
 * @throws {@link SchedacctError} `invalid-argument` for anything else
 * @internal
 */
export function checkInstance<T>(
  param: string,
  value: unknown,
  type: abstract new (...args: never[]) => T,
  what: string,
): asserts value is T {
  if (!(value instanceof type)) throw argError('invalid-argument', param, what, value);
}

/**
 * Checks a machine definition (what `setup(…).createMachine(…)` returns): an object with a root state node.
 * @param param - the parameter's name
 * @param machine - the value
 * @throws {@link SchedacctError} `invalid-argument` for anything else
 * @internal
 */
export function checkMachine(param: string, machine: unknown): void {
  checkObject(param, machine);
  const root = machine.root;
  if (typeof root !== 'object' || root === null || typeof (root as { states?: unknown }).states !== 'object')
    throw argError('invalid-argument', param, 'an XState machine (setup(…).createMachine(…))', machine);
}

/**
 * Checks shared implementations: an object with `guards` and `actions` objects (either may be asked for alone).
 * @param param - the parameter's name
 * @param impls - the value
 * @param parts - which of `guards` and `actions` must be there
 * @throws {@link SchedacctError} `invalid-argument` for anything else
 * @internal
 */
export function checkImpls(param: string, impls: unknown, parts: readonly ('guards' | 'actions')[]): void {
  checkObject(param, impls);
  for (const part of parts) checkObject(`${param}.${part}`, impls[part]);
}
