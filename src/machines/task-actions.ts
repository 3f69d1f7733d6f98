/**
 * The task machine's guards and actions: the guards decide on the reading an event carries, the actions call the
 * accounting core (`chargeSlice`) and book into the task's account. Shared by the XState machine and the stepper.
 * @module
 */
import type { Anomaly, AnomalyKind } from '../accounting/anomaly.js';
import { bookSlice, bookWait } from '../accounting/account.js';
import { COUNTER_BACKWARDS } from '../accounting/counter.js';
import type { CounterConversion } from '../accounting/conversion.js';
import { checkReadingValue, MAX_SAFE_WHOLE, type ReadingValue } from '../accounting/reading.js';
import { anomalyMessage, chargeOwnSlice, sliceCharge } from '../accounting/slice.js';
import { nsBetween, skipSteal } from '../accounting/steal.js';
import type { GuardImpl, MachineImplementations } from './compile.js';
import { conversionFor } from './conversions.js';
import type { TaskContext } from './task-context.js';
import type { OffKind, TaskEvent, TaskReading } from './task-events.js';

// Both reading guards need the time since the task's last reading: computed once per event (a memo of a pure
// function of the conversion, the last counter and the event's counter).
// Keyed by values, not by the reading object: a caller may refill one reading for every event.
let memoCounter: ReadingValue | undefined;
let memoConversion: CounterConversion | undefined;
let memoLast: ReadingValue = 0;
let memoElapsed = 0;
function sinceLast(c: TaskContext, e: TaskEvent): number {
  const conversion = conversionFor(c.conversion, c.counterHz, c.widthBits);
  const counter = e.reading.counter;
  if (memoCounter !== counter || memoConversion !== conversion || memoLast !== c.lastCounter) {
    memoCounter = counter;
    memoConversion = conversion;
    memoLast = c.lastCounter;
    memoElapsed = conversion.elapsedNs(c.lastCounter, counter);
  }
  return memoElapsed;
}

// ns from an earlier counter to the event's; 0 when the counter went backwards.
function elapsedSince(c: TaskContext, from: ReadingValue, e: TaskEvent): number {
  const ns = conversionFor(c.conversion, c.counterHz, c.widthBits).elapsedNs(from, e.reading.counter);
  return ns === COUNTER_BACKWARDS ? 0 : ns;
}

// The steal since the task's last reading is between 0 and the time since it (`elapsed`, ns).
function stealWithin(c: TaskContext, r: TaskReading, elapsed: number): boolean {
  return !(r.stolenTotalNs < c.lastStolenNs) && nsBetween(c.lastStolenNs, r.stolenTotalNs) <= elapsed;
}

// Into the ledger, the one recorder. A reading after lost events explains its own inconsistency: `lost-event`.
function record(context: TaskContext, event: TaskEvent, kind: AnomalyKind, message: string): void {
  const r = event.reading;
  const lost = r.lost === true && kind !== 'impossible-transition';
  const anomaly: Anomaly = {
    kind: lost ? 'lost-event' : kind,
    message: lost ? `${anomalyMessage('lost-event')} (seen as ${kind})` : message,
    task: context.task,
    cpu: r.cpu,
    ...(r.atNs === undefined ? {} : { atNs: r.atNs }),
    ...(r.line === undefined ? {} : { line: r.line }),
  };
  context.ledger.recordAnomaly(anomaly);
}

// Whether a total has room for ns more and stays exact; a trace whose times make a task's total pass 2^53 − 1 ns
// is data: the part is left out, as a `time-jump` anomaly (the account would throw, as for misuse).
function fits(c: TaskContext, e: TaskEvent, total: number, ns: number): boolean {
  if (total + ns <= MAX_SAFE_WHOLE) return true;
  record(c, e, 'time-jump', `a total would pass 2^53 − 1 ns (not exact): ${String(ns)} ns left out`);
  return false;
}

// The one slice result the chargeSlice action fills (an action runs to its end before the next starts).
const charge = sliceCharge();

const taskGuards: Record<'monotonic' | 'consistentRead' | 'stealWithinElapsed', GuardImpl<TaskContext, TaskEvent>> = {
  // The reading is not before the previous one.
  monotonic: (c, e) => !c.hasReading || sinceLast(c, e) !== COUNTER_BACKWARDS,
  // The reading was taken consistently (its protocol did not run out of retries).
  consistentRead: (_c, e) => e.reading.consistent !== false,
  // The steal since the previous reading is between 0 and the time since it.
  stealWithinElapsed: (c, e) => {
    if (!c.hasReading) return true;
    const elapsed = sinceLast(c, e);
    return stealWithin(c, e.reading, elapsed === COUNTER_BACKWARDS ? 0 : elapsed);
  },
};

/** The task machine's guards, by name, and the params each takes (none). */
export type TaskGuardParams = {
  /** All three reading checks at once: `monotonic`, `consistentRead`, `stealWithinElapsed`. */
  readingValid: undefined;
  /** The reading is not before the previous one. */
  monotonic: undefined;
  /** The reading was taken consistently. */
  consistentRead: undefined;
  /** The steal since the previous reading is between 0 and the time since it. */
  stealWithinElapsed: undefined;
  /** The task blocked in uninterruptible sleep (state `D`). */
  iowaitState: undefined;
};

/** The task machine's actions, by name, and the params each takes. */
export type TaskActionParams = {
  /** Keeps the event's reading as the task's last one. */
  capture: undefined;
  /** Marks the first wakeup since leaving the CPU. */
  markReady: undefined;
  /** Switch-in: books the wait and the scheduling delay, starts a slice. */
  startSlice: undefined;
  /** Switch-out: charges the slice. */
  chargeSlice: undefined;
  /** Marks when the task left the CPU, and why. */
  leaveCpu: {
    /** How it left: the wait its next switch-in books. */
    readonly kind: OffKind;
  };
  /** `leaveCpu`, sleep or iowait by the kernel state letter. */
  leaveCpuBlocked: undefined;
  /** Counts a migration. */
  noteMigration: undefined;
  /** Records an anomaly. */
  recordAnomaly: {
    /** Which. */
    readonly kind: AnomalyKind;
  };
  /** Records why steal was not within the elapsed time. */
  recordStealAnomaly: undefined;
};

/**
 * The guard and action implementations, shared by the XState machine and the compiled stepper.
 * @example
 * ```ts
 * const run = compileMachine(taskMachine, taskImplementations).start(createTaskContext({ task: 42, counterHz: 1e9 }));
 * run.send({ type: 'dispatch', reading: { counter: 0, stolenTotalNs: 0, cpu: 0 } });
 * run.send({ type: 'exit', reading: { counter: 4_000_000, stolenTotalNs: 250_000, cpu: 0 } });
 * run.context.account.chargedNs; // 3_750_000
 * ```
 */
export const taskImplementations: MachineImplementations<TaskContext, TaskEvent, TaskGuardParams, TaskActionParams> = {
  guards: {
    ...taskGuards,
    // All three checks at once (monotonic, consistentRead, stealWithinElapsed), the time since the last reading computed
    // once: the ordinary path tries this one guard first.
    readingValid: (c, e) => {
      const r = e.reading;
      if (r.consistent === false) return false;
      if (!c.hasReading) return true;
      const elapsed = conversionFor(c.conversion, c.counterHz, c.widthBits).elapsedNs(c.lastCounter, r.counter);
      return elapsed !== COUNTER_BACKWARDS && stealWithin(c, r, elapsed);
    },
    // The task blocked in uninterruptible sleep (state D: counted as iowait, as perf does).
    iowaitState: (_c, e) => e.type === 'block' && e.state.startsWith('D'),
  },
  actions: {
    // Keeps the event's reading as the task's last one (every accepted event ends here: a bad reading is refused at
    // the event that brings it).
    capture: (c, e) => {
      checkReadingValue(e.reading.counter);
      checkReadingValue(e.reading.stolenTotalNs);
      c.lastCounter = e.reading.counter;
      c.lastStolenNs = e.reading.stolenTotalNs;
      c.hasReading = true;
      c.cpu = e.reading.cpu;
    },
    // First wakeup since leaving the CPU: the scheduling delay starts.
    markReady: (c, e) => {
      if (c.ready) return;
      c.ready = true;
      c.readyCounter = e.reading.counter;
    },
    // Switch-in: books the wait since leaving the CPU and the scheduling delay, and starts a slice.
    startSlice: (c, e) => {
      const now = e.reading.counter;
      if (e.type === 'dispatch' && e.untracked === true) {
        c.offKind = 'none';
        c.ready = false;
      }
      const a = c.account;
      if (c.offKind !== 'none') {
        const ns = elapsedSince(c, c.offCounter, e);
        // (the total by a branch per kind: a keyed read by the kind's field name is a slow lookup on every switch-in)
        const kind = c.offKind;
        const total = kind === 'sleep' ? a.sleepNs : kind === 'preempt' ? a.preemptNs : a.iowaitNs;
        if (fits(c, e, total, ns)) bookWait(a, kind, ns); // (ns: whole and ≥ 0 from the conversion; fits: the total)
      }
      const delay = c.ready
        ? elapsedSince(c, c.readyCounter, e)
        : c.offKind === 'preempt' && c.delayAfterPreempt
          ? elapsedSince(c, c.offCounter, e)
          : -1;
      if (delay >= 0 && fits(c, e, a.delayNs, delay)) bookWait(a, 'delay', delay);
      c.offKind = 'none';
      c.ready = false;
      c.sliceCounter = now;
      skipSteal(c, e.reading.stolenTotalNs); // steal while the task was off the CPU is not its concern
    },
    // Switch-out: charges the slice through the accounting core.
    chargeSlice: (c, e) => {
      const conversion = conversionFor(c.conversion, c.counterHz, c.widthBits);
      chargeOwnSlice(c, conversion, c.sliceCounter, e.reading.counter, e.reading.stolenTotalNs, charge);
      // (chargeOwnSlice clamps the steal to the slice; fits checks the total)
      if (fits(c, e, c.account.runNs, charge.elapsedNs)) bookSlice(c.account, charge.elapsedNs, charge.stolenNs);
    },
    // Marks when and how the task left the CPU (its next switch-in books the wait under this kind).
    leaveCpu: (c, e, params) => {
      c.offCounter = e.reading.counter;
      c.offKind = params.kind;
      c.ready = false; // perf resets the wakeup time at every switch-out
    },
    // Same as `leaveCpu`, choosing sleep or iowait by the kernel state letter.
    leaveCpuBlocked: (c, e) => {
      c.offCounter = e.reading.counter;
      c.offKind = e.type === 'block' && e.state.startsWith('D') ? 'iowait' : 'sleep';
      c.ready = false;
    },
    // Counts a migration.
    noteMigration: (c, e) => {
      c.migrations++;
      if (e.type === 'migrate') c.cpu = e.toCpu;
    },
    // Records an anomaly of the kind given as a parameter.
    recordAnomaly: (c, e, params) => {
      const kind = (params as { kind: AnomalyKind }).kind;
      record(
        c,
        e,
        kind,
        kind === 'impossible-transition' ? `'${e.type}' is not possible in this state; ignored` : anomalyMessage(kind),
      );
    },
    // Records why steal was not within the elapsed time: it went backwards, or exceeded it.
    recordStealAnomaly: (c, e) => {
      const kind: AnomalyKind = e.reading.stolenTotalNs < c.lastStolenNs ? 'steal-backwards' : 'steal-exceeds-elapsed';
      record(c, e, kind, anomalyMessage(kind));
    },
  },
};
