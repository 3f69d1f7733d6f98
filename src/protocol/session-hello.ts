/**
 * `hello`: the protocol's name and major version checked, the features both sides name granted, and what the server
 * offers. Runtime-neutral.
 * @module
 * @internal
 */
import { STEAL_POLICIES } from '../accounting/steal.js';
import { ABIS } from '../host/emulated-writer.js';
import { POLICY_NAMES } from '../sim/policies/index.js';
import { SCHEDACCT_VERSION } from '../sim/experiment.js';
import { NEWEST_KERNEL, OLDEST_KERNEL } from '../sim/kernel.js';
import type { KernelVersion } from '../sim/types.js';
import { fieldError, onlyKnown, type Fields } from './decode.js';
import { ProtocolError } from './errors.js';
import {
  FEATURES,
  MAX_BATCH,
  MAX_LINE_BYTES,
  METHODS,
  PROTOCOL_NAME,
  PROTOCOL_VERSION,
  type Feature,
  type HelloResult,
} from './types.js';

/** What `hello` sets in the session. */
export interface HelloState {
  /** Whether hello was answered. */
  helloDone: boolean;
  /** The features granted. */
  features: readonly Feature[];
}

const MAJOR = PROTOCOL_VERSION.split('.')[0] ?? '1';

const versionText = (v: KernelVersion): string => `${v.major}.${v.minor}`;

/**
 * Handles `hello`.
 * @param state - the session's hello state (set when the request is good)
 * @param params - the params
 * @returns the result
 * @throws {@link ProtocolError} `no-hello` for a second hello, `unsupported-version`, `invalid-params`
 */
export function hello(state: HelloState, params: Fields): HelloResult {
  if (state.helloDone) throw new ProtocolError('no-hello', 'hello was answered already: send it once', 'method');
  onlyKnown(params, 'params', ['protocol', 'version', 'client', 'features']);
  const speaks = `this server speaks ${PROTOCOL_NAME} ${PROTOCOL_VERSION} (major ${MAJOR})`;
  if (params.protocol !== PROTOCOL_NAME)
    throw new ProtocolError('unsupported-version', `protocol must be "${PROTOCOL_NAME}": ${speaks}`, 'params.protocol');
  const version = params.version;
  if (typeof version !== 'string' || !/^\d{1,6}(\.\d{1,6})?$/.test(version))
    throw fieldError('params.version', 'a version, "major" or "major.minor" (e.g. "1")', version);
  if (version.split('.')[0] !== MAJOR)
    throw new ProtocolError('unsupported-version', `version ${version} is not spoken: ${speaks}`, 'params.version');
  if (params.client !== undefined && (typeof params.client !== 'string' || params.client.length > 256))
    throw fieldError('params.client', 'a string of at most 256 characters', params.client);
  const wanted = params.features;
  if (wanted !== undefined && (!Array.isArray(wanted) || !wanted.every((f) => typeof f === 'string')))
    throw fieldError('params.features', 'an array of feature names', wanted);
  const granted = FEATURES.filter((f) => wanted === undefined || (wanted as readonly unknown[]).includes(f));
  state.helloDone = true;
  state.features = granted;
  return {
    protocol: PROTOCOL_NAME,
    version: PROTOCOL_VERSION,
    server: { name: 'schedacct', version: SCHEDACCT_VERSION },
    features: granted,
    offers: {
      features: FEATURES,
      methods: METHODS,
      abis: ABIS,
      stealPolicies: STEAL_POLICIES,
      policies: POLICY_NAMES,
      kernelVersions: { oldest: versionText(OLDEST_KERNEL), newest: versionText(NEWEST_KERNEL) },
      maxLineBytes: MAX_LINE_BYTES,
      maxBatch: MAX_BATCH,
    },
  };
}
