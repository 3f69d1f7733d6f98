// placeholder: replaced at merge (the ENGINE part writes the real one). A toy round robin, only so that the outputs
// and the CLI compile and run before the merge: tasks on their first allowed CPU, one tick each in turn, no steal.
/**
 * The simulator's entry (placeholder).
 * @module
 */
import { Ledger } from '../accounting/ledger.js';
import type { ResolvedScenario, SimResult, SimTaskRef, SimTaskResult, SimulateOptions } from './types.js';

const WEIGHTS = [
  88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991,
  1586, 1277, 1024, 820, 655, 526, 423, 335, 272, 215, 172, 137, 110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
];

/**
 * Runs a scenario (placeholder).
 * @param scenario - the resolved scenario
 * @param options - observer and the rest
 * @returns the result
 * @example
 * ```ts
 * void simulate;
 * ```
 */
export function simulate(scenario: ResolvedScenario, options: SimulateOptions = {}): SimResult {
  const obs = options.observer;
  const ledger = new Ledger();
  const refs: (SimTaskRef & { cpu: number; nice: number; priority: number })[] = [];
  for (const spec of scenario.tasks)
    for (let k = 0; k < spec.count; k++)
      refs.push({
        tid: 1000 + refs.length,
        name: spec.name,
        prio: 120 + spec.nice,
        cpu: spec.cpus[0] ?? 0,
        nice: spec.nice,
        priority: spec.priority,
      });
  const endNs = scenario.durationMs * 1e6;
  const tickNs = Math.round(1e9 / scenario.hz);
  let events = 0;
  for (const t of refs) obs?.onCreate?.(0, t.cpu, t);
  const busy = new Array<number>(scenario.cpus).fill(0);
  for (let cpu = 0; cpu < scenario.cpus; cpu++) {
    const mine = refs.filter((t) => t.cpu === cpu);
    if (mine.length === 0) continue;
    let at = 0;
    let k = scenario.seed % mine.length;
    let prev: SimTaskRef | undefined;
    const ready = new Map(mine.map((t) => [t.tid, 0]));
    while (at < endNs) {
      const t = mine[k % mine.length] as (typeof mine)[number];
      obs?.onSwitch?.(at, cpu, prev, 'R', t);
      ledger.account(t.tid).addDelay(at - (ready.get(t.tid) ?? 0));
      const run = Math.min(tickNs, endNs - at);
      at += run;
      obs?.onRuntime?.(at, cpu, t, run);
      ledger.account(t.tid).addSlice(run, 0);
      ready.set(t.tid, at);
      busy[cpu] = (busy[cpu] ?? 0) + run;
      prev = t;
      k++;
      events++;
    }
    const last = prev;
    obs?.onSwitch?.(endNs, cpu, last, 'S', undefined);
  }
  const tasks: SimTaskResult[] = refs.map((t) => ({
    name: t.name,
    tid: t.tid,
    nice: t.nice,
    priority: t.priority,
    weight: WEIGHTS[t.nice + 20] ?? 1024,
    totals: ledger.account(t.tid).toJSON(),
    realNs: ledger.account(t.tid).runNs,
    migrations: 0,
  }));
  const vcpus = busy.map((b, vcpu) => ({ vcpu, busyNs: b, idleNs: endNs - b, stolenNs: 0, pausedNs: 0 }));
  return { scenario, ledger, tasks, vcpus, elapsedNs: endNs, events };
}
