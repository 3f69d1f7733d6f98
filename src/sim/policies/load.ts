/**
 * Loads a user's scheduler policy: a `.js`/`.mjs` module whose default export is a {@link SchedPolicy}
 * (`schedacct simulate --policy ./mine.js`). Node only (it resolves the path against the working directory).
 * @module
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkString } from '../../check.js';
import { SchedacctError } from '../../errors.js';
import type { SchedPolicy } from '../types.js';
import { checkPolicy } from './check-policy.js';

/**
 * Imports a policy module and checks its default export.
 * @param file - the module's path (relative to the working directory) or a `file:` URL
 * @returns the policy, its run queues checked as they are made
 * @throws {@link SchedacctError} `unavailable` when the module cannot be imported, `invalid-argument` naming what
 * the default export lacks
 * @example
 * ```ts
 * const policy = await loadPolicy('examples/policies/mine.js');
 * policy.name; // 'las'
 * ```
 */
export async function loadPolicy(file: string): Promise<SchedPolicy> {
  checkString('file', file);
  const url = file.startsWith('file:') ? file : pathToFileURL(resolve(file)).href;
  let mod: unknown;
  try {
    mod = await import(url);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new SchedacctError('unavailable', `policy module ${file} could not be loaded: ${why}`);
  }
  const exported = typeof mod === 'object' && mod !== null ? (mod as { default?: unknown }).default : undefined;
  if (exported === undefined)
    throw new SchedacctError(
      'invalid-argument',
      `policy module ${file} has no default export: export default a policy`,
    );
  return checkPolicy(`policy module ${file}`, exported);
}
