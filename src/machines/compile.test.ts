import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it, vi } from 'vitest';
import {
  and,
  createActor,
  createMachine,
  initialTransition,
  not,
  or,
  setup,
  transition,
  type StateValue,
} from 'xstate';
import { SchedacctError } from '../errors.js';
import {
  compileMachine,
  toXStateActions,
  toXStateGuards,
  toXStateInPlaceActions,
  type MachineImplementations,
  type NoneByName,
  type StepperInstance,
} from './compile.js';
import { parseSnapshot, stringifySnapshot } from './persist.js';
import {
  stableReadImplementations,
  stableReadMachine,
  createStableReadContext,
  type StableReadContext,
  type StableReadEvent,
} from './stable-read.js';
import {
  compileTaskMachine,
  createTaskContext,
  taskImplementations,
  taskMachine,
  type TaskContext,
  type TaskEvent,
  type TaskInput,
} from './task.js';
import {
  compileVcpuMachine,
  createVcpuContext,
  VCPU_EVENT_TYPES,
  vcpuImplementations,
  vcpuMachine,
  type VcpuBucket,
  type VcpuContext,
  type VcpuEvent,
} from '../host/vcpu.js';

// thousands of random runs through three executions each: seconds of work, more on a loaded machine
vi.setConfig({ testTimeout: 60_000 });

/** A random step of a task's life: the event type and how its reading moves from the previous one. */
const step = fc.record({
  // Exit is rarer than the others: after it (a final state) every further event is ignored.
  type: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('create', 'wakeup', 'dispatch', 'preempt', 'block', 'migrate') },
    { weight: 1, arbitrary: fc.constant('exit') },
  ),
  dt: fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 0, max: 5_000_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: -5000, max: -1 }) },
  ),
  dStolen: fc.oneof(
    { weight: 10, arbitrary: fc.constant(0) },
    { weight: 10, arbitrary: fc.integer({ min: 0, max: 2_000_000 }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 20_000_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: -3000, max: -1 }) },
  ),
  consistent: fc.oneof({ weight: 20, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  letter: fc.constantFrom('S', 'D', 'D|K', 'I', 'T'),
  cpu: fc.integer({ min: 0, max: 3 }),
});

interface Step {
  readonly type: TaskEvent['type'];
  readonly dt: number;
  readonly dStolen: number;
  readonly consistent: boolean;
  readonly letter: string;
  readonly cpu: number;
}

/** The steps as events, their readings' values bigints (as sources give them) or numbers (as a trace replay does). */
function toEvents(steps: readonly Step[], numbers = false): TaskEvent[] {
  let counter = 1_000_000n;
  let stolen = 0n;
  return steps.map((s) => {
    counter += BigInt(s.dt);
    stolen += BigInt(s.dStolen);
    if (stolen < 0n) stolen = 0n;
    const reading = {
      counter: numbers ? Number(counter) : counter,
      stolenTotalNs: numbers ? Number(stolen) : stolen,
      cpu: s.cpu,
      consistent: s.consistent,
      atNs: Number(counter),
    };
    switch (s.type) {
      case 'block':
        return { type: 'block', reading, state: s.letter };
      case 'migrate':
        return { type: 'migrate', reading, toCpu: (s.cpu + 1) % 4 };
      default:
        return { type: s.type, reading };
    }
  });
}

const input = fc.record({
  task: fc.constant(7),
  counterHz: fc.constantFrom(1_000_000_000, 24_000_000),
  conversion: fc.constantFrom('exact' as const, 'kernel' as const),
  policy: fc.constantFrom('carry' as const, 'drop' as const),
  delayAfterPreempt: fc.boolean(),
});

/**
 * What of each machine's context the actor and the stepper must agree on, as plain data compared field by field.
 * Today every context is flat and plain, so that is all of it; a field that is not plain data (an object with state of
 * its own, a class instance) is turned here into what it holds.
 */
const comparable = {
  // the task's lifecycle and steal fields, and what it booked: its account's figures and its ledger's anomalies
  task: (context: TaskContext): unknown => ({
    ...context,
    ledger: { anomalies: context.ledger.anomalies(), counts: context.ledger.anomalyCounts() },
    account: context.account.toRecord(),
  }),
  vcpu: (context: VcpuContext): unknown => context,
  stableRead: (context: StableReadContext): unknown => context,
};

// Plain data, compared as toStrictEqual compares it (a bigint is not the number of the same value), only faster: the
// differential tests compare every field after every event.
function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(
    (k) => Object.hasOwn(b, k) && sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

function expectSame(actual: unknown, expected: unknown, what: string): void {
  if (!sameData(actual, expected)) expect(actual, what).toStrictEqual(expected); // fails, with the difference
}

/** The parts of an XState actor the differential test drives. */
interface DrivenActor<C, E> {
  send(event: E): void;
  getSnapshot(): { readonly value: StateValue; readonly context: C; readonly status: string };
  stop(): unknown;
}

/**
 * Sends every event to the actor and to each stepper, and requires after the start and after every event the same
 * state value, the same done-ness, whether a transition was taken (XState keeps its snapshot when none is) and the
 * same context, as `compare` sees it. Once the actor is done, XState ignores events (with a warning); the steppers
 * must ignore them too, so they alone are sent the rest.
 */
function expectSameAfterEveryEvent<C, E>(
  actor: DrivenActor<C, E>,
  steppers: readonly StepperInstance<C, E>[],
  events: readonly E[],
  compare: (context: C) => unknown,
): void {
  const check = (when: string): void => {
    const snapshot = actor.getSnapshot();
    for (const [i, stepper] of steppers.entries()) {
      expectSame(stepper.value, snapshot.value, `stepper ${String(i)}'s state ${when}`);
      expect(stepper.done, `stepper ${String(i)} done ${when}`).toBe(snapshot.status === 'done');
      expectSame(compare(stepper.context), compare(snapshot.context), `stepper ${String(i)}'s context ${when}`);
    }
  };
  check('at the start');
  events.forEach((event, n) => {
    const before = actor.getSnapshot();
    const done = before.status === 'done';
    if (!done) actor.send(event);
    const taken = actor.getSnapshot() !== before;
    for (const stepper of steppers) expect(stepper.send(event)).toBe(taken);
    check(
      `after event ${String(n)} (${JSON.stringify(event, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))})`,
    );
  });
  actor.stop();
}

/** Sends events until the actor is done (XState ignores, and warns about, events sent after that). */
function sendUntilDone<E>(actor: DrivenActor<unknown, E>, events: readonly E[]): void {
  for (const event of events) {
    if (actor.getSnapshot().status === 'done') return;
    actor.send(event);
  }
}

// The same definitions walked as tables, as where a runtime forbids generated code.
const tableTaskMachine = compileMachine(taskMachine, taskImplementations, { generate: false });
const tableVcpuMachine = compileMachine(vcpuMachine, vcpuImplementations, { generate: false });
const tableStableReadMachine = compileMachine(stableReadMachine, stableReadImplementations, { generate: false });

describe('compiled stepper ≡ XState actor: same state value and context after every event', () => {
  it('runs generated code here, and walks the table when asked', () => {
    expect(compileTaskMachine().generated).toBe(true);
    expect(tableTaskMachine.generated).toBe(false);
  });

  fcTest.prop([input, fc.array(step, { maxLength: 60 }), fc.boolean()], { numRuns: 2000 })(
    'task machine',
    (inp: TaskInput, steps, numbers) => {
      expectSameAfterEveryEvent(
        createActor(taskMachine, { input: inp }).start(),
        [compileTaskMachine().start(createTaskContext(inp)), tableTaskMachine.start(createTaskContext(inp))],
        toEvents(steps, numbers),
        comparable.task,
      );
    },
  );

  fcTest.prop(
    [
      fc.boolean(),
      fc.array(
        fc.record({
          type: fc.constantFrom(...VCPU_EVENT_TYPES),
          dt: fc.integer({ min: -100, max: 1_000_000 }),
        }),
        { maxLength: 60 },
      ),
    ],
    { numRuns: 1000 },
  )('vcpu machine', (offlineIsSteal, steps) => {
    const vcpuInput = { vcpu: 1, startNs: 1000, offlineIsSteal };
    let at = 1000;
    const events = steps.map((s): VcpuEvent => ({ type: s.type, atNs: (at += s.dt) }));
    expectSameAfterEveryEvent(
      createActor(vcpuMachine, { input: vcpuInput }).start(),
      [compileVcpuMachine().start(createVcpuContext(vcpuInput)), tableVcpuMachine.start(createVcpuContext(vcpuInput))],
      events,
      comparable.vcpu,
    );
  });

  fcTest.prop(
    [
      fc.integer({ min: 0, max: 4 }),
      fc.array(
        fc.record({
          type: fc.constantFrom('stolen' as const, 'counter' as const),
          value: fc.bigInt({ min: 0n, max: 3n }),
        }),
        {
          maxLength: 40,
        },
      ),
    ],
    { numRuns: 1000 },
  )('stable-read machine', (maxRetries, events: StableReadEvent[]) => {
    const compiled = compileMachine(stableReadMachine, stableReadImplementations);
    expectSameAfterEveryEvent(
      createActor(stableReadMachine, { input: { maxRetries } }).start(),
      [
        compiled.start(createStableReadContext({ maxRetries })),
        tableStableReadMachine.start(createStableReadContext({ maxRetries })),
      ],
      events,
      comparable.stableRead,
    );
  });

  it('compares what it claims to: a context that differs in one field, or in its representation, fails', () => {
    const context = createTaskContext({ task: 1, counterHz: 1e9 });
    expect(sameData(context, { ...context })).toBe(true);
    expect(sameData(context, { ...context, lastCounter: 0n })).toBe(false);
    expect(sameData(context, { ...context, anomalies: [{}] })).toBe(false);
    const { cpu, ...fewer } = context;
    expect(cpu).toBe(-1);
    expect(sameData(context, { ...fewer, extra: -1 })).toBe(false);
    expect(() => expectSame({ a: 1 }, { a: 2 }, 'context')).toThrow(/context/);
  });
});

describe('persistence', () => {
  fcTest.prop([input, fc.array(step, { minLength: 2, maxLength: 40 }), fc.nat()], { numRuns: 200 })(
    'stopping mid-run, persisting as JSON and restoring gives the same final ledger',
    (inp, steps, cutSeed) => {
      const events = toEvents(steps);
      const cut = cutSeed % events.length;
      const whole = createActor(taskMachine, { input: inp }).start();
      sendUntilDone(whole, events);

      const first = createActor(taskMachine, { input: inp }).start();
      sendUntilDone(first, events.slice(0, cut));
      const text = stringifySnapshot(first.getPersistedSnapshot());
      first.stop();
      // Typed for createActor and the stepper as it is, without a cast.
      const snapshot = parseSnapshot(taskMachine, text);
      const resumed = createActor(taskMachine, { snapshot, input: inp }).start();
      sendUntilDone(resumed, events.slice(cut));
      expect(resumed.getSnapshot().value).toEqual(whole.getSnapshot().value);
      expect(resumed.getSnapshot().context).toEqual(whole.getSnapshot().context);

      // The stepper resumes from the same persisted snapshot too.
      const persisted = parseSnapshot(taskMachine, text);
      const stepper = compileTaskMachine().resume(persisted.value, persisted.context);
      for (const e of events.slice(cut)) stepper.send(e);
      expect(stepper.context).toEqual(whole.getSnapshot().context);
    },
  );

  it('round-trips BigInts and leaves look-alikes alone', () => {
    const value = { a: 1n << 63n, b: -5n, c: { $bigint: 'x' }, d: 'text' };
    expect(parseSnapshot(stringifySnapshot(value))).toEqual(value);
  });

  it('a snapshot parsed for a machine is typed as its snapshot, and checked against it', () => {
    const actor = createActor(vcpuMachine, { input: { vcpu: 3 } }).start();
    actor.send({ type: 'deschedule', atNs: 10 });
    const text = stringifySnapshot(actor.getPersistedSnapshot());
    actor.stop();
    const snapshot = parseSnapshot(vcpuMachine, text);
    const value: VcpuBucket = snapshot.value; // the machine's own state value and context types
    const stolen: bigint = snapshot.context.stolenTotalNs;
    expect([value, stolen]).toEqual(['runnable', 0n]);
    const resumed = createActor(vcpuMachine, { snapshot, input: { vcpu: 3 } }).start();
    resumed.send({ type: 'schedule', atNs: 25 });
    expect(resumed.getSnapshot().context.stolenTotalNs).toBe(15n);
    resumed.stop();

    const parsed = JSON.parse(text) as Record<string, unknown>;
    for (const bad of [
      'not json',
      '[]',
      JSON.stringify({ ...parsed, status: undefined }),
      JSON.stringify({ ...parsed, context: 1 }),
      JSON.stringify({ ...parsed, value: 'asleep' }),
      JSON.stringify({ ...parsed, value: 7 }),
    ]) {
      expect(() => parseSnapshot(vcpuMachine, bad), bad).toThrow(/not a persisted snapshot of machine 'vcpu'/);
    }
    expect(() => parseSnapshot(taskMachine, JSON.stringify({ ...parsed, value: { blocked: 'awake' } }))).toThrow(
      SchedacctError,
    );
  });
});

describe('compileMachine', () => {
  it.each([true, false])(
    'runs entry and exit actions in XState order, and nested targets (generate: %s)',
    (generate) => {
      const log: string[] = [];
      type Log = { log: string[] };
      const note = (name: string) => (c: Log) => void c.log.push(name);
      const impls: MachineImplementations<
        Log,
        { type: 'next' },
        NoneByName,
        { exitA: undefined; exitA1: undefined; enterB: undefined; enterB1: undefined; go: undefined }
      > = {
        guards: {},
        actions: {
          exitA: note('exitA'),
          exitA1: note('exitA1'),
          enterB: note('enterB'),
          enterB1: note('enterB1'),
          go: note('go'),
        },
      };
      const m = setup({
        types: { context: {} as Log, events: {} as { type: 'next' } },
        actions: toXStateActions(impls),
      }).createMachine({
        context: { log: [] },
        initial: 'a',
        states: {
          a: {
            exit: ['exitA'],
            initial: 'a1',
            states: { a1: { exit: ['exitA1'], on: { next: { target: '#b1', actions: ['go'] } } } },
          },
          b: { entry: ['enterB'], initial: 'b1', states: { b1: { id: 'b1', entry: ['enterB1'] } } },
        },
      });
      const run = compileMachine(m, impls, { generate }).start({ log });
      run.send({ type: 'next' }); // the stepper mutates this context in place
      const actor = createActor(m).start();
      actor.send({ type: 'next' });
      expect(log).toEqual(actor.getSnapshot().context.log);
      expect(log).toEqual(['exitA1', 'exitA', 'go', 'enterB', 'enterB1']);
      expect(run.value).toEqual({ b: 'b1' });
    },
  );

  it('chooses as XState does through and / or / not and guard params, whatever the event names', () => {
    type Ctx = { n: number; log: string[] };
    type Ev = { type: string; k: number };
    const impls: MachineImplementations<
      Ctx,
      Ev,
      { above: { readonly min: number }; even: undefined; small: undefined },
      { note: { readonly tag: string } }
    > = {
      guards: {
        above: (_c, e, params) => e.k > params.min,
        even: (_c, e) => e.k % 2 === 0,
        small: (_c, e) => e.k < 5,
      },
      actions: {
        note: (c, e, params) => {
          c.n++;
          c.log = [...c.log, `${params.tag}:${String(e.k)}`];
        },
      },
    };
    const odd = 'it\'s "odd"\n\u2028`${x}`';
    const m = setup({
      types: { context: {} as Ctx, events: {} as Ev },
      guards: toXStateGuards(impls),
      actions: toXStateActions(impls),
    }).createMachine({
      context: { n: 0, log: [] },
      initial: 'a',
      states: {
        a: {
          on: {
            [odd]: [
              { guard: and(['even', not('small')]), target: 'b', actions: [{ type: 'note', params: { tag: 'and' } }] },
              {
                guard: or([{ type: 'above', params: { min: 7 } }, 'small']),
                actions: [{ type: 'note', params: { tag: 'or' } }],
              },
            ],
          },
        },
        b: { on: { back: { guard: not('even'), target: 'a', actions: [{ type: 'note', params: { tag: 'back' } }] } } },
      },
    });
    const ks = [9, 6, 3, 8, 1, 4, 5, 7, 10, 2, 0, 11];
    for (const generate of [true, false]) {
      const compiled = compileMachine(m, impls, { generate });
      expect(compiled.generated).toBe(generate);
      const run = compiled.start({ n: 0, log: [] });
      const actor = createActor(m).start();
      for (const k of ks) {
        for (const type of [odd, 'back']) {
          actor.send({ type, k });
          run.send({ type, k });
          expect(run.value).toEqual(actor.getSnapshot().value);
        }
      }
      expect(run.context).toEqual(actor.getSnapshot().context);
      expect(run.context.n).toBeGreaterThan(4);
    }
  });

  it('refuses what it cannot run, with a typed error', () => {
    const parallel = createMachine({ type: 'parallel', states: { x: {}, y: {} } });
    expect(() => compileMachine(parallel, { guards: {}, actions: {} })).toThrow(SchedacctError);
    const delayed = createMachine({ initial: 'a', states: { a: { after: { 10: 'b' } }, b: {} } });
    expect(() => compileMachine(delayed, { guards: {}, actions: {} })).toThrow(/'after'/);
    const inline = createMachine({
      initial: 'a',
      states: { a: { on: { go: { target: 'b', guard: () => true } } }, b: {} },
    });
    expect(() => compileMachine(inline, { guards: {}, actions: {} })).toThrow(/inline guard/);
    const missing = createMachine({
      initial: 'a',
      states: { a: { on: { go: { target: 'b', actions: 'nope' } } }, b: {} },
    });
    expect(() => compileMachine(missing, { guards: {}, actions: {} })).toThrow(/'nope' has no implementation/);
    expect(() => compileTaskMachine().resume('nowhere', createTaskContext({ task: 1, counterHz: 1e9 }))).toThrow(
      /no leaf state/,
    );
  });
});

describe('XState semantics are kept', () => {
  it('transition() is pure on the snapshot: the input context is not changed; the slice goes to the ledger', () => {
    const [start] = initialTransition(taskMachine, { task: 1, counterHz: 1e9 });
    const [before] = transition(taskMachine, start, {
      type: 'dispatch',
      reading: { counter: 10n, stolenTotalNs: 0n, cpu: 0 },
    });
    const { ledger, account, ...fields } = before.context;
    const copy = structuredClone(fields);
    const [after] = transition(taskMachine, before, {
      type: 'preempt',
      reading: { counter: 500n, stolenTotalNs: 40n, cpu: 0 },
    });
    expect({ ...before.context, ledger: undefined, account: undefined }).toEqual({
      ...copy,
      ledger: undefined,
      account: undefined,
    });
    expect(after.context.ledger).toBe(ledger); // one ledger: the booking is the machine's effect, not its state
    expect(account.chargedNs).toBe(450);
    expect(ledger.get(1)?.chargedNs).toBe(450);
  });

  fcTest.prop([input, fc.array(step, { maxLength: 40 })], { numRuns: 200 })(
    'the opt-in in-place actions give the same results as the immutable ones',
    (inp, steps) => {
      const fast = taskMachine.provide({ actions: toXStateInPlaceActions(taskImplementations) });
      const a = createActor(taskMachine, { input: inp }).start();
      const b = createActor(fast, { input: inp }).start();
      const events = toEvents(steps);
      sendUntilDone(a, events);
      sendUntilDone(b, events);
      expect(b.getSnapshot().value).toEqual(a.getSnapshot().value);
      expect(b.getSnapshot().context).toEqual(a.getSnapshot().context);
    },
  );
});
