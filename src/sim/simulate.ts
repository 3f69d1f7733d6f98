/**
 * `simulate`: one run of a resolved scenario through the engine, every task booking into one ledger through its task
 * machine, as a replayed task does.
 * @module
 */
import { Ledger } from '../accounting/ledger.js';
import { argError, checkObject, checkOptions } from '../check.js';
import { SchedacctError } from '../errors.js';
import { checkEngine } from '../trace/engine.js';
import { SimEngine } from './engine.js';
import { parseKernel, tickNsec } from './kernel.js';
import { checkResolved } from './scenario.js';
import { checkPolicy } from './policies/check-policy.js';
import { builtinPolicy, POLICY_NAMES } from './policies/index.js';
import type { PolicyName, ResolvedScenario, SchedPolicy, SimInputs, SimResult, SimulateOptions } from './types.js';

// The policy to run: the caller's, or the shipped one the scenario names.
function policyFor(scenario: ResolvedScenario, options: SimulateOptions): SchedPolicy {
  if (options.policy !== undefined) return checkPolicy('options.policy', options.policy);
  if (!(POLICY_NAMES as readonly string[]).includes(scenario.policy)) {
    throw new SchedacctError(
      'invalid-argument',
      `scenario.policy ${JSON.stringify(scenario.policy)} is not a shipped policy (${POLICY_NAMES.join(', ')}): ` +
        'load the module (loadPolicy) and pass it as options.policy',
    );
  }
  return builtinPolicy(scenario.policy as PolicyName, parseKernel(scenario.kernel));
}

// Loaded inputs are two maps (loadInputs makes them).
function checkInputs(inputs: SimInputs): void {
  checkObject('options.inputs', inputs);
  for (const key of ['hostSteal', 'taskSegments'] as const)
    if (!(inputs[key] instanceof Map))
      throw argError('invalid-argument', `options.inputs.${key}`, 'a Map (loadInputs makes it)', inputs[key]);
}

/**
 * Runs a resolved scenario: the host steals and pauses, the guest kernel's run-queue clock and the policy schedule,
 * every task runs through its task machine into one ledger. The same scenario (and seed) gives the same result and
 * the same observer calls, with either engine.
 * @param scenario - what to run (from `resolveScenario`)
 * @param options - the policy (default: the shipped one the scenario names), the machines' engine, loaded inputs,
 *   an observer
 * @returns per task its ledger totals, real CPU and migrations; per vCPU busy, idle, stolen and paused host ns
 * @throws {@link SchedacctError} `invalid-argument` for a scenario that is not resolved, a policy that is not one, a
 *   scenario policy that is a module path without `options.policy`, or `trace` steal or workloads without
 *   `options.inputs`
 * @example
 * ```ts
 * const scenario = resolveScenario({ durationMs: 100, tasks: [{ name: 'hog', count: 2, workload: { kind: 'cpu' } }] });
 * const result = simulate(scenario);
 * result.vcpus[0]?.busyNs; // 100_000_000: two hogs keep the one vCPU busy
 * ```
 */
export function simulate(scenario: ResolvedScenario, options: SimulateOptions = {}): SimResult {
  checkResolved('scenario', scenario);
  checkOptions('options', options);
  if (options.observer !== undefined) checkObject('options.observer', options.observer);
  if (options.inputs !== undefined) checkInputs(options.inputs);
  const engine = checkEngine(options.engine);
  const policy = policyFor(scenario, options);
  const kernel = parseKernel(scenario.kernel);
  const env = { cpus: scenario.cpus, hz: scenario.hz, tickNs: tickNsec(scenario.hz), kernel };
  const ledger = new Ledger();
  const run = new SimEngine({
    scenario,
    policy,
    env,
    engine,
    ledger,
    inputs: options.inputs,
    observer: options.observer,
  });
  const elapsedNs = run.run();
  const tasks = run.tasks.map((t) => ({
    name: t.ref.name,
    tid: t.ref.tid,
    nice: t.sched.nice,
    priority: t.sched.priority,
    weight: t.sched.weight,
    totals: ledger.account(t.ref.tid).toJSON(), // reports read the ledger, not a machine's context
    realNs: t.realNs,
    migrations: t.migrations,
  }));
  const vcpus = run.cpus.map((c) => {
    const b = c.host.buckets(elapsedNs);
    return { vcpu: c.index, busyNs: c.busyNs, idleNs: c.idleNs, stolenNs: b.stolenNs, pausedNs: b.pausedNs };
  });
  return { scenario, ledger, tasks, vcpus, elapsedNs, events: run.events };
}
