// placeholder: replaced at merge (the SCENARIOS part writes the real one)
/**
 * Loads what a scenario refers to outside itself (placeholder).
 * @module
 */
import type { ResolvedScenario, SimInputs } from './types.js';

/**
 * Loads a scenario's trace files (placeholder: none).
 * @param scenario - the scenario
 * @param baseDir - where its relative paths start
 * @returns the inputs
 * @example
 * ```ts
 * void loadInputs;
 * ```
 */
export function loadInputs(scenario: ResolvedScenario, baseDir: string): Promise<SimInputs> {
  if (scenario.cpus < 0 || baseDir === '') return Promise.resolve({ hostSteal: new Map(), taskSegments: new Map() });
  return Promise.resolve({ hostSteal: new Map(), taskSegments: new Map() });
}
