/**
 * Typed errors for API misuse. Bad *input* (a malformed trace line, a steal clock going backwards) is never
 * thrown: it becomes an {@link Anomaly}. Misuse of the API (a zero frequency, a counter width outside
 * 1–64 bits) throws a {@link SchedacctError} whose `code` callers can switch on.
 * @module
 */

// A message part as text, a symbol's too (a template literal or `new Error(symbol)` would throw on it).
const text = (value: unknown): string => String(value);

/** Machine-readable reason a {@link SchedacctError} was thrown. */
export type SchedacctErrorCode =
  'invalid-argument' | 'out-of-range' | 'strict-anomaly' | 'unsupported' | 'invalid-abi' | 'unavailable';

/**
 * The error class schedacct throws (with {@link AbiError} for hypervisor structures). The message says what was
 * wrong and what to do about it.
 * @example
 * ```ts
 * try { createConversion('exact', 0); } catch (e) { if (e instanceof SchedacctError) console.log(e.code); }
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
    super(text(message));
    this.name = 'SchedacctError';
    this.code = code;
  }
}

/**
 * A hypervisor structure that does not match its ABI: wrong size, misaligned, or a field with a value the ABI
 * forbids. `field` names the offending field (`size` and `alignment` for the layout itself).
 * @example
 * ```ts
 * try {
 *   decodeArmPvTime(new Uint8Array(32));
 * } catch (e) {
 *   if (e instanceof AbiError) console.log(e.code, e.abi, e.field); // invalid-abi arm-pvtime size
 * }
 * ```
 */
export class AbiError extends SchedacctError {
  /** The ABI, e.g. `arm-pvtime`. */
  readonly abi: string;
  /** The offending field, e.g. `revision`, `size`, `alignment`. */
  readonly field: string;

  /**
   * @param abi - the ABI's name
   * @param field - the offending field
   * @param message - what was wrong and what the ABI requires
   */
  constructor(abi: string, field: string, message: string) {
    super('invalid-abi', `${text(abi)}: ${text(field)}: ${text(message)}`);
    this.name = 'AbiError';
    this.abi = text(abi);
    this.field = text(field);
  }
}
