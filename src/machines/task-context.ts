/**
 * The task machine's context: a task's lifecycle marks and steal bookkeeping, and the ledger account it books into.
 * @module
 */
import { checkInstance, checkObject, checkOptionalBoolean } from '../check.js';
import { checkTaskId, TaskAccount, type TaskTotals } from '../accounting/account.js';
import type { TaskId } from '../accounting/anomaly.js';
import { checkHz, counterWidthForHz } from '../accounting/counter.js';
import type { ConversionMode } from '../accounting/conversion.js';
import { Ledger } from '../accounting/ledger.js';
import type { ReadingValue } from '../accounting/reading.js';
import { stealState, type StealState } from '../accounting/steal.js';
import { conversionFor } from './conversions.js';
import type { OffKind, TaskInput } from './task-events.js';

/**
 * The task machine's context: the task's steal bookkeeping and lifecycle marks, flat (every field a primitive), so
 * it copies cheaply and persists as JSON (with bigints encoded, see `persist`); plus the ledger and the account the
 * actions book into. Totals and anomalies live in the ledger, not here.
 */
export interface TaskContext extends StealState {
  /** The task. */
  readonly task: TaskId;
  /** Counter frequency, Hz. */
  readonly counterHz: number;
  /** Counter width, bits. */
  readonly widthBits: number;
  /** Counter conversion. */
  readonly conversion: ConversionMode;
  /** See {@link TaskInput.delayAfterPreempt}. */
  readonly delayAfterPreempt: boolean;
  /** Where the task's slices, waits and anomalies are booked. */
  readonly ledger: Ledger;
  /** The task's account in {@link TaskContext.ledger}. */
  readonly account: TaskAccount;
  /** CPU of the last event (−1 before any). */
  cpu: number;
  /** Migrations seen. */
  migrations: number;
  /** Whether any reading was captured yet. */
  hasReading: boolean;
  /** Counter of the last reading. */
  lastCounter: ReadingValue;
  /** Stolen total of the last reading. */
  lastStolenNs: ReadingValue;
  /** Counter at switch-in (start of the current slice). */
  sliceCounter: ReadingValue;
  /** Counter when the task last left the CPU. */
  offCounter: ReadingValue;
  /** How it left: the wait kind its next switch-in books. */
  offKind: OffKind;
  /** Whether a wakeup was seen since it left the CPU. */
  ready: boolean;
  /** Counter at that first wakeup. */
  readyCounter: ReadingValue;
}

/**
 * The initial context for an input.
 * @param input - the machine's configuration
 * @returns a fresh context
 * @throws {@link SchedacctError} for a bad frequency, width or policy
 * @example
 * ```ts
 * const ledger = new Ledger();
 * const context = createTaskContext({ task: 42, counterHz: 24_000_000, policy: 'carry', ledger });
 * context.widthBits; // 56
 * ledger.get(42)?.slices; // 0: its account is open
 * ```
 */
export function createTaskContext(input: TaskInput): TaskContext {
  checkObject('input', input);
  checkTaskId('input.task', input.task);
  checkHz(input.counterHz, 'input.counterHz');
  checkOptionalBoolean('input.delayAfterPreempt', input.delayAfterPreempt);
  if (input.ledger !== undefined) checkInstance('input.ledger', input.ledger, Ledger, 'a Ledger');
  const widthBits = input.widthBits ?? counterWidthForHz(input.counterHz);
  const conversion = input.conversion ?? 'exact';
  conversionFor(conversion, input.counterHz, widthBits); // validates frequency, width and mode now
  const steal = stealState(input.policy ?? 'drop', 0); // validates the policy
  const ledger = input.ledger ?? new Ledger();
  // One literal with every field, in one order: every context gets the same shape with its fields in the object
  // itself, so the actions' property accesses stay monomorphic however many tasks a replay holds.
  return {
    policy: steal.policy,
    lastSeenNs: steal.lastSeenNs,
    observedNs: 0,
    accountedNs: 0,
    droppedNs: 0,
    carriedNs: 0,
    lastAnomaly: null,
    task: input.task,
    counterHz: input.counterHz,
    widthBits,
    conversion,
    delayAfterPreempt: input.delayAfterPreempt ?? true,
    ledger,
    account: ledger.open(input.task),
    cpu: -1,
    migrations: 0,
    hasReading: false,
    // Readings start as numbers: fields that only ever hold numbers stay unboxed (a bigint reading turns a field into
    // a general one, once, for every context).
    lastCounter: 0,
    lastStolenNs: 0,
    sliceCounter: 0,
    offCounter: 0,
    offKind: 'none',
    ready: false,
    readyCounter: 0,
  };
}

/**
 * The task's totals, as its account in the ledger holds them.
 * @param context - a task machine's context
 * @returns its totals
 * @throws {@link SchedacctError} `invalid-argument` for a context that is not a task machine's
 * @example
 * ```ts
 * const task = compileTaskMachine().start(createTaskContext({ task: 42, counterHz: 24_000_000 }));
 * task.send({ type: 'dispatch', reading: { counter: 0n, stolenTotalNs: 0n, cpu: 0 } });
 * task.send({ type: 'block', state: 'S', reading: { counter: 240_000n, stolenTotalNs: 2_000_000n, cpu: 0 } });
 * taskTotals(task.context); // { task: 42, runNs: 10_000_000, chargedNs: 8_000_000, stolenNs: 2_000_000, slices: 1, … }
 * ```
 */
export function taskTotals(context: TaskContext): TaskTotals {
  checkObject('context', context);
  checkInstance('context.account', context.account, TaskAccount, "a TaskAccount (a task machine's context)");
  return context.account.toJSON();
}
