import { describe, expect, it } from 'vitest';
import { exponentialNs, sampleNs, stream, streamSeed } from './random.js';

const take = (next: () => number, n: number): number[] => Array.from({ length: n }, next);

describe('random streams', () => {
  it('the same (seed, purpose, index) gives the same numbers; any other part changes them', () => {
    expect(take(stream(7, 'workload', 1000), 5)).toEqual(take(stream(7, 'workload', 1000), 5));
    const base = streamSeed(7, 'workload', 1000);
    expect(
      new Set([base, streamSeed(8, 'workload', 1000), streamSeed(7, 'host', 1000), streamSeed(7, 'workload', 1001)])
        .size,
    ).toBe(4);
    expect(streamSeed(2 ** 40 + 7, 'workload', 1000)).not.toBe(base); // seeds past 32 bits still count
  });

  it('a stream is its own: drawing from one does not move another', () => {
    const a = stream(1, 'workload', 1000);
    const b = stream(1, 'workload', 1001);
    const alone = take(stream(1, 'workload', 1001), 10);
    take(a, 1000);
    expect(take(b, 10)).toEqual(alone);
  });

  it('samples whole ns ≥ 1 with the distribution asked for', () => {
    const next = stream(3, 'workload', 1);
    const n = 20_000;
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const fixed = take(() => sampleNs(next, { dist: 'fixed', us: 2.5 }), 3);
    expect(fixed).toEqual([2500, 2500, 2500]);
    const uniform = take(() => sampleNs(next, { dist: 'uniform', minUs: 100, maxUs: 300 }), n);
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(100_000);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(300_000);
    expect(mean(uniform)).toBeCloseTo(200_000, -3);
    const exp = take(() => sampleNs(next, { dist: 'exponential', meanUs: 1000 }), n);
    expect(mean(exp) / 1e6).toBeCloseTo(1, 1);
    const logn = take(() => sampleNs(next, { dist: 'lognormal', medianUs: 500, sigma: 0.5 }), n).sort((x, y) => x - y);
    expect((logn[n / 2] as number) / 500_000).toBeCloseTo(1, 1); // the median is the median
    expect([...uniform, ...exp, ...logn].every((x) => Number.isInteger(x) && x >= 1)).toBe(true);
    expect(sampleNs(next, { dist: 'fixed', us: 0 })).toBe(1); // never 0
    expect(exponentialNs(() => 0, 10)).toBe(1);
  });
});
