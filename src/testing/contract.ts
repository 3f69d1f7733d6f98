/**
 * The contract every clock/stolen-time backend passes, as plain checks that throw on failure: run them from any test
 * framework (`for (const c of sourceContract(factory)) it(c.name, c.run)`), or on their own. The package's own
 * backends (simulated, emulated, real Linux) pass it in this repository's suite; authors of other backends run it on
 * theirs.
 * @module
 */
import { checkFunction, checkOptionalWhole, checkOptions } from '../check.js';
import { counterDelta } from '../accounting/counter.js';
import { SliceAccountant } from '../accounting/slice.js';
import type { ConsistentReading } from '../accounting/consistent-read.js';
import { consistentReadOf, type ClockSource } from '../sources/types.js';

/** Options of {@link sourceContract}. */
export interface ContractOptions {
  /** Readings each check takes (default 400). */
  readonly steps?: number;
  /** Time between readings, ns (default 250 µs): advanced on a backend that can be, waited for on one that cannot. */
  readonly stepNs?: number;
  /**
   * Lets real time pass on a backend without `advance` (default: a busy wait on `performance.now()`: a task running,
   * as the counter and stolen total expect).
   */
  readonly wait?: (ns: number) => void;
}

/** One check of the contract. */
export interface ContractCheck {
  /** What it checks, as a test name. */
  readonly name: string;
  /** Runs it on a fresh backend; throws an `Error` that says what failed. */
  readonly run: () => void;
}

function busyWait(ns: number): void {
  const clock = (globalThis as unknown as { performance: { now(): number } }).performance;
  const end = clock.now() + ns / 1e6;
  while (clock.now() < end);
}

function check(ok: boolean, what: () => string): void {
  if (!ok) throw new Error(what());
}

/**
 * The backend contract as checks, each on a fresh backend from `factory`: the counter never goes backwards (wrap-safe)
 * and has a sane frequency and width; the stolen total never decreases; consistent reads succeed under the backend's
 * protocol; the accounting core gives conserved ledgers on it under both steal policies.
 * @param factory - makes a fresh backend
 * @param options - see {@link ContractOptions}
 * @returns the checks
 * @throws {@link SchedacctError} `invalid-argument` or `out-of-range` for a factory that is not a function, or options that are not an object with 1 to 10 000 000 steps of at least 1 ns and a `wait` function
 * @example
 * ```ts
 * const checks = sourceContract(() => createSimulatedSource({ pattern: { kind: 'constant', share: 0.1 } }), { steps: 40 });
 * for (const c of checks) c.run(); // throws if the backend breaks the contract
 * checks.length; // 4
 * ```
 */
export function sourceContract(factory: () => ClockSource, options: ContractOptions = {}): ContractCheck[] {
  checkFunction('factory', factory);
  checkOptions('options', options);
  checkOptionalWhole('options.steps', options.steps, 1, 10_000_000);
  checkOptionalWhole('options.stepNs', options.stepNs, 1);
  if (options.wait !== undefined) checkFunction('options.wait', options.wait);
  const steps = options.steps ?? 400;
  const stepNs = options.stepNs ?? 250_000;
  const wait = options.wait ?? busyWait;
  const pass = (source: ClockSource): void => {
    if (source.advance !== undefined) source.advance(stepNs);
    else wait(stepNs);
  };
  return [
    {
      name: 'the counter never goes backwards (wrap-safe) and has a sane frequency and width',
      run: () => {
        const src = factory();
        const { counterHz, widthBits } = src.counter;
        check(counterHz > 0, () => `counterHz must be > 0, got ${String(counterHz)}`);
        check(widthBits >= 56 && widthBits <= 64, () => `widthBits must be 56 to 64, got ${String(widthBits)}`);
        let last = src.counter.readCounter();
        for (let i = 0; i < steps; i++) {
          pass(src);
          const now = src.counter.readCounter();
          check(
            counterDelta(last, now, widthBits) >= 0n,
            () => `counter went back from ${String(last)} to ${String(now)}`,
          );
          last = now;
        }
      },
    },
    {
      name: 'the stolen total never decreases in normal operation',
      run: () => {
        const src = factory();
        let last = src.stolen.readStolen();
        for (let i = 0; i < steps; i++) {
          pass(src);
          const now = src.stolen.readStolen();
          check(now >= last, () => `stolen total went back from ${String(last)} to ${String(now)}`);
          last = now;
        }
      },
    },
    {
      name: "consistent reads succeed under the backend's protocol",
      run: () => {
        const src = factory();
        for (let i = 0; i < steps; i++) {
          pass(src);
          const reading = consistentReadOf(src);
          check(
            reading.consistent,
            () => `reading ${String(i)} was not consistent after ${String(reading.retries)} retries`,
          );
        }
      },
    },
    {
      name: 'the accounting core gives conserved ledgers on it',
      run: () => {
        const src = factory();
        for (const policy of ['carry', 'drop'] as const) conserved(src, policy, Math.max(1, steps >> 2), pass);
      },
    },
  ];
}

function conserved(src: ClockSource, policy: 'carry' | 'drop', slices: number, pass: (s: ClockSource) => void): void {
  const first = consistentReadOf(src);
  const { counterHz, widthBits } = src.counter;
  const acct = new SliceAccountant({ counterHz, widthBits, policy, initialStolenTotalNs: first.stolenTotalNs });
  let before: ConsistentReading = first;
  let elapsed = 0;
  let charged = 0;
  for (let i = 0; i < slices; i++) {
    pass(src);
    const after = consistentReadOf(src);
    charged += acct.charge(before, after);
    const last = acct.last;
    elapsed += last.elapsedNs;
    check(last.chargedNs >= 0, () => `${policy}: a negative charge (${String(last.chargedNs)} ns)`);
    check(last.chargedNs + last.stolenNs === last.elapsedNs, () => `${policy}: charged + stolen ≠ elapsed`);
    before = after;
  }
  const s = acct.steal;
  const observed = Number(before.stolenTotalNs - first.stolenTotalNs);
  check(s.observedNs === observed, () => `${policy}: steal observed ${String(s.observedNs)} ≠ ${String(observed)}`);
  check(s.observedNs === s.accountedNs + s.carriedNs + s.droppedNs, () => `${policy}: steal not conserved`);
  check(elapsed - charged === s.accountedNs, () => `${policy}: steal accounted ≠ elapsed − charged`);
  if (policy === 'carry') check(s.droppedNs === 0, () => 'carry dropped steal');
}
