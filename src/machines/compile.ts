/**
 * The compiled stepper: runs an XState machine definition as a lookup table over a mutable context, calling the
 * same guard and action implementations the XState actor calls. `actor.send` costs microseconds an event; the
 * stepper costs what the actions cost. No second state machine is written by hand: every state, transition,
 * guard and action comes from walking `machine.root`.
 * @module
 */
import type { EventObject, StateValue } from 'xstate';
import { SchedacctError } from '../errors.js';

/** Any XState machine: only its definition tree (`machine.root`) is read. */
export interface MachineDefinition {
  /** The root state node. */
  readonly root: object;
}

/** A guard implementation: pure, over the context and the event. */
export type GuardImpl<C, E> = (context: C, event: E, params: unknown) => boolean;
/** An action implementation: updates the context in place. */
export type ActionImpl<C, E> = (context: C, event: E, params: unknown) => void;

/**
 * The implementations a machine is built from, shared by the XState actor ({@link toXStateGuards},
 * {@link toXStateActions}) and the stepper ({@link compileMachine}).
 */
export interface MachineImplementations<C, E> {
  /** Named guards. */
  readonly guards: Readonly<Record<string, GuardImpl<C, E>>>;
  /** Named actions. */
  readonly actions: Readonly<Record<string, ActionImpl<C, E>>>;
}

/** What XState passes to a guard or action: the snapshot's context and the event. */
export interface XArgs<C, E> {
  /** The context. */
  readonly context: C;
  /** The event. */
  readonly event: E;
}

/**
 * The guards for `setup({ guards })`: each calls the shared implementation.
 * @param impls - the shared implementations
 * @returns XState guard functions, by name
 */
export function toXStateGuards<C, E>(
  impls: MachineImplementations<C, E>,
): Record<string, (args: XArgs<C, E>, params: unknown) => boolean> {
  const out: Record<string, (args: XArgs<C, E>, params: unknown) => boolean> = {};
  for (const [name, impl] of Object.entries(impls.guards))
    out[name] = (args, params) => impl(args.context, args.event, params);
  return out;
}

/**
 * The actions for `setup({ actions })`: each copies the (flat) context, runs the shared implementation on the
 * copy and returns it through `assign`. Snapshots stay immutable, so XState's pure `machine.transition()`,
 * `xstate/graph` and any snapshot you kept remain correct. This is what the package's machines use.
 * @param impls - the shared implementations
 * @param assign - XState's `assign`
 * @returns XState actions, by name
 */
export function toXStateActions<C extends object, E>(
  impls: MachineImplementations<C, E>,
  assign: (fn: (args: XArgs<C, E>, params: unknown) => C) => unknown,
): Record<string, never> {
  const out: Record<string, unknown> = {};
  for (const [name, impl] of Object.entries(impls.actions)) {
    out[name] = assign((args, params) => {
      const next = { ...args.context };
      impl(next, args.event, params);
      return next;
    });
  }
  return out as Record<string, never>;
}

/**
 * Faster actions that run the shared implementation on the actor's context in place, as the stepper does (about
 * half the cost per event of {@link toXStateActions}). Only for an actor whose old snapshots nobody keeps: it breaks
 * the purity of `machine.transition()` and `xstate/graph`, which apply several events to one snapshot.
 * @param impls - the shared implementations
 * @returns XState actions, by name
 * @example
 * ```ts
 * const fast = taskMachine.provide({ actions: toXStateInPlaceActions(taskImplementations) });
 * const actor = createActor(fast, { input }).start(); // persist with stringifySnapshot(actor.getPersistedSnapshot())
 * ```
 */
export function toXStateInPlaceActions<C, E>(impls: MachineImplementations<C, E>): Record<string, never> {
  const out: Record<string, (args: XArgs<C, E>, params: unknown) => void> = {};
  for (const [name, impl] of Object.entries(impls.actions))
    out[name] = (args, params) => impl(args.context, args.event, params);
  return out as Record<string, never>;
}

/** Minimal view of an XState state node, as the compiler reads it. */
interface Node {
  readonly key: string;
  readonly id: string;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly path: readonly string[];
  readonly parent?: Node;
  readonly states: Readonly<Record<string, Node>>;
  readonly entry: readonly unknown[];
  readonly exit: readonly unknown[];
  readonly transitions: ReadonlyMap<string, readonly Transition[]>;
  readonly always?: readonly unknown[] | undefined;
  readonly after: readonly unknown[];
  readonly invoke: readonly unknown[];
  readonly initial: { readonly target: readonly Node[] };
}

interface Transition {
  readonly target: readonly Node[] | undefined;
  readonly source: Node;
  readonly actions: readonly unknown[];
  readonly reenter: boolean;
  readonly guard?: unknown;
  readonly eventType: string;
}

type CompiledGuard<C, E> = (context: C, event: E) => boolean;
interface CompiledAction<C, E> {
  readonly impl: ActionImpl<C, E>;
  readonly params: unknown;
}
interface CompiledTransition<C, E> {
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

function compileGuard<C, E>(guard: unknown, impls: MachineImplementations<C, E>): CompiledGuard<C, E> {
  if (typeof guard === 'string' || (typeof guard === 'object' && guard !== null && 'type' in guard)) {
    const type = typeof guard === 'string' ? guard : String(guard.type);
    const params = typeof guard === 'string' ? undefined : (guard as { params?: unknown }).params;
    if (typeof params === 'function') unsupported(`dynamic params of guard '${type}'`);
    const impl = impls.guards[type];
    if (impl === undefined) throw new SchedacctError('invalid-argument', `guard '${type}' has no implementation`);
    if (params === undefined) return impl as CompiledGuard<C, E>; // no wrapper: params are undefined anyway
    return (c, e) => impl(c, e, params);
  }
  if (typeof guard === 'function' && 'guards' in guard && Array.isArray(guard.guards)) {
    const parts = (guard.guards as unknown[]).map((g) => compileGuard(g, impls));
    const [first] = parts;
    if (guard.name === 'not' && first !== undefined) return (c, e) => !first(c, e);
    if (guard.name === 'and') return (c, e) => parts.every((p) => p(c, e));
    if (guard.name === 'or') return (c, e) => parts.some((p) => p(c, e));
  }
  return unsupported('an inline guard function');
}

function compileAction<C, E>(action: unknown, impls: MachineImplementations<C, E>): CompiledAction<C, E> {
  if (typeof action === 'string' || (typeof action === 'object' && action !== null && 'type' in action)) {
    const type = typeof action === 'string' ? action : String(action.type);
    const params = typeof action === 'string' ? undefined : (action as { params?: unknown }).params;
    if (typeof params === 'function') unsupported(`dynamic params of action '${type}'`);
    const impl = impls.actions[type];
    if (impl === undefined) throw new SchedacctError('invalid-argument', `action '${type}' has no implementation`);
    return { impl, params };
  }
  return unsupported('an inline or built-in action');
}

function ancestors(node: Node): Node[] {
  const out: Node[] = [];
  for (let n: Node | undefined = node; n !== undefined; n = n.parent) out.push(n);
  return out; // node first, root last
}

function isDescendant(node: Node, of: Node): boolean {
  for (let n = node.parent; n !== undefined; n = n.parent) if (n === of) return true;
  return false;
}

function initialLeaf(node: Node): Node {
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

/** A machine compiled to a table. */
export interface CompiledMachine<C, E> {
  /** Every leaf state's path, indexed as the table is. */
  readonly leaves: readonly (readonly string[])[];
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

/**
 * Compiles a machine definition into a table-driven stepper: for every leaf state and event type, the candidate
 * transitions in XState's priority order (deepest state first, then document order), with guards, exit, transition
 * and entry actions resolved to the shared implementations.
 * @param machine - an XState machine built from `impls` with named guards and actions only
 * @param impls - the implementations the machine was set up with
 * @returns the compiled machine
 * @throws {@link SchedacctError} `unsupported` for features the stepper does not run (parallel or history states,
 *   `always`, `after`, `invoke`, inline or built-in actions, inline guards)
 */
export function compileMachine<C, E extends EventObject>(
  machine: MachineDefinition,
  impls: MachineImplementations<C, E>,
): CompiledMachine<C, E> {
  const root = machine.root as unknown as Node;
  const all: Node[] = [];
  const walk = (n: Node): void => {
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

  const compileTransition = (leaf: Node, t: Transition): CompiledTransition<C, E> => {
    const guard = t.guard === undefined ? null : compileGuard(t.guard, impls);
    const own = t.actions.map((a) => compileAction(a, impls));
    const target = t.target?.[0];
    if (target === undefined) return { guard, actions: own, to: leafIndex.get(leaf) ?? 0 };
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
    return { guard, actions, to: leafIndex.get(toLeaf) ?? 0 };
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

  const instance = (leaf: number, context: C): StepperInstance<C, E> => {
    let current = leaf;
    return {
      context,
      get path() {
        return paths[current] ?? [];
      },
      get value() {
        return valueOf(paths[current] ?? []);
      },
      get done() {
        return isDone[current] ?? false;
      },
      send(event: E): boolean {
        if (isDone[current] === true) return false;
        const candidates = table[current]?.get(event.type);
        if (candidates === undefined) return false;
        for (let i = 0; i < candidates.length; i++) {
          const t = candidates[i] as CompiledTransition<C, E>;
          if (t.guard !== null && !t.guard(context, event)) continue;
          const actions = t.actions;
          for (let j = 0; j < actions.length; j++) {
            const a = actions[j] as CompiledAction<C, E>;
            a.impl(context, event, a.params);
          }
          current = t.to;
          return true;
        }
        return false;
      },
    };
  };

  return {
    leaves: paths,
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
