// The benchmark's reference loop (bench/sim-reference.ts) does the kernel's arithmetic exactly: its
// `mul_u64_u32_shr` in doubles equals the 128-bit product shifted (BigInt), its factors are `__calc_delta`'s, and
// hogs share its CPU by weight. A reference that got these wrong would be measuring other work than the engine does.
import { fc, test } from '@fast-check/vitest';
import { expect, it } from 'vitest';
import { calcFactor, mulShr, runReference, WEIGHTS, WMULTS } from '../../bench/sim-reference.js';

// __calc_delta(delta, NICE_0_LOAD, lw) as kernel/sched/fair.c writes it, in BigInt
function calcDeltaBig(delta: bigint, nice: number): bigint {
  let fact = 1024n * BigInt(WMULTS[nice + 20] ?? 0);
  let shift = 32n;
  const hi = fact >> 32n;
  if (hi !== 0n) {
    const fs = BigInt(hi.toString(2).length); // fls(fact_hi)
    shift -= fs;
    fact >>= fs;
  }
  return (delta * fact) >> shift;
}

test.prop([fc.integer({ min: -20, max: 19 }), fc.integer({ min: 0, max: 2 ** 37 - 1 })])(
  'mulShr(delta, calcFactor(nice)) is __calc_delta exactly, for any delta below 2^37 ns',
  (nice, delta) => {
    const { fact, shift } = calcFactor(nice);
    expect(fact).toBeLessThan(2 ** 32);
    expect(BigInt(mulShr(delta, fact, shift))).toBe(calcDeltaBig(BigInt(delta), nice));
  },
);

it('tabulates the kernel weights: nice 0 is 1024, each level about 1.25×, wmult within 1 of 2^32 / weight', () => {
  expect(WEIGHTS).toHaveLength(40);
  expect(WEIGHTS[20]).toBe(1024);
  expect(WMULTS[20]).toBe(2 ** 22);
  WEIGHTS.forEach((w, i) => {
    expect(Math.abs((WMULTS[i] ?? 0) - 2 ** 32 / w)).toBeLessThanOrEqual(1);
    if (i > 0) expect((WEIGHTS[i - 1] ?? 0) / w).toBeGreaterThan(1.15);
  });
});

it('shares one CPU among hogs by weight, within a point over 10 s', () => {
  const nices = [-5, 0, 5, 10];
  const { runNs, events } = runReference(
    1,
    250,
    10e9,
    nices.map((nice) => ({ nice, cpu: 0, runUs: 0, sleepUs: 0 })),
  );
  const total = runNs.reduce((a, b) => a + b, 0);
  const weights = nices.map((n) => WEIGHTS[n + 20] ?? 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  expect(total).toBe(10e9);
  runNs.forEach((ns, i) => expect(Math.abs(ns / total - (weights[i] ?? 0) / weightSum)).toBeLessThan(0.01));
  expect(events).toBeGreaterThanOrEqual(2500); // a tick every 4 ms at least
});

it('runs a periodic task its burst then sleeps it: about runUs / (runUs + sleepUs) of the CPU at most', () => {
  const { runNs } = runReference(1, 250, 2e9, [{ nice: 0, cpu: 0, runUs: 1000, sleepUs: 4000 }]);
  // alone on the CPU: 1 ms of every 5.05 ms (its sleeps end the 50 µs timer slack late): 396 periods in 1999.8 ms,
  // then 0.2 ms of the next run
  expect(runNs[0]).toBe(396 * 1_000_000 + 200_000);
});
