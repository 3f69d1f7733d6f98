import { describe, expect, it } from 'vitest';
import { DEFAULT_COMPARISON, DEFAULT_SCENARIO } from './default-scenario.js';
import { resolveScenario } from './scenario.js';

describe('the embedded default', () => {
  it('is three CPU-bound tasks on one vCPU, 10 s, with steal of 3.6 ms every 12 ms', () => {
    const r = resolveScenario(DEFAULT_SCENARIO);
    expect([r.cpus, r.durationMs, r.kernel, r.hz]).toEqual([1, 10_000, '6.18', 250]);
    expect(r.tasks.map((t) => [t.count, t.workload.kind, t.nice])).toEqual([[3, 'cpu', 0]]);
    expect(r.host.steal).toEqual([{ kind: 'periodic', periodUs: 12_000, stealUs: 3_600, phaseUs: 0 }]);
  });

  it('runs without and with steal-aware accounting, in that order, each resolving', () => {
    expect(DEFAULT_COMPARISON).toEqual(['none', 'drop']);
    for (const accounting of DEFAULT_COMPARISON)
      expect(resolveScenario({ ...DEFAULT_SCENARIO, accounting }).accounting).toBe(accounting);
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(DEFAULT_SCENARIO)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SCENARIO.tasks[0]?.workload)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SCENARIO.host?.steal?.['0'])).toBe(true);
    expect(Object.isFrozen(DEFAULT_COMPARISON)).toBe(true);
  });
});
