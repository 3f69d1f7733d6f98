// The backend contract (shipped as schedacct/testing) as vitest tests: testSource(name, factory).
import { describe, it } from 'vitest';
import type { ClockSource } from '../src/index.ts';
import { sourceContract, type ContractOptions } from '../src/testing.ts';

export function testSource(name: string, factory: () => ClockSource, options: ContractOptions = {}): void {
  describe(`backend contract: ${name}`, () => {
    for (const c of sourceContract(factory, options)) it(c.name, c.run);
  });
}
