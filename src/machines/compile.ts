/**
 * The compiled stepper: runs an XState machine definition as a lookup table over a mutable context, calling the
 * same guard and action implementations the XState actor calls. `actor.send` costs microseconds an event; the
 * stepper costs what the actions cost. No second state machine is written by hand: every state, transition,
 * guard and action comes from walking `machine.root`.
 * @module
 */
import { checkImpls, checkMachine, checkObject, checkOptions, checkString } from '../check.js';
import {
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  type EventObject,
  type StateValue,
} from 'xstate';
import { SchedacctError } from '../errors.js';
import { readGuard } from './definition.js';
import {
  compileAction,
  compileGuard,
  generateStep,
  tableStep,
  guardFunction,
  unsupported,
  type CompiledTransition,
  type Step,
} from './codegen.js';
import type { MachineImplementations, ParamsByName } from './implementations.js';

export {
  toXStateActions,
  toXStateGuards,
  toXStateInPlaceActions,
  type ActionImpl,
  type ActionImplementations,
  type ActionImpls,
  type GuardImpl,
  type GuardImplementations,
  type GuardImpls,
  type MachineImplementations,
  type NoneByName,
  type ParamsByName,
  type XArgs,
  type XStateActions,
  type XStateGuards,
} from './implementations.js';

/** Any XState machine, as far as it is read: its definition tree, `machine.root` (XState's `StateNode`s). */
export type MachineDefinition = Pick<AnyStateMachine, 'root'>;

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
   * @throws {@link SchedacctError} `invalid-argument` for an event that is not an object with a string `type`
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
   * @throws {@link SchedacctError} `invalid-argument` for a context that is not an object
   */
  start(context: C): StepperInstance<C, E>;
  /**
   * Resumes an instance at a given state.
   * @param value - the state value (as from an XState snapshot)
   * @param context - the context (taken over and mutated)
   * @returns the instance
   * @throws {@link SchedacctError} `invalid-argument` for a context that is not an object, or a state the machine does
   *   not have
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
    checkObject('context', context);
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
    checkObject('event', event);
    checkString('event.type', event.type);
    const tables = this.#tables;
    if (tables.isDone[this.#leaf] === true) return false;
    const next = tables.step(this.#leaf, this.context, event);
    if (next < 0) return false;
    this.#leaf = next;
    return true;
  }
}

// compileMachine's arguments checked, and the machine's root.
function checkedRoot(machine: MachineDefinition, impls: unknown, options: unknown): AnyStateNode {
  checkMachine('machine', machine);
  checkImpls('impls', impls, ['guards', 'actions']);
  checkOptions('options', options);
  return machine.root;
}

// Every state node of a machine, the root first; throws for what the stepper does not run.
function statesOf(root: AnyStateNode): AnyStateNode[] {
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
  return all;
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
 * @example
 * ```ts
 * const run = compileMachine(stableReadMachine, stableReadImplementations).start(createStableReadContext());
 * run.send({ type: 'stolen', value: 2_000_000n });
 * run.send({ type: 'counter', value: 240_000n });
 * run.send({ type: 'stolen', value: 2_000_000n }); // true: a transition was taken
 * run.value; // 'consistent'
 * run.done; // true
 * ```
 */
export function compileMachine<C, E extends EventObject, G extends ParamsByName, A extends ParamsByName>(
  machine: MachineDefinition,
  impls: MachineImplementations<C, E, G, A>,
  options: CompileOptions = {},
): CompiledMachine<C, E> {
  const root = checkedRoot(machine, impls, options);
  const all = statesOf(root);
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

  const generated = options.generate === false ? undefined : generateStep(table);
  const tables: StepperTables<C, E> = { step: generated ?? tableStep(table), paths, isDone };
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
