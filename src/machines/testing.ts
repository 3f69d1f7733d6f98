/**
 * Helpers for testing machines: event generators relative to a task's last reading, and the list of every
 * transition a machine defines. Used by this package's tests; exported for simulator authors who test their own
 * drivers against the model.
 * @module
 */
import type { AnyStateNode, AnyTransitionDefinition } from 'xstate';
import type { ReadingValue } from '../accounting/reading.js';
import type { MachineDefinition } from './compile.js';
import type { TaskContext, TaskEvent, TaskReading } from './task.js';

/** How a generated reading relates to the task's last one. */
export type ReadingVariant = 'normal' | 'counter-backwards' | 'inconsistent' | 'steal-jump' | 'steal-backwards';

/** Every {@link ReadingVariant}. */
export const READING_VARIANTS: readonly ReadingVariant[] = [
  'normal',
  'counter-backwards',
  'inconsistent',
  'steal-jump',
  'steal-backwards',
];

// `value + delta` in the value's own representation, never below 0.
function plus(value: ReadingValue, delta: number): ReadingValue {
  if (typeof value === 'number') return Math.max(0, value + delta);
  const sum = value + BigInt(delta);
  return sum < 0n ? 0n : sum;
}

/**
 * A reading relative to the context's last one: 1000 ticks later with 100 ns stolen, or the given anomaly. Its
 * values are bigints or numbers as the context's last reading was.
 * @param context - the task's context
 * @param variant - which kind of reading
 * @returns the reading
 */
export function nextReading(context: TaskContext, variant: ReadingVariant): TaskReading {
  const counter = context.lastCounter;
  const stolen = context.lastStolenNs;
  const cpu = context.cpu < 0 ? 0 : context.cpu;
  switch (variant) {
    case 'counter-backwards':
      return { counter: plus(counter, -1), stolenTotalNs: stolen, cpu };
    case 'inconsistent':
      return { counter: plus(counter, 1000), stolenTotalNs: plus(stolen, 100), cpu, consistent: false };
    case 'steal-jump':
      return { counter: plus(counter, 1000), stolenTotalNs: plus(stolen, 5000), cpu };
    case 'steal-backwards':
      return { counter: plus(counter, 1000), stolenTotalNs: plus(stolen, -1), cpu };
    default:
      return { counter: plus(counter, 1000), stolenTotalNs: plus(stolen, 100), cpu };
  }
}

/**
 * Every task event type with every reading variant (and both kinds of block), relative to the context.
 * @param context - the task's context
 * @returns the events
 */
export function taskEventsFrom(context: TaskContext): TaskEvent[] {
  const out: TaskEvent[] = [];
  for (const variant of READING_VARIANTS) {
    const reading = nextReading(context, variant);
    out.push(
      { type: 'create', reading },
      { type: 'wakeup', reading },
      { type: 'dispatch', reading },
      { type: 'preempt', reading },
      { type: 'block', reading, state: 'S' },
      { type: 'block', reading, state: 'D' },
      { type: 'migrate', reading, toCpu: reading.cpu === 0 ? 1 : 0 },
      { type: 'exit', reading },
    );
  }
  return out;
}

/**
 * A stable key for each transition definition: `source id:event:index`.
 * @param machine - the machine
 * @returns every transition's key, in definition order
 */
export function transitionKeys(machine: MachineDefinition): string[] {
  const keys: string[] = [];
  const walk = (node: AnyStateNode): void => {
    for (const [event, transitions] of node.transitions)
      transitions.forEach((_t, i) => keys.push(`${node.id}:${event}:${String(i)}`));
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  return keys;
}

/** A transition definition, as {@link transitionKey} reads it (XState's `TransitionDefinition`). */
export type TransitionRef = AnyTransitionDefinition;

/** The state node that defines a transition (XState's `StateNode`). */
export type TransitionSource = AnyStateNode;

/**
 * The key (as {@link transitionKeys} writes it) of a transition definition.
 * @param transition - a transition definition, as `machine.getTransitionData` returns it
 * @returns its key
 */
export function transitionKey(transition: AnyTransitionDefinition): string {
  const event = String(transition.eventType);
  const index = transition.source.transitions.get(event)?.indexOf(transition) ?? -1;
  return `${transition.source.id}:${event}:${String(index)}`;
}
