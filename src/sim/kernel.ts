// placeholder: replaced by the policies branch
/**
 * Kernel versions as the scenario resolver needs them (a placeholder: the policies part owns this file).
 * @module
 * @internal
 */
import { SchedacctError } from '../errors.js';
import type { KernelVersion, PolicyName } from './types.js';

/**
 * Reads a kernel version, `"6.18"` or `"6.6.30"` (the patch level is not kept).
 * @param text - the version
 * @returns its major and minor number
 * @throws {@link SchedacctError} `invalid-argument` for anything but `MAJOR.MINOR[.PATCH]` from 3.0 on
 * @internal
 */
export function parseKernel(text: string): KernelVersion {
  const match = typeof text === 'string' ? /^(\d{1,2})\.(\d{1,3})(?:\.\d{1,4})?$/.exec(text) : null;
  const major = Number(match?.[1]);
  const minor = Number(match?.[2]);
  if (match === null || major < 3)
    throw new SchedacctError(
      'invalid-argument',
      `a kernel version like "6.18" (3.0 or later), got ${JSON.stringify(text)}`,
    );
  return { major, minor };
}

/**
 * The policy a kernel schedules normal tasks with: EEVDF from 6.6, CFS before.
 * @param kernel - the version
 * @returns `eevdf` or `cfs`
 * @internal
 */
export function defaultPolicy(kernel: KernelVersion): PolicyName {
  return kernel.major > 6 || (kernel.major === 6 && kernel.minor >= 6) ? 'eevdf' : 'cfs';
}

/**
 * Whether a kernel has a policy: EEVDF only from 6.6, CFS only before it, RR and FIFO always.
 * @param policy - the policy
 * @param kernel - the version
 * @returns true when the kernel has it
 * @internal
 */
export function policyAllowed(policy: PolicyName, kernel: KernelVersion): boolean {
  return policy === 'rr' || policy === 'fifo' || policy === defaultPolicy(kernel);
}
