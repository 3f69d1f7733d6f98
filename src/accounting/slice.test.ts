import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { counterMask } from './counter.js';
import { Ledger } from './ledger.js';
import { bookSlice, SliceAccountant } from './slice.js';
import type { Reading } from './snapshot.js';
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
  const out: Reading[] = [{ counter, stolenNs: stolen }];
  for (const s of t.steps) {
    counter = (counter + BigInt(s.ticks)) & mask;
    stolen += BigInt(s.stolenNs);
    out.push({ counter, stolenNs: stolen });
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
      expect(charged).toBe(acct.chargedNs);
      expect(acct.chargedNs).toBeGreaterThanOrEqual(0);
      expect(acct.stolenNs).toBeGreaterThanOrEqual(0);
      expect(acct.stolenNs).toBeLessThanOrEqual(acct.elapsedNs);
      expect(acct.chargedNs + acct.stolenNs).toBe(acct.elapsedNs);
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
        elapsed += acct.elapsedNs;
      }
      const first = rs[0] as Reading;
      const last = rs[rs.length - 1] as Reading;
      // Raw values do not say how many wraps came before them, so each wrap may round once (< 1 ns).
      expect(Math.abs(elapsed - acct.conversion.elapsedNs(first.counter, last.counter))).toBeLessThanOrEqual(wraps);
      const observed = Number(last.stolenNs - first.stolenNs);
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
    expect(acct.charge({ counter: 1_000n, stolenNs: 5_000_000n }, { counter: 241_000n, stolenNs: 7_000_000n })).toBe(
      8_000_000,
    );
    expect([acct.elapsedNs, acct.stolenNs, acct.anomalies]).toEqual([10_000_000, 2_000_000, []]);
  });

  it('per-task use: steal between two slices of the task is skipped, not charged', () => {
    const acct = new SliceAccountant({ counterHz: 1_000_000_000, policy: 'carry' });
    acct.charge({ counter: 0n, stolenNs: 0n }, { counter: 1000n, stolenNs: 100n });
    // The task slept; 5 µs were stolen from whoever ran meanwhile.
    expect(acct.charge({ counter: 9000n, stolenNs: 5100n }, { counter: 10_000n, stolenNs: 5100n })).toBe(1000);
    expect(acct.anomalies).toEqual([]);
  });

  it('anomalies: counter backwards gives a 0 ns slice; steal backwards gives no negative charge', () => {
    const ledger = new Ledger();
    const acct = new SliceAccountant({ counterHz: 1_000_000_000 });
    expect(bookSlice(ledger, 'a', acct, { counter: 500n, stolenNs: 0n }, { counter: 400n, stolenNs: 0n }, 123)).toBe(0);
    expect(bookSlice(ledger, 'a', acct, { counter: 500n, stolenNs: 50n }, { counter: 600n, stolenNs: 10n })).toBe(100);
    expect(bookSlice(ledger, 'a', acct, { counter: 600n, stolenNs: 10n }, { counter: 700n, stolenNs: 1000n })).toBe(0);
    expect(ledger.anomalyCounts()).toMatchObject({
      'counter-backwards': 1,
      'steal-backwards': 1,
      'steal-exceeds-elapsed': 1,
    });
    expect(ledger.anomalies()[0]).toMatchObject({ kind: 'counter-backwards', task: 'a', atNs: 123 });
    expect(ledger.get('a')).toMatchObject({ slices: 3, runNs: 200, chargedNs: 100, stolenNs: 100 });
  });

  it('the anomaly raised while skipping to the slice start is reported too', () => {
    const acct = new SliceAccountant({ counterHz: 1_000_000_000, initialStolenNs: 100n });
    acct.charge({ counter: 0n, stolenNs: 50n }, { counter: 10n, stolenNs: 50n });
    expect(acct.anomalies).toEqual(['steal-backwards']);
  });
});
