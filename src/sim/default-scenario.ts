/**
 * The scenario `schedacct simulate` runs when given none: the case the simulator exists for. Three CPU-bound tasks
 * share one vCPU whose host steals 3.6 ms at the end of every 12 ms, in step with the slices; run once with a kernel
 * that charges wall time (`none`) and once with steal-aware accounting (`drop`), side by side, charging wall time
 * starves one task while steal-aware accounting stays fair. Runtime-neutral.
 * @module
 */
import type { AccountingPolicy, Scenario } from './types.js';

/**
 * The embedded default: 3 hogs on 1 vCPU, 10 s, periodic steal of 3600 µs every 12000 µs (the accounting is set by
 * each run of {@link DEFAULT_COMPARISON}).
 * @example
 * ```ts
 * const resolved = resolveScenario(DEFAULT_SCENARIO);
 * resolved.tasks[0]?.count; // 3
 * resolved.host.steal[0]; // { kind: 'periodic', periodUs: 12000, stealUs: 3600, phaseUs: 0 }
 * ```
 */
export const DEFAULT_SCENARIO: Scenario = Object.freeze({
  kernel: '6.18',
  hz: 250,
  cpus: 1,
  durationMs: 10_000,
  seed: 1,
  host: Object.freeze({
    steal: Object.freeze({ '0': Object.freeze({ kind: 'periodic', periodUs: 12_000, stealUs: 3_600 } as const) }),
  }),
  tasks: Object.freeze([Object.freeze({ name: 'hog', count: 3, workload: Object.freeze({ kind: 'cpu' } as const) })]),
});

/**
 * The accounting policies the default runs with, in the order they are shown: wall time (no paravirt steal
 * accounting), then steal-aware.
 * @example
 * ```ts
 * DEFAULT_COMPARISON.map((accounting) => resolveScenario({ ...DEFAULT_SCENARIO, accounting }).accounting);
 * // ['none', 'drop']
 * ```
 */
export const DEFAULT_COMPARISON: readonly AccountingPolicy[] = Object.freeze(['none', 'drop'] as const);
