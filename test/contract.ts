// The one contract every backend passes: testSource(name, factory). Add a backend: a file and a three-line test.
import { describe, expect, it } from 'vitest';
import { counterDelta, SliceAccountant, snapshotOf, type ClockSource, type ConsistentReading } from '../src/index.ts';

/** Lets real time pass for a backend that cannot be advanced (busy-wait; never sleeps). */
function pass(source: ClockSource, ns: number): void {
  if (source.advance !== undefined) {
    source.advance(ns);
    return;
  }
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() - start < BigInt(ns));
}

export function testSource(
  name: string,
  factory: () => ClockSource,
  options: { steps?: number; stepNs?: number } = {},
): void {
  const steps = options.steps ?? 400;
  const stepNs = options.stepNs ?? 250_000;
  describe(`backend contract: ${name}`, () => {
    it('the counter never goes backwards (wrap-safe) and has a sane frequency and width', () => {
      const src = factory();
      expect(src.counter.counterHz).toBeGreaterThan(0);
      expect(src.counter.widthBits).toBeGreaterThanOrEqual(56);
      expect(src.counter.widthBits).toBeLessThanOrEqual(64);
      let last = src.counter.readCounter();
      for (let i = 0; i < steps; i++) {
        pass(src, stepNs);
        const now = src.counter.readCounter();
        expect(counterDelta(last, now, src.counter.widthBits)).toBeGreaterThanOrEqual(0n);
        last = now;
      }
    });

    it('the stolen total never decreases in normal operation', () => {
      const src = factory();
      let last = src.stolen.readStolen();
      for (let i = 0; i < steps; i++) {
        pass(src, stepNs);
        const now = src.stolen.readStolen();
        expect(now).toBeGreaterThanOrEqual(last);
        last = now;
      }
    });

    it("snapshots are consistent under the backend's protocol", () => {
      const src = factory();
      for (let i = 0; i < steps; i++) {
        pass(src, stepNs);
        const snap = snapshotOf(src);
        expect(snap.consistent).toBe(true);
      }
    });

    it('the accounting core produces conserved ledgers on it', () => {
      const src = factory();
      for (const policy of ['carry', 'drop'] as const) {
        const first = snapshotOf(src);
        const acct = new SliceAccountant({
          counterHz: src.counter.counterHz,
          widthBits: src.counter.widthBits,
          policy,
          initialStolenTotalNs: first.stolenTotalNs,
        });
        let before: ConsistentReading = first;
        let elapsed = 0;
        let charged = 0;
        for (let i = 0; i < steps / 4; i++) {
          pass(src, stepNs);
          const after = snapshotOf(src);
          charged += acct.charge(before, after);
          elapsed += acct.last.elapsedNs;
          expect(acct.last.chargedNs).toBeGreaterThanOrEqual(0);
          expect(acct.last.chargedNs + acct.last.stolenNs).toBe(acct.last.elapsedNs);
          before = after;
        }
        const s = acct.steal;
        expect(s.observedNs).toBe(Number(before.stolenTotalNs - first.stolenTotalNs));
        expect(s.observedNs).toBe(s.accountedNs + s.carriedNs + s.droppedNs);
        expect(elapsed - charged).toBe(s.accountedNs);
        if (policy === 'carry') expect(s.droppedNs).toBe(0);
      }
    });
  });
}
