import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import { StealAccount, type StealPolicy } from './steal.js';

/** An interval: its length and how much the stolen total grew during it (negative: went backwards). */
const interval = fc.record({
  elapsedNs: fc.integer({ min: 0, max: 10_000_000 }),
  stealNs: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 4_000_000 }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 40_000_000 }) }, // jumps beyond the interval
    { weight: 1, arbitrary: fc.integer({ min: -5_000_000, max: -1 }) }, // migration reset
  ),
});
const policy = fc.constantFrom<StealPolicy>('carry', 'drop');

function run(p: StealPolicy, intervals: readonly { elapsedNs: number; stealNs: number }[], asNumbers = false) {
  const account = new StealAccount(p, asNumbers ? 1_000_000_000 : 1_000_000_000n);
  let total = 1_000_000_000n;
  const rows = [];
  for (const { elapsedNs, stealNs } of intervals) {
    total += BigInt(stealNs);
    if (total < 0n) total = 0n;
    const steal = account.account(elapsedNs, asNumbers ? Number(total) : total);
    rows.push({ elapsedNs, steal, charged: elapsedNs - steal, anomaly: account.lastAnomaly });
  }
  return { account, rows };
}

describe('StealAccount laws', () => {
  fcTest.prop([policy, fc.array(interval, { maxLength: 300 })])(
    'charged + accounted steal = elapsed, and nothing is ever negative',
    (p, intervals) => {
      const { account, rows } = run(p, intervals);
      for (const r of rows) {
        expect(r.steal).toBeGreaterThanOrEqual(0);
        expect(r.charged).toBeGreaterThanOrEqual(0);
        expect(r.charged + r.steal).toBe(r.elapsedNs);
      }
      expect(account.carriedNs).toBeGreaterThanOrEqual(0);
      expect(account.droppedNs).toBeGreaterThanOrEqual(0);
    },
  );

  fcTest.prop([policy, fc.array(interval, { maxLength: 300 })])(
    'conservation: observed = accounted + carried + dropped',
    (p, intervals) => {
      const { account } = run(p, intervals);
      expect(account.observedNs).toBe(account.accountedNs + account.carriedNs + account.droppedNs);
    },
  );

  fcTest.prop([
    fc.array(
      interval.filter((i) => i.stealNs >= 0),
      { maxLength: 300 },
    ),
  ])('carry: no steal is lost; accounted differs from observed by exactly what is still carried', (intervals) => {
    const { account } = run('carry', intervals);
    expect(account.droppedNs).toBe(0);
    expect(account.observedNs - account.accountedNs).toBe(account.carriedNs);
  });

  fcTest.prop([fc.array(interval, { maxLength: 300 })])(
    'drop: nothing is carried; no interval gets more steal than it lasted',
    (intervals) => {
      const { account, rows } = run('drop', intervals);
      expect(account.carriedNs).toBe(0);
      for (const r of rows) expect(r.steal).toBeLessThanOrEqual(r.elapsedNs);
    },
  );

  fcTest.prop([
    fc.array(
      interval.filter((i) => i.stealNs >= 0 && i.stealNs <= i.elapsedNs),
      { maxLength: 100 },
    ),
  ])('when steal never exceeds the interval, the policies agree', (intervals) => {
    expect(run('carry', intervals).rows).toEqual(run('drop', intervals).rows);
  });
});

describe('StealAccount with number totals', () => {
  fcTest.prop([policy, fc.array(interval, { maxLength: 300 })])(
    'gives what bigint totals give, interval by interval',
    (p, intervals) => {
      const big = run(p, intervals);
      const num = run(p, intervals, true);
      expect(num.rows).toEqual(big.rows);
      expect(num.account.prevNs).toBe(big.account.prevNs);
      expect(num.account.droppedNs).toBe(big.account.droppedNs);
    },
  );

  it('rejects a total that is not a whole number', () => {
    const account = new StealAccount('drop', 0);
    expect(() => account.account(10, 1.5)).toThrow(SchedacctError);
    expect(() => account.skipTo(Number.NaN)).toThrow(SchedacctError);
    expect(() => new StealAccount('drop', 0.25)).toThrow(SchedacctError);
  });
});

describe('StealAccount examples', () => {
  it('carry charges the excess to later intervals; drop discards it (the 2024 kernel change)', () => {
    const carry = new StealAccount('carry', 0n);
    const drop = new StealAccount('drop', 0n);
    // A 3 ms steal jump inside a 1 ms interval, then two quiet 1 ms intervals.
    expect([carry.account(1e6, 3_000_000n), carry.account(1e6, 3_000_000n), carry.account(1e6, 3_000_000n)]).toEqual([
      1e6, 1e6, 1e6,
    ]);
    expect([drop.account(1e6, 3_000_000n), drop.account(1e6, 3_000_000n), drop.account(1e6, 3_000_000n)]).toEqual([
      1e6, 0, 0,
    ]);
    expect(drop.droppedNs).toBe(2e6);
    expect(carry.prevNs).toBe(3_000_000n);
  });

  it('anomaly: steal going backwards restarts from the new total without a negative charge', () => {
    const account = new StealAccount('carry', 5_000_000n);
    account.account(1e6, 8_000_000n); // 3 ms seen in 1 ms: 2 ms carried
    expect(account.lastAnomaly).toBe('steal-exceeds-elapsed');
    expect(account.carriedNs).toBe(2e6);
    expect(account.account(1e6, 100n)).toBe(0); // reset by a live migration
    expect(account.lastAnomaly).toBe('steal-backwards');
    expect(account.carriedNs).toBe(0);
    expect(account.droppedNs).toBe(2e6);
    expect(account.account(1e6, 600_100n)).toBe(600_000); // counts again from the new total
    expect(account.lastAnomaly).toBeNull();
  });

  it('anomaly: steal-backwards is also seen by skipTo', () => {
    const account = new StealAccount('drop', 10n);
    account.skipTo(5n);
    expect(account.lastAnomaly).toBe('steal-backwards');
    expect(account.lastSeenNs).toBe(5n);
  });

  it('rejects misuse with typed errors', () => {
    expect(() => new StealAccount('keep' as StealPolicy, 0n)).toThrow(SchedacctError);
    expect(() => new StealAccount('drop', 0n).account(-1, 0n)).toThrow(/elapsedNs/);
    expect(() => new StealAccount('drop', 0n).account(Number.NaN, 0n)).toThrow(SchedacctError);
  });
});
