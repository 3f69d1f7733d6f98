import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import { stealIntervals, TimeMap, VcpuHost, vcpuEvents } from './host.js';
import type { NsInterval, SimAbi, StealSpec } from './types.js';

function first(spec: StealSpec, n: number, vcpu = 0): NsInterval[] {
  const out: NsInterval[] = [];
  for (const i of stealIntervals(spec, vcpu, 1, undefined)) {
    if (out.length === n) break;
    out.push(i);
  }
  return out;
}

describe('host steal', () => {
  it('periodic steals stealUs at the end of each period (shifted by phaseUs); constant a share of each period', () => {
    expect(first({ kind: 'periodic', periodUs: 12_000, stealUs: 3600 }, 2)).toEqual([
      { startNs: 8_400_000, endNs: 12_000_000 },
      { startNs: 20_400_000, endNs: 24_000_000 },
    ]);
    expect(first({ kind: 'periodic', periodUs: 12_000, stealUs: 3600, phaseUs: 100 }, 1)).toEqual([
      { startNs: 8_500_000, endNs: 12_100_000 },
    ]);
    expect(first({ kind: 'constant', share: 0.25 }, 1)).toEqual([{ startNs: 750_000, endNs: 1_000_000 }]);
    expect(first({ kind: 'none' }, 1)).toEqual([]);
  });

  it('random steal comes from the vCPU own stream; trace steal needs its loaded intervals', () => {
    const spec: StealSpec = { kind: 'random', meanRunUs: 1000, meanStealUs: 100 };
    expect(first(spec, 5)).toEqual(first(spec, 5));
    expect(first(spec, 5, 1)).not.toEqual(first(spec, 5)); // another vCPU: another stream
    expect(() => first({ kind: 'trace', file: 'host.txt', tid: 7 }, 1)).toThrow(SchedacctError);
    const hostSteal = new Map([[0, [{ startNs: 5, endNs: 9 }]]]);
    const loaded = [
      ...stealIntervals({ kind: 'trace', file: 'h', tid: 7 }, 0, 1, { hostSteal, taskSegments: new Map() }),
    ];
    expect(loaded).toEqual([{ startNs: 5, endNs: 9 }]);
  });

  it('a pause takes the part of a steal interval it covers, and gives pause and resume', () => {
    const steals = [
      { startNs: 10, endNs: 50 },
      { startNs: 60, endNs: 70 },
      { startNs: 100, endNs: 110 },
    ];
    const events = [
      ...vcpuEvents(steals, [
        { startNs: 30, endNs: 65 },
        { startNs: 200, endNs: 300 },
      ]),
    ];
    expect(events.map((e) => `${e.type}@${e.atNs}`)).toEqual([
      'deschedule@10',
      'schedule@30',
      'pause@30',
      'resume@65',
      'deschedule@65',
      'schedule@70',
      'deschedule@100',
      'schedule@110',
      'pause@200',
      'resume@300',
    ]);
  });
});

describe('TimeMap', () => {
  it('guest time is host time minus the pauses before it; host() gives the earliest host time of a guest time', () => {
    const t = new TimeMap([
      { startNs: 100, endNs: 300 },
      { startNs: 500, endNs: 600 },
    ]);
    expect([0, 100, 200, 300, 500, 550, 600, 700].map((h) => t.guest(h))).toEqual([
      0, 100, 100, 100, 300, 300, 300, 400,
    ]);
    expect([0, 100, 101, 300, 301, 400].map((g) => t.host(g))).toEqual([0, 100, 301, 500, 601, 700]);
    for (let g = 0; g < 800; g += 7) expect(t.guest(t.host(g))).toBe(g);
  });
});

describe('VcpuHost', () => {
  it.each(['x86', 'arm64', 'xen'] as SimAbi[])(
    '%s: the guest reads, through the ABI structure, the steal the machine published when the vCPU ran again',
    (abi) => {
      const events = vcpuEvents(
        [
          { startNs: 1000, endNs: 4000 },
          { startNs: 6000, endNs: 6500 },
        ],
        [{ startNs: 8000, endNs: 9000 }],
      );
      const v = new VcpuHost(0, events, abi, 'compiled');
      const seen: number[] = [];
      while (v.pending !== undefined) {
        v.apply();
        seen.push(v.readStolenNs());
      }
      expect(seen).toEqual([0, 3000, 3000, 3500, 3500, 3500]); // deschedule publishes nothing; schedule does
      expect(v.buckets(10_000)).toEqual({ runningNs: 5500, stolenNs: 3500, pausedNs: 1000 });
    },
  );

  it('the XState actor keeps the same buckets as the compiled machine', () => {
    const make = (engine: 'compiled' | 'xstate') => {
      const v = new VcpuHost(0, vcpuEvents([{ startNs: 10, endNs: 40 }], [{ startNs: 50, endNs: 70 }]), 'x86', engine);
      while (v.pending !== undefined) v.apply();
      return [v.buckets(100), v.readStolenNs()];
    };
    expect(make('xstate')).toEqual(make('compiled'));
  });
});
