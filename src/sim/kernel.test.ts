import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import {
  baseSliceNs,
  cfsTunables,
  defaultPolicy,
  kernelAtLeast,
  parseKernel,
  policyAllowed,
  rrTimesliceTicks,
  sysctlFactor,
  tickNsec,
} from './kernel.js';

describe('parseKernel', () => {
  it('reads major.minor and ignores the release and suffix', () => {
    expect(parseKernel('6.18')).toEqual({ major: 6, minor: 18 });
    expect(parseKernel('6.6.30')).toEqual({ major: 6, minor: 6 });
    expect(parseKernel('6.19.0-rc1')).toEqual({ major: 6, minor: 19 });
    expect(parseKernel('5.15.0-91-generic')).toEqual({ major: 5, minor: 15 });
  });

  it('rejects what is not a version, naming the key', () => {
    for (const bad of ['', 'six', '6', '6.x', '6.18.1.2', 'v6.18']) {
      expect(() => parseKernel(bad)).toThrow(SchedacctError);
      expect(() => parseKernel(bad)).toThrow(/kernel must be a version/);
    }
    expect(() => parseKernel('2.6')).toThrow(/from 3\.0/);
    expect(() => parseKernel(6.18 as unknown as string)).toThrow(/kernel must be a string/);
  });
});

describe('tunables by version and CPU count', () => {
  it('scales by 1 + ilog2(min(cpus, 8))', () => {
    expect([1, 2, 3, 4, 7, 8, 64].map(sysctlFactor)).toEqual([1, 2, 2, 3, 3, 4, 4]);
    expect(() => sysctlFactor(0)).toThrow(SchedacctError);
  });

  it('has a 0.75 ms base slice for 6.6–6.14 and 0.70 ms from 6.15', () => {
    expect(baseSliceNs(parseKernel('6.6'), 1)).toBe(750_000);
    expect(baseSliceNs(parseKernel('6.14'), 2)).toBe(1_500_000);
    expect(baseSliceNs(parseKernel('6.15'), 1)).toBe(700_000);
    // the recordings: 6.18, 2 vCPUs
    expect(baseSliceNs(parseKernel('6.18'), 2)).toBe(1_400_000);
    expect(baseSliceNs(parseKernel('6.18'), 16)).toBe(2_800_000);
  });

  it('scales CFS’s latency, min granularity and wakeup granularity the same way', () => {
    expect(cfsTunables(1)).toEqual({
      latencyNs: 6e6,
      minGranularityNs: 750_000,
      wakeupGranularityNs: 1e6,
      nrLatency: 8,
    });
    expect(cfsTunables(4).latencyNs).toBe(18e6);
  });

  it('counts RR_TIMESLICE in ticks and TICK_NSEC in rounded ns', () => {
    expect(rrTimesliceTicks(250)).toBe(25);
    expect(rrTimesliceTicks(1000)).toBe(100);
    expect(rrTimesliceTicks(300)).toBe(30);
    expect(rrTimesliceTicks(5)).toBe(1);
    expect(tickNsec(250)).toBe(4_000_000);
    expect(tickNsec(300)).toBe(3_333_333);
    expect(tickNsec(1000)).toBe(1_000_000);
  });
});

describe('policies by kernel', () => {
  it('boots EEVDF from 6.6 and CFS before', () => {
    expect(defaultPolicy(parseKernel('6.18'))).toBe('eevdf');
    expect(defaultPolicy(parseKernel('6.6'))).toBe('eevdf');
    expect(defaultPolicy(parseKernel('6.5'))).toBe('cfs');
    expect(kernelAtLeast(parseKernel('7.0'), 6, 18)).toBe(true);
  });

  it('allows eevdf only from 6.6, cfs only to 6.5, rr and fifo always', () => {
    const k618 = parseKernel('6.18');
    const k61 = parseKernel('6.1');
    expect(['eevdf', 'cfs', 'rr', 'fifo', 'bfs'].map((p) => policyAllowed(p, k618))).toEqual([
      true,
      false,
      true,
      true,
      false,
    ]);
    expect(['eevdf', 'cfs', 'rr', 'fifo'].map((p) => policyAllowed(p, k61))).toEqual([false, true, true, true]);
  });
});
