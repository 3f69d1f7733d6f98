/**
 * Typed errors for API misuse. Bad *input* (a malformed trace line, a steal clock going backwards) is never
 * thrown: it becomes an {@link Anomaly}. Misuse of the API (a zero frequency, a counter width outside
 * 1–64 bits) throws a {@link SchedacctError} whose `code` callers can switch on.
 * @module
 */

/** Machine-readable reason a {@link SchedacctError} was thrown. */
export type SchedacctErrorCode = 'invalid-argument' | 'out-of-range' | 'strict-anomaly' | 'unsupported';

/**
 * The one error class schedacct throws. The message says what was wrong and what to do about it.
 * @example
 * ```ts
 * try { exactConversion(0); } catch (e) { if (e instanceof SchedacctError) console.log(e.code); }
 * ```
 */
export class SchedacctError extends Error {
  /** Why it was thrown; stable across versions. */
  readonly code: SchedacctErrorCode;

  /**
   * @param code - the machine-readable reason
   * @param message - what was wrong and what to do about it
   */
  constructor(code: SchedacctErrorCode, message: string) {
    super(message);
    this.name = 'SchedacctError';
    this.code = code;
  }
}
