// placeholder: replaced at merge (the SCENARIOS part writes the real one)
/**
 * Scenarios: validation and defaults (placeholder).
 * @module
 */
import { SchedacctError } from '../errors.js';
import type { ResolvedScenario, Scenario } from './types.js';

/** One thing wrong with a scenario. */
export interface ScenarioIssue {
  /** Dotted path, e.g. `tasks[1].workload.runUs`. */
  readonly path: string;
  /** What is wanted. */
  readonly message: string;
}

/**
 * A scenario that does not validate: every issue with its path.
 * @example
 * ```ts
 * new ScenarioError([{ path: 'cpus', message: 'must be ≥ 1' }]).issues.length; // 1
 * ```
 */
export class ScenarioError extends SchedacctError {
  /** The issues. */
  readonly issues: readonly ScenarioIssue[];

  /**
   * @param issues - what is wrong
   */
  constructor(issues: readonly ScenarioIssue[]) {
    super('invalid-argument', issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    this.name = 'ScenarioError';
    this.issues = issues;
  }
}

/**
 * Resolves a scenario (placeholder: little validation).
 * @param input - the scenario as JSON
 * @returns it resolved
 * @throws {@link ScenarioError} when it does not validate
 * @example
 * ```ts
 * resolveScenario({ tasks: [{ name: 'hog', workload: { kind: 'cpu' } }] }).cpus; // 1
 * ```
 */
export function resolveScenario(input: unknown): ResolvedScenario {
  const s = input as Partial<Scenario> | null;
  const list: unknown = s?.tasks;
  if (typeof s !== 'object' || s === null || !Array.isArray(list))
    throw new ScenarioError([{ path: 'tasks', message: 'must be a list of tasks' }]);
  const cpus = s.cpus ?? 1;
  const issues: ScenarioIssue[] = [];
  if (!Number.isInteger(cpus) || cpus < 1)
    issues.push({ path: 'cpus', message: `must be a whole number ≥ 1, got ${JSON.stringify(cpus)}` });
  const durationMs = s.durationMs ?? 1000;
  if (!(typeof durationMs === 'number' && durationMs > 0))
    issues.push({ path: 'durationMs', message: `must be a positive number, got ${JSON.stringify(durationMs)}` });
  if (issues.length > 0) throw new ScenarioError(issues);
  return {
    kernel: s.kernel ?? '6.18',
    policy: s.policy ?? 'eevdf',
    hz: s.hz ?? 250,
    cpus,
    durationMs,
    seed: s.seed ?? 1,
    accounting: s.accounting ?? 'drop',
    host: { steal: Array.from({ length: cpus }, () => ({ kind: 'none' as const })), pauses: [], abi: 'x86' },
    tasks: (list as Scenario['tasks']).map((t) => ({
      name: t.name,
      nice: t.nice ?? 0,
      priority: t.priority ?? 50,
      cpus: t.cpus ?? Array.from({ length: cpus }, (_, i) => i),
      count: t.count ?? 1,
      startMs: t.startMs ?? 0,
      stopMs: t.stopMs ?? null,
      workload: t.workload,
    })),
  };
}
