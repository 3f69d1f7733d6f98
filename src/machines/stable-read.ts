/**
 * The Arm PV-time stable read as a machine, so the docs can draw it: read stolen → read the counter → read stolen
 * again → if both stolen reads agree the snapshot is consistent, else retry, up to a bound. The machine is fed the
 * values read; {@link stableReadByMachine} drives it with reader functions and gives the same result as
 * `stableRead` in the accounting core.
 * @module
 */
import { checkFunction, checkOptions } from '../check.js';
import { setup } from 'xstate';
import { DEFAULT_MAX_RETRIES, type ConsistentReading } from '../accounting/consistent-read.js';
import { SchedacctError } from '../errors.js';
import {
  compileMachine,
  toXStateActions,
  toXStateGuards,
  type CompiledMachine,
  type MachineImplementations,
} from './compile.js';
import type { Machine, MachineSetup, Target, TransitionOf } from './machine-type.js';

/** An event of the stable-read machine: a value was read. */
export interface StableReadEvent {
  /** Which value: the stolen total or the counter. */
  readonly type: 'stolen' | 'counter';
  /** The value read. */
  readonly value: bigint;
}

/** Configuration. */
export interface StableReadInput {
  /** Retries allowed after the first attempt (default 16). */
  readonly maxRetries?: number;
}

/** Context: the attempt's values and the retry count. */
export interface StableReadContext {
  /** Retries allowed. */
  readonly maxRetries: number;
  /** Retries so far. */
  retries: number;
  /** Stolen total read before the counter. */
  stolenBefore: bigint;
  /** Counter read. */
  counter: bigint;
  /** Stolen total read after the counter. */
  stolenAfter: bigint;
}

/**
 * The initial context.
 * @param input - the configuration
 * @returns a fresh context
 * @throws {@link SchedacctError} `invalid-argument` for a bad retry bound
 * @example
 * ```ts
 * createStableReadContext({ maxRetries: 3 }); // { maxRetries: 3, retries: 0, stolenBefore: 0n, counter: 0n, stolenAfter: 0n }
 * ```
 */
export function createStableReadContext(input: StableReadInput = {}): StableReadContext {
  checkOptions('input', input);
  const maxRetries = input.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new SchedacctError('invalid-argument', `maxRetries must be a whole number ≥ 0, got ${String(maxRetries)}`);
  }
  return { maxRetries, retries: 0, stolenBefore: 0n, counter: 0n, stolenAfter: 0n };
}

/** The stable-read machine's guards, by name, and the params each takes (none). */
export type StableReadGuardParams = {
  /** The stolen value read after the counter equals the one read before it. */
  stolenUnchanged: undefined;
  /** Another attempt is allowed. */
  retriesLeft: undefined;
};

/** The stable-read machine's actions, by name, and the params each takes (none). */
export type StableReadActionParams = {
  /** Keeps the stolen total read before the counter. */
  keepStolenBefore: undefined;
  /** Keeps the counter read. */
  keepCounter: undefined;
  /** Keeps the stolen total read after the counter. */
  keepStolenAfter: undefined;
  /** Counts a retry. */
  countRetry: undefined;
};

/**
 * Guard and action implementations, shared by the XState machine and the compiled stepper.
 * @example
 * ```ts
 * const context = createStableReadContext();
 * stableReadImplementations.actions.keepStolenBefore(context, { type: 'stolen', value: 2_000_000n }, undefined);
 * stableReadImplementations.guards.stolenUnchanged(context, { type: 'stolen', value: 2_000_000n }, undefined); // true
 * ```
 */
export const stableReadImplementations: MachineImplementations<
  StableReadContext,
  StableReadEvent,
  StableReadGuardParams,
  StableReadActionParams
> = {
  guards: {
    // The stolen value read after the counter equals the one read before it.
    stolenUnchanged: (c, e) => e.value === c.stolenBefore,
    // Another attempt is allowed.
    retriesLeft: (c) => c.retries < c.maxRetries,
  },
  actions: {
    keepStolenBefore: (c, e) => {
      c.stolenBefore = e.value;
    },
    keepCounter: (c, e) => {
      c.counter = e.value;
    },
    keepStolenAfter: (c, e) => {
      c.stolenAfter = e.value;
    },
    countRetry: (c) => {
      c.retries++;
    },
  },
};

/** The stable-read machine's state value: the step of the read. */
export type StableReadStateValue = 'readStolenBefore' | 'readCounter' | 'readStolenAfter' | 'consistent' | 'exhausted';

/** A target a transition of the stable-read machine may name (XState types targets as any string; this checks them). */
export type StableReadTarget = Target<'stableRead', StableReadStateValue>;

/** The stable-read machine's type. */
export type StableReadMachine = Machine<
  StableReadContext,
  StableReadEvent,
  StableReadInput,
  StableReadGuardParams,
  StableReadActionParams,
  StableReadStateValue
>;

/** The stable-read machine's setup: its `createMachine` checks the guards and actions a definition names. */
export const stableReadSetup: MachineSetup<
  StableReadContext,
  StableReadEvent,
  StableReadInput,
  StableReadGuardParams,
  StableReadActionParams
> = setup({
  // Every field of StableReadInput is optional, so the rule takes `{} as StableReadInput` for a no-op: it names the
  // input type, as the other machines' setups do.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  types: { context: {} as StableReadContext, events: {} as StableReadEvent, input: {} as StableReadInput },
  guards: toXStateGuards(stableReadImplementations),
  actions: toXStateActions(stableReadImplementations),
});

type StableReadTransition = TransitionOf<
  StableReadContext,
  StableReadEvent,
  StableReadGuardParams,
  StableReadActionParams,
  StableReadTarget
>;
// A transition, its target checked (XState types targets as any string).
const edge = (transition: StableReadTransition): StableReadTransition => transition;

/**
 * The stable read.
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { stableReadMachine } from 'schedacct';
 *
 * const actor = createActor(stableReadMachine, { input: { maxRetries: 1 } }).start();
 * actor.send({ type: 'stolen', value: 2_000_000n });
 * actor.send({ type: 'counter', value: 240_000n });
 * actor.send({ type: 'stolen', value: 2_000_000n });
 * actor.getSnapshot().value; // 'consistent'
 * ```
 */
export const stableReadMachine: StableReadMachine = stableReadSetup.createMachine({
  id: 'stableRead',
  context: ({ input }) => createStableReadContext(input),
  initial: 'readStolenBefore',
  states: {
    readStolenBefore: { on: { stolen: edge({ target: 'readCounter', actions: ['keepStolenBefore'] }) } },
    readCounter: { on: { counter: edge({ target: 'readStolenAfter', actions: ['keepCounter'] }) } },
    readStolenAfter: {
      on: {
        stolen: [
          edge({ guard: 'stolenUnchanged', target: 'consistent', actions: ['keepStolenAfter'] }),
          edge({ guard: 'retriesLeft', target: 'readStolenBefore', actions: ['keepStolenAfter', 'countRetry'] }),
          edge({ target: 'exhausted', actions: ['keepStolenAfter'] }),
        ],
      },
    },
    consistent: { type: 'final', description: 'Steal did not change around the counter read.' },
    exhausted: { type: 'final', description: 'The retry bound ran out: an anomaly for the caller to record.' },
  },
});

let compiled: CompiledMachine<StableReadContext, StableReadEvent> | undefined;

/**
 * Takes a stable read by running the machine (compiled) against reader functions.
 * @param readStolen - reads the stolen total, ns
 * @param readCounter - reads the raw counter
 * @param maxRetries - retries allowed after the first attempt (default 16)
 * @returns the snapshot, as the core's `stableRead` returns it
 * @throws {@link SchedacctError} `invalid-argument` for a bad retry bound
 * @example
 * ```ts
 * let counter = 1_000n;
 * stableReadByMachine(() => 2_000_000n, () => (counter += 24n)); // { counter: 1_024n, stolenTotalNs: 2_000_000n, retries: 0, consistent: true }
 * ```
 */
export function stableReadByMachine(
  readStolen: () => bigint,
  readCounter: () => bigint,
  maxRetries: number = DEFAULT_MAX_RETRIES,
): ConsistentReading {
  checkFunction('readStolen', readStolen);
  checkFunction('readCounter', readCounter);
  compiled ??= compileMachine(stableReadMachine, stableReadImplementations);
  const run = compiled.start(createStableReadContext({ maxRetries }));
  while (!run.done) {
    if (run.path[0] === 'readCounter') run.send({ type: 'counter', value: readCounter() });
    else run.send({ type: 'stolen', value: readStolen() });
  }
  const c = run.context;
  return {
    counter: c.counter,
    stolenTotalNs: c.stolenAfter,
    retries: c.retries,
    consistent: run.path[0] === 'consistent',
  };
}
