import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import { XEN_UPDATE_BIT } from '../abi/xen-runstate.js';
import { seqcountRead, stableRead, updateBitRead } from './consistent-read.js';

/** A counter that advances one tick per read, and a host that bumps the stolen total on chosen reads. */
function scripted(bumpOnReads: ReadonlySet<number>) {
  let reads = 0;
  let stolen = 0n;
  let counter = 0n;
  return {
    readStolen: () => {
      reads++;
      if (bumpOnReads.has(reads)) stolen += 1000n;
      return stolen;
    },
    readCounter: () => ++counter,
    get reads() {
      return reads;
    },
  };
}

describe('stableRead (Arm)', () => {
  it('accepts the first attempt when steal did not move', () => {
    const s = scripted(new Set());
    expect(stableRead(s.readStolen, s.readCounter)).toEqual({
      counter: 1n,
      stolenTotalNs: 0n,
      retries: 0,
      consistent: true,
    });
  });

  it('retries while steal changes around the counter read and reports the retries', () => {
    const s = scripted(new Set([2, 4])); // attempts 1 and 2 see a change between their two stolen reads
    const snap = stableRead(s.readStolen, s.readCounter);
    expect(snap).toEqual({ counter: 3n, stolenTotalNs: 2000n, retries: 2, consistent: true });
  });

  it('anomaly: exhausting the bound returns the last attempt marked inconsistent', () => {
    let stolen = 0n;
    const snap = stableRead(
      () => (stolen += 1n),
      () => 7n,
      3,
    );
    expect(snap.consistent).toBe(false);
    expect(snap.retries).toBe(3);
    expect(snap.stolenTotalNs).toBe(8n); // 4 attempts × 2 reads
  });

  fcTest.prop([fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 20 }), fc.integer({ min: 0, max: 30 })])(
    'a consistent snapshot pairs the counter with a stolen value that held across its read',
    (bumps, maxRetries) => {
      const s = scripted(new Set(bumps));
      const snap = stableRead(s.readStolen, s.readCounter, maxRetries);
      expect(snap.retries).toBeLessThanOrEqual(maxRetries);
      expect(s.reads).toBe(2 * (snap.retries + 1)); // bounded: never more attempts than allowed
      if (snap.consistent) {
        // The bump that happened on read 2k (the second read of the accepted attempt) would have broken it.
        expect(bumps.includes(2 * (snap.retries + 1))).toBe(false);
      }
    },
  );

  it('rejects a bad retry bound', () => {
    expect(() =>
      stableRead(
        () => 0n,
        () => 0n,
        -1,
      ),
    ).toThrow(SchedacctError);
  });
});

describe('seqcountRead (x86 kvm_steal_time)', () => {
  it('retries while the version is odd or changes', () => {
    const versions = [1, 1, 2, 4, 4, 4];
    let i = 0;
    const snap = seqcountRead({ readVersion: () => versions[i++] ?? 4, readStolen: () => 55n }, () => 9n);
    // attempt 1: v=1 odd; attempt 2: 2 then 4 changed; attempt 3: 4 and 4.
    expect(snap).toEqual({ counter: 9n, stolenTotalNs: 55n, retries: 2, consistent: true });
  });

  it('anomaly: a writer that never finishes exhausts the bound', () => {
    const snap = seqcountRead({ readVersion: () => 3, readStolen: () => 1n }, () => 0n, 5);
    expect(snap).toMatchObject({ retries: 5, consistent: false });
  });
});

describe('updateBitRead (Xen runstate)', () => {
  it('retries while the update bit is set or the entry time moves', () => {
    const entries = [XEN_UPDATE_BIT | 10n, XEN_UPDATE_BIT | 10n, 10n, 11n, 11n, 11n];
    let i = 0;
    const snap = updateBitRead({ readEntryTime: () => entries[i++] ?? 11n, readStolen: () => 77n }, () => 3n);
    expect(snap).toEqual({ counter: 3n, stolenTotalNs: 77n, retries: 2, consistent: true });
  });

  it('anomaly: an update that never completes exhausts the bound', () => {
    const snap = updateBitRead({ readEntryTime: () => XEN_UPDATE_BIT, readStolen: () => 1n }, () => 0n, 0);
    expect(snap).toMatchObject({ retries: 0, consistent: false });
  });
});
