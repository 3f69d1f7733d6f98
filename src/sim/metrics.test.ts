import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import { combineObservers, DelayHistogram, fairness, jain, SimMetrics } from './metrics.js';
import type { SimTaskResult } from './types.js';

// The exact q-quantile as DelayHistogram defines it: the ⌈q·n⌉-th smallest value.
const exact = (sorted: readonly number[], q: number): number =>
  sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;

describe('DelayHistogram', () => {
  it('p50 and p99 within 1 % of the exact ones; min, max, count and sum exact (values from 0 to 2^53 − 1)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(1000), fc.nat(10_000_000), fc.maxSafeNat()), { minLength: 1, maxLength: 300 }),
        (values) => {
          const h = new DelayHistogram();
          for (const v of values) h.record(v);
          const sorted = [...values].sort((a, b) => a - b);
          for (const q of [0, 0.5, 0.9, 0.99, 1]) {
            const want = exact(sorted, q);
            expect(Math.abs(h.quantile(q) - want)).toBeLessThanOrEqual(want * 0.01);
          }
          expect([h.minNs, h.maxNs, h.count]).toEqual([sorted[0], sorted[sorted.length - 1], values.length]);
          expect(h.sumNs).toBe(values.reduce((a, b) => a + b, 0));
        },
      ),
    );
  });

  it('values below 256 are exact', () => {
    const h = new DelayHistogram();
    for (let v = 0; v < 256; v++) h.record(v);
    for (let v = 1; v <= 256; v++) expect(h.quantile(v / 256)).toBe(v - 1);
  });

  it('merging two histograms gives the histogram of both value lists', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1e9)), fc.array(fc.nat(1e12)), (a, b) => {
        const ha = new DelayHistogram();
        const hb = new DelayHistogram();
        const both = new DelayHistogram();
        for (const v of a) ha.record(v);
        for (const v of b) hb.record(v);
        for (const v of [...a, ...b]) both.record(v);
        ha.merge(hb);
        expect(ha.summary()).toEqual(both.summary());
        expect([ha.count, ha.minNs, ha.sumNs]).toEqual([both.count, both.minNs, both.sumNs]);
      }),
    );
  });

  it('an empty histogram reports 0; a negative, fractional or unsafe value and a q outside [0, 1] are misuse', () => {
    const h = new DelayHistogram();
    expect(h.summary()).toEqual({ p50Ns: 0, p99Ns: 0, maxNs: 0 });
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) expect(() => h.record(bad)).toThrow(SchedacctError);
    for (const q of [-0.1, 1.1, Number.NaN]) expect(() => h.quantile(q)).toThrow(SchedacctError);
  });
});

describe('SimMetrics', () => {
  const a = { tid: 1000, name: 'a', prio: 120 };
  const b = { tid: 1001, name: 'b', prio: 120 };

  it('delay runs from creation, wakeup or preemption to the next switch-in; a sleep is no delay', () => {
    const m = new SimMetrics();
    m.onCreate(0, 0, a);
    m.onCreate(0, 0, b);
    m.onSwitch(100, 0, undefined, 'R', a); // a waited 100 since its creation
    m.onSwitch(4_100, 0, a, 'R', b); // b waited 4 100; a preempted
    m.onSwitch(8_100, 0, b, 'S', a); // a waited 4 000; b sleeps
    m.onSwitch(9_000, 0, a, 'S', undefined);
    m.onWakeup(20_000, 0, b);
    m.onWakeup(20_500, 1, b); // a second wakeup of a runnable task does not restart its delay
    m.onSwitch(21_000, 0, undefined, 'R', b); // b waited 1 000 since its wakeup, not the 12 900 it slept
    expect(m.task(1000)?.switches).toBe(2);
    expect(m.task(1001)?.switches).toBe(2);
    expect(m.task(1000)?.delay.maxNs).toBe(4_000);
    expect([m.task(1001)?.delay.count, m.task(1001)?.delay.sumNs]).toEqual([2, 5_100]);
    expect([m.all.count, m.all.sumNs, m.all.maxNs]).toEqual([4, 9_200, 4_100]);
    expect(m.task(42)).toBeUndefined();
  });

  it('combineObservers: each observer hears every event, as a method of its own', () => {
    const m1 = new SimMetrics();
    const m2 = new SimMetrics();
    const runtimes: number[] = [];
    const both = combineObservers(m1, m2, { onRuntime: (_t, _c, _task, ns) => runtimes.push(ns) });
    both.onCreate?.(0, 0, a);
    both.onRuntime?.(10, 0, a, 7);
    both.onSwitch?.(10, 0, undefined, 'R', a);
    expect([m1.task(1000)?.delay.maxNs, m2.task(1000)?.delay.maxNs, runtimes]).toEqual([10, 10, [7]]);
    expect(combineObservers(m1)).toBe(m1);
  });
});

describe('jain and fairness', () => {
  it('Jain: 1 for equal values, 1/n when one has everything, (Σx)²/(n·Σx²) between', () => {
    expect(jain([7])).toBe(1);
    expect(jain([3, 3, 3, 3])).toBe(1);
    expect(jain([0, 0])).toBe(1);
    expect(jain([10, 0, 0, 0])).toBe(0.25);
    expect(jain([1, 2])).toBeCloseTo(9 / 10, 12);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 50 }), (xs) => {
        const j = jain(xs);
        expect(j).toBeGreaterThanOrEqual(1 / xs.length - 1e-12);
        expect(j).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
    for (const bad of [[], [-1], [Number.NaN], [1, Number.POSITIVE_INFINITY]])
      expect(() => jain(bad)).toThrow(SchedacctError);
  });

  it('fairness divides by weight: nice 0 and nice 5 sharing in proportion to weight is fair', () => {
    const task = (tid: number, weight: number, chargedNs: number, realNs: number) =>
      ({ tid, weight, realNs, totals: { chargedNs } }) as unknown as SimTaskResult;
    // 1024 : 335 is the weight ratio of nice 0 to nice 5
    const f = fairness({ tasks: [task(1000, 1024, 1024_000, 1024_000), task(1001, 335, 335_000, 100_000)] });
    expect(f.jainCharged).toBeCloseTo(1, 12);
    expect(f.jainReal).toBeCloseTo(jain([1000, 100_000 / 335]), 12);
    expect(fairness({ tasks: [] })).toEqual({ jainCharged: 1, jainReal: 1 });
  });
});
