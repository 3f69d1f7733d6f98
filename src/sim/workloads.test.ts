import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import { stream } from './random.js';
import type { Workload } from './types.js';
import { WorkloadRunner } from './workloads.js';

function bursts(w: Workload, n: number, segments?: { runNs: number; sleepNs: number }[]): [number, number][] {
  const r = new WorkloadRunner(w, stream(1, 'workload', 1000), segments);
  const out: [number, number][] = [];
  for (let i = 0; i < n && r.next(); i++) out.push([r.runNs, r.sleepNs]);
  return out;
}

describe('workloads', () => {
  it('cpu is one endless burst; periodic runs runUs then sleeps sleepUs, again and again', () => {
    expect(bursts({ kind: 'cpu' }, 2)).toEqual([
      [Infinity, 0],
      [Infinity, 0],
    ]);
    expect(bursts({ kind: 'periodic', runUs: 1500, sleepUs: 8000.5 }, 2)).toEqual([
      [1_500_000, 8_000_500],
      [1_500_000, 8_000_500],
    ]);
  });

  it('phases repeat `times`, loop by default, and without loop exit after the last run', () => {
    const phases = [
      { runUs: 1, sleepUs: 0, times: 2 },
      { runUs: 2, sleepUs: 5 },
    ];
    expect(bursts({ kind: 'phases', phases }, 4)).toEqual([
      [1000, 0],
      [1000, 0],
      [2000, 5000],
      [1000, 0],
    ]);
    expect(bursts({ kind: 'phases', phases, loop: false }, 9)).toEqual([
      [1000, 0],
      [1000, 0],
      [2000, -1],
    ]);
  });

  it('trace replays its segments once (exit after the last run) or in a loop; it needs them loaded', () => {
    const segments = [
      { runNs: 10, sleepNs: 20 },
      { runNs: 30, sleepNs: 40 },
    ];
    expect(bursts({ kind: 'trace', file: 't' }, 9, segments)).toEqual([
      [10, 20],
      [30, -1],
    ]);
    expect(bursts({ kind: 'trace', file: 't', loop: true }, 3, segments)).toEqual([
      [10, 20],
      [30, 40],
      [10, 20],
    ]);
    expect(() => bursts({ kind: 'trace', file: 't' }, 1)).toThrow(SchedacctError);
  });

  it('bursts draw from the task stream: the same seed, the same lengths', () => {
    const w: Workload = {
      kind: 'bursts',
      run: { dist: 'exponential', meanUs: 100 },
      sleep: { dist: 'uniform', minUs: 10, maxUs: 20 },
    };
    const a = bursts(w, 50);
    expect(bursts(w, 50)).toEqual(a);
    for (const [run, sleep] of a) {
      expect(run).toBeGreaterThanOrEqual(1);
      expect(sleep).toBeGreaterThanOrEqual(10_000);
      expect(sleep).toBeLessThanOrEqual(20_000);
    }
  });
});
