/**
 * The one spelled-out XState machine type the package's machines share (declarations are emitted without
 * inference, so exported machines need an explicit type).
 * @module
 */
import type {
  AnyActorRef,
  EventObject,
  MachineContext,
  MetaObject,
  ParameterizedObject,
  ProvidedActor,
  StateMachine,
  StateSchema,
  StateValue,
} from 'xstate';

/** An XState machine over context `C`, events `E` and input `I`, with named guards and actions. */
export type Machine<C extends MachineContext, E extends EventObject, I> = StateMachine<
  C,
  E,
  Record<string, AnyActorRef | undefined>,
  ProvidedActor,
  ParameterizedObject,
  ParameterizedObject,
  string,
  StateValue,
  string,
  I,
  unknown,
  EventObject,
  MetaObject,
  StateSchema
>;
