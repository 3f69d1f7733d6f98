// The walked example of docs/generated/algorithm.md: the README's quickstart (task 42 on a 24 MHz Arm generic timer,
// counter 1 000 → 241 000, stolen total 5 → 7 ms, charged 8 ms) driven through the task machine with readings from
// the emulated Arm PV-time backend, then two more slices for the clamp and carry against drop.
import { createActor } from 'xstate';
import { counterMask, counterWidthForHz } from '../src/accounting/counter.ts';
import type { StealPolicy } from '../src/accounting/steal.ts';
import { toXStateActions, toXStateGuards } from '../src/machines/implementations.ts';
import { taskImplementations, taskMachine, taskTotals } from '../src/machines/task.ts';
import { createEmulatedSource } from '../src/sources/emulated.ts';
import { consistentReadOf } from '../src/sources/types.ts';

/** The quickstart's task and clock. */
export const WALK_TASK = 42;
/** Hz of the Arm generic timer the quickstart names. */
export const WALK_COUNTER_HZ = 24_000_000;
/** Counter width Linux picks for it (56 bits). */
export const WALK_WIDTH_BITS: number = counterWidthForHz(WALK_COUNTER_HZ);

const MS = 1_000_000;
/** When the host deschedules the vCPU (host ns): 5 ms before the task exists, 2 ms in slice 1, 30 ms at slice 2's end. */
export const WALK_STEALS: readonly { readonly startNs: number; readonly endNs: number }[] = [
  { startNs: 0, endNs: 5 * MS },
  { startNs: 11 * MS, endNs: 13 * MS },
  { startNs: 20 * MS, endNs: 50 * MS },
];
// Started this many ticks before the 56-bit wrap, the counter reads the quickstart's 1 000 at host 5 ms.
const TICKS_BEFORE_SWITCH_IN = 5n * BigInt(WALK_COUNTER_HZ / 1000) - 1_000n;
/** The emulated counter's value at host time 0. */
export const WALK_COUNTER_START: bigint =
  (counterMask(WALK_WIDTH_BITS) + 1n - TICKS_BEFORE_SWITCH_IN) & counterMask(WALK_WIDTH_BITS);

/** One event of the walk with the reading the guest took for it. */
export interface WalkEvent {
  /** The task machine's event type. */
  readonly type: 'create' | 'dispatch' | 'preempt';
  /** Which slice it opens or closes (0: before any). */
  readonly slice: number;
  /** Host time the counter was read, ns. */
  readonly hostNs: number;
  /** The counter, ticks. */
  readonly counter: bigint;
  /** The stolen total the Arm PV-time structure showed, ns. */
  readonly stolenTotalNs: bigint;
  /** How it was read. */
  readonly how: 'stable-read' | 'unprotected';
}

/** The walk's events: each reading taken from the emulated backend as the guest would take it. */
export function walkEvents(): WalkEvent[] {
  const src = createEmulatedSource({
    abi: 'arm64',
    pattern: { kind: 'schedule', intervals: WALK_STEALS },
    counterHz: WALK_COUNTER_HZ,
    counterStart: WALK_COUNTER_START,
  });
  const events: WalkEvent[] = [];
  const take = (type: WalkEvent['type'], slice: number): void => {
    const r = consistentReadOf(src); // the Arm stable read: retried while the total changes around the counter
    const hostNs = src.host.hostNs;
    events.push({ type, slice, hostNs, counter: r.counter, stolenTotalNs: r.stolenTotalNs, how: 'stable-read' });
  };
  src.advance?.(5 * MS); // the host's first steal, before the task exists
  take('create', 0);
  take('dispatch', 1);
  src.advance?.(10 * MS); // slice 1: 10 ms of wall time, 2 ms of it stolen
  take('preempt', 1);
  src.advance?.(1 * MS);
  take('dispatch', 2);
  src.advance?.(4 * MS);
  // Slice 2 ends with a pair read without the protocol: the counter, then a 30 ms stall, then the stolen total.
  const counter = src.counter.readCounter();
  const hostNs = src.host.hostNs;
  src.advance?.(30 * MS);
  const stolenTotalNs = src.stolen.readStolen();
  events.push({ type: 'preempt', slice: 2, hostNs, counter, stolenTotalNs, how: 'unprotected' });
  src.advance?.(1 * MS);
  take('dispatch', 3);
  src.advance?.(4 * MS); // slice 3: 4 ms, nothing stolen; under carry the excess of slice 2 is charged here
  take('preempt', 3);
  return events;
}

/** A guard the machine evaluated or an action it ran, in order. */
export type WalkStep =
  | { readonly kind: 'guard'; readonly name: string; readonly result: boolean }
  | { readonly kind: 'action'; readonly name: string; readonly params: unknown };

/** The machine after one event. */
export interface WalkState {
  /** The event. */
  readonly event: WalkEvent;
  /** The guards and actions of the task machine's implementations, as XState called them. */
  readonly steps: readonly WalkStep[];
  /** The state value after it. */
  readonly state: string;
  /** The task's totals after it (the ledger's account). */
  readonly runNs: number;
  /** Stolen ns subtracted so far. */
  readonly stolenNs: number;
  /** Charged ns so far. */
  readonly chargedNs: number;
  /** Steal observed, accounted, carried and dropped so far (the task's steal bookkeeping). */
  readonly observedNs: number;
  /** Steal accounted so far. */
  readonly accountedNs: number;
  /** Steal carried to the next slice. */
  readonly carriedNs: number;
  /** Steal dropped. */
  readonly droppedNs: number;
  /** Anomalies recorded so far, by kind. */
  readonly anomalies: readonly string[];
}

type Impl = (...args: unknown[]) => unknown;

// The task machine's own implementations, each call noted before it runs (the machine and its order are untouched).
function recorded(steps: WalkStep[]): typeof taskImplementations {
  const wrap = (impls: object, kind: 'guard' | 'action'): Record<string, Impl> =>
    Object.fromEntries(
      Object.entries(impls as Record<string, Impl>).map(([name, impl]) => [
        name,
        (...args: unknown[]) => {
          const result = impl(...args);
          steps.push(
            kind === 'guard' ? { kind, name, result: result === true } : { kind, name, params: args[2] ?? null },
          );
          return result;
        },
      ]),
    );
  return {
    guards: wrap(taskImplementations.guards, 'guard'),
    actions: wrap(taskImplementations.actions, 'action'),
  } as unknown as typeof taskImplementations;
}

/**
 * The walk under one steal policy: the XState task machine, its guards and actions recorded as they run.
 * @param policy - carry or drop
 * @param events - the readings ({@link walkEvents})
 * @returns the machine after each event
 */
export function walk(policy: StealPolicy, events: readonly WalkEvent[] = walkEvents()): WalkState[] {
  const steps: WalkStep[] = [];
  const impls = recorded(steps);
  const machine = taskMachine.provide({ guards: toXStateGuards(impls), actions: toXStateActions(impls) });
  const input = { task: WALK_TASK, counterHz: WALK_COUNTER_HZ, widthBits: WALK_WIDTH_BITS, policy };
  const actor = createActor(machine, { input }).start();
  const out: WalkState[] = [];
  for (const event of events) {
    steps.length = 0;
    const reading = { counter: event.counter, stolenTotalNs: event.stolenTotalNs, cpu: 0 };
    actor.send({ type: event.type, reading });
    const snapshot = actor.getSnapshot();
    const c = snapshot.context;
    const totals = taskTotals(c);
    out.push({
      event,
      steps: [...steps],
      state: JSON.stringify(snapshot.value).replaceAll('"', ''),
      runNs: totals.runNs,
      stolenNs: totals.stolenNs,
      chargedNs: totals.chargedNs,
      observedNs: c.observedNs,
      accountedNs: c.accountedNs,
      carriedNs: c.carriedNs,
      droppedNs: c.droppedNs,
      anomalies: c.ledger.anomalies().map((a) => a.kind),
    });
  }
  actor.stop();
  return out;
}
