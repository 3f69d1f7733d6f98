/**
 * Helpers for testing machines: event generators relative to a task's last reading, and the list of every
 * transition a machine defines. Used by this package's tests; exported for simulator authors who test their own
 * drivers against the model.
 * @module
 */
import { argError, checkMachine, checkObject, checkOneOf, checkReadingArg } from '../check.js';
import type { AnyStateNode, AnyTransitionDefinition } from 'xstate';
import type { ReadingValue } from '../accounting/reading.js';
import type { MachineDefinition } from './compile.js';
import type { TaskContext, TaskEvent, TaskReading } from './task.js';

/** How a generated reading relates to the task's last one. */
export type ReadingVariant = 'normal' | 'counter-backwards' | 'inconsistent' | 'steal-jump' | 'steal-backwards';

/**
 * Every {@link ReadingVariant}.
 * @example
 * ```ts
 * READING_VARIANTS; // ['normal', 'counter-backwards', 'inconsistent', 'steal-jump', 'steal-backwards']
 * ```
 */
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

// A task context as far as the readings go: its last counter and stolen total, and its CPU.
function checkTaskContext(param: string, context: unknown): void {
  checkObject(param, context);
  checkReadingArg(`${param}.lastCounter`, context.lastCounter);
  checkReadingArg(`${param}.lastStolenNs`, context.lastStolenNs);
  if (!Number.isSafeInteger(context.cpu))
    throw argError('invalid-argument', `${param}.cpu`, 'a whole number', context.cpu);
}

/**
 * A reading relative to the context's last one: 1000 ticks later with 100 ns stolen, or the given anomaly. Its
 * values are bigints or numbers as the context's last reading was.
 * @param context - the task's context
 * @param variant - which kind of reading
 * @returns the reading
 * @throws {@link SchedacctError} `invalid-argument` for a context that is not a task machine's or an unknown variant
 * @example
 * ```ts
 * const task = compileTaskMachine().start(createTaskContext({ task: 42, counterHz: 24_000_000 }));
 * task.send({ type: 'dispatch', reading: { counter: 240_000n, stolenTotalNs: 2_000_000n, cpu: 1 } });
 * nextReading(task.context, 'normal'); // { counter: 241_000n, stolenTotalNs: 2_000_100n, cpu: 1 }
 * nextReading(task.context, 'counter-backwards').counter; // 239_999n
 * ```
 */
export function nextReading(context: TaskContext, variant: ReadingVariant): TaskReading {
  checkTaskContext('context', context);
  checkOneOf('variant', variant, READING_VARIANTS);
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
 * @throws {@link SchedacctError} `invalid-argument` for a context that is not a task machine's
 * @example
 * ```ts
 * const events = taskEventsFrom(createTaskContext({ task: 42, counterHz: 24_000_000 }));
 * events.length; // 40: 8 events (two kinds of block) × 5 reading variants
 * ```
 */
export function taskEventsFrom(context: TaskContext): TaskEvent[] {
  checkTaskContext('context', context);
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
 * @throws {@link SchedacctError} `invalid-argument` for a machine that is not an XState machine
 * @example
 * ```ts
 * transitionKeys(stableReadMachine);
 * // ['stableRead.readStolenBefore:stolen:0', 'stableRead.readCounter:counter:0', 'stableRead.readStolenAfter:stolen:0', …]
 * ```
 */
export function transitionKeys(machine: MachineDefinition): string[] {
  checkMachine('machine', machine);
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
 * @throws {@link SchedacctError} `invalid-argument` for a value that is not a transition of a machine
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { vcpuMachine } from 'schedacct';
 * import { transitionKey } from 'schedacct/testing';
 *
 * const snapshot = createActor(vcpuMachine, { input: { vcpu: 0 } }).getSnapshot();
 * vcpuMachine.getTransitionData(snapshot, { type: 'deschedule', atNs: 1_000 }).map(transitionKey); // ['vcpu.running:deschedule:1']
 * ```
 */
export function transitionKey(transition: AnyTransitionDefinition): string {
  const value: unknown = transition;
  checkObject('transition', value);
  const source = value.source;
  if (
    typeof source !== 'object' ||
    source === null ||
    !((source as { transitions?: unknown }).transitions instanceof Map)
  )
    throw argError('invalid-argument', 'transition', 'a transition of a machine (getTransitionData)', transition);
  const event = String(transition.eventType);
  const index = transition.source.transitions.get(event)?.indexOf(transition) ?? -1;
  return `${transition.source.id}:${event}:${String(index)}`;
}
