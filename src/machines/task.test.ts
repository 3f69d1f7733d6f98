import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { Ledger } from '../accounting/ledger.js';
import { SchedacctError } from '../errors.js';
import {
  compileTaskMachine,
  createTaskContext,
  switchOutEvent,
  taskMachine,
  taskTotals,
  type TaskContext,
  type TaskEvent,
  type TaskInput,
  type TaskReading,
} from './task.js';

const r = (counter: number, stolenNs = 0, extra: Partial<TaskReading> = {}): TaskReading => ({
  counter: BigInt(counter),
  stolenTotalNs: BigInt(stolenNs),
  cpu: 0,
  ...extra,
});

// What a stepper's task booked: its totals and the anomalies of its ledger.
const totals = (t: { context: TaskContext }) => taskTotals(t.context);
const anomalies = (t: { context: TaskContext }) => t.context.ledger.anomalies();

function run(events: readonly TaskEvent[], input: TaskInput = { task: 1, counterHz: 1_000_000_000 }) {
  const stepper = compileTaskMachine().start(createTaskContext(input));
  for (const e of events) stepper.send(e);
  return stepper;
}

describe('task machine', () => {
  it('charges to_ns(Δcounter) − Δstolen per slice and books wait and delay as perf does', () => {
    const t = run([
      { type: 'wakeup', reading: r(100) },
      { type: 'dispatch', reading: r(150) }, // delay 50
      { type: 'preempt', reading: r(1150, 200) }, // slice 1000, 200 stolen
      { type: 'dispatch', reading: r(2000, 300) }, // preempt wait 850 (and delay 850 after a preemption)
      { type: 'block', reading: r(2500, 300), state: 'D' }, // slice 500; iowait
      { type: 'wakeup', reading: r(2550, 300) },
      { type: 'dispatch', reading: r(2600, 300) }, // iowait wait 100, delay 50
      { type: 'block', reading: r(2800, 350), state: 'S' }, // slice 200, 50 stolen
    ]);
    expect(t.value).toEqual({ blocked: 'sleep' });
    expect(taskTotals(t.context)).toMatchObject({
      runNs: 1700,
      stolenNs: 250,
      chargedNs: 1450,
      slices: 3,
      preemptNs: 850,
      iowaitNs: 100,
      sleepNs: 0,
      delayNs: 50 + 850 + 50,
      minSliceNs: 200,
      maxSliceNs: 1000,
    });
    expect(t.context.ledger.anomalyCount()).toBe(0);
  });

  it('perf 6.1 compatibility: no delay after a preemption', () => {
    const t = run(
      [
        { type: 'dispatch', reading: r(0) },
        { type: 'preempt', reading: r(100) },
        { type: 'dispatch', reading: r(400) },
      ],
      { task: 1, counterHz: 1e9, delayAfterPreempt: false },
    );
    expect([totals(t).preemptNs, totals(t).delayNs]).toEqual([300, 0]);
  });

  it('a task first seen mid-flight starts in unknown and is charged from its first switch-in', () => {
    const t = run([
      { type: 'block', reading: r(10), state: 'S' },
      { type: 'wakeup', reading: r(20) },
      { type: 'dispatch', reading: r(25) },
      { type: 'exit', reading: r(125) },
    ]);
    expect(t.done).toBe(true);
    expect(totals(t)).toMatchObject({ sleepNs: 15, delayNs: 5, runNs: 100, slices: 1 });
    expect(t.send({ type: 'wakeup', reading: r(200) })).toBe(false); // exited: ignored, as XState does
  });

  it('a missed wakeup (blocked → running) still books the sleep', () => {
    const t = run([
      { type: 'dispatch', reading: r(0) },
      { type: 'block', reading: r(10), state: 'S' },
      { type: 'dispatch', reading: r(40) },
    ]);
    expect([totals(t).sleepNs, totals(t).delayNs, t.context.ledger.anomalyCount()]).toEqual([30, 0, 0]);
  });

  it('carry policy carries a steal jump into the next slice; drop discards it', () => {
    const events: TaskEvent[] = [
      { type: 'dispatch', reading: r(0, 0) },
      { type: 'preempt', reading: r(100, 250) },
      { type: 'dispatch', reading: r(100, 250) },
      { type: 'preempt', reading: r(300, 250) },
    ];
    const carry = run(events, { task: 1, counterHz: 1e9, policy: 'carry' });
    const drop = run(events, { task: 1, counterHz: 1e9, policy: 'drop' });
    expect([totals(carry).stolenNs, totals(carry).chargedNs, carry.context.carriedNs]).toEqual([250, 50, 0]);
    expect([totals(drop).stolenNs, totals(drop).chargedNs, drop.context.droppedNs]).toEqual([100, 200, 150]);
  });

  describe('guards on readings take a defined path', () => {
    it('not monotonic: counter-backwards recorded, the slice counts as 0 ns', () => {
      const t = run([
        { type: 'dispatch', reading: r(1000, 0, { atNs: 7, line: 3 }) },
        { type: 'preempt', reading: r(900, 0, { atNs: 8, line: 4 }) },
      ]);
      expect(t.value).toBe('preempted');
      expect(totals(t)).toMatchObject({ runNs: 0, slices: 1 });
      expect(t.context.ledger.anomalyCount()).toBe(1);
      expect(anomalies(t)[0]).toMatchObject({ kind: 'counter-backwards', task: 1, atNs: 8, line: 4, cpu: 0 });
    });

    it('not a stable read: snapshot-inconsistent recorded, the slice charged clamped', () => {
      const t = run([
        { type: 'dispatch', reading: r(0) },
        { type: 'preempt', reading: r(100, 30, { consistent: false }) },
      ]);
      expect(totals(t)).toMatchObject({ runNs: 100, stolenNs: 30, chargedNs: 70 });
      expect(anomalies(t).map((a) => a.kind)).toEqual(['snapshot-inconsistent']);
    });

    it('steal beyond the slice: steal-exceeds-elapsed recorded, charge clamped to 0, never negative', () => {
      const t = run([
        { type: 'dispatch', reading: r(0) },
        { type: 'preempt', reading: r(100, 5000) },
      ]);
      expect(totals(t)).toMatchObject({ runNs: 100, stolenNs: 100, chargedNs: 0 });
      expect(anomalies(t).map((a) => a.kind)).toEqual(['steal-exceeds-elapsed']);
    });

    it('steal going backwards: steal-backwards recorded, no negative charge', () => {
      const t = run([
        { type: 'dispatch', reading: r(0, 500) },
        { type: 'preempt', reading: r(100, 10) },
      ]);
      expect(totals(t)).toMatchObject({ runNs: 100, stolenNs: 0, chargedNs: 100 });
      expect(anomalies(t).map((a) => a.kind)).toEqual(['steal-backwards']);
    });

    it('an impossible event is recorded and ignored', () => {
      const t = run([
        { type: 'dispatch', reading: r(0) },
        { type: 'dispatch', reading: r(10) },
      ]);
      expect(t.value).toBe('running');
      expect(anomalies(t)[0]?.kind).toBe('impossible-transition');
      expect(anomalies(t)[0]?.message).toMatch(/'dispatch' is not possible/);
    });
  });

  it('strict: the first anomaly throws a SchedacctError (stepper) or errors the actor', () => {
    const t = compileTaskMachine().start(
      createTaskContext({ task: 1, counterHz: 1e9, ledger: new Ledger({ strict: true }) }),
    );
    t.send({ type: 'dispatch', reading: r(0) });
    expect(() => t.send({ type: 'dispatch', reading: r(1) })).toThrow(SchedacctError);
    const actor = createActor(taskMachine, {
      input: { task: 1, counterHz: 1e9, ledger: new Ledger({ strict: true }) },
    });
    actor.subscribe({ error: () => undefined });
    actor.start();
    actor.send({ type: 'dispatch', reading: r(0) });
    actor.send({ type: 'dispatch', reading: r(1) });
    expect(actor.getSnapshot().status).toBe('error');
    expect(actor.getSnapshot().error).toBeInstanceOf(SchedacctError);
  });

  it('counts migrations and keeps the CPU', () => {
    const t = run([
      { type: 'wakeup', reading: r(0) },
      { type: 'migrate', reading: r(5), toCpu: 3 },
    ]);
    expect([t.context.migrations, t.context.cpu]).toEqual([1, 0]); // capture keeps the reading's CPU last
  });

  it('maps kernel state letters to switch-out events', () => {
    const reading = r(0);
    expect(switchOutEvent('R', reading).type).toBe('preempt');
    expect(switchOutEvent('R+', reading).type).toBe('preempt');
    expect(switchOutEvent('D', reading)).toMatchObject({ type: 'block', state: 'D' });
    expect(switchOutEvent('S', reading)).toMatchObject({ type: 'block', state: 'S' });
    expect(switchOutEvent('X', reading).type).toBe('exit');
    expect(switchOutEvent('Z', reading).type).toBe('exit');
  });

  it('validates its input', () => {
    expect(() => createTaskContext({ task: 1, counterHz: 0 })).toThrow(SchedacctError);
    expect(() => createTaskContext({ task: 1, counterHz: 1e9, policy: 'keep' as never })).toThrow(/policy/);
  });

  it('number readings give what bigint readings give, anomalies included', () => {
    // a task's life with a steal jump, a counter going backwards and steal going backwards on the way
    const story: [TaskEvent['type'], number, number, string?][] = [
      ['wakeup', 1_000, 0],
      ['dispatch', 5_000, 0],
      ['preempt', 2_005_000, 300_000],
      ['dispatch', 2_100_000, 300_000],
      ['block', 3_000_000, 9_000_000, 'S'],
      ['wakeup', 2_900_000, 9_000_000],
      ['dispatch', 4_000_000, 8_000_000],
      ['block', 6_000_000, 8_500_000, 'D'],
      ['dispatch', 7_000_000, 8_500_000],
      ['exit', 9_000_000, 8_600_000],
    ];
    const events = (asNumbers: boolean): TaskEvent[] =>
      story.map(([type, counter, stolen, state]) => {
        const reading = asNumbers ? { counter, stolenTotalNs: stolen, cpu: 0 } : r(counter, stolen);
        return type === 'block' ? { type, reading, state: state ?? 'S' } : ({ type, reading } as TaskEvent);
      });
    for (const policy of ['carry', 'drop'] as const) {
      const input = { task: 1, counterHz: 24_000_000, policy };
      const big = run(events(false), input);
      const num = run(events(true), input);
      expect(taskTotals(num.context)).toEqual(taskTotals(big.context));
      expect(anomalies(num).map((a) => a.kind)).toEqual(anomalies(big).map((a) => a.kind));
      expect(num.context.ledger.anomalyCount()).toBeGreaterThan(0);
      expect(num.value).toEqual(big.value);
    }
  });

  it('a number reading that is not a safe integer is misuse, refused at the event that brings it', () => {
    for (const bad of [
      { counter: Number.NaN, stolenTotalNs: 0, cpu: 0 },
      { counter: 10, stolenTotalNs: Number.NaN, cpu: 0 },
      { counter: 10, stolenTotalNs: 0.5, cpu: 0 },
      { counter: 2 ** 53 + 2, stolenTotalNs: 0, cpu: 0 },
    ]) {
      const stepper = compileTaskMachine().start(createTaskContext({ task: 1, counterHz: 1_000_000_000 }));
      expect(() => stepper.send({ type: 'wakeup', reading: bad })).toThrow(SchedacctError);
    }
    const fine = compileTaskMachine().start(createTaskContext({ task: 1, counterHz: 1_000_000_000 }));
    expect(() => fine.send({ type: 'wakeup', reading: { counter: 10, stolenTotalNs: 0, cpu: 0 } })).not.toThrow();
  });

  it('compiles once; instances share the tables but not their state', () => {
    const machine = compileTaskMachine();
    expect(compileTaskMachine()).toBe(machine);
    const a = machine.start(createTaskContext({ task: 1, counterHz: 1e9 }));
    const b = machine.start(createTaskContext({ task: 2, counterHz: 1e9 }));
    a.send({ type: 'dispatch', reading: r(0) });
    expect([a.value, b.value]).toEqual(['running', 'unknown']);
    expect(b.context.task).toBe(2);
  });

  it('books into the ledger it is given: one account per machine, a second machine for the same task opens another', () => {
    const ledger = new Ledger();
    const first = compileTaskMachine().start(createTaskContext({ task: 7, counterHz: 1e9, ledger }));
    first.send({ type: 'dispatch', reading: r(0) });
    first.send({ type: 'exit', reading: r(100) });
    const second = compileTaskMachine().start(createTaskContext({ task: 7, counterHz: 1e9, ledger }));
    second.send({ type: 'dispatch', reading: r(200) });
    second.send({ type: 'dispatch', reading: r(300) }); // impossible: an anomaly, in the same ledger
    second.send({ type: 'preempt', reading: r(150) }); // before its switch-in: backwards
    expect(ledger.tasks().map((t) => [t.task, t.runNs, t.slices])).toEqual([
      [7, 100, 1],
      [7, 0, 1],
    ]);
    expect(ledger.anomalies().map((a) => a.kind)).toEqual(['impossible-transition', 'counter-backwards']);
  });

  it('a reading after lost events records what it causes as lost-event', () => {
    const t = run([
      { type: 'wakeup', reading: r(500) },
      { type: 'dispatch', reading: r(400, 0, { lost: true }) }, // the switch-in perf charges from was before the wakeup
      { type: 'preempt', reading: r(900) },
    ]);
    expect(anomalies(t).map((a) => a.kind)).toEqual(['lost-event']);
    expect(anomalies(t)[0]?.message).toMatch(/lost.*counter-backwards/);
    expect(totals(t)).toMatchObject({ runNs: 500, slices: 1 });
  });
});
