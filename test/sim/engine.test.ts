// The engine with the toy round-robin policy: steal in the guest's accounting, workloads, pauses, affinity, the
// observer, determinism and the two machine engines.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/simulate.ts';
import type { SimObserver, SimResult, SimulateOptions } from '../../src/sim/types.ts';
import { resolved, toyPolicy, type TestScenario } from './toy-policy.ts';

type Call = [string, number, ...unknown[]];

// Every observer call, as data.
function recorder(): { calls: Call[]; observer: SimObserver } {
  const calls: Call[] = [];
  const observer: SimObserver = {
    onCreate: (at, cpu, t) => calls.push(['create', at, cpu, t.tid]),
    onWakeup: (at, cpu, t, target) => calls.push(['wakeup', at, cpu, t.tid, target]),
    onMigrate: (at, t, from, to) => calls.push(['migrate', at, t.tid, from, to]),
    onRuntime: (at, cpu, t, ns) => calls.push(['runtime', at, cpu, t.tid, ns]),
    onSwitch: (at, cpu, prev, state, next) => calls.push(['switch', at, cpu, prev?.tid, state, next?.tid]),
  };
  return { calls, observer };
}

function run(s: TestScenario, options: SimulateOptions = {}): SimResult {
  return simulate(resolved(s), { policy: toyPolicy(), ...options });
}

const RESONANT = { kind: 'periodic', periodUs: 12_000, stealUs: 3600 } as const;

describe('steal in the guest accounting', () => {
  // One hog alone on a vCPU with 3.6 ms stolen at the end of every 12 ms, for 1000 ms (it exits then, closing its one
  // slice): 83 whole periods end before 996 ms, and the 84th steal would begin at 1004.4 ms.
  const stolenNs = 83 * 3_600_000;
  const hog = (accounting: 'drop' | 'carry' | 'none') =>
    run({
      accounting,
      durationMs: 1100,
      steal: [RESONANT],
      tasks: [{ name: 'hog', stopMs: 1000, workload: { kind: 'cpu' } }],
    }).tasks[0];

  it.each(['drop', 'carry'] as const)('%s: the hog is charged wall − steal', (accounting) => {
    const t = hog(accounting);
    expect(t?.totals).toMatchObject({ runNs: 1e9, chargedNs: 1e9 - stolenNs, stolenNs, slices: 1 });
    expect(t?.realNs).toBe(1e9 - stolenNs);
  });

  it('none: the hog is charged wall time, though its real CPU is the same', () => {
    const t = hog('none');
    expect(t?.totals).toMatchObject({ runNs: 1e9, chargedNs: 1e9, stolenNs: 0 });
    expect(t?.realNs).toBe(1e9 - stolenNs);
  });

  it('the resonant case: three hogs, steal lined up with the slices, starve one under none and not under drop', () => {
    const real = (accounting: 'drop' | 'none') =>
      run({
        accounting,
        durationMs: 3000,
        steal: [RESONANT],
        tasks: [{ name: 'hog', count: 3, workload: { kind: 'cpu' } }],
      }).tasks.map((t) => t.realNs);
    const none = real('none');
    const drop = real('drop');
    expect(Math.min(...none) * 5).toBeLessThan(Math.max(...none)); // one task gets a fraction of the others
    expect(Math.min(...drop) / Math.max(...drop)).toBeGreaterThan(0.95);
  });
});

describe('workloads through the engine', () => {
  // Under drop the task clock stops during steal: each run is exactly runUs of it. Under none it runs on during steal,
  // and a run whose end falls in a steal ends when the vCPU runs again, past runUs.
  it.each(['drop', 'none'] as const)('%s: a periodic task gets runUs of task clock per period', (accounting) => {
    const { calls, observer } = recorder();
    const r = run(
      {
        accounting,
        durationMs: 500,
        steal: [{ kind: 'periodic', periodUs: 3000, stealUs: 700 }],
        tasks: [{ name: 'periodic', workload: { kind: 'periodic', runUs: 1500, sleepUs: 2500 } }],
      },
      { observer },
    );
    const t = r.tasks[0];
    const slices = t?.totals.slices ?? 0;
    expect(slices).toBeGreaterThan(50);
    const perSlice: number[] = [];
    let sum = 0;
    for (const c of calls) {
      if (c[0] === 'runtime') sum += c[4] as number;
      if (c[0] === 'switch' && c[4] === 'S') {
        perSlice.push(sum);
        sum = 0;
      }
    }
    expect(perSlice.length).toBe(slices);
    // Alone on its CPU, each run is one slice, and what the run queue charged is the task clock it ran.
    expect(t?.totals.chargedNs).toBe(perSlice.reduce((a, b) => a + b, 0));
    if (accounting === 'drop') {
      expect(new Set(perSlice)).toEqual(new Set([1_500_000]));
      expect(t?.totals.stolenNs).toBeGreaterThan(0);
    } else {
      expect(Math.min(...perSlice)).toBe(1_500_000);
      expect(Math.max(...perSlice)).toBeGreaterThan(1_500_000);
      expect(t?.totals.runNs).toBe(t?.totals.chargedNs);
    }
  });

  it('a task exits after a non-looping phase list, and stopMs ends a sleeping task', () => {
    const { calls, observer } = recorder();
    const r = run(
      {
        durationMs: 200,
        tasks: [
          {
            name: 'phases',
            workload: { kind: 'phases', phases: [{ runUs: 5000, sleepUs: 1000, times: 3 }], loop: false },
          },
          { name: 'sleeper', stopMs: 50, workload: { kind: 'periodic', runUs: 100, sleepUs: 30_000 } },
        ],
      },
      { observer },
    );
    expect(r.tasks[0]?.totals.runNs).toBe(15_000_000);
    const leaves = calls.filter((c) => c[0] === 'switch' && c[3] === 1000 && c[4] !== 'R').map((c) => c[4]);
    expect(leaves).toEqual(['S', 'S', 'X']);
    // ran twice (the first time after the other task's first tick), then was stopped asleep
    expect(r.ledger.get(1001)?.runNs).toBe(200_000);
    expect(calls.filter((c) => c[0] === 'wakeup' && c[3] === 1001)).toHaveLength(1);
  });
});
describe('time', () => {
  it('a pause stops guest time: nothing runs, nothing is stolen, the vCPU buckets still add up', () => {
    const { calls, observer } = recorder();
    const r = run(
      {
        durationMs: 1000,
        pauses: [{ startMs: 100, endMs: 300 }],
        tasks: [{ name: 'hog', stopMs: 700, workload: { kind: 'cpu' } }],
      },
      { observer },
    );
    expect(r.tasks[0]?.totals.runNs).toBe(700_000_000); // guest ms 0–700 = host 0–100 and 300–900
    expect(r.vcpus[0]).toEqual({
      vcpu: 0,
      busyNs: 700_000_000,
      idleNs: 100_000_000,
      stolenNs: 0,
      pausedNs: 200_000_000,
    });
    expect(Math.max(...calls.map((c) => c[1]))).toBe(700_000_000);
  });

  it('events are reported in non-decreasing guest time, on allowed CPUs only', () => {
    const { calls, observer } = recorder();
    run(
      {
        cpus: 3,
        durationMs: 300,
        steal: [{ kind: 'random', meanRunUs: 2000, meanStealUs: 500 }],
        tasks: [
          { name: 'pinned', count: 3, cpus: [1, 2], workload: { kind: 'periodic', runUs: 700, sleepUs: 900 } },
          {
            name: 'any',
            count: 4,
            workload: {
              kind: 'bursts',
              run: { dist: 'exponential', meanUs: 3000 },
              sleep: { dist: 'exponential', meanUs: 1000 },
            },
          },
        ],
      },
      { observer },
    );
    let last = 0;
    for (const c of calls) {
      expect(c[1]).toBeGreaterThanOrEqual(last);
      last = c[1];
      const tid = c[0] === 'switch' ? c[5] : c[0] === 'migrate' ? c[2] : undefined;
      const cpu = c[0] === 'switch' ? c[2] : c[0] === 'migrate' ? c[4] : undefined;
      if (typeof tid === 'number' && tid <= 1002) expect(cpu).not.toBe(0);
    }
    expect(calls.some((c) => c[0] === 'migrate')).toBe(true);
  });
});

describe('determinism', () => {
  const scenario: TestScenario = {
    cpus: 2,
    durationMs: 200,
    seed: 5,
    steal: [{ kind: 'random', meanRunUs: 3000, meanStealUs: 800 }],
    pauses: [{ startMs: 50, endMs: 60 }],
    tasks: [
      { name: 'hog', count: 2, workload: { kind: 'cpu' } },
      {
        name: 'b',
        count: 3,
        stopMs: 150,
        workload: {
          kind: 'bursts',
          run: { dist: 'lognormal', medianUs: 900, sigma: 1 },
          sleep: { dist: 'exponential', meanUs: 2000 },
        },
      },
    ],
  };
  const outcome = (r: SimResult) => ({ tasks: r.tasks, vcpus: r.vcpus, events: r.events, ledger: r.ledger.tasks() });

  it('the same scenario and seed give the same result and the same observer calls', () => {
    const a = recorder();
    const b = recorder();
    expect(outcome(run(scenario, { observer: a.observer }))).toEqual(outcome(run(scenario, { observer: b.observer })));
    expect(a.calls).toEqual(b.calls);
    expect(a.calls.length).toBeGreaterThan(100);
  });

  it('engine xstate gives what compiled gives', () => {
    const a = recorder();
    const b = recorder();
    const compiled = outcome(run(scenario, { observer: a.observer }));
    expect(outcome(run(scenario, { observer: b.observer, engine: 'xstate' }))).toEqual(compiled);
    expect(b.calls).toEqual(a.calls);
  });

  it('changing one task workload shifts neither the host steal nor a task on another CPU', () => {
    const base: TestScenario = {
      cpus: 2,
      durationMs: 200,
      steal: [{ kind: 'random', meanRunUs: 3000, meanStealUs: 800 }],
      tasks: [
        {
          name: 'a',
          cpus: [0],
          workload: {
            kind: 'bursts',
            run: { dist: 'exponential', meanUs: 500 },
            sleep: { dist: 'exponential', meanUs: 500 },
          },
        },
        {
          name: 'b',
          cpus: [1],
          workload: {
            kind: 'bursts',
            run: { dist: 'exponential', meanUs: 700 },
            sleep: { dist: 'exponential', meanUs: 300 },
          },
        },
      ],
    };
    const changed: TestScenario = {
      ...base,
      tasks: [
        { ...(base.tasks[0] as TestScenario['tasks'][0]), workload: { kind: 'periodic', runUs: 100, sleepUs: 100 } },
        base.tasks[1] as TestScenario['tasks'][0],
      ],
    };
    const x = run(base);
    const y = run(changed);
    expect(y.vcpus.map((v) => v.stolenNs)).toEqual(x.vcpus.map((v) => v.stolenNs));
    expect(y.tasks[1]).toEqual(x.tasks[1]);
    expect(y.tasks[0]).not.toEqual(x.tasks[0]);
  });

  it.each(['arm64', 'xen'] as const)(
    'the %s ABI gives what x86 gives (the same steal, read through another structure)',
    (abi) => {
      expect(outcome(run({ ...scenario, abi }))).toEqual(outcome(run(scenario)));
    },
  );
});

describe('inputs and misuse', () => {
  it('a trace workload replays its loaded segments, then exits', () => {
    const segments = [
      { runNs: 2_000_000, sleepNs: 3_000_000 },
      { runNs: 1_000_000, sleepNs: 0 },
    ];
    const inputs = { hostSteal: new Map(), taskSegments: new Map([[0, segments]]) };
    const { calls, observer } = recorder();
    const r = run(
      { durationMs: 50, tasks: [{ name: 'replayed', workload: { kind: 'trace', file: 'x.txt' } }] },
      { inputs, observer },
    );
    expect(r.tasks[0]?.totals).toMatchObject({ runNs: 3_000_000, slices: 2, sleepNs: 3_000_000 });
    expect(calls.filter((c) => c[0] === 'switch' && c[3] === 1000).map((c) => [c[1], c[4]])).toEqual([
      [2_000_000, 'S'],
      [6_000_000, 'X'],
    ]);
  });

  it('trace steal and workloads need their inputs; a module policy needs options.policy; engines are two', () => {
    const trace = { kind: 'trace', file: 'x.txt' } as const;
    expect(() => run({ tasks: [{ name: 't', workload: trace }] })).toThrow(/options\.inputs\.taskSegments/);
    const hostTrace = { kind: 'trace', file: 'host.txt', tid: 1 } as const;
    expect(() => run({ steal: [hostTrace], tasks: [{ name: 't', workload: { kind: 'cpu' } }] })).toThrow(/hostSteal/);
    const scenario = resolved({ policy: './mine.js', tasks: [{ name: 't', workload: { kind: 'cpu' } }] });
    expect(() => simulate(scenario)).toThrow(/options\.policy/);
    expect(() => simulate(scenario, { policy: toyPolicy(), engine: 'fast' as 'compiled' })).toThrow(/engine/);
    expect(() => simulate({ ...scenario, cpus: 0 }, { policy: toyPolicy() })).toThrow(/cpus/);
  });
});
