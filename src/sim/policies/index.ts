// placeholder: replaced by the policies branch
/**
 * The shipped scheduler policies (placeholder: replaced by the policies branch).
 * @module
 * @internal
 */
import { SchedacctError } from '../../errors.js';
import type { KernelVersion, PolicyName, SchedPolicy } from '../types.js';

/**
 * A shipped policy (placeholder: replaced by the policies branch).
 * @param name - which
 * @param kernel - the kernel version
 * @throws {@link SchedacctError} `unsupported` always
 * @internal
 */
export function builtinPolicy(name: PolicyName, kernel: KernelVersion): SchedPolicy {
  throw new SchedacctError(
    'unsupported',
    `policy ${name} (kernel ${kernel.major}.${kernel.minor}): placeholder, replaced by the policies branch`,
  );
}
