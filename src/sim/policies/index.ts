/**
 * The shipped scheduler policies behind one interface ({@link SchedPolicy}): `eevdf` (Linux ≥ 6.6), `cfs` (≤ 6.5),
 * `rr` and `fifo`. Runtime-neutral; a user's policy module is loaded by `loadPolicy` (load.ts, Node).
 * @module
 */
import { checkOneOf } from '../../check.js';
import { checkKernel, checkPolicyAllowed } from '../kernel.js';
import type { KernelVersion, PolicyName, SchedPolicy } from '../types.js';
import { cfsPolicy } from './cfs.js';
import { eevdfPolicy } from './eevdf.js';
import { rtPolicy } from './rt.js';

/**
 * The shipped policies' names.
 * @example
 * ```ts
 * POLICY_NAMES; // ['eevdf', 'cfs', 'rr', 'fifo']
 * ```
 */
export const POLICY_NAMES: readonly PolicyName[] = Object.freeze(['eevdf', 'cfs', 'rr', 'fifo']);

/**
 * A shipped policy for a kernel.
 * @param name - `eevdf`, `cfs`, `rr` or `fifo`
 * @param kernel - the kernel it runs on (its version picks the rules; see {@link policyAllowed})
 * @returns the policy
 * @throws {@link SchedacctError} `invalid-argument` for an unknown name, `unsupported` for a policy the kernel lacks
 * @example
 * ```ts
 * const policy = builtinPolicy('eevdf', parseKernel('6.18'));
 * const rq = policy.createRunQueue(0, { cpus: 1, hz: 250, tickNs: 4_000_000, kernel: parseKernel('6.18') });
 * const task = { tid: 1000, name: 'hog', nice: 0, priority: 0, weight: 1024, sched: undefined };
 * rq.enqueue(task, 0, { wakeup: false, initial: true, migrated: false });
 * rq.pickNext(0) === task; // true
 * ```
 */
export function builtinPolicy(name: PolicyName, kernel: KernelVersion): SchedPolicy {
  checkOneOf('name', name, POLICY_NAMES);
  checkKernel('kernel', kernel);
  checkPolicyAllowed(name, kernel);
  switch (name) {
    case 'eevdf':
      return eevdfPolicy();
    case 'cfs':
      return cfsPolicy();
    case 'rr':
      return rtPolicy(true);
    case 'fifo':
      return rtPolicy(false);
  }
}
