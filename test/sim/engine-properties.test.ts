// The engine's laws over random scenarios (toy round-robin policy): every vCPU's host time adds up, no time is
// negative, no task is charged more than it ran or really ran more than it was on the CPU, the ledger's own law
// holds, the task machines meet no anomaly, and affinity holds.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { simulate } from '../../src/sim/simulate.ts';
import type { MsInterval, StealSpec, Workload } from '../../src/sim/types.ts';
import { resolved, toyPolicy, type TestScenario, type TestTask } from './toy-policy.ts';

const us = (max: number) => fc.integer({ min: 1, max });
const steal: fc.Arbitrary<StealSpec> = fc.oneof(
  fc.constant({ kind: 'none' } as const),
  fc.record({
    kind: fc.constant('constant' as const),
    share: fc.double({ min: 0, max: 0.9, noNaN: true }),
    periodUs: us(5000),
  }),
  us(20_000).chain((periodUs) =>
    fc.record({
      kind: fc.constant('periodic' as const),
      periodUs: fc.constant(periodUs),
      stealUs: fc.integer({ min: 0, max: periodUs - 1 }),
      phaseUs: fc.integer({ min: 0, max: 5000 }),
    }),
  ),
  fc.record({ kind: fc.constant('random' as const), meanRunUs: us(5000), meanStealUs: us(3000) }),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 20 })), { maxLength: 4 }).map((xs) => {
    const intervals: MsInterval[] = [];
    let at = 0;
    for (const [gap, len] of xs) {
      intervals.push({ startMs: at + gap, endMs: at + gap + len });
      at += gap + len;
    }
    return { kind: 'intervals' as const, intervals };
  }),
);
const dist = fc.oneof(
  us(3000).map((u) => ({ dist: 'fixed' as const, us: u })),
  us(3000).map((m) => ({ dist: 'exponential' as const, meanUs: m })),
  fc.record({
    dist: fc.constant('lognormal' as const),
    medianUs: us(2000),
    sigma: fc.double({ min: 0, max: 1.5, noNaN: true }),
  }),
);
const workload: fc.Arbitrary<Workload> = fc.oneof(
  fc.constant({ kind: 'cpu' } as const),
  fc.record({ kind: fc.constant('periodic' as const), runUs: us(8000), sleepUs: fc.integer({ min: 0, max: 8000 }) }),
  fc.record({ kind: fc.constant('bursts' as const), run: dist, sleep: dist }),
  fc.record({
    kind: fc.constant('phases' as const),
    phases: fc.array(fc.record({ runUs: us(5000), sleepUs: fc.integer({ min: 0, max: 5000 }), times: us(3) }), {
      minLength: 1,
      maxLength: 3,
    }),
    loop: fc.boolean(),
  }),
);

const scenario: fc.Arbitrary<TestScenario> = fc.integer({ min: 1, max: 3 }).chain((cpus) =>
  fc.record({
    cpus: fc.constant(cpus),
    durationMs: fc.integer({ min: 1, max: 120 }),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    hz: fc.constantFrom(100, 250, 300, 1000),
    accounting: fc.constantFrom('drop' as const, 'carry' as const, 'none' as const),
    abi: fc.constantFrom('x86' as const, 'arm64' as const, 'xen' as const),
    steal: fc.array(steal, { minLength: cpus, maxLength: cpus }),
    pauses: fc
      .array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 15 })), { maxLength: 2 })
      .map((xs) => {
        let at = 0;
        return xs.map(([gap, len]) => {
          const p = { startMs: at + gap + 0.5, endMs: at + gap + len };
          at += gap + len;
          return p;
        });
      }),
    tasks: fc.array(
      fc.record({
        name: fc.constantFrom('a', 'b', 'c'),
        count: fc.integer({ min: 1, max: 3 }),
        cpus: fc.subarray([...Array(cpus).keys()], { minLength: 1 }),
        startMs: fc.integer({ min: 0, max: 30 }),
        stopMs: fc.option(fc.integer({ min: 1, max: 130 }), { nil: null }),
        workload,
      }) as fc.Arbitrary<TestTask>,
      { minLength: 1, maxLength: 4 },
    ),
  }),
);

describe('engine laws', () => {
  fcTest.prop([scenario], { numRuns: 60 })('conservation, no negative time, no over-charge, affinity', (s) => {
    const switches: [number, number | undefined][] = [];
    const r = simulate(resolved(s), {
      policy: toyPolicy(),
      observer: { onSwitch: (_at, cpu, _prev, _state, next) => switches.push([cpu, next?.tid]) },
    });
    expect(r.elapsedNs).toBe(Math.round(s.durationMs ?? 0) * 1e6);
    for (const v of r.vcpus) {
      for (const ns of [v.busyNs, v.idleNs, v.stolenNs, v.pausedNs]) expect(ns).toBeGreaterThanOrEqual(0);
      expect(v.busyNs + v.idleNs + v.stolenNs + v.pausedNs).toBe(r.elapsedNs);
    }
    for (const t of r.tasks) {
      const { runNs, chargedNs, stolenNs } = t.totals;
      expect(Math.min(runNs, chargedNs, stolenNs, t.realNs)).toBeGreaterThanOrEqual(0);
      expect(runNs).toBe(chargedNs + stolenNs);
      expect(t.realNs).toBeLessThanOrEqual(runNs);
      if (s.accounting !== 'none') expect(t.realNs).toBe(chargedNs); // the steal the guest read is the host's
    }
    expect(r.ledger.anomalyCount()).toBe(0);
    const busy = r.vcpus.reduce((sum, v) => sum + v.busyNs, 0);
    expect(r.tasks.reduce((sum, t) => sum + t.realNs, 0)).toBeLessThanOrEqual(busy);
    const resolvedTasks = resolved(s).tasks.flatMap((g) => Array.from({ length: g.count }, () => g.cpus));
    for (const [cpu, tid] of switches) if (tid !== undefined) expect(resolvedTasks[tid - 1000]).toContain(cpu);
  });
});
