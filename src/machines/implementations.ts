/**
 * The guard and action implementations a machine is built from, and their adapters to XState: one set of functions,
 * called by the XState actor (through `setup({ guards, actions })`) and by the compiled stepper alike.
 * @module
 */
import { checkImpls } from '../check.js';
import { assign, type ActionFunction, type EventObject, type MachineContext, type ParameterizedObject } from 'xstate';

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
/**
 * Implementations by name (what a definition names, with the params it gives).
 * @internal
 */
export type ByName<F> = Readonly<Record<string, F | undefined>>;
/**
 * The guards by name.
 * @param impls - the implementations
 * @param impls.guards - the guards
 * @returns them
 * @internal
 */
export function guardsByName<C, E>(impls: { readonly guards: object }): ByName<GuardImpl<C, E, unknown>> {
  return impls.guards as ByName<GuardImpl<C, E, unknown>>;
}
/**
 * The actions by name.
 * @param impls - the implementations
 * @param impls.actions - the actions
 * @returns them
 * @internal
 */
export function actionsByName<C, E>(impls: { readonly actions: object }): ByName<ActionImpl<C, E, unknown>> {
  return impls.actions as ByName<ActionImpl<C, E, unknown>>;
}

/**
 * The guards for `setup({ guards })`: each calls the shared implementation.
 * @param impls - the shared implementations
 * @returns XState guard functions, by name
 * @throws {@link SchedacctError} `invalid-argument` for implementations without a `guards` object
 * @example
 * ```ts
 * import { createActor, setup } from 'xstate';
 * import { createStableReadContext, stableReadImplementations, toXStateActions, toXStateGuards } from 'schedacct';
 * import type { StableReadContext, StableReadEvent } from 'schedacct';
 *
 * const machine = setup({
 *   types: { context: {} as StableReadContext, events: {} as StableReadEvent },
 *   guards: toXStateGuards(stableReadImplementations),
 *   actions: toXStateActions(stableReadImplementations),
 * }).createMachine({ context: createStableReadContext(), on: { stolen: { guard: 'retriesLeft', actions: 'countRetry' } } });
 * const actor = createActor(machine).start();
 * actor.send({ type: 'stolen', value: 2_000_000n });
 * actor.getSnapshot().context.retries; // 1
 * ```
 */
export function toXStateGuards<C, E, G extends ParamsByName>(
  impls: GuardImplementations<C, E, G>,
): XStateGuards<C, E, G> {
  checkImpls('impls', impls, ['guards']);
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
 * @throws {@link SchedacctError} `invalid-argument` for implementations without an `actions` object
 * @example
 * ```ts
 * import { createActor, setup } from 'xstate';
 * import { createStableReadContext, stableReadImplementations, toXStateActions } from 'schedacct';
 * import type { StableReadContext, StableReadEvent } from 'schedacct';
 *
 * const machine = setup({
 *   types: { context: {} as StableReadContext, events: {} as StableReadEvent },
 *   actions: toXStateActions(stableReadImplementations),
 * }).createMachine({ context: createStableReadContext(), on: { counter: { actions: 'keepCounter' } } });
 * const actor = createActor(machine).start();
 * actor.send({ type: 'counter', value: 240_000n });
 * actor.getSnapshot().context.counter; // 240_000n, in a new context object
 * ```
 */
export function toXStateActions<C extends MachineContext, E extends EventObject, A extends ParamsByName>(
  impls: ActionImplementations<C, E, A>,
): XStateActions<C, E, A> {
  checkImpls('impls', impls, ['actions']);
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
 * @throws {@link SchedacctError} `invalid-argument` for implementations without an `actions` object
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
  checkImpls('impls', impls, ['actions']);
  const out: Record<string, (args: XArgs<C, E>, params: unknown) => void> = {};
  for (const [name, impl] of Object.entries(actionsByName<C, E>(impls))) {
    if (impl !== undefined) out[name] = (args, params) => impl(args.context, args.event, params);
  }
  return out as XStateActions<C, E, A>;
}
