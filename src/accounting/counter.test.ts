import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import { calcMultShift, clocksourceParams, schedClockParams } from './mult-shift.js';
import { COUNTER_BACKWARDS, counterDelta, counterMask, counterWidthForHz } from './counter.js';
import { createConversion, ExactConversion, KernelConversion } from './conversion.js';
import { toBigValue } from './reading.js';

// Reference values. Two independent sources, neither of them this code:
// (1) Real boot logs of arm64 Linux, found in public CI logs and mailing-list reports:
//     "sched_clock: 56 bits at 19MHz, resolution 52ns, wraps every 4398046511078ns"
//     "sched_clock: 56 bits at 24MHz, resolution 41ns, wraps every 4398046511097ns"
//     "sched_clock: 57 bits at 62MHz, resolution 16ns, wraps every 4398046511096ns"  (kernels ≥ 6.4: 40-year width)
//     "sched_clock: 61 bits at 1000MHz, resolution 1ns, wraps every 4398046511103ns"
//     "clocksource: arch_sys_counter: mask: 0xffffffffffffff max_cycles: 0x46d987e47, max_idle_ns: 440795202767 ns" (19.2 MHz)
//     "… mask: 0xffffffffffffff max_cycles: 0x588fe9dc0, max_idle_ns: 440795202592 ns" (24 MHz)
//     "… mask: 0x1ffffffffffffff max_cycles: 0x1cd42e208c, max_idle_ns: 881590405314 ns" (62.5 MHz)
//     "… mask: 0x1fffffffffffffff max_cycles: 0x1cd42e4dffb, max_idle_ns: 881590591483 ns" (1 GHz)
//     "wraps every" ≈ 2^42 = 2^(64 − 1 − shift) fixes shift = 21 for every rate.
// (2) mult = round(1e9 · 2^21 / Hz) and the ns values below, computed by hand in Python's exact integers:
//     python3 -c "hz=24_000_000; m=(10**9*2**21+hz//2)//hz; print(m, (hz*m)>>21, (12345*m)>>21, (3600*hz*m)>>21)"
const REFERENCE = [
  {
    hz: 19_200_000,
    width: 56,
    mult: 109_226_667,
    resolution: 52n,
    wrap: 4_398_046_511_078n,
    oneSecondNs: 1_000_000_003n,
    hourNs: 3_600_000_010_986n,
    ticks12345Ns: 642_968n,
    maxCycles: 0x46d987e47n,
    maxIdleNs: 440_795_202_767n,
  },
  {
    hz: 24_000_000,
    width: 56,
    mult: 87_381_333,
    resolution: 41n,
    wrap: 4_398_046_511_097n,
    oneSecondNs: 999_999_996n,
    hourNs: 3_599_999_986_267n,
    ticks12345Ns: 514_374n,
    maxCycles: 0x588fe9dc0n,
    maxIdleNs: 440_795_202_592n,
  },
  {
    hz: 62_500_000,
    width: 57,
    mult: 33_554_432,
    resolution: 16n,
    wrap: 4_398_046_511_096n,
    oneSecondNs: 1_000_000_000n,
    hourNs: 3_600_000_000_000n,
    ticks12345Ns: 197_520n,
    maxCycles: 0x1cd42e208cn,
    maxIdleNs: 881_590_405_314n,
  },
  {
    hz: 1_000_000_000,
    width: 61,
    mult: 2_097_152,
    resolution: 1n,
    wrap: 4_398_046_511_103n,
    oneSecondNs: 1_000_000_000n,
    hourNs: 3_600_000_000_000n,
    ticks12345Ns: 12_345n,
    maxCycles: 0x1cd42e4dffbn,
    maxIdleNs: 881_590_591_483n,
  },
] as const;

describe('kernel parameters match real boot logs', () => {
  for (const ref of REFERENCE) {
    it(`${String(ref.hz)} Hz`, () => {
      expect(counterWidthForHz(ref.hz)).toBe(ref.width);
      const p = schedClockParams(ref.hz);
      expect({ mult: p.mult, shift: p.shift, resolution: p.resolutionNs, wrap: p.wrapNs }).toEqual({
        mult: ref.mult,
        shift: 21,
        resolution: ref.resolution,
        wrap: ref.wrap,
      });
      const cs = clocksourceParams(ref.hz);
      expect({ maxCycles: cs.maxCycles, maxIdleNs: cs.maxIdleNs }).toEqual({
        maxCycles: ref.maxCycles,
        maxIdleNs: ref.maxIdleNs,
      });
      const kernel = new KernelConversion(ref.hz);
      expect(kernel.toNs(BigInt(ref.hz))).toBe(ref.oneSecondNs);
      expect(kernel.toNs(3600n * BigInt(ref.hz))).toBe(ref.hourNs);
      expect(kernel.toNs(12_345n)).toBe(ref.ticks12345Ns);
      const exact = new ExactConversion(ref.hz);
      expect(exact.toNs(BigInt(ref.hz) * 3600n)).toBe(3_600_000_000_000n);
    });
  }

  it('pre-6.4 kernels fixed 56 bits at 62.5 MHz: the same wrap', () => {
    // "sched_clock: 56 bits at 62MHz, resolution 16ns, wraps every 4398046511096ns"
    expect(schedClockParams(62_500_000, 56).wrapNs).toBe(4_398_046_511_096n);
  });

  it('calcMultShift follows the range argument', () => {
    // 24 MHz for 600 s (the clocksource range): shift 24, mult round(1e9·2^24/24e6) = 699050667.
    expect(calcMultShift(24_000_000, 1e9, 600)).toEqual({ mult: 699_050_667, shift: 24 });
  });
});

describe('counterDelta', () => {
  it('crosses the wrap forward and detects going backwards', () => {
    const top = counterMask(56);
    expect(counterDelta(top - 15n, 16n, 56)).toBe(32n);
    expect(counterDelta(100n, 90n, 56)).toBe(-10n);
    expect(counterDelta(0n, 0n, 64)).toBe(0n);
  });

  fcTest.prop([
    fc.integer({ min: 56, max: 64 }),
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    fc.bigInt({ min: 0n, max: 1n << 40n }),
  ])('a forward step of d ticks reads as d at any width and start, across the wrap', (width, start, d) => {
    const mask = counterMask(width);
    const before = start & mask;
    const after = (before + d) & mask;
    expect(counterDelta(before, after, width)).toBe(d);
    expect(counterDelta(after, before, width)).toBe(d === 0n ? 0n : -d);
  });

  it('rejects a width outside 1–64 with a typed error', () => {
    expect(() => counterMask(65)).toThrow(SchedacctError);
    expect(() => counterDelta(0n, 1n, 0)).toThrow(/width/);
  });
});

describe('conversions', () => {
  const rates = fc.constantFrom(19_200_000, 24_000_000, 25_000_000, 62_500_000, 100_000_000, 1_000_000_000, 19_200_001);

  fcTest.prop([
    rates,
    fc.constantFrom('exact' as const, 'kernel' as const),
    fc.bigInt({ min: 0n, max: 1n << 50n }),
    fc.array(fc.integer({ min: 0, max: 50_000_000 }), { maxLength: 200 }),
  ])('consecutive slices telescope: their ns sum to the ns of the whole span', (hz, mode, start, steps) => {
    const conv = createConversion(mode, hz);
    let at = start;
    let sum = 0;
    for (const step of steps) {
      const next = at + BigInt(step);
      const ns = conv.elapsedNs(at, next);
      expect(ns).toBeGreaterThanOrEqual(0);
      sum += ns;
      at = next;
    }
    expect(sum).toBe(conv.elapsedNs(start, at));
  });

  // Numbers are the fast path for values below 2^53 (a trace's ns timestamps): the same answers as bigints, for every
  // mode, rate and width, forwards and backwards, and mixed with bigints.
  fcTest.prop([
    rates,
    fc.constantFrom('exact' as const, 'kernel' as const),
    fc.integer({ min: 56, max: 64 }),
    fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
  ])('number readings convert exactly as bigint readings do', (hz, mode, width, a, b) => {
    const conv = createConversion(mode, hz, width);
    const big = conv.elapsedNs(BigInt(a), BigInt(b));
    expect(conv.elapsedNs(a, b)).toBe(big);
    expect(conv.elapsedNs(BigInt(a), b)).toBe(big);
    expect(conv.elapsedNs(a, BigInt(b))).toBe(big);
    expect(conv.nsOf(a)).toBe(conv.nsOf(BigInt(a)));
  });

  it('number readings that are not safe integers are misuse', () => {
    const conv = createConversion('exact', 1_000_000_000);
    for (const bad of [0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53 + 2]) {
      expect(() => conv.elapsedNs(0, bad)).toThrow(SchedacctError);
      expect(() => toBigValue(bad)).toThrow(/safe integer/);
    }
    expect(conv.elapsedNs(-5, 10)).toBe(conv.elapsedNs(-5n, 10n)); // a negative whole number wraps as BigInt does
    expect(toBigValue(24_000_000)).toBe(24_000_000n);
    expect(toBigValue(7n)).toBe(7n);
  });

  it('exact conversion has zero drift over a million consecutive slices; naive per-slice conversion drifts', () => {
    const hz = 24_000_000;
    const conv = new ExactConversion(hz);
    let counter = 0n;
    let sum = 0;
    let naive = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const step = 1000 + (i % 7);
      const next = counter + BigInt(step);
      sum += conv.elapsedNs(counter, next);
      naive += Math.floor((step * 1e9) / hz); // convert each delta on its own: truncation accumulates
      counter = next;
    }
    expect(BigInt(sum)).toBe((counter * 1_000_000_000n) / BigInt(hz));
    expect(naive).toBeLessThan(sum - 100_000); // the naive loop lost more than 0.1 ms
  });

  it('kernel conversion differs from exact by the kernel truncation (24 MHz loses ~3.8 ns a second)', () => {
    const kernel = createConversion('kernel', 24_000_000);
    const exact = createConversion('exact', 24_000_000);
    expect(exact.elapsedNs(0n, 24_000_000n)).toBe(1_000_000_000);
    expect(kernel.elapsedNs(0n, 24_000_000n)).toBe(999_999_996);
  });

  it('kernel conversion stays correct past the 64-bit overflow point by moving the epoch', () => {
    const kernel = new KernelConversion(24_000_000);
    const day = 86_400n * 24_000_000n; // far past max_cycles (≈ 2.4 h at 24 MHz)
    const ns = kernel.elapsedNs(0n, day);
    expect(Math.abs(ns - 86_400e9)).toBeLessThan(1_000_000); // −3.8 ns/s drift: ≈ −0.33 ms a day
    expect(ns).toBeLessThan(86_400e9);
  });

  it('converts across the counter wrap', () => {
    const conv = new ExactConversion(1_000_000_000, 56);
    const top = counterMask(56);
    expect(conv.elapsedNs(top - 99n, 100n)).toBe(200);
    const kernel = new KernelConversion(1_000_000_000, 56);
    expect(kernel.elapsedNs(top - 99n, 100n)).toBe(200);
  });

  it('reports a counter going backwards', () => {
    expect(createConversion('exact', 24_000_000).elapsedNs(1000n, 999n)).toBe(COUNTER_BACKWARDS);
    expect(createConversion('kernel', 24_000_000).elapsedNs(1000n, 999n)).toBe(COUNTER_BACKWARDS);
  });

  it('rejects bad frequencies and modes with typed errors', () => {
    expect(() => createConversion('exact', 0)).toThrow(SchedacctError);
    expect(() => createConversion('exact', 1.5)).toThrow(/counterHz/);
    // @ts-expect-error: a mode that does not exist
    expect(() => createConversion('fast', 24_000_000)).toThrow(/exact/);
  });

  fcTest.prop([rates, fc.bigInt({ min: 0n, max: 1n << 60n }), fc.bigInt({ min: 0n, max: 1n << 40n })])(
    'the number fast path agrees with BigInt arithmetic, and nsOf differences equal elapsedNs',
    (hz, before, d) => {
      const exact = new ExactConversion(hz);
      const after = before + d;
      expect(exact.elapsedNs(before, after)).toBe(exact.elapsedSlow(before, after));
      for (const conv of [exact, new KernelConversion(hz, 64)]) {
        const a = conv.nsOf(after);
        const b = conv.nsOf(before);
        if (a >= 0 && b >= 0) expect(a - b).toBe(conv.elapsedNs(before, after));
      }
      expect(exact.nsOf(-1n)).toBe(-1);
      expect(exact.nsOf(1n << 63n)).toBe(-1);
    },
  );
});
