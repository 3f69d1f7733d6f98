import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { counterMask } from './counter.js';
import { Ledger } from './ledger.js';
import { createConversion } from './conversion.js';
import { bookSlice, chargeSlice, SliceAccountant, sliceCharge } from './slice.js';
import { stealState } from './steal.js';
import type { Reading } from './consistent-read.js';
import type { StealPolicy } from './steal.js';

/** A vCPU's readings over time: the counter advances, the host steals part of each step. */
const timeline = fc.record({
  hz: fc.constantFrom(19_200_000, 24_000_000, 62_500_000, 1_000_000_000),
  width: fc.integer({ min: 56, max: 64 }),
  startNearWrap: fc.boolean(),
  conversion: fc.constantFrom('exact' as const, 'kernel' as const),
  policy: fc.constantFrom<StealPolicy>('carry', 'drop'),
  steps: fc.array(
    fc.record({ ticks: fc.integer({ min: 0, max: 5_000_000 }), stolenNs: fc.integer({ min: 0, max: 30_000_000 }) }),
    { minLength: 1, maxLength: 200 },
  ),
});

function readings(t: {
  width: number;
  startNearWrap: boolean;
  steps: readonly { ticks: number; stolenNs: number }[];
}): Reading[] {
  const mask = counterMask(t.width);
  let counter = t.startNearWrap ? mask - 1_000_000n : 0n;
  let stolen = 0n;
  const out: Reading[] = [{ counter, stolenTotalNs: stolen }];
  for (const s of t.steps) {
    counter = (counter + BigInt(s.ticks)) & mask;
    stolen += BigInt(s.stolenNs);
    out.push({ counter, stolenTotalNs: stolen });
  }
  return out;
}

describe('SliceAccountant laws', () => {
  fcTest.prop([timeline])('every slice: charged + steal = elapsed, none negative, steal ≤ elapsed', (t) => {
    const acct = new SliceAccountant({
      counterHz: t.hz,
      widthBits: t.width,
      conversion: t.conversion,
      policy: t.policy,
    });
    const rs = readings(t);
    for (let i = 1; i < rs.length; i++) {
      const charged = acct.charge(rs[i - 1] as Reading, rs[i] as Reading);
      expect(charged).toBe(acct.last.chargedNs);
      expect(acct.last.chargedNs).toBeGreaterThanOrEqual(0);
      expect(acct.last.stolenNs).toBeGreaterThanOrEqual(0);
      expect(acct.last.stolenNs).toBeLessThanOrEqual(acct.last.elapsedNs);
      expect(acct.last.chargedNs + acct.last.stolenNs).toBe(acct.last.elapsedNs);
      expect(acct.anomalies).not.toContain('counter-backwards'); // wraps are not backwards
    }
  });

  fcTest.prop([timeline])(
    'over a run, elapsed telescopes (< 1 ns per counter wrap crossed) and carry loses no steal',
    (t) => {
      const acct = new SliceAccountant({
        counterHz: t.hz,
        widthBits: t.width,
        conversion: t.conversion,
        policy: t.policy,
      });
      const rs = readings(t);
      let elapsed = 0;
      let charged = 0;
      let wraps = 0;
      for (let i = 1; i < rs.length; i++) {
        const before = rs[i - 1] as Reading;
        const after = rs[i] as Reading;
        if (after.counter < before.counter) wraps++;
        charged += acct.charge(before, after);
        elapsed += acct.last.elapsedNs;
      }
      const first = rs[0] as Reading;
      const last = rs[rs.length - 1] as Reading;
      // Raw values do not say how many wraps came before them, so each wrap may round once (< 1 ns).
      expect(Math.abs(elapsed - acct.conversion.elapsedNs(first.counter, last.counter))).toBeLessThanOrEqual(wraps);
      const observed = Number(last.stolenTotalNs - first.stolenTotalNs);
      expect(acct.steal.observedNs).toBe(observed);
      if (t.policy === 'carry') {
        expect(observed - (elapsed - charged)).toBe(acct.steal.carriedNs);
        expect(acct.steal.droppedNs).toBe(0);
      } else {
        expect(acct.steal.carriedNs).toBe(0);
        expect(elapsed - charged + acct.steal.droppedNs).toBe(observed);
      }
    },
  );
});

describe('SliceAccountant examples', () => {
  it('charges to_ns(Δcounter) − Δstolen (the seed algorithm)', () => {
    const acct = new SliceAccountant({ counterHz: 24_000_000 });
    // 10 ms of counter (240 000 ticks at 24 MHz), 2 ms stolen inside it.
    expect(
      acct.charge({ counter: 1_000n, stolenTotalNs: 5_000_000n }, { counter: 241_000n, stolenTotalNs: 7_000_000n }),
    ).toBe(8_000_000);
    expect([acct.last.elapsedNs, acct.last.stolenNs, acct.anomalies]).toEqual([10_000_000, 2_000_000, []]);
  });

  it('per-task use: steal between two slices of the task is skipped, not charged', () => {
    const acct = new SliceAccountant({ counterHz: 1_000_000_000, policy: 'carry' });
    acct.charge({ counter: 0n, stolenTotalNs: 0n }, { counter: 1000n, stolenTotalNs: 100n });
    // The task slept; 5 µs were stolen from whoever ran meanwhile.
    expect(acct.charge({ counter: 9000n, stolenTotalNs: 5100n }, { counter: 10_000n, stolenTotalNs: 5100n })).toBe(
      1000,
    );
    expect(acct.anomalies).toEqual([]);
  });

  it('anomalies: counter backwards gives a 0 ns slice; steal backwards gives no negative charge', () => {
    const ledger = new Ledger();
    const acct = new SliceAccountant({ counterHz: 1_000_000_000 });
    expect(
      bookSlice(ledger, 'a', acct, { counter: 500n, stolenTotalNs: 0n }, { counter: 400n, stolenTotalNs: 0n }, 123),
    ).toBe(0);
    expect(
      bookSlice(ledger, 'a', acct, { counter: 500n, stolenTotalNs: 50n }, { counter: 600n, stolenTotalNs: 10n }),
    ).toBe(100);
    expect(
      bookSlice(ledger, 'a', acct, { counter: 600n, stolenTotalNs: 10n }, { counter: 700n, stolenTotalNs: 1000n }),
    ).toBe(0);
    expect(ledger.anomalyCounts()).toMatchObject({
      'counter-backwards': 1,
      'steal-backwards': 1,
      'steal-exceeds-elapsed': 1,
    });
    expect(ledger.anomalies()[0]).toMatchObject({ kind: 'counter-backwards', task: 'a', atNs: 123 });
    expect(ledger.get('a')).toMatchObject({ slices: 3, runNs: 200, chargedNs: 100, stolenNs: 100 });
  });

  it('the anomaly raised while skipping to the slice start is reported too', () => {
    const acct = new SliceAccountant({ counterHz: 1_000_000_000, initialStolenTotalNs: 100n });
    acct.charge({ counter: 0n, stolenTotalNs: 50n }, { counter: 10n, stolenTotalNs: 50n });
    expect(acct.anomalies).toEqual(['steal-backwards']);
  });
});

describe('chargeSlice (the one place a slice is charged)', () => {
  it('gives wall time less the clamped steal, and says what it met', () => {
    const steal = stealState('drop', 0);
    const out = chargeSlice(steal, createConversion('exact', 24_000_000), 0, 240_000, 2_000_000, sliceCharge());
    expect(out).toEqual({
      elapsedNs: 10_000_000,
      stolenNs: 2_000_000,
      chargedNs: 8_000_000,
      counterBackwards: false,
      stealAnomaly: null,
    });
    // more steal than the slice: clamped, and said
    chargeSlice(steal, createConversion('exact', 1_000_000_000), 0, 100, 2_000_500, out);
    expect(out).toMatchObject({ elapsedNs: 100, stolenNs: 100, chargedNs: 0, stealAnomaly: 'steal-exceeds-elapsed' });
    // counter backwards: a 0 ns slice
    chargeSlice(steal, createConversion('exact', 1_000_000_000), 100, 50, 2_000_500, out);
    expect(out).toMatchObject({ elapsedNs: 0, chargedNs: 0, counterBackwards: true });
  });
});
