import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { stableRead } from '../accounting/consistent-read.js';
import { createStableReadContext, stableReadByMachine } from './stable-read.js';

function scripted(bumps: ReadonlySet<number>) {
  let reads = 0;
  let stolen = 0n;
  let counter = 0n;
  return {
    readStolen: () => {
      reads++;
      if (bumps.has(reads)) stolen += 10n;
      return stolen;
    },
    readCounter: () => ++counter,
  };
}

describe('stable-read machine', () => {
  fcTest.prop([fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 15 }), fc.integer({ min: 0, max: 10 })])(
    'gives exactly what the core stableRead gives, retries included',
    (bumps, maxRetries) => {
      const a = scripted(new Set(bumps));
      const b = scripted(new Set(bumps));
      expect(stableReadByMachine(a.readStolen, a.readCounter, maxRetries)).toEqual(
        stableRead(b.readStolen, b.readCounter, maxRetries),
      );
    },
  );

  it('validates the retry bound', () => {
    expect(() => createStableReadContext({ maxRetries: -1 })).toThrow(/maxRetries/);
  });
});
