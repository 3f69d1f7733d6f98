/**
 * The error a protocol handler throws for a bad request: the session turns it into an error reply. Never thrown
 * out of a session.
 * @module
 */
import { SchedacctError } from '../errors.js';
import type { ErrorCode, WireError } from './types.js';

// Misuse of the class (not a bad message): a SchedacctError naming the parameter.
function checkText(name: string, value: unknown): void {
  if (typeof value !== 'string')
    throw new SchedacctError('invalid-argument', `ProtocolError: ${name} must be a string, got ${typeof value}`);
}

/**
 * A request the session refuses, with its code and the dotted path of the offending field.
 * @example
 * ```ts
 * const e = new ProtocolError('invalid-params', 'vcpu must be a whole number below 2, got 5', 'vcpu');
 * e.toWire('params'); // { code: 'invalid-params', message: 'vcpu must be …', path: 'params.vcpu' }
 * ```
 */
export class ProtocolError extends Error {
  /** Why. */
  readonly code: ErrorCode;
  /** Where, dotted, relative to what the thrower was checking (`""` for all of it). */
  readonly path: string;

  /**
   * @param code - why
   * @param message - what was wrong and what to do
   * @param path - where, dotted (default `""`)
   * @throws {@link SchedacctError} when `code`, `message` or `path` is not a string
   */
  constructor(code: ErrorCode, message: string, path = '') {
    checkText('code', code);
    checkText('message', message);
    checkText('path', path);
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
    this.path = path;
  }

  /**
   * The wire form, with `prefix` put before the path.
   * @param prefix - e.g. `params` or `[3].params`
   * @returns the error as an error reply carries it
   * @throws {@link SchedacctError} when `prefix` is not a string
   */
  toWire(prefix = ''): WireError {
    checkText('prefix', prefix);
    return { code: this.code, message: this.message, path: joinPath(prefix, this.path) };
  }
}

/**
 * Joins two dotted paths (`joinPath('params', 'reading.counter')` is `params.reading.counter`; an index stays
 * bracketed: `joinPath('[3]', 'params')` is `[3].params`).
 * @param a - the outer path
 * @param b - the inner path
 * @returns both
 */
export function joinPath(a: string, b: string): string {
  if (a === '') return b;
  if (b === '') return a;
  return b.startsWith('[') ? `${a}${b}` : `${a}.${b}`;
}
