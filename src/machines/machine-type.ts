/**
 * The XState types the package's machines are spelled out with. Declarations are emitted without inference
 * (`isolatedDeclarations`), so an exported machine needs a written type; these make that type precise enough that
 * the machine `setup(…).createMachine({…})` returns is assignable to it without a cast: the guards and actions with
 * their params, and the state value, which XState compares both ways (a state added to or missing from the
 * definition fails to compile until the written state value says so too).
 * @module
 */
import type {
  Action,
  EventObject,
  MachineContext,
  MetaObject,
  NonReducibleUnknown,
  SetupReturn,
  StateMachine,
  StateSchema,
  StateValue,
  TransitionConfig,
} from 'xstate';
import type { NoneByName, ParamsByName } from './compile.js';

/**
 * The `{ type, params }` objects of named guards or actions, as XState's `setup` derives them from the implementations.
 * @example
 * ```ts
 * type A = Parameterized<{ go: { to: string }; stop: undefined }>;
 * // { type: 'go'; params: { to: string } } | { type: 'stop'; params: undefined }
 * ```
 */
export type Parameterized<M extends ParamsByName> = {
  [K in keyof M & string]: {
    /** The name. */
    type: K;
    /** Its params. */
    params: M[K];
  };
}[keyof M & string];

/**
 * An XState machine over context `C`, events `E` and input `I`, with the guards `G` and actions `A` (their params by
 * name) and the state value `V`: the type `setup({ types, guards, actions }).createMachine({…})` returns for such a
 * definition (one with no actors, delays, tags, output or meta).
 */
export type Machine<
  C extends MachineContext,
  E extends EventObject,
  I,
  G extends ParamsByName = ParamsByName,
  A extends ParamsByName = ParamsByName,
  V extends StateValue = StateValue,
> = StateMachine<
  C,
  E,
  NoneByName,
  never,
  Parameterized<A>,
  Parameterized<G>,
  never,
  V,
  string,
  I,
  NonReducibleUnknown,
  EventObject,
  MetaObject,
  StateSchema
>;

/**
 * What `setup({ types, guards, actions })` returns for context `C`, events `E`, input `I`, guards `G` and actions `A`:
 * its `createMachine` checks every guard and action a definition names, and their params.
 */
export type MachineSetup<
  C extends MachineContext,
  E extends EventObject,
  I,
  G extends ParamsByName,
  A extends ParamsByName,
> = SetupReturn<C, E, NoneByName, NoneByName, A, G, never, string, I, NonReducibleUnknown, EventObject, MetaObject>;

/** The dotted path of every state in a state value: `'running' | 'blocked' | 'blocked.sleep' | …`. */
export type StatePath<V extends StateValue> = V extends string
  ? V
  : { [K in keyof V & string]: K | `${K}.${StatePath<NonNullable<V[K]>>}` }[keyof V & string];

/**
 * A target a transition of a top-level state may name: another top-level state, or any state by its id path
 * (`#task.blocked.sleep`). XState types every target as a `string`; this is the check it leaves out, derived from
 * the machine's written state value.
 */
export type Target<Id extends string, V extends StateValue> =
  (V extends string ? V : keyof V & string) | `#${Id}.${StatePath<V>}`;

/** A transition of a machine's definition whose target, guard, actions and params are checked. */
export type TransitionOf<
  C extends MachineContext,
  E extends EventObject,
  G extends ParamsByName,
  A extends ParamsByName,
  T extends string,
> = TransitionConfig<C, E, E, never, Parameterized<A>, Parameterized<G>, never> & {
  readonly target?: T;
};

/** An action as a definition may name it: by name, or as `{ type, params }`. */
export type ActionOf<
  C extends MachineContext,
  E extends EventObject,
  G extends ParamsByName,
  A extends ParamsByName,
> = Action<C, E, E, undefined, never, Parameterized<A>, Parameterized<G>, never, EventObject>;
