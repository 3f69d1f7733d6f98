/**
 * The compiled stepper: runs an XState machine definition as a lookup table over a mutable context, calling the
 * same guard and action implementations the XState actor calls. `actor.send` costs microseconds an event; the
 * stepper costs what the actions cost. No second state machine is written by hand: every state, transition,
 * guard and action comes from walking `machine.root`.
 * @module
 */
import {
  assign,
  type ActionFunction,
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  type EventObject,
  type MachineContext,
  type ParameterizedObject,
  type StateValue,
} from 'xstate';
import { SchedacctError } from '../errors.js';
import { readAction, readGuard, type GuardRef } from './definition.js';

/** Any XState machine, as far as it is read: its definition tree, `machine.root` (XState's `StateNode`s). */
export type MachineDefinition = Pick<AnyStateMachine, 'root'>;

/**
 * The params a machine's guards (or its actions) take, by name: `undefined` for one that takes none. XState checks
 * every guard and action a definition names, and its params, against these.
 */
export type ParamsByName = Record<string, ParameterizedObject['params'] | undefined>;

/** A guard implementation: pure, over the context, the event and the guard's params. */
export type GuardImpl<C, E, P = undefined> = (context: C, event: E, params: P) => boolean;
/** An action implementation: updates the context in place. */
export type ActionImpl<C, E, P = undefined> = (context: C, event: E, params: P) => void;

/** A map with no names: a machine without guards, or without actions (and XState's `setup` without actors). */
// eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- an empty map is meant here
export type NoneByName = Record<never, never>;

/** Guard implementations by name, each taking the params {@link ParamsByName} gives it. */
export type GuardImpls<C, E, G extends ParamsByName> = { readonly [K in keyof G]: GuardImpl<C, E, G[K]> };
/** Action implementations by name, each taking the params {@link ParamsByName} gives it. */
export type ActionImpls<C, E, A extends ParamsByName> = { readonly [K in keyof A]: ActionImpl<C, E, A[K]> };

/**
 * The implementations a machine is built from, shared by the XState actor ({@link toXStateGuards},
 * {@link toXStateActions}) and the stepper ({@link compileMachine}).
 */
export interface MachineImplementations<
  C,
  E,
  G extends ParamsByName = ParamsByName,
  A extends ParamsByName = ParamsByName,
>
  extends GuardImplementations<C, E, G>, ActionImplementations<C, E, A> {}

/** The guards of {@link MachineImplementations}. */
export interface GuardImplementations<C, E, G extends ParamsByName> {
  /** Named guards. */
  readonly guards: GuardImpls<C, E, G>;
}

/** The actions of {@link MachineImplementations}. */
export interface ActionImplementations<C, E, A extends ParamsByName> {
  /** Named actions. */
  readonly actions: ActionImpls<C, E, A>;
}

/** What XState passes to a guard or action: the snapshot's context and the event. */
export interface XArgs<C, E> {
  /** The context. */
  readonly context: C;
  /** The event. */
  readonly event: E;
}

/** Guards for `setup({ guards })`, by name: what {@link toXStateGuards} gives. */
export type XStateGuards<C, E, G extends ParamsByName> = {
  readonly [K in keyof G]: (args: XArgs<C, E>, params: G[K]) => boolean;
};

/** Actions for `setup({ actions })` or `machine.provide({ actions })`, by name: what {@link toXStateActions} gives. */
export type XStateActions<C extends MachineContext, E extends EventObject, A extends ParamsByName> = {
  readonly [K in keyof A]: ActionFunction<C, E, E, A[K], never, never, never, never, never>;
};

// The implementations as the stepper looks them up: by the name a definition gives, with the params it gives. XState
// has checked both against the implementations' types when the machine was set up.
type ByName<F> = Readonly<Record<string, F | undefined>>;
function guardsByName<C, E>(impls: { readonly guards: object }): ByName<GuardImpl<C, E, unknown>> {
  return impls.guards as ByName<GuardImpl<C, E, unknown>>;
}
function actionsByName<C, E>(impls: { readonly actions: object }): ByName<ActionImpl<C, E, unknown>> {
  return impls.actions as ByName<ActionImpl<C, E, unknown>>;
}

/**
 * The guards for `setup({ guards })`: each calls the shared implementation.
 * @param impls - the shared implementations
 * @returns XState guard functions, by name
 */
export function toXStateGuards<C, E, G extends ParamsByName>(
  impls: GuardImplementations<C, E, G>,
): XStateGuards<C, E, G> {
  const out: Record<string, (args: XArgs<C, E>, params: unknown) => boolean> = {};
  for (const [name, impl] of Object.entries(guardsByName<C, E>(impls))) {
    if (impl !== undefined) out[name] = (args, params) => impl(args.context, args.event, params);
  }
  return out as XStateGuards<C, E, G>;
}

/**
 * The actions for `setup({ actions })`: each copies the (flat) context, runs the shared implementation on the
 * copy and returns it through `assign`. Snapshots stay immutable, so XState's pure `machine.transition()`,
 * `xstate/graph` and any snapshot you kept remain correct. This is what the package's machines use.
 * @param impls - the shared implementations
 * @returns XState actions, by name
 */
export function toXStateActions<C extends MachineContext, E extends EventObject, A extends ParamsByName>(
  impls: ActionImplementations<C, E, A>,
): XStateActions<C, E, A> {
  const out: Record<string, unknown> = {};
  for (const [name, impl] of Object.entries(actionsByName<C, E>(impls))) {
    if (impl === undefined) continue;
    out[name] = assign<C, E, unknown, E, never>((args, params) => {
      const next = { ...args.context };
      impl(next, args.event, params);
      return next;
    });
  }
  return out as XStateActions<C, E, A>;
}

/**
 * Faster actions that run the shared implementation on the actor's context in place, as the stepper does (about
 * half the cost per event of {@link toXStateActions}). Only for an actor whose old snapshots nobody keeps: it breaks
 * the purity of `machine.transition()` and `xstate/graph`, which apply several events to one snapshot.
 * @param impls - the shared implementations
 * @returns XState actions, by name
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { taskImplementations, taskMachine, toXStateInPlaceActions } from 'schedacct';
 *
 * const fast = taskMachine.provide({ actions: toXStateInPlaceActions(taskImplementations) });
 * const actor = createActor(fast, { input: { task: 1, counterHz: 1e9 } }).start();
 * actor.send({ type: 'dispatch', reading: { counter: 0, stolenTotalNs: 0, cpu: 0 } });
 * ```
 */
export function toXStateInPlaceActions<C extends MachineContext, E extends EventObject, A extends ParamsByName>(
  impls: ActionImplementations<C, E, A>,
): XStateActions<C, E, A> {
  const out: Record<string, (args: XArgs<C, E>, params: unknown) => void> = {};
  for (const [name, impl] of Object.entries(actionsByName<C, E>(impls))) {
    if (impl !== undefined) out[name] = (args, params) => impl(args.context, args.event, params);
  }
  return out as XStateActions<C, E, A>;
}

type CompiledGuard<C, E> = (context: C, event: E) => boolean;
interface CompiledAction<C, E> {
  readonly impl: ActionImpl<C, E, unknown>;
  readonly params: unknown;
}
/** A guard as a tree: a named implementation (with its params), or `not` / `and` / `or` of guards. */
type GuardTree<C, E> =
  | { readonly op: 'ref'; readonly impl: GuardImpl<C, E, unknown>; readonly params: unknown }
  | { readonly op: 'not' | 'and' | 'or'; readonly of: readonly GuardTree<C, E>[] };
interface CompiledTransition<C, E> {
  readonly guardTree: GuardTree<C, E> | null;
  readonly guard: CompiledGuard<C, E> | null;
  readonly actions: readonly CompiledAction<C, E>[];
  /** Index of the leaf state after the transition (unchanged for targetless transitions). */
  readonly to: number;
}

function unsupported(what: string): never {
  throw new SchedacctError(
    'unsupported',
    `compileMachine: ${what} is not supported; use named guards/actions, event transitions, compound and final states`,
  );
}

function compileGuard<C, E>(ref: GuardRef, impls: { readonly guards: object }): GuardTree<C, E> {
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
function guardFunction<C, E>(tree: GuardTree<C, E>): CompiledGuard<C, E> {
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

function compileAction<C, E>(action: unknown, impls: { readonly actions: object }): CompiledAction<C, E> {
  const ref = readAction(action);
  if (ref.kind === 'inline') return unsupported('an inline or built-in action');
  if (typeof ref.params === 'function') unsupported(`dynamic params of action '${ref.type}'`);
  const impl = actionsByName<C, E>(impls)[ref.type];
  if (impl === undefined) throw new SchedacctError('invalid-argument', `action '${ref.type}' has no implementation`);
  return { impl, params: ref.params };
}

/** `step(leaf, context, event)`: the leaf after the event's transition, or −1 when no transition is enabled. */
type Step<C, E> = (leaf: number, context: C, event: E) => number;

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
function generateStep<C, E>(table: readonly Map<string, CompiledTransition<C, E>[]>[]): Step<C, E> | undefined {
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

function ancestors(node: AnyStateNode): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  for (let n: AnyStateNode | undefined = node; n !== undefined; n = n.parent) out.push(n);
  return out; // node first, root last
}

function isDescendant(node: AnyStateNode, of: AnyStateNode): boolean {
  for (let n = node.parent; n !== undefined; n = n.parent) if (n === of) return true;
  return false;
}

function initialLeaf(node: AnyStateNode): AnyStateNode {
  let n = node;
  while (n.type === 'compound') {
    const next = n.initial.target[0];
    if (next === undefined) return unsupported(`compound state '${n.id}' without an initial state`);
    n = next;
  }
  return n;
}

/** A running instance of a compiled machine. */
export interface StepperInstance<C, E> {
  /** The context, updated in place by every event. */
  readonly context: C;
  /** The current leaf state's path, e.g. `['blocked', 'sleep']`. */
  readonly path: readonly string[];
  /** The state value as XState writes it, e.g. `{ blocked: 'sleep' }`. */
  readonly value: StateValue;
  /** True once a top-level final state is reached (further events are ignored, as XState does). */
  readonly done: boolean;
  /**
   * Processes one event.
   * @param event - the event
   * @returns whether a transition was taken
   */
  send(event: E): boolean;
}

/** Options of {@link compileMachine}. */
export interface CompileOptions {
  /**
   * Generate the stepper's code (default true): one `switch` over states and event types with a call site per guard
   * and action, which the engine can inline. `false`, or a runtime that forbids `new Function` (a strict Content
   * Security Policy), walks the table instead: same transitions, about two thirds of the speed.
   */
  readonly generate?: boolean;
}

/** A machine compiled to a table. */
export interface CompiledMachine<C, E> {
  /** Every leaf state's path, indexed as the table is. */
  readonly leaves: readonly (readonly string[])[];
  /** Whether the stepper runs generated code (else it walks the table; see {@link CompileOptions.generate}). */
  readonly generated: boolean;
  /**
   * Starts an instance at the machine's initial state.
   * @param context - the initial context (taken over and mutated)
   * @returns the instance
   */
  start(context: C): StepperInstance<C, E>;
  /**
   * Resumes an instance at a given state.
   * @param value - the state value (as from an XState snapshot)
   * @param context - the context (taken over and mutated)
   * @returns the instance
   */
  resume(value: StateValue, context: C): StepperInstance<C, E>;
}

function valueOf(path: readonly string[]): StateValue {
  let value: StateValue = path[path.length - 1] ?? '';
  for (let i = path.length - 2; i >= 0; i--) value = { [path[i] ?? '']: value };
  return value;
}

function pathOf(value: StateValue): string[] {
  const out: string[] = [];
  let v: StateValue = value;
  for (;;) {
    if (typeof v === 'string') {
      out.push(v);
      return out;
    }
    const keys = Object.keys(v);
    const key = keys[0];
    if (keys.length !== 1 || key === undefined) return unsupported('a parallel state value');
    out.push(key);
    const next = v[key];
    if (next === undefined) return out;
    v = next;
  }
}

interface StepperTables<C, E> {
  readonly step: Step<C, E>;
  readonly paths: readonly (readonly string[])[];
  readonly isDone: readonly boolean[];
}

// One class for every instance of every compiled machine: instances share a shape and their methods, so a caller
// that holds many of them (a replay keeps one per task) reads `send` and `context` at a single site.
class Stepper<C, E> implements StepperInstance<C, E> {
  readonly context: C;
  readonly #tables: StepperTables<C, E>;
  #leaf: number;

  constructor(tables: StepperTables<C, E>, leaf: number, context: C) {
    this.#tables = tables;
    this.#leaf = leaf;
    this.context = context;
  }

  get path(): readonly string[] {
    return this.#tables.paths[this.#leaf] ?? [];
  }

  get value(): StateValue {
    return valueOf(this.path);
  }

  get done(): boolean {
    return this.#tables.isDone[this.#leaf] ?? false;
  }

  send(event: E): boolean {
    const tables = this.#tables;
    if (tables.isDone[this.#leaf] === true) return false;
    const next = tables.step(this.#leaf, this.context, event);
    if (next < 0) return false;
    this.#leaf = next;
    return true;
  }
}

/**
 * Compiles a machine definition into a table-driven stepper: for every leaf state and event type, the candidate
 * transitions in XState's priority order (deepest state first, then document order), with guards, exit, transition
 * and entry actions resolved to the shared implementations.
 * @param machine - an XState machine built from `impls` with named guards and actions only
 * @param impls - the implementations the machine was set up with
 * @param options - see {@link CompileOptions}
 * @returns the compiled machine
 * @throws {@link SchedacctError} `unsupported` for features the stepper does not run (parallel or history states,
 *   `always`, `after`, `invoke`, inline or built-in actions, inline guards)
 */
export function compileMachine<C, E extends EventObject, G extends ParamsByName, A extends ParamsByName>(
  machine: MachineDefinition,
  impls: MachineImplementations<C, E, G, A>,
  options: CompileOptions = {},
): CompiledMachine<C, E> {
  const root = machine.root;
  const all: AnyStateNode[] = [];
  const walk = (n: AnyStateNode): void => {
    if (n.type === 'parallel' || n.type === 'history') unsupported(`${n.type} state '${n.id}'`);
    if (n.always !== undefined && n.always.length > 0) unsupported(`'always' on '${n.id}'`);
    if (n.after.length > 0) unsupported(`'after' on '${n.id}'`);
    if (n.invoke.length > 0) unsupported(`'invoke' on '${n.id}'`);
    all.push(n);
    for (const child of Object.values(n.states)) walk(child);
  };
  walk(root);
  const leaves = all.filter((n) => n.type === 'atomic' || n.type === 'final');
  const leafIndex = new Map(leaves.map((n, i) => [n, i]));
  const exitActions = new Map(all.map((n) => [n, n.exit.map((a) => compileAction(a, impls))]));
  const entryActions = new Map(all.map((n) => [n, n.entry.map((a) => compileAction(a, impls))]));

  const compileTransition = (leaf: AnyStateNode, t: AnyTransitionDefinition): CompiledTransition<C, E> => {
    const guardTree = t.guard === undefined ? null : compileGuard(readGuard(t.guard), impls);
    const guard = guardTree === null ? null : guardFunction(guardTree);
    const own = t.actions.map((a) => compileAction(a, impls));
    const target = t.target?.[0];
    if (target === undefined) return { guardTree, guard, actions: own, to: leafIndex.get(leaf) ?? 0 };
    if ((t.target?.length ?? 0) > 1) unsupported('multiple targets');
    // XState v5 transition domain (getTransitionDomain): the source itself when the target lies inside it and the
    // transition does not re-enter; otherwise findLCCA: the nearest proper ancestor of the target that has the
    // source as a proper descendant.
    const domain =
      !t.reenter && (target === t.source || isDescendant(target, t.source))
        ? t.source
        : (ancestors(target)
            .slice(1)
            .find((a) => isDescendant(t.source, a)) ?? root);
    const exited = ancestors(leaf).filter((n) => isDescendant(n, domain));
    const toLeaf = initialLeaf(target);
    const entered = ancestors(toLeaf)
      .filter((n) => isDescendant(n, domain))
      .reverse();
    const actions = [
      ...exited.flatMap((n) => exitActions.get(n) ?? []),
      ...own,
      ...entered.flatMap((n) => entryActions.get(n) ?? []),
    ];
    return { guardTree, guard, actions, to: leafIndex.get(toLeaf) ?? 0 };
  };

  const table: Map<string, CompiledTransition<C, E>[]>[] = leaves.map((leaf) => {
    const byEvent = new Map<string, CompiledTransition<C, E>[]>();
    for (const node of ancestors(leaf)) {
      for (const [eventType, transitions] of node.transitions) {
        if (eventType.includes('*')) unsupported(`wildcard event '${eventType}'`);
        const list = byEvent.get(eventType) ?? [];
        for (const t of transitions) list.push(compileTransition(leaf, t));
        byEvent.set(eventType, list);
      }
    }
    return byEvent;
  });
  const isDone = leaves.map((leaf) => leaf.type === 'final' && leaf.parent === root);
  const paths = leaves.map((leaf) => leaf.path);
  const rootEntry = [root, ...ancestors(initialLeaf(root)).reverse().slice(1)].flatMap(
    (n) => entryActions.get(n) ?? [],
  );

  // The table walked at run time: what runs where code cannot be generated.
  const tableStep: Step<C, E> = (leaf, context, event) => {
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
  const generated = options.generate === false ? undefined : generateStep(table);
  const step = generated ?? tableStep;

  const tables: StepperTables<C, E> = { step, paths, isDone };
  const instance = (leaf: number, context: C): StepperInstance<C, E> => new Stepper(tables, leaf, context);

  return {
    leaves: paths,
    generated: generated !== undefined,
    start(context: C): StepperInstance<C, E> {
      const init = { type: 'xstate.init' } as unknown as E;
      for (const a of rootEntry) a.impl(context, init, a.params);
      return instance(leafIndex.get(initialLeaf(root)) ?? 0, context);
    },
    resume(value: StateValue, context: C): StepperInstance<C, E> {
      const path = pathOf(value).join('.');
      const index = paths.findIndex((p) => p.join('.') === path);
      if (index < 0) throw new SchedacctError('invalid-argument', `no leaf state '${path}' in machine '${root.id}'`);
      return instance(index, context);
    },
  };
}
