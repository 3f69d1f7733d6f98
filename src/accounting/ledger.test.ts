import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import { Ledger } from './ledger.js';
import { TaskAccount } from './account.js';
import { stableRead } from './consistent-read.js';

const slice = fc
  .integer({ min: 0, max: 10_000_000 })
  .chain((run) => fc.tuple(fc.constant(run), fc.integer({ min: 0, max: run })));

describe('Ledger', () => {
  it('keeps per-task totals with run = charged + stolen and waits split by kind', () => {
    const ledger = new Ledger();
    const a = ledger.account(42);
    a.addSlice(4_000_000, 250_000);
    a.addSlice(2_000_000, 0);
    a.addWait('sleep', 10);
    a.addWait('iowait', 20);
    a.addWait('preempt', 30);
    a.addDelay(5);
    expect(ledger.get(42)).toMatchObject({
      runNs: 6_000_000,
      chargedNs: 5_750_000,
      stolenNs: 250_000,
      sleepNs: 10,
      iowaitNs: 20,
      preemptNs: 30,
      delayNs: 5,
      slices: 2,
      minSliceNs: 2_000_000,
      maxSliceNs: 4_000_000,
      meanSliceNs: 3_000_000,
    });
    expect(ledger.get(7)).toBeUndefined();
    expect(ledger.size).toBe(1);
  });

  it('computes the slice spread as perf does (sample variance from Welford)', () => {
    const a = new TaskAccount(1);
    for (const ns of [2, 4, 4, 4, 5, 5, 7, 9]) a.addSlice(ns, 0);
    // mean 5, Σ(x−5)² = 32: the textbook example; sample variance 32/7.
    expect(a.meanSliceNs).toBe(5);
    expect(a.sliceVarianceNs2).toBeCloseTo(32 / 7, 12);
    expect(a.toJSON()).not.toHaveProperty('m2SliceNs'); // the accumulator stays inside
  });

  fcTest.prop([
    fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), slice), { maxLength: 200 }),
    fc.integer({ min: 0, max: 200 }),
  ])('merging two halves equals booking everything in one ledger', (rows, cut) => {
    const whole = new Ledger();
    const left = new Ledger();
    const right = new Ledger();
    rows.forEach(([task, [run, stolen]], i) => {
      whole.account(task).addSlice(run, stolen);
      (i < cut ? left : right).account(task).addSlice(run, stolen);
      whole.account(task).addWait('sleep', run);
      (i < cut ? left : right).account(task).addWait('sleep', run);
    });
    left.merge(right);
    const byTask = (l: Ledger) => new Map(l.tasks().map((t) => [t.task, t]));
    const w = byTask(whole);
    for (const [task, t] of byTask(left)) {
      const expected = w.get(task);
      expect(expected).toBeDefined();
      if (expected === undefined) continue;
      expect({ ...t, meanSliceNs: 0, sliceVarianceNs2: 0 }).toEqual({
        ...expected,
        meanSliceNs: 0,
        sliceVarianceNs2: 0,
      });
      expect(t.meanSliceNs).toBeCloseTo(expected.meanSliceNs, 3);
      const v = expected.sliceVarianceNs2;
      expect(Math.abs(t.sliceVarianceNs2 - v)).toBeLessThanOrEqual(1e-9 * Math.max(1, v));
    }
    expect(left.totals().chargedNs).toBe(whole.totals().chargedNs);
  });

  it('counts anomalies by kind and keeps a bounded number in detail', () => {
    const ledger = new Ledger({ maxAnomalyDetails: 2 });
    for (let i = 0; i < 5; i++) ledger.recordAnomaly({ kind: 'steal-backwards', message: 'x', atNs: i });
    ledger.recordAnomaly({ kind: 'counter-backwards', message: 'y' });
    expect(ledger.anomalyCount()).toBe(6);
    expect(ledger.anomalyCount('steal-backwards')).toBe(5);
    expect(ledger.anomalyCounts()).toEqual({
      'counter-backwards': 1,
      'steal-backwards': 5,
      'steal-exceeds-elapsed': 0,
      'snapshot-inconsistent': 0,
      'impossible-transition': 0,
      'lost-event': 0,
      'malformed-line': 0,
      'time-jump': 0,
    });
    expect(ledger.anomalies().map((a) => a.atNs)).toEqual([0, 1]);
    const other = new Ledger();
    other.recordAnomaly({ kind: 'snapshot-inconsistent', message: 'z' });
    expect(new Ledger().merge(ledger).merge(other).anomalyCount()).toBe(7);
  });

  it('rejects negative or impossible bookings with typed errors', () => {
    const a = new Ledger().account('t');
    expect(() => a.addSlice(-1, 0)).toThrow(SchedacctError);
    expect(() => a.addSlice(10, 11)).toThrow(/exceeds the slice/);
    expect(() => a.addWait('sleep', Number.NaN)).toThrow(SchedacctError);
    // @ts-expect-error: not a wait kind
    expect(() => a.addWait('nap', 1)).toThrow(/wait kind/);
    expect(() => a.addDelay(-5)).toThrow(SchedacctError);
    expect(() => new Ledger({ maxAnomalyDetails: -1 })).toThrow(SchedacctError);
  });

  it('anomaly: a reading whose retries ran out is recorded with its context', () => {
    const ledger = new Ledger();
    let stolen = 0n;
    const busy = stableRead(
      () => (stolen += 1n),
      () => 0n,
      2,
    ); // the host never stops writing
    expect(ledger.checkReading(busy, { task: 9, cpu: 1, atNs: 5 })).toBe(false);
    expect(
      ledger.checkReading(
        stableRead(
          () => 1n,
          () => 0n,
        ),
      ),
    ).toBe(true);
    expect(ledger.anomalyCounts()['snapshot-inconsistent']).toBe(1);
    expect(ledger.anomalies()[0]).toMatchObject({ kind: 'snapshot-inconsistent', task: 9, cpu: 1, atNs: 5 });
    expect(ledger.anomalies()[0]?.message).toMatch(/after 2 retries/);
  });

  it('strict: the first anomaly throws a typed error that names it and its context', () => {
    expect.assertions(5);
    const ledger = new Ledger({ strict: true });
    expect(ledger.strict).toBe(true);
    expect(() => {
      ledger.recordAnomaly({ kind: 'steal-backwards', message: 'total went from 9 to 3', task: 4, cpu: 0 });
    }).toThrow(/steal-backwards: total went from 9 to 3 \(task 4, cpu 0\)/);
    try {
      ledger.recordAnomaly({ kind: 'counter-backwards', message: 'x' });
    } catch (e) {
      expect(e).toBeInstanceOf(SchedacctError);
      expect((e as SchedacctError).code).toBe('strict-anomaly');
    }
    expect(ledger.anomalyCount()).toBe(0);
  });

  it('opens a new account for a reused id: the earlier task keeps its totals, the new one is current', () => {
    const ledger = new Ledger();
    ledger.account(7).addSlice(100, 10);
    const second = ledger.open(7);
    second.addSlice(50, 0);
    expect(ledger.size).toBe(2);
    expect(ledger.get(7)?.runNs).toBe(50);
    expect(ledger.tasks().map((t) => t.runNs)).toEqual([100, 50]);
    expect(ledger.account(7)).toBe(second);
    expect(ledger.totals()).toMatchObject({ runNs: 150, chargedNs: 140, stolenNs: 10, slices: 2 });
  });

  it('files a finished account as a compact row: the same totals, in the same order, and the object let go', () => {
    const live = new Ledger();
    const compact = new Ledger();
    for (const ledger of [live, compact]) {
      for (let task = 0; task < 10; task++) {
        // the even ones are new tasks under ids 0 and 2, which end at once (in `compact`); the odd ones go on
        const account = task % 2 === 0 ? ledger.open(task % 4) : ledger.account(task % 4);
        account.addSlice(100 + task, task);
        account.addSlice(7 * task, 0);
        account.addWait('iowait', task);
        account.addDelay(3);
        if (ledger === compact && task % 2 === 0) ledger.finish(account);
      }
    }
    expect(compact.size).toBe(7);
    expect(compact.tasks()).toEqual(live.tasks());
    expect(compact.accounts().map((a) => a.toJSON())).toEqual(live.tasks());
    expect(compact.totals()).toEqual(live.totals());
    expect(compact.get(0)).toEqual(live.get(0)); // task 8 (id 0) finished last: get finds its row
    expect(compact.get(1)).toEqual(live.get(1));
    const account = compact.account(3);
    expect(() => compact.finish(new Ledger().account(3))).toThrow(SchedacctError);
    compact.finish(account);
    expect(() => compact.finish(account)).toThrow(/live account of this ledger/);
    expect(() => compact.finishedTotals(99)).toThrow(SchedacctError);
  });
});
