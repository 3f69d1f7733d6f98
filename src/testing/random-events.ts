/**
 * Seeded random task events, for testing a driver or a machine against the model: the same seed gives the same
 * events in any runtime. Readings mostly move on (counter forward, stolen total up), with the anomalies a real
 * source shows now and then (a counter or stolen total going back, a steal jump, an inconsistent read).
 * @module
 */
import { argError, checkOptionalWhole, checkOptions, checkWhole } from '../check.js';
import { mulberry32 } from '../host/prng.js';
import type { TaskEvent, TaskReading } from '../machines/task.js';

/** Options of {@link randomTaskEvents}. */
export interface RandomEventsOptions {
  /** How many events (default 100). */
  readonly count?: number;
  /** CPUs events happen on, 0 … cpus − 1 (default 2). */
  readonly cpus?: number;
  /** Share of readings that carry an anomaly, 0 … 1 (default 0.1). */
  readonly anomalyShare?: number;
}

const TYPES: readonly TaskEvent['type'][] = ['create', 'wakeup', 'dispatch', 'preempt', 'block', 'migrate', 'exit'];
const STATES = ['S', 'D', 'I'] as const;

/**
 * A seeded sequence of task events with number readings (ns timestamps as counters at 1 GHz).
 * @param seed - any whole number
 * @param options - see {@link RandomEventsOptions}
 * @returns the events, in order
 * @throws {@link SchedacctError} `invalid-argument` or `out-of-range` for a seed that is not a u32, or options that are not an object with a count up to 10 000 000, 1 to 8192 CPUs and an anomaly share from 0 to 1
 * @example
 * ```ts
 * const events = randomTaskEvents(42, { count: 50 });
 * const task = compileTaskMachine().start(createTaskContext({ task: 1, counterHz: 1e9 }));
 * for (const e of events) task.send(e);
 * taskTotals(task.context).runNs === taskTotals(task.context).chargedNs + taskTotals(task.context).stolenNs; // true
 * ```
 */
export function randomTaskEvents(seed: number, options: RandomEventsOptions = {}): TaskEvent[] {
  checkWhole('seed', seed, 0, 0xffff_ffff);
  checkOptions('options', options);
  checkOptionalWhole('options.count', options.count, 0, 10_000_000);
  checkOptionalWhole('options.cpus', options.cpus, 1, 8192);
  if (
    options.anomalyShare !== undefined &&
    !(typeof options.anomalyShare === 'number' && options.anomalyShare >= 0 && options.anomalyShare <= 1)
  )
    throw argError('invalid-argument', 'options.anomalyShare', 'a number from 0 to 1', options.anomalyShare);
  const next = mulberry32(seed);
  const count = options.count ?? 100;
  const cpus = options.cpus ?? 2;
  const anomalyShare = options.anomalyShare ?? 0.1;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  let counter = 1_000_000;
  let stolen = 0;
  const out: TaskEvent[] = [];
  for (let i = 0; i < count; i++) {
    let dt = 1 + Math.floor(next() * 2_000_000);
    let ds = next() < 0.3 ? Math.floor(next() * dt) : 0;
    let consistent = true;
    if (next() < anomalyShare) {
      const kind = Math.floor(next() * 4);
      if (kind === 0)
        dt = -Math.min(counter, 1 + Math.floor(next() * 1000)); // counter backwards
      else if (kind === 1)
        ds = -Math.min(stolen, 1 + Math.floor(next() * 1000)); // steal backwards
      else if (kind === 2)
        ds = dt + 1 + Math.floor(next() * 1_000_000); // steal beyond the interval
      else consistent = false;
    }
    counter += dt;
    stolen += ds;
    const cpu = Math.floor(next() * cpus);
    const reading: TaskReading = consistent
      ? { counter, stolenTotalNs: stolen, cpu }
      : { counter, stolenTotalNs: stolen, cpu, consistent };
    const type = pick(TYPES);
    if (type === 'block') out.push({ type, reading, state: pick(STATES) });
    else if (type === 'migrate') out.push({ type, reading, toCpu: (cpu + 1) % cpus });
    else out.push({ type, reading });
  }
  return out;
}
