// placeholder: replaced at merge (the SCENARIOS part writes the real one)
/**
 * The embedded default (placeholder).
 * @module
 */
import type { AccountingPolicy, Scenario } from './types.js';

/**
 * The resonant-steal case (placeholder).
 * @example
 * ```ts
 * DEFAULT_SCENARIO.tasks.length; // 1
 * ```
 */
export const DEFAULT_SCENARIO: Scenario = {
  durationMs: 1000,
  host: { steal: { '0': { kind: 'periodic', periodUs: 12000, stealUs: 3600 } } },
  tasks: [{ name: 'hog', count: 3, workload: { kind: 'cpu' } }],
};

/**
 * The accountings the default compares, side by side (placeholder).
 * @example
 * ```ts
 * DEFAULT_COMPARISON[0]; // 'none'
 * ```
 */
export const DEFAULT_COMPARISON: readonly AccountingPolicy[] = ['none', 'drop'];
