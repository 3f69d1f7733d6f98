/**
 * Reading the guards and actions of an XState machine's definition (`machine.root`, its state nodes and their
 * transition definitions, as XState's own `StateNode` and `TransitionDefinition` types describe them): what the
 * compiled stepper, the Mermaid export and the test helpers share.
 * @module
 */
import { and, not, or } from 'xstate';

/** XState's guard combinators. */
export type GuardCombinator = 'not' | 'and' | 'or';

/** A guard as a transition definition holds it, read: named (with its params), a combinator of guards, or inline. */
export type GuardRef =
  | { readonly kind: 'named'; readonly type: string; readonly params: unknown }
  | { readonly kind: GuardCombinator; readonly of: readonly GuardRef[] }
  | { readonly kind: 'inline' };

/** An action as a transition definition holds it, read: named (with its params), or inline / built-in. */
export type ActionRef =
  { readonly kind: 'named'; readonly type: string; readonly params: unknown } | { readonly kind: 'inline' };

// XState's `not(…)`, `and([…])` and `or([…])` each return a new function carrying the guards and a `check` that XState
// calls to evaluate them; `check` is one module-level function per combinator. Comparing it by identity recognises the
// combinators however a bundler names functions (the functions' own names do not survive minification).
function checkOf(guard: unknown): unknown {
  return typeof guard === 'function' && 'check' in guard ? guard.check : undefined;
}
const COMBINATORS = new Map<unknown, GuardCombinator>([
  [checkOf(not('x')), 'not'],
  [checkOf(and([])), 'and'],
  [checkOf(or([])), 'or'],
]);

function named(ref: unknown): { readonly kind: 'named'; readonly type: string; readonly params: unknown } | undefined {
  if (typeof ref === 'string') return { kind: 'named', type: ref, params: undefined };
  if (typeof ref === 'object' && ref !== null && 'type' in ref && typeof ref.type === 'string') {
    return { kind: 'named', type: ref.type, params: 'params' in ref ? ref.params : undefined };
  }
  return undefined;
}

/**
 * Reads a guard of a transition definition.
 * @param guard - `transition.guard`
 * @returns the guard, read; `inline` for a guard function that is none of XState's combinators (an inline guard,
 *   `stateIn`, or a combinator from another copy of XState)
 */
export function readGuard(guard: unknown): GuardRef {
  const ref = named(guard);
  if (ref !== undefined) return ref;
  const combinator = COMBINATORS.get(checkOf(guard));
  if (combinator !== undefined && typeof guard === 'function' && 'guards' in guard && Array.isArray(guard.guards)) {
    const of = (guard.guards as unknown[]).map(readGuard);
    if (combinator !== 'not' || of.length === 1) return { kind: combinator, of };
  }
  return { kind: 'inline' };
}

/**
 * Reads an action of a transition definition (or of a state's entry or exit).
 * @param action - one of `transition.actions`
 * @returns the action, read; `inline` for a function (an inline action or a built-in such as `assign(…)`)
 */
export function readAction(action: unknown): ActionRef {
  return named(action) ?? { kind: 'inline' };
}
