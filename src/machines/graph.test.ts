import { describe, expect, it } from 'vitest';
import { getShortestPaths } from 'xstate/graph';
import type { AnyStateMachine, AnyStateNode, EventFromLogic, InputFrom, SnapshotFrom } from 'xstate';
import { stringifySnapshot } from './persist.js';
import { createStableReadContext, stableReadMachine, type StableReadEvent } from './stable-read.js';
import { Ledger } from '../accounting/ledger.js';
import { compileTaskMachine, createTaskContext, taskMachine, taskTotals, type TaskEvent } from './task.js';
import { taskEventsFrom, transitionKey, transitionKeys } from './testing.js';
import { vcpuMachine, type VcpuEvent, type VcpuMachine } from '../host/vcpu.js';

/**
 * Model-based coverage: shortest paths with a context-free serializer (the state value plus which transition
 * definition led there, asked of XState itself with getTransitionData), so every reachable transition is a vertex.
 */
function cover<TMachine extends AnyStateMachine>(
  machine: TMachine,
  input: InputFrom<TMachine>,
  events: (snapshot: ReturnType<TMachine['transition']>) => EventFromLogic<TMachine>[],
) {
  const taken = new Set<string>();
  const paths = getShortestPaths(machine, {
    input,
    events,
    serializeEvent: (event) => stringifySnapshot(event),
    serializeState: (state, event, prev) => {
      const value = JSON.stringify(state.value);
      if (event === undefined || prev === undefined) return value;
      const [t] = machine.getTransitionData(prev, event);
      const key = t === undefined ? 'none' : transitionKey(t);
      taken.add(key);
      return `${value}|${key}`;
    },
  });
  return { paths, taken };
}

function leafValues(machine: AnyStateMachine): string[] {
  const out: string[] = [];
  const walk = (node: AnyStateNode) => {
    const children = Object.values(node.states);
    if (children.length === 0) {
      const [head, ...rest] = node.path;
      out.push(JSON.stringify(rest.length === 0 ? head : { [head ?? '']: rest[0] }));
    }
    children.forEach(walk);
  };
  walk(machine.root);
  return out;
}

// The ledger laws after every step of a path, replayed on a stepper with a ledger of its own (the graph's actors share
// one ledger across paths, as they share the snapshots they branch from).
function checkTaskInvariants(events: readonly TaskEvent[], policy: 'drop' | 'carry'): void {
  const ledger = new Ledger();
  const t = compileTaskMachine().start(createTaskContext({ task: 1, counterHz: 1e9, policy, ledger }));
  for (const e of events) {
    t.send(e);
    const c = t.context;
    const a = taskTotals(c);
    expect(a.runNs).toBe(a.chargedNs + a.stolenNs);
    for (const v of [
      a.runNs,
      a.chargedNs,
      a.stolenNs,
      a.sleepNs,
      a.iowaitNs,
      a.preemptNs,
      a.delayNs,
      c.carriedNs,
      c.droppedNs,
    ]) {
      expect(v).toBeGreaterThanOrEqual(0);
    }
    expect(c.observedNs).toBe(c.accountedNs + c.carriedNs + c.droppedNs);
  }
  expect(ledger.size).toBe(1);
}

describe('task machine: model-based coverage', () => {
  for (const policy of ['drop', 'carry'] as const) {
    it(`every state reached, every transition taken, ledger laws on every path (${policy})`, () => {
      const { paths, taken } = cover(taskMachine, { task: 1, counterHz: 1e9, policy }, (s) =>
        taskEventsFrom(s.context),
      );
      const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));
      for (const leaf of leafValues(taskMachine)) expect(reached, `state ${leaf}`).toContain(leaf);
      const missing = transitionKeys(taskMachine).filter((k) => !taken.has(k));
      expect(missing).toEqual([]);
      expect(paths.length).toBeGreaterThan(100);
      for (const p of paths)
        checkTaskInvariants(
          p.steps.map((step) => step.event),
          policy,
        );
    });
  }
});

describe('vcpu machine: model-based coverage', () => {
  it('every state reached, every transition taken; time conserved on every path', () => {
    const events = (s: SnapshotFrom<VcpuMachine>): VcpuEvent[] => {
      const now = s.context.nowNs;
      return (['schedule', 'deschedule', 'pause', 'resume', 'offline', 'online'] as const).flatMap((type) => [
        { type, atNs: now + 1000 },
        { type, atNs: now - 1 },
      ]);
    };
    for (const offlineIsSteal of [false, true]) {
      const { paths, taken } = cover(vcpuMachine, { vcpu: 0, startNs: 10, offlineIsSteal }, events);
      const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));
      for (const leaf of leafValues(vcpuMachine)) expect(reached).toContain(leaf);
      expect(transitionKeys(vcpuMachine).filter((k) => !taken.has(k))).toEqual([]);
      for (const p of paths) {
        const c = p.state.context;
        expect(c.runningNs + c.runnableNs + c.pausedNs + c.offlineNs).toBe(c.enteredNs - 10);
        expect(c.stolenTotalNs).toBe(BigInt(c.runnableNs + (offlineIsSteal ? c.offlineNs : 0)));
      }
    }
  });
});

describe('stable-read machine: model-based coverage', () => {
  it('every state reached and every transition taken', () => {
    const events = (): StableReadEvent[] => [
      { type: 'stolen', value: 0n },
      { type: 'stolen', value: 1n },
      { type: 'counter', value: 7n },
    ];
    // With a context-free serializer a retry merges into the first attempt's vertices: cover a bound of 1 (the
    // retry edge) and of 0 (the exhausted edge) and take the union.
    const runs = [
      cover(stableReadMachine, { maxRetries: 1 }, events),
      cover(stableReadMachine, { maxRetries: 0 }, events),
    ];
    const reached = new Set(runs.flatMap((r) => r.paths.map((p) => JSON.stringify(p.state.value))));
    const taken = new Set(runs.flatMap((r) => [...r.taken]));
    for (const leaf of leafValues(stableReadMachine)) expect(reached).toContain(leaf);
    expect(transitionKeys(stableReadMachine).filter((k) => !taken.has(k))).toEqual([]);
    expect(createStableReadContext().maxRetries).toBe(16);
  });
});
