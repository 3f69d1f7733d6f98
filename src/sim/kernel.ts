// placeholder: replaced by the policies branch
/**
 * Kernel versions (placeholder: replaced by the policies branch).
 * @module
 * @internal
 */
import { SchedacctError } from '../errors.js';
import type { KernelVersion } from './types.js';

/**
 * A kernel version from `"major.minor"` (placeholder: replaced by the policies branch).
 * @param v - the version
 * @returns it
 * @throws {@link SchedacctError} `invalid-argument` for anything but `major.minor`
 * @internal
 */
export function parseKernel(v: string): KernelVersion {
  const m = /^(\d+)\.(\d+)/.exec(v);
  if (m === null) throw new SchedacctError('invalid-argument', `kernel must be like "6.18", got ${v}`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}
