import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  ABIS,
  counterMask,
  createEmulatedSource,
  createSimulatedSource,
  decodeEmulated,
  SchedacctError,
  consistentReadOf,
} from '../src/index.ts';
import { testSource } from './contract.ts';

const pattern = { kind: 'random', meanRunNs: 700_000, meanStealNs: 300_000 } as const;
const pauses = [{ startNs: 20_000_000, endNs: 45_000_000 }];

testSource('simulated', () => createSimulatedSource({ pattern, seed: 7, pauses }));
testSource('simulated, counter wrapping at 56 bits', () =>
  createSimulatedSource({ pattern, widthBits: 56, counterStart: counterMask(56) - 1_000_000n }),
);
for (const abi of ABIS) {
  testSource(`emulated ${abi}`, () => createEmulatedSource({ abi, pattern, seed: 3, pauses }));
}
testSource('emulated arm64, CNTVCT wrapping at 56 bits', () =>
  createEmulatedSource({ abi: 'arm64', pattern, widthBits: 56, counterStart: counterMask(56) - 2_000_000n }),
);
testSource('emulated x86, torn host writes', () => createEmulatedSource({ abi: 'x86', pattern, torn: true }));
testSource('emulated xen, torn host writes', () => createEmulatedSource({ abi: 'xen', pattern, torn: true }));

describe('simulated backend', () => {
  it('is deterministic: the same seed gives bit-identical readings, another seed different ones', () => {
    const run = (seed: number) => {
      const src = createSimulatedSource({ pattern, seed });
      const out: string[] = [];
      for (let i = 0; i < 200; i++) {
        src.advance?.(123_457);
        const s = consistentReadOf(src);
        out.push(`${String(s.counter)}/${String(s.stolenTotalNs)}`);
      }
      return out;
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  it('steals by pattern: a constant 25 % share over whole periods', () => {
    const src = createSimulatedSource({ pattern: { kind: 'constant', share: 0.25, periodNs: 1_000_000 } });
    src.advance?.(10_000_000);
    expect(consistentReadOf(src)).toMatchObject({ counter: 240_000n, stolenTotalNs: 2_500_000n, consistent: true });
  });

  it('periodic: stealNs at the end of every period', () => {
    const src = createSimulatedSource({ pattern: { kind: 'periodic', periodNs: 10_000, stealNs: 1_000 } });
    src.advance?.(9_500);
    expect(src.stolen.readStolen()).toBe(500n);
    src.advance?.(90_500);
    expect(src.stolen.readStolen()).toBe(10_000n);
    expect(() => createSimulatedSource({ pattern: { kind: 'periodic', periodNs: 10, stealNs: 10 } })).toThrow(
      /stealNs/,
    );
  });

  it('bursts and an explicit schedule', () => {
    const bursts = createSimulatedSource({ pattern: { kind: 'bursts', onNs: 2_000, offNs: 8_000 } });
    bursts.advance?.(100_000);
    expect(bursts.stolen.readStolen()).toBe(20_000n);
    const schedule = createSimulatedSource({
      pattern: {
        kind: 'schedule',
        intervals: [
          { startNs: 100, endNs: 400 },
          { startNs: 1000, endNs: 1100 },
        ],
      },
    });
    schedule.advance?.(250);
    expect(schedule.stolen.readStolen()).toBe(150n); // the interval in progress counts
    schedule.advance?.(10_000);
    expect(schedule.stolen.readStolen()).toBe(400n);
  });

  it('a VM pause stops the guest counter and is not steal', () => {
    const src = createSimulatedSource({
      pattern: { kind: 'none' },
      counterHz: 1_000_000_000,
      pauses: [{ startNs: 1000, endNs: 5000 }],
    });
    src.advance?.(10_000);
    expect(consistentReadOf(src)).toMatchObject({ counter: 6000n, stolenTotalNs: 0n });
    expect(src.host.vcpu.pausedNs).toBe(4000);
  });

  it("follows XState's SimulatedClock", () => {
    const clock = new SimulatedClock();
    const src = createSimulatedSource({
      pattern: { kind: 'constant', share: 0.5, periodNs: 2_000_000 },
      counterHz: 1e9,
      clock,
    });
    expect('advance' in src).toBe(false);
    clock.increment(10); // ms
    expect(consistentReadOf(src)).toMatchObject({ counter: 10_000_000n, stolenTotalNs: 5_000_000n });
  });

  it('rejects bad patterns with typed errors', () => {
    expect(() => createSimulatedSource({ pattern: { kind: 'constant', share: 1.5 } })).toThrow(SchedacctError);
    expect(() =>
      createSimulatedSource({
        pattern: {
          kind: 'schedule',
          intervals: [
            { startNs: 5, endNs: 10 },
            { startNs: 7, endNs: 9 },
          ],
        },
      }),
    ).toThrow(/sorted/);
    expect(() => createSimulatedSource({ pattern }).advance?.(-1)).toThrow(/advance/);
  });
});

describe('emulated backend', () => {
  it('publishes byte-exact structures that the validating decoders accept', () => {
    for (const abi of ABIS) {
      const src = createEmulatedSource({ abi, pattern: { kind: 'constant', share: 0.1 } });
      src.advance?.(5_000_000);
      const decoded = decodeEmulated(src.memory, abi);
      const stolen =
        'stolenNs' in decoded
          ? decoded.stolenNs
          : 'stealNs' in decoded
            ? decoded.stealNs
            : decoded.time[1] + decoded.time[3];
      expect(stolen).toBe(500_000n);
      expect(src.stolen.readStolen()).toBe(500_000n);
    }
  });

  it('agrees with the simulated backend reading for reading', () => {
    const sim = createSimulatedSource({ pattern, seed: 5, pauses });
    const emu = createEmulatedSource({ abi: 'xen', pattern, seed: 5, pauses });
    for (let i = 0; i < 300; i++) {
      sim.advance?.(99_991);
      emu.advance?.(99_991);
      expect(consistentReadOf(emu)).toEqual(consistentReadOf(sim));
    }
  });
});
