import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../../errors.js';
import { calcDelta, calcDeltaFair, mulU64U32Shr } from './calc-delta.js';
import { inverseWeight, SCHED_PRIO_TO_WEIGHT, SCHED_PRIO_TO_WMULT } from './weights.js';

// __calc_delta transliterated to BigInt from Linux 6.5's kernel/sched/fair.c (the while loops, before the fls form),
// with mul_u64_u32_shr as the full product shifted: the reference the number fast path must equal bit for bit.
function calcDeltaRef(delta: bigint, weight: bigint, inv: bigint): bigint {
  let fact = weight;
  let shift = 32n;
  while (fact >> 32n) {
    fact >>= 1n;
    shift--;
  }
  fact = (fact & 0xffffffffn) * inv;
  while (fact >> 32n) {
    fact >>= 1n;
    shift--;
  }
  return (delta * fact) >> shift;
}

const nice = fc.integer({ min: -20, max: 19 });
const delta = fc.oneof(fc.integer({ min: 0, max: 2 ** 36 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

describe('calcDeltaFair', () => {
  it('is the identity for nice 0 and known values otherwise', () => {
    expect(calcDeltaFair(4_000_000, 1024)).toBe(4_000_000);
    // 4 ms of nice 5: 4e6 · 1024 / 335 = 12226865.67, the kernel's fixed point rounds down
    expect(calcDeltaFair(4_000_000, 335)).toBe(12_226_865);
    expect(calcDeltaFair(0, 15)).toBe(0);
  });

  fcTest.prop([delta, nice], { numRuns: 3000 })('equals the BigInt transliteration', (d, n) => {
    const w = SCHED_PRIO_TO_WEIGHT[n + 20] ?? 1024;
    const want = w === 1024 ? BigInt(d) : calcDeltaRef(BigInt(d), 1024n, BigInt(SCHED_PRIO_TO_WMULT[n + 20] ?? 0));
    expect(calcDeltaFair(d, w)).toBe(Number(want));
  });

  it('rejects a negative delta and a zero weight', () => {
    expect(() => calcDeltaFair(-1, 1024)).toThrow(SchedacctError);
    expect(() => calcDeltaFair(1, 0)).toThrow(/weight/);
  });
});

describe('calcDelta', () => {
  fcTest.prop([delta, fc.integer({ min: 1, max: 2 ** 24 }), fc.integer({ min: 1, max: 2 ** 24 })], { numRuns: 3000 })(
    'equals the BigInt transliteration for any weight over any load',
    (d, w, lw) => {
      const want = calcDeltaRef(BigInt(d), BigInt(w), BigInt(inverseWeight(lw)));
      expect(calcDelta(d, w, lw)).toBe(Number(want));
    },
  );

  it('gives CFS’s slice of nice 0 against nice 0 + nice 5 in a 6 ms period', () => {
    expect(calcDelta(6_000_000, 1024, 1359)).toBe(Number(calcDeltaRef(6_000_000n, 1024n, BigInt(inverseWeight(1359)))));
    expect(calcDelta(6_000_000, 1024, 1359)).toBeLessThanOrEqual(Math.floor((6_000_000 * 1024) / 1359));
  });
});

describe('mulU64U32Shr', () => {
  fcTest.prop(
    [
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.integer({ min: 0, max: 32 }),
    ],
    { numRuns: 5000 },
  )('is the exact product shifted, on both paths', (a, mul, shift) => {
    const want = Number((BigInt(a) * BigInt(mul)) >> BigInt(shift));
    // results past 2^53 are not representable either way; the policies never produce them
    fc.pre(want <= Number.MAX_SAFE_INTEGER);
    expect(mulU64U32Shr(a, mul, shift)).toBe(want);
  });

  it('is exact at the edges of the fast path', () => {
    for (const a of [2 ** 36 - 1, 2 ** 36, 65535, 65536]) {
      for (const shift of [16, 17, 31, 32]) {
        const mul = 2 ** 32 - 1;
        expect(mulU64U32Shr(a, mul, shift)).toBe(Number((BigInt(a) * BigInt(mul)) >> BigInt(shift)));
      }
    }
  });
});
