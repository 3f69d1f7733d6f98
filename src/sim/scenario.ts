/**
 * A scenario as a user writes it (parsed JSON), checked and resolved: every default filled in, every problem found
 * and named by its path. Runtime-neutral.
 * @module
 */
import { argError, checkObject, checkOneOf, checkString, checkWhole } from '../check.js';
import type { SchedacctError } from '../errors.js';
import { MAX_CPUS } from '../trace/events.js';
import { defaultPolicy, parseKernel, policyAllowed } from './kernel.js';
import { Issues, itemPath, ScenarioError } from './scenario-check.js';
import { readHost } from './scenario-host.js';
import { MAX_TASKS, readTask } from './scenario-tasks.js';
import { POLICY_NAMES } from './policies/index.js';
import type {
  AccountingPolicy,
  KernelVersion,
  PolicyName,
  ResolvedScenario,
  ResolvedTaskSpec,
  Scenario,
  StealSpec,
} from './types.js';
export { ScenarioError, type ScenarioIssue } from './scenario-check.js';

/**
 * The keys of a scenario (a user-facing contract: keep them stable).
 * @example
 * ```ts
 * SCENARIO_KEYS.includes('durationMs'); // true
 * ```
 */
export const SCENARIO_KEYS: readonly (keyof Scenario)[] = [
  'kernel',
  'policy',
  'hz',
  'cpus',
  'durationMs',
  'seed',
  'accounting',
  'host',
  'tasks',
];

/** The tick rates a kernel can be built with (`CONFIG_HZ_100`, `_250`, `_300`, `_1000`). */
export const HZ_VALUES: readonly number[] = [100, 250, 300, 1000];

/** The run-queue clock's steal policies. */
export const ACCOUNTING_POLICIES: readonly AccountingPolicy[] = ['drop', 'carry', 'none'];

/** The largest seed: seeds are unsigned 32-bit numbers. */
export const MAX_SEED = 0xffff_ffff;

/** The most vCPUs a scenario may have (as many as a trace may name). */
export const MAX_SIM_CPUS: number = MAX_CPUS;

// The kernel, and whether it was right (a wrong one is reported once, and the policy is not checked against it).
function readKernel(issues: Issues, value: unknown): { text: string; version: KernelVersion } | undefined {
  const text = value === undefined ? '6.18' : value; // (null is no default: JSON's null is a value)
  if (typeof text === 'string') {
    try {
      return { text, version: parseKernel(text) };
    } catch {
      // said below, in the scenario's words
    }
  }
  issues.want('kernel', 'a kernel version "MAJOR.MINOR", like "6.18"', text);
  return undefined;
}

// A shipped policy's name is checked against the kernel; anything else is a path to the user's own module.
function readPolicy(issues: Issues, value: unknown, kernel: KernelVersion | undefined): string | undefined {
  if (value === undefined) return kernel === undefined ? undefined : defaultPolicy(kernel);
  if (typeof value !== 'string' || value === '') {
    issues.want('policy', `one of ${POLICY_NAMES.join(', ')}, or the path of a policy module`, value);
    return undefined;
  }
  const name = value as PolicyName;
  if (kernel !== undefined && POLICY_NAMES.includes(name) && !policyAllowed(name, kernel)) {
    const has = `kernel ${String(kernel.major)}.${String(kernel.minor)} schedules with ${defaultPolicy(kernel)}`;
    issues.want('policy', `a policy this kernel has (${has}, or rr, fifo)`, value);
    return undefined;
  }
  return value;
}

function readTasks(
  issues: Issues,
  value: unknown,
  cpus: number | undefined,
  durationMs: number | undefined,
): ResolvedTaskSpec[] | undefined {
  const list = issues.list('tasks', value, 'a list of at least one task', 1);
  if (list === undefined) return undefined;
  const tasks = list.map((task, i) => readTask(issues, itemPath('tasks', i), task, cpus, durationMs));
  const resolved = tasks.filter((t) => t !== undefined);
  if (resolved.length !== tasks.length) return undefined;
  const total = resolved.reduce((sum, t) => sum + t.count, 0);
  if (total > MAX_TASKS) {
    issues.add(
      'tasks',
      `must have at most ${String(MAX_TASKS)} tasks in all (the counts add up), got ${String(total)}`,
    );
    return undefined;
  }
  return resolved;
}

/**
 * Checks a scenario and fills in every default: kernel `"6.18"`, policy by kernel (EEVDF from 6.6, CFS before), hz
 * 250, 1 vCPU, 1000 ms, seed 1, accounting `drop`, no steal, no pauses, ABI x86; each task nice 0, priority 50, every
 * vCPU, count 1, from 0 ms to the end. A policy that is not a shipped name is kept as the path of a policy module.
 * @param scenario - the scenario as parsed from JSON
 * @returns the scenario with every default filled in (still in user units: ms, µs)
 * @throws {@link ScenarioError} listing every problem, each with its path, what was wanted and what came
 * @example
 * ```ts
 * const resolved = resolveScenario({ cpus: 2, tasks: [{ name: 'hog', workload: { kind: 'cpu' } }] });
 * resolved.policy; // 'eevdf'
 * resolved.host.steal.length; // 2
 * resolved.tasks[0]?.cpus; // [0, 1]
 * ```
 */
export function resolveScenario(scenario: unknown): ResolvedScenario {
  const issues = new Issues();
  const r = issues.object('', scenario, SCENARIO_KEYS, 'a scenario object {tasks, …}');
  if (r === undefined) throw new ScenarioError(issues.found);
  const kernel = readKernel(issues, r.kernel);
  const policy = readPolicy(issues, r.policy, kernel?.version);
  const hz = issues.choice('hz', r.hz, HZ_VALUES, 250);
  const cpus = issues.whole('cpus', r.cpus, 1, MAX_SIM_CPUS, 1);
  const durationMs = issues.time('durationMs', r.durationMs, 'ms', 'positive', 1000);
  const seed = issues.whole('seed', r.seed, 0, MAX_SEED, 1);
  const accounting = issues.choice('accounting', r.accounting, ACCOUNTING_POLICIES, 'drop');
  const host = readHost(issues, r.host, cpus, durationMs);
  const tasks = readTasks(issues, r.tasks, cpus, durationMs);
  if (issues.found.length > 0) throw new ScenarioError(issues.found);
  // (no problem found: every part was read)
  const parts = [kernel, policy, hz, cpus, durationMs, seed, accounting, host, tasks];
  if (parts.some((p) => p === undefined)) throw new ScenarioError([{ path: '', message: 'could not be read' }]);
  return {
    kernel: (kernel as { text: string }).text,
    policy: policy as string,
    hz: hz as number,
    cpus: cpus as number,
    durationMs: durationMs as number,
    seed: seed as number,
    accounting: accounting as AccountingPolicy,
    host: host as ResolvedScenario['host'],
    tasks: tasks as ResolvedTaskSpec[],
  };
}

/**
 * A resolved scenario as a scenario again (steal keyed by vCPU index, a task that runs to the end without `stopMs`),
 * so that what a result echoes can be run again: `resolveScenario(scenarioOf(r))` equals `r`.
 * @param resolved - a scenario {@link resolveScenario} gave
 * @returns the same scenario as a user would write it
 * @throws {@link SchedacctError} `invalid-argument` naming the first key that is not as resolveScenario makes it
 * @example
 * ```ts
 * const resolved = resolveScenario({ tasks: [{ name: 'hog', workload: { kind: 'cpu' } }] });
 * scenarioOf(resolved).host?.steal; // { '0': { kind: 'none' } }
 * ```
 */
export function scenarioOf(resolved: ResolvedScenario): Scenario {
  checkResolved('resolved', resolved);
  const steal: Record<string, StealSpec> = {};
  resolved.host.steal.forEach((s, i) => (steal[String(i)] = s));
  return {
    ...resolved,
    host: { ...resolved.host, steal },
    tasks: resolved.tasks.map(({ stopMs, ...task }) => (stopMs === null ? task : { ...task, stopMs })),
  };
}

/**
 * A resolved time in µs as ns: exact, as {@link resolveScenario} allows at most 3 decimals.
 * @param us - µs
 * @returns whole ns
 * @throws {@link SchedacctError} `invalid-argument` for a value that is not a number ≥ 0 whose ns are a safe integer
 * @example
 * ```ts
 * usToNs(3600.5); // 3_600_500
 * ```
 */
export function usToNs(us: number): number {
  return toNs('us', us, 1e3);
}

/**
 * A resolved time in ms as ns: exact, as {@link resolveScenario} allows at most 6 decimals.
 * @param ms - ms
 * @returns whole ns
 * @throws {@link SchedacctError} `invalid-argument` for a value that is not a number ≥ 0 whose ns are a safe integer
 * @example
 * ```ts
 * msToNs(0.000001); // 1
 * ```
 */
export function msToNs(ms: number): number {
  return toNs('ms', ms, 1e6);
}

function toNs(param: string, value: number, perUnit: number): number {
  const ns = typeof value === 'number' ? Math.round(value * perUnit) : Number.NaN;
  if (!(ns >= 0 && ns <= Number.MAX_SAFE_INTEGER))
    throw argError('invalid-argument', param, 'a number ≥ 0 whose ns are at most 2^53 − 1', value);
  return ns;
}

/**
 * Checks the top level of a resolved scenario, as far as a run relies on it (resolveScenario checks the rest): a
 * hand-made one that would hang (a duration past 2^53 ns, 2^53 vCPUs) or crash deep in a run is refused, naming the key.
 * @param param - its name, for the messages (`scenario`)
 * @param scenario - the value
 * @throws {@link SchedacctError} `invalid-argument` or `out-of-range` naming the first key that is wrong
 * @internal
 */
export function checkResolved(param: string, scenario: unknown): asserts scenario is ResolvedScenario {
  checkObject(param, scenario);
  const s = scenario as Partial<Record<keyof ResolvedScenario, unknown>>;
  const at = (key: string): string => `${param}.${key}`;
  const unresolved = (what: string): SchedacctError =>
    argError('invalid-argument', param, 'a resolved scenario (resolveScenario)', scenario, at(what));
  const host = s.host as Partial<Record<keyof ResolvedScenario['host'], unknown>> | null | undefined;
  if (typeof host !== 'object' || host === null) throw unresolved('host is not an object');
  for (const key of ['steal', 'pauses'] as const)
    if (!Array.isArray(host[key])) throw unresolved(`host.${key} is not a list`);
  const tasks = s.tasks;
  if (!Array.isArray(tasks) || !tasks.every((t: unknown) => typeof t === 'object' && t !== null))
    throw unresolved('tasks is not a list of task groups');
  checkString(at('kernel'), s.kernel);
  checkString(at('policy'), s.policy);
  checkOneOf(at('hz'), s.hz, HZ_VALUES);
  checkWhole(at('cpus'), s.cpus, 1, MAX_SIM_CPUS);
  const d = s.durationMs;
  if (!(typeof d === 'number' && d >= 0 && d * 1e6 <= Number.MAX_SAFE_INTEGER))
    throw argError('invalid-argument', at('durationMs'), 'ms ≥ 0 whose ns are at most 2^53 − 1', d);
  checkWhole(at('seed'), s.seed, 0, MAX_SEED);
  checkOneOf(at('accounting'), s.accounting, ACCOUNTING_POLICIES);
}
