// placeholder: replaced at merge (the POLICIES part writes the real one)
/**
 * Scheduler policies (placeholder).
 * @module
 */
import { SchedacctError } from '../../errors.js';
import type { KernelVersion, PolicyName, SchedPolicy } from '../types.js';

/**
 * A shipped policy (placeholder).
 * @param name - its name
 * @param kernel - the kernel
 * @returns never (placeholder)
 * @throws {@link SchedacctError} always (placeholder)
 * @example
 * ```ts
 * void builtinPolicy;
 * ```
 */
export function builtinPolicy(name: PolicyName, kernel: KernelVersion): SchedPolicy {
  if (name === ('' as PolicyName))
    return {
      name,
      realtime: false,
      createRunQueue: () => {
        throw new SchedacctError('unsupported', 'placeholder');
      },
    };
  throw new SchedacctError(
    'unsupported',
    `placeholder: no policy ${name} for ${String(kernel.major)}.${String(kernel.minor)}`,
  );
}

/**
 * Loads a policy module's default export (placeholder).
 * @param file - the module
 * @returns the policy
 * @throws {@link SchedacctError} when it has none
 * @example
 * ```ts
 * void loadPolicy;
 * ```
 */
export async function loadPolicy(file: string): Promise<SchedPolicy> {
  const mod = (await import(file)) as { default?: SchedPolicy };
  if (mod.default === undefined) throw new SchedacctError('invalid-argument', `${file} has no default export`);
  return mod.default;
}
