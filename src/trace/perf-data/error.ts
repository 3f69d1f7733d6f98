/**
 * The error a perf.data reader throws for input it cannot read: what was wrong and at which byte.
 * @module
 */
import { describe } from '../../check.js';
import { SchedacctError } from '../../errors.js';

/**
 * perf.data that cannot be read (truncated, a size pointing past the end, a field that makes no sense): the message
 * says what and where, `offset` is the byte it was found at.
 * @example
 * ```ts
 * const e = new PerfDataError('record size 0', 1224);
 * e.message; // 'perf.data: record size 0 (at byte 1224)'
 * e.offset; // 1224
 * ```
 */
export class PerfDataError extends SchedacctError {
  /** The byte of the input where the problem was found. */
  readonly offset: number;
  /** The problem alone, without the place. */
  readonly problem: string;

  /**
   * @param problem - what was wrong
   * @param offset - where, in bytes from the input's start
   * @param source - the input's name, when known (a file, `standard input`)
   */
  constructor(problem: string, offset: number, source?: string) {
    // (a caller without types may give anything: the message still says it)
    const given = (value: unknown): string => (typeof value === 'string' ? value : describe(value));
    const where = source === undefined ? '' : `${given(source)}: `;
    super('invalid-argument', `${where}perf.data: ${given(problem)} (at byte ${given(offset)})`);
    this.name = 'PerfDataError';
    this.offset = offset;
    this.problem = problem;
  }
}
