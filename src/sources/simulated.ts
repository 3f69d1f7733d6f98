/**
 * The simulated backend: the guest's view of a simulated host (`SimulatedHost`, host/): a counter and a stolen total
 * in deterministic virtual time. Same options and seed → bit-identical readings.
 * @module
 */
import { counterMask, counterWidthForHz } from '../accounting/counter.js';
import { checkCounterOptions, SimulatedHost, type SimulatedOptions } from '../host/simulated-host.js';
import type { ClockSource, CounterSource, StableStolenSource } from './types.js';

/** The simulated backend, with its host. */
export interface SimulatedSource extends ClockSource {
  /** The host deciding steal and pauses. */
  readonly host: SimulatedHost;
}

/**
 * The simulated backend: a counter at `counterHz` following the guest's time, and the host's stolen total.
 * @param options - see {@link SimulatedOptions}
 * @returns a backend; `advance(ns)` moves host time
 * @throws {@link SchedacctError} `invalid-argument` or `out-of-range` for bad options (see {@link SimulatedHost}), frequency, width or start
 * @example
 * ```ts
 * const src = createSimulatedSource({ pattern: { kind: 'constant', share: 0.25 } });
 * src.advance?.(10_000_000);
 * consistentReadOf(src); // { counter: 240000n, stolenTotalNs: 2500000n, … }
 * ```
 */
export function createSimulatedSource(options: SimulatedOptions): SimulatedSource {
  const host = new SimulatedHost(options);
  checkCounterOptions(options);
  const counterHz = options.counterHz ?? 24_000_000;
  const widthBits = options.widthBits ?? counterWidthForHz(counterHz);
  const mask = counterMask(widthBits);
  const start = options.counterStart ?? 0n;
  const hz = BigInt(counterHz);
  const counter: CounterSource = {
    counterHz,
    widthBits,
    readCounter: () => (start + (BigInt(host.guestNs) * hz) / 1_000_000_000n) & mask,
  };
  const stolen: StableStolenSource = { protocol: 'stable-read', readStolen: () => host.stolenTotalNs };
  const source: SimulatedSource = {
    name: 'simulated',
    counter,
    stolen,
    host,
  };
  if (options.clock === undefined) Object.assign(source, { advance: (ns: number) => host.advance(ns) });
  return source;
}
