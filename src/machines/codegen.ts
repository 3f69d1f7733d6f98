/**
 * The stepper's table and generated code: guards and actions of a transition resolved to the shared implementations,
 * and the table written out as JavaScript so the engine can inline them (see {@link compileMachine}).
 * @module
 * @internal
 */
import { SchedacctError } from '../errors.js';
import { readAction, type GuardRef } from './definition.js';
import { actionsByName, guardsByName, type ActionImpl, type GuardImpl } from './implementations.js';

/** @internal */
export type CompiledGuard<C, E> = (context: C, event: E) => boolean;
/** @internal */
export interface CompiledAction<C, E> {
  readonly impl: ActionImpl<C, E, unknown>;
  readonly params: unknown;
}
/** A guard as a tree: a named implementation (with its params), or `not` / `and` / `or` of guards. */
/** @internal */
export type GuardTree<C, E> =
  | { readonly op: 'ref'; readonly impl: GuardImpl<C, E, unknown>; readonly params: unknown }
  | { readonly op: 'not' | 'and' | 'or'; readonly of: readonly GuardTree<C, E>[] };
/** @internal */
export interface CompiledTransition<C, E> {
  readonly guardTree: GuardTree<C, E> | null;
  readonly guard: CompiledGuard<C, E> | null;
  readonly actions: readonly CompiledAction<C, E>[];
  /** Index of the leaf state after the transition (unchanged for targetless transitions). */
  readonly to: number;
}

/**
 * Throws for a feature the stepper does not run.
 * @param what - the feature
 * @throws {@link SchedacctError} `unsupported`
 */
export function unsupported(what: string): never {
  throw new SchedacctError(
    'unsupported',
    `compileMachine: ${what} is not supported; use named guards/actions, event transitions, compound and final states`,
  );
}

/**
 * A definition's guard as a tree of implementations.
 * @param ref - the guard as the definition gives it
 * @param impls - the implementations
 * @param impls.guards - the guards, by name
 * @returns the tree
 */
export function compileGuard<C, E>(ref: GuardRef, impls: { readonly guards: object }): GuardTree<C, E> {
  if (ref.kind === 'named') {
    if (typeof ref.params === 'function') unsupported(`dynamic params of guard '${ref.type}'`);
    const impl = guardsByName<C, E>(impls)[ref.type];
    if (impl === undefined) throw new SchedacctError('invalid-argument', `guard '${ref.type}' has no implementation`);
    return { op: 'ref', impl, params: ref.params };
  }
  if (ref.kind === 'inline') return unsupported('an inline guard function');
  return { op: ref.kind, of: ref.of.map((g) => compileGuard(g, impls)) };
}

// The guard tree as one function (the table stepper's form).
/**
 * A guard tree as one function (the table walker's form).
 * @param tree - the tree
 * @returns the function
 */
export function guardFunction<C, E>(tree: GuardTree<C, E>): CompiledGuard<C, E> {
  if (tree.op === 'ref') {
    const { impl, params } = tree;
    if (params === undefined) return impl as CompiledGuard<C, E>; // no wrapper: params are undefined anyway
    return (c, e) => impl(c, e, params);
  }
  const parts = tree.of.map(guardFunction);
  const [first] = parts;
  if (tree.op === 'not' && first !== undefined) return (c, e) => !first(c, e);
  if (tree.op === 'and') return (c, e) => parts.every((p) => p(c, e));
  return (c, e) => parts.some((p) => p(c, e));
}

/**
 * A definition's action resolved to its implementation and params.
 * @param action - the action as the definition gives it
 * @param impls - the implementations
 * @param impls.actions - the actions, by name
 * @returns the implementation and its params
 */
export function compileAction<C, E>(action: unknown, impls: { readonly actions: object }): CompiledAction<C, E> {
  const ref = readAction(action);
  if (ref.kind === 'inline') return unsupported('an inline or built-in action');
  if (typeof ref.params === 'function') unsupported(`dynamic params of action '${ref.type}'`);
  const impl = actionsByName<C, E>(impls)[ref.type];
  if (impl === undefined) throw new SchedacctError('invalid-argument', `action '${ref.type}' has no implementation`);
  return { impl, params: ref.params };
}

/** `step(leaf, context, event)`: the leaf after the event's transition, or −1 when no transition is enabled. */
/** @internal */
export type Step<C, E> = (leaf: number, context: C, event: E) => number;

/**
 * The table as generated JavaScript: one small function per state and event type that tries the candidates in
 * priority order, each with its guard expression and action calls written out. Every guard and action is called from
 * its own call site, so the engine sees one target per site and can inline the implementations (through the table,
 * every call site sees them all). `step` picks the function with a `switch` on the state and the event type and calls
 * it from one site: each function is compiled on its own, so a pair met late in a trace (an exit, an anomaly) does not
 * throw away the compiled code of the others. The implementations and params are handed in as constants; only indexes
 * and event-type strings are written into the source.
 * @param table - per leaf, the candidate transitions by event type
 * @returns the step function, or undefined where the runtime forbids generating code (a strict CSP, some edges)
 */
export function generateStep<C, E>(table: readonly Map<string, CompiledTransition<C, E>[]>[]): Step<C, E> | undefined {
  const values: unknown[] = [];
  const ref = (value: unknown): string => {
    let i = values.indexOf(value);
    if (i < 0) i = values.push(value) - 1;
    return `v${String(i)}`;
  };
  const guardCode = (tree: GuardTree<C, E>): string => {
    if (tree.op === 'ref')
      return `${ref(tree.impl)}(c, e, ${tree.params === undefined ? 'undefined' : ref(tree.params)})`;
    if (tree.op === 'not') return `!(${guardCode(tree.of[0] as GuardTree<C, E>)})`;
    const parts = tree.of.map(guardCode);
    if (parts.length === 0) return tree.op === 'and' ? 'true' : 'false';
    return `(${parts.join(tree.op === 'and' ? ' && ' : ' || ')})`;
  };
  const candidateCode = (t: CompiledTransition<C, E>): string => {
    const calls = t.actions.map(
      (a) => `${ref(a.impl)}(c, e, ${a.params === undefined ? 'undefined' : ref(a.params)}); `,
    );
    const body = `{ ${calls.join('')}return ${String(t.to)}; }`;
    return t.guardTree === null ? body : `if (${guardCode(t.guardTree)}) ${body}`;
  };
  const functions: string[] = [];
  const lines: string[] = ['let f;', 'switch (leaf) {'];
  table.forEach((byEvent, leaf) => {
    if (byEvent.size === 0) return;
    lines.push(`case ${String(leaf)}: switch (e.type) {`);
    for (const [type, candidates] of byEvent) {
      if (candidates.length === 0) continue;
      const name = `t${String(functions.length)}`;
      functions.push(`function ${name}(c, e) { ${candidates.map(candidateCode).join(' ')} return -1; }`);
      lines.push(`case ${JSON.stringify(type)}: f = ${name}; break;`);
    }
    lines.push('default: return -1; } break;');
  });
  lines.push('default: return -1; }', 'return f(c, e);');
  const source = [
    '"use strict";',
    ...values.map((_, i) => `const v${String(i)} = values[${String(i)}];`),
    ...functions,
    `return function step(leaf, c, e) { ${lines.join('\n')} };`,
  ].join('\n');
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the source holds only indexes and JSON strings
    const make = new Function('values', source) as (values: unknown[]) => Step<C, E>;
    return make(values);
  } catch {
    return undefined;
  }
}

/**
 * The table walked at run time: what runs where code cannot be generated.
 * @param table - per leaf, the candidate transitions by event type
 * @returns the step function
 */
export function tableStep<C, E extends { readonly type: string }>(
  table: readonly Map<string, CompiledTransition<C, E>[]>[],
): Step<C, E> {
  return (leaf, context, event) => {
    const candidates = table[leaf]?.get(event.type);
    if (candidates === undefined) return -1;
    for (let i = 0; i < candidates.length; i++) {
      const t = candidates[i] as CompiledTransition<C, E>;
      if (t.guard !== null && !t.guard(context, event)) continue;
      const actions = t.actions;
      for (let j = 0; j < actions.length; j++) {
        const a = actions[j] as CompiledAction<C, E>;
        a.impl(context, event, a.params);
      }
      return t.to;
    }
    return -1;
  };
}
