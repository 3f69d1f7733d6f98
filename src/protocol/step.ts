/**
 * Step mode (placeholder until the step-mode branch lands: it replaces this file, with the same signatures).
 * @module
 * @internal
 */
import { ProtocolError } from './errors.js';
import type { SessionMode, StepOpenResult } from './types.js';

/**
 * Opens step mode.
 * @param params - `step.open`'s params
 * @param nowNs - the request's time
 * @param options - how task machines run
 * @param options.engine - the compiled stepper or XState
 * @throws {@link ProtocolError} `wrong-mode`: step mode is not available in this build
 */
export function createStepMode(
  params: Readonly<Record<string, unknown>>,
  nowNs: number,
  options: { readonly engine: 'compiled' | 'xstate' },
): { mode: SessionMode; result: StepOpenResult } {
  const what = `${Object.keys(params).length} params at ${nowNs} ns, engine ${options.engine}`;
  throw new ProtocolError('wrong-mode', `step mode is not available yet (${what})`);
}

/**
 * Restores step mode from its saved state.
 * @param state - what the mode's `save()` gave
 * @param options - how task machines run
 * @param options.engine - the compiled stepper or XState
 * @throws {@link ProtocolError} `wrong-mode`: step mode is not available in this build
 */
export function restoreStepMode(state: unknown, options: { readonly engine: 'compiled' | 'xstate' }): SessionMode {
  throw new ProtocolError('wrong-mode', `step mode is not available yet (a ${typeof state}, engine ${options.engine})`);
}
