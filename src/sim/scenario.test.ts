import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import { msToNs, resolveScenario, ScenarioError, scenarioOf, usToNs } from './scenario.js';
import type { ScenarioIssue } from './scenario-check.js';

const hog = { name: 'hog', workload: { kind: 'cpu' } };

// The issues resolving a scenario gives (none: it resolved).
function issuesOf(input: unknown): readonly ScenarioIssue[] {
  try {
    resolveScenario(input);
    return [];
  } catch (error: unknown) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
}

// A base scenario with one change at the top, in host, or in its second task.
const top = (change: Record<string, unknown>): unknown => ({ cpus: 2, tasks: [hog, hog], ...change });
const task = (change: Record<string, unknown>): unknown => ({ cpus: 2, tasks: [hog, { ...hog, ...change }] });
const workload = (w: unknown): unknown => task({ workload: w });
const steal = (s: unknown): unknown => top({ host: { steal: { '1': s } } });

describe('resolveScenario: defaults', () => {
  it('fills every default the types name', () => {
    expect(resolveScenario({ tasks: [hog] })).toEqual({
      kernel: '6.18',
      policy: 'eevdf',
      hz: 250,
      cpus: 1,
      durationMs: 1000,
      seed: 1,
      accounting: 'drop',
      host: { steal: [{ kind: 'none' }], pauses: [], abi: 'x86' },
      tasks: [
        {
          name: 'hog',
          nice: 0,
          priority: 50,
          cpus: [0],
          count: 1,
          startMs: 0,
          stopMs: null,
          workload: { kind: 'cpu' },
        },
      ],
    });
  });

  it('picks the policy by kernel: CFS before 6.6, EEVDF from it', () => {
    expect(resolveScenario({ kernel: '6.5', tasks: [hog] }).policy).toBe('cfs');
    expect(resolveScenario({ kernel: '6.6', tasks: [hog] }).policy).toBe('eevdf');
  });

  it('gives each vCPU its own steal, else the "*" one, else none', () => {
    const periodic = { kind: 'periodic', periodUs: 12000, stealUs: 3600 };
    const resolved = resolveScenario({
      cpus: 3,
      host: { steal: { '1': { kind: 'constant', share: 0.3 }, '*': periodic } },
      tasks: [hog],
    });
    expect(resolved.host.steal).toEqual([
      { ...periodic, phaseUs: 0 },
      { kind: 'constant', share: 0.3, periodUs: 1000 },
      { ...periodic, phaseUs: 0 },
    ]);
    expect(resolveScenario({ cpus: 2, host: { steal: { '0': periodic } }, tasks: [hog] }).host.steal[1]).toEqual({
      kind: 'none',
    });
  });

  it('fills workload defaults and sorts affinity', () => {
    const r = resolveScenario({
      cpus: 4,
      tasks: [
        { name: 'p', cpus: [3, 1], workload: { kind: 'phases', phases: [{ runUs: 5, sleepUs: 0 }] } },
        { name: 't', workload: { kind: 'trace', file: 'x.txt', comm: 'sh' } },
      ],
    });
    expect(r.tasks[0]?.cpus).toEqual([1, 3]);
    expect(r.tasks[0]?.workload).toEqual({ kind: 'phases', phases: [{ runUs: 5, sleepUs: 0, times: 1 }], loop: true });
    expect(r.tasks[1]?.workload).toEqual({ kind: 'trace', file: 'x.txt', comm: 'sh', loop: false });
  });

  it('keeps a policy that is no shipped name as a module path, unchecked', () => {
    expect(resolveScenario({ policy: './mine.js', tasks: [hog] }).policy).toBe('./mine.js');
  });

  it('round-trips through scenarioOf', () => {
    const input = {
      cpus: 2,
      host: {
        steal: { '*': { kind: 'random', meanRunUs: 900, meanStealUs: 100 } },
        pauses: [{ startMs: 1, endMs: 2 }],
      },
      tasks: [hog, { name: 'b', stopMs: 500, workload: { kind: 'periodic', runUs: 1, sleepUs: 2 } }],
    };
    const resolved = resolveScenario(input);
    expect(resolveScenario(scenarioOf(resolved))).toEqual(resolved);
  });

  it('accepts times to the ns and the edges of every range', () => {
    expect(() =>
      resolveScenario({
        hz: 1000,
        cpus: 2,
        durationMs: 0.000001,
        seed: 0xffffffff,
        host: { steal: { '0': { kind: 'periodic', periodUs: 0.002, stealUs: 0.001, phaseUs: 0.001 } } },
        tasks: [
          { name: '123456789012345', nice: -20, priority: 99, count: 10000, cpus: [1], workload: { kind: 'cpu' } },
        ],
      }),
    ).not.toThrow();
    expect(() => resolveScenario({ tasks: [{ ...hog, nice: 19, priority: 1, startMs: 999.999999 }] })).not.toThrow();
  });
});

// Each rule: the scenario that breaks it, the path named, and what the message says was wanted and came.
const RULES: readonly (readonly [string, unknown, string, RegExp])[] = [
  ['not an object', [1], '', /must be a scenario object .*, got an array/],
  ['no tasks', {}, 'tasks', /is required: a list of at least one task/],
  ['empty tasks', { tasks: [] }, 'tasks', /at least one task, got an empty list/],
  ['unknown kernel', top({ kernel: 'six' }), 'kernel', /"MAJOR\.MINOR".*got "six"/],
  ['kernel as number', top({ kernel: 6.18 }), 'kernel', /got 6\.18/],
  [
    'policy the kernel lacks',
    top({ kernel: '5.15', policy: 'eevdf' }),
    'policy',
    /5\.15 schedules with cfs.*got "eevdf"/,
  ],
  ['cfs on 6.18', top({ policy: 'cfs' }), 'policy', /schedules with eevdf.*got "cfs"/],
  ['empty policy', top({ policy: '' }), 'policy', /module, got ""/],
  ['hz', top({ hz: 200 }), 'hz', /one of 100, 250, 300, 1000, got 200/],
  ['cpus 0', top({ cpus: 0 }), 'cpus', /whole number from 1 to 8192, got 0/],
  ['cpus fraction', top({ cpus: 1.5 }), 'cpus', /got 1\.5/],
  ['durationMs negative', top({ durationMs: -1 }), 'durationMs', /must be a positive number, got -1/],
  ['durationMs below ns', top({ durationMs: 1.0000001 }), 'durationMs', /whole number of ns \(at most 6 decimals/],
  ['durationMs too long', top({ durationMs: 1e10 }), 'durationMs', /at most 9007199254 \(2\^53 − 1 ns\)/],
  ['seed', top({ seed: 2 ** 32 }), 'seed', /from 0 to 4294967295, got 4294967296/],
  [
    'accounting',
    top({ accounting: 'dropp' }),
    'accounting',
    /"drop", "carry", "none", got "dropp"; did you mean "drop"/,
  ],
  ['host not object', top({ host: 3 }), 'host', /must be an object, got 3/],
  ['abi', top({ host: { abi: 'arm' } }), 'host.abi', /got "arm"; did you mean "arm64"/],
  ['steal index ≥ cpus', top({ host: { steal: { '2': { kind: 'none' } } } }), 'host.steal.2', /no vCPU 2.*has 2/],
  ['steal key', top({ host: { steal: { cpu0: { kind: 'none' } } } }), 'host.steal.cpu0', /vCPU indexes/],
  ['steal kind', steal({ kind: 'const', share: 0.1 }), 'host.steal.1.kind', /did you mean "constant"/],
  ['share 1', steal({ kind: 'constant', share: 1 }), 'host.steal.1.share', /from 0 to less than 1, got 1/],
  ['share <0', steal({ kind: 'constant', share: -0.1 }), 'host.steal.1.share', /got -0\.1/],
  [
    'stealUs ≥ periodUs',
    steal({ kind: 'periodic', periodUs: 100, stealUs: 100 }),
    'host.steal.1.stealUs',
    /less than periodUs \(100\), got 100/,
  ],
  ['periodUs', steal({ kind: 'periodic', periodUs: 0, stealUs: 0 }), 'host.steal.1.periodUs', /positive number, got 0/],
  ['µs decimals', steal({ kind: 'random', meanRunUs: 1.0001, meanStealUs: 1 }), 'host.steal.1.meanRunUs', /3 decimals/],
  ['steal key of another kind', steal({ kind: 'none', share: 0.5 }), 'host.steal.1.share', /unknown key 'share'/],
  [
    'intervals unsorted',
    steal({
      kind: 'intervals',
      intervals: [
        { startMs: 5, endMs: 10 },
        { startMs: 7, endMs: 12 },
      ],
    }),
    'host.steal.1.intervals[1].startMs',
    /previous interval's endMs \(10\).*got 7/,
  ],
  [
    'interval past the run',
    steal({ kind: 'intervals', intervals: [{ startMs: 5, endMs: 1001 }] }),
    'host.steal.1.intervals[0].endMs',
    /at most durationMs \(1000\).*got 1001/,
  ],
  ['pause empty', top({ host: { pauses: [{ startMs: 5, endMs: 5 }] } }), 'host.pauses[0].endMs', /more than startMs/],
  ['trace steal tid', steal({ kind: 'trace', file: 'h.txt', tid: 0 }), 'host.steal.1.tid', /from 1 to 4194304, got 0/],
  ['task not object', top({ tasks: ['hog'] }), 'tasks[0]', /must be an object .*got "hog"/],
  ['name with space', task({ name: 'a b' }), 'tasks[1].name', /1 to 15 characters without spaces.*got "a b"/],
  ['name too long', task({ name: '1234567890123456' }), 'tasks[1].name', /1 to 15 characters/],
  ['name control char', task({ name: 'a\u0001' }), 'tasks[1].name', /control characters/],
  ['name missing', task({ name: undefined }), 'tasks[1].name', /is required/],
  ['nice', task({ nice: 20 }), 'tasks[1].nice', /from -20 to 19, got 20/],
  ['priority', task({ priority: 0 }), 'tasks[1].priority', /from 1 to 99, got 0/],
  ['cpus empty', task({ cpus: [] }), 'tasks[1].cpus', /non-empty list of vCPU indexes from 0 to 1/],
  ['cpus out of range', task({ cpus: [0, 2] }), 'tasks[1].cpus[1]', /vCPU index from 0 to 1 .*has 2 vCPUs.*got 2/],
  ['cpus twice', task({ cpus: [1, 1] }), 'tasks[1].cpus[1]', /vCPU 1 is listed twice/],
  ['count', task({ count: 10001 }), 'tasks[1].count', /from 1 to 10000, got 10001/],
  ['startMs ≥ duration', task({ startMs: 1000 }), 'tasks[1].startMs', /less than durationMs \(1000\), got 1000/],
  ['stopMs ≤ startMs', task({ startMs: 5, stopMs: 5 }), 'tasks[1].stopMs', /more than startMs \(5\).*got 5/],
  ['stopMs past the run', task({ stopMs: 1000.5 }), 'tasks[1].stopMs', /at most durationMs \(1000\), got 1000\.5/],
  ['workload missing', task({ workload: undefined }), 'tasks[1].workload', /is required: an object with "kind"/],
  ['workload kind', workload({ kind: 'perodic' }), 'tasks[1].workload.kind', /did you mean "periodic"/],
  [
    'runUs negative',
    workload({ kind: 'periodic', runUs: -3, sleepUs: 1 }),
    'tasks[1].workload.runUs',
    /^must be a positive number, got -3$/,
  ],
  ['sleepUs', workload({ kind: 'periodic', runUs: 3, sleepUs: -1 }), 'tasks[1].workload.sleepUs', /number ≥ 0, got -1/],
  [
    'uniform max < min',
    workload({ kind: 'bursts', run: { dist: 'uniform', minUs: 5, maxUs: 4 }, sleep: { dist: 'fixed', us: 0 } }),
    'tasks[1].workload.run.maxUs',
    /at least minUs \(5\), got 4/,
  ],
  [
    'run of 0',
    workload({ kind: 'bursts', run: { dist: 'fixed', us: 0 }, sleep: { dist: 'fixed', us: 0 } }),
    'tasks[1].workload.run.us',
    /positive number, got 0/,
  ],
  [
    'dist',
    workload({ kind: 'bursts', run: { dist: 'normal', us: 1 }, sleep: { dist: 'fixed', us: 0 } }),
    'tasks[1].workload.run.dist',
    /"fixed", "uniform", "exponential", "lognormal", got "normal"/,
  ],
  [
    'sigma',
    workload({ kind: 'bursts', run: { dist: 'lognormal', medianUs: 5, sigma: -1 }, sleep: { dist: 'fixed', us: 0 } }),
    'tasks[1].workload.run.sigma',
    /from 0 to 10, got -1/,
  ],
  ['no phases', workload({ kind: 'phases', phases: [] }), 'tasks[1].workload.phases', /at least one/],
  [
    'phase times',
    workload({ kind: 'phases', phases: [{ runUs: 1, sleepUs: 0, times: 0 }] }),
    'tasks[1].workload.phases[0].times',
    /from 1 to 1000000000, got 0/,
  ],
  [
    'loop',
    workload({ kind: 'phases', phases: [{ runUs: 1, sleepUs: 0 }], loop: 1 }),
    'tasks[1].workload.loop',
    /true or false/,
  ],
  ['trace without task', workload({ kind: 'trace', file: 'x' }), 'tasks[1].workload', /a "tid", a "comm", or both/],
  [
    'trace without file',
    workload({ kind: 'trace', tid: 5 }),
    'tasks[1].workload.file',
    /is required: a non-empty string/,
  ],
  ['unknown key', top({ durationMS: 5 }), 'durationMS', /^unknown key 'durationMS'; did you mean 'durationMs'\?$/],
  ['unknown task key', task({ nicee: 1 }), 'tasks[1].nicee', /did you mean 'nice'\?/],
  ['unknown far key', top({ zzzzzz: 1 }), 'zzzzzz', /the keys here are 'kernel', 'policy'/],
  ['unknown workload key', workload({ kind: 'cpu', runUs: 5 }), 'tasks[1].workload.runUs', /unknown key 'runUs'/],
];

describe('resolveScenario: each rule names the path, what is wanted and what came', () => {
  it.each(RULES)('%s', (_, input, path, message) => {
    const issues = issuesOf(input);
    const at = issues.filter((i) => i.path === path);
    expect(at, JSON.stringify(issues)).toHaveLength(1);
    expect(at[0]?.message).toMatch(message);
  });

  it('collects every problem, and its message lists them one per line', () => {
    const input = {
      hz: 99,
      tasks: [
        { name: 'a', workload: { kind: 'periodic', runUs: -3, sleepUs: 0 } },
        { name: '', workload: {} },
      ],
    };
    let error: unknown;
    try {
      resolveScenario(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error).toBeInstanceOf(SchedacctError);
    const e = error as ScenarioError;
    expect(e.code).toBe('invalid-argument');
    expect(e.issues.map((i) => i.path)).toEqual([
      'hz',
      'tasks[0].workload.runUs',
      'tasks[1].name',
      'tasks[1].workload.kind',
    ]);
    expect(e.message.split('\n')).toEqual([
      'hz: must be one of 100, 250, 300, 1000, got 99',
      'tasks[0].workload.runUs: must be a positive number, got -3',
      'tasks[1].name: must be a comm of 1 to 15 characters without spaces or control characters, got ""',
      'tasks[1].workload.kind: is required: one of "cpu", "periodic", "bursts", "phases", "trace"',
    ]);
  });

  it('names the root of a scenario that is no object', () => {
    expect(() => resolveScenario(null)).toThrow(/^scenario: must be a scenario object/);
  });
});

describe('usToNs, msToNs', () => {
  it('are exact for every value resolveScenario accepts', () => {
    expect(usToNs(12345.678)).toBe(12_345_678);
    expect(msToNs(999.999999)).toBe(999_999_999);
    expect(msToNs(9007199254)).toBe(9_007_199_254_000_000);
  });

  it('refuse what is no time', () => {
    expect(() => usToNs(-1)).toThrow(SchedacctError);
    expect(() => msToNs(Number.NaN)).toThrow(/ms must be a number ≥ 0/);
  });
});
