// placeholder: replaced at merge (the POLICIES part writes the real one)
/**
 * Kernel versions (placeholder).
 * @module
 */
import { SchedacctError } from '../errors.js';
import type { KernelVersion } from './types.js';

/**
 * Parses `"6.18"` (placeholder).
 * @param text - the version
 * @returns it
 * @throws {@link SchedacctError} for anything else
 * @example
 * ```ts
 * parseKernel('6.18').minor; // 18
 * ```
 */
export function parseKernel(text: string): KernelVersion {
  const m = /^(\d+)\.(\d+)$/.exec(text);
  if (m === null) throw new SchedacctError('invalid-argument', `kernel must be MAJOR.MINOR, got '${text}'`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}
