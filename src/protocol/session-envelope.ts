/**
 * The envelope every request has (`id`, `method`, `now`, `params`), checked before anything else, and the error
 * replies. Runtime-neutral.
 * @module
 * @internal
 */
import { MAX_SAFE_WHOLE } from '../accounting/reading.js';
import { isObject, type Fields } from './decode.js';
import { ProtocolError } from './errors.js';
import { METHODS, type ErrorReply, type Method, type RequestId, type WireError } from './types.js';

/** A request whose envelope was checked. */
export interface Envelope {
  /** Its id, or null. */
  readonly id: RequestId | null;
  /** Its method, one of {@link METHODS}. */
  readonly method: Method;
  /** Its `now`, ns. */
  readonly nowNs: number;
  /** Its params (`{}` when absent). */
  readonly params: Fields;
}

// Decimal digits without a leading zero, at most 2^53 − 1 (a loop: this runs once per request).
function isTime(text: string): boolean {
  const n = text.length;
  if (n === 0 || n > 16 || (n > 1 && text.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return n < 16 || Number(text) <= MAX_SAFE_WHOLE;
}
const EMPTY: Fields = Object.freeze({});
const KNOWN: ReadonlySet<string> = new Set(METHODS);

/**
 * A request's id, if it has a valid one.
 * @param message - the parsed request
 * @returns the id, or null
 */
export function idOf(message: unknown): RequestId | null {
  if (!isObject(message)) return null;
  const id = message.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

/**
 * Checks a request's envelope.
 * @param message - the parsed request
 * @returns the envelope, or the error to reply with
 */
export function envelope(message: unknown): Envelope | ProtocolError {
  if (!isObject(message))
    return new ProtocolError('invalid-request', 'a request is a JSON object {id?, method, now, params?}');
  const id = message.id;
  if (id !== undefined && typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id)))
    return new ProtocolError('invalid-request', 'id must be a number or a string', 'id');
  const method = message.method;
  if (typeof method !== 'string')
    return new ProtocolError('invalid-request', 'method must be a string, e.g. "task.event"', 'method');
  const now = message.now;
  if (typeof now !== 'string' || !isTime(now))
    return new ProtocolError(
      'invalid-request',
      'now must be the host time in ns as decimal digits, at most 9007199254740991 (2^53 − 1), e.g. "1500000"',
      'now',
    );
  if (!KNOWN.has(method))
    return new ProtocolError(
      'unknown-method',
      `no method ${method.slice(0, 64)}: the methods are ${METHODS.join(', ')}`,
      'method',
    );
  const params = message.params;
  if (params !== undefined && !isObject(params))
    return new ProtocolError('invalid-params', 'params must be an object', 'params');
  return { id: id ?? null, method: method as Method, nowNs: Number(now), params: params ?? EMPTY };
}

/**
 * An error reply: `id`, then `line` when there is no id, then `error`.
 * @param id - the request's id, or null
 * @param line - the input line
 * @param error - the error
 * @returns the reply
 */
export function errorReply(id: RequestId | null, line: number, error: WireError): ErrorReply {
  return id === null ? { id, line, error } : { id, error };
}

/**
 * A bug, as the error reply `internal`.
 * @param e - what was thrown
 * @returns the error
 */
export function internalError(e: unknown): ProtocolError {
  const why = e instanceof Error ? e.message : String(e);
  return new ProtocolError(
    'internal',
    `internal error (${why.slice(0, 200)}); the state is as before the request: please report it`,
  );
}
