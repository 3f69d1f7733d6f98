import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import {
  canonicalJson,
  expandRuns,
  fnv1a64,
  MAX_RUNS,
  parseAssignment,
  parsePath,
  parseShard,
  runId,
  SCHEDACCT_VERSION,
  setPath,
  shardRuns,
} from './experiment.js';
import { ScenarioError } from './scenario-check.js';
import { splitValues } from './scenario-path.js';
import { resolveScenario } from './scenario.js';
import type { Scenario } from './types.js';

const base: Scenario = {
  cpus: 2,
  tasks: [
    { name: 'a', workload: { kind: 'cpu' } },
    { name: 'b', cpus: [0], workload: { kind: 'periodic', runUs: 1000, sleepUs: 3000 } },
  ],
};

const issuesOf = (f: () => unknown): readonly { path: string; message: string }[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof ScenarioError) return e.issues;
    throw e;
  }
  throw new Error('did not throw');
};

describe('paths', () => {
  it('reads keys, list items and vCPU keys', () => {
    expect(parsePath('tasks[1].workload.runUs')).toEqual(['tasks', 1, 'workload', 'runUs']);
    expect(parsePath('host.steal.0.share')).toEqual(['host', 'steal', '0', 'share']);
    expect(parsePath('host.steal.*')).toEqual(['host', 'steal', '*']);
    expect(parsePath('tasks[0][1]')).toEqual(['tasks', 0, 1]);
  });

  it.each(['', '.', 'a.', 'a..b', '[0]', 'a.[0]', 'a b', 'tasks[x]', 'a-b'])('refuses %j', (path) => {
    expect(issuesOf(() => parsePath(path))[0]).toEqual({
      path,
      message: 'is not a path: keys joined by dots, list items as [i] (like tasks[0].nice)',
    });
  });
});

describe('--set', () => {
  it('reads the value as JSON if it parses, else as text; a string key keeps its text', () => {
    expect(parseAssignment('tasks[0].nice=5')).toEqual({ path: 'tasks[0].nice', value: 5 });
    expect(parseAssignment('tasks[0].cpus=[0,1]')).toEqual({ path: 'tasks[0].cpus', value: [0, 1] });
    expect(parseAssignment('accounting=none')).toEqual({ path: 'accounting', value: 'none' });
    expect(parseAssignment('kernel=6.10')).toEqual({ path: 'kernel', value: '6.10' });
    expect(parseAssignment('tasks[0].name=42')).toEqual({ path: 'tasks[0].name', value: '42' });
    expect(parseAssignment('host.steal.1={"kind":"constant","share":0.3}').value).toEqual({
      kind: 'constant',
      share: 0.3,
    });
    expect(parseAssignment('tasks[0].workload.runUs=1e3').value).toBe(1000);
  });

  it('names a path a scenario does not have, with the nearest key', () => {
    expect(issuesOf(() => parseAssignment('tasks[0].nicee=3'))).toEqual([
      { path: 'tasks[0].nicee', message: `no such key in a scenario: tasks[0] has no "nicee"; did you mean 'nice'?` },
    ]);
    expect(issuesOf(() => parseAssignment('durationMS=3'))[0]?.message).toMatch(/did you mean 'durationMs'/);
    expect(issuesOf(() => parseAssignment('host.steal.x.share=3'))[0]?.message).toMatch(/host.steal has no "x"/);
    expect(issuesOf(() => parseAssignment('nice')).at(0)).toEqual({
      path: '--set',
      message: 'must be PATH=VALUE (like tasks[0].nice=5), got "nice"',
    });
  });

  it('sets inside lists and objects, creating objects on the way, copying and never changing the base', () => {
    const before = JSON.stringify(base);
    const a = setPath(base, 'tasks[1].cpus', [1, 0]);
    expect(a.tasks[1]?.cpus).toEqual([1, 0]);
    expect(a.tasks[0]).toBe(base.tasks[0]); // what is off the path is shared, not copied
    const b = setPath(base, 'host.steal.1.share', 0.25);
    expect(b.host).toEqual({ steal: { '1': { share: 0.25 } } });
    const c = setPath(setPath(b, 'host.steal.1.kind', 'constant'), 'tasks[1].workload.sleepUs', 5);
    expect(resolveScenario(c).host.steal[1]).toEqual({ kind: 'constant', share: 0.25, periodUs: 1000 });
    expect(resolveScenario(c).tasks[1]?.workload).toEqual({ kind: 'periodic', runUs: 1000, sleepUs: 5 });
    expect(setPath(base, 'tasks[2]', { name: 'c', workload: { kind: 'cpu' } }).tasks).toHaveLength(3);
    expect(JSON.stringify(base)).toBe(before);
  });

  it('names an item that is not there', () => {
    expect(issuesOf(() => setPath(base, 'tasks[5].nice', 1))[0]?.message).toMatch(/tasks has 2 items/);
    expect(issuesOf(() => setPath({ tasks: [] }, 'tasks[0].nice', 1))[0]?.message).toMatch(/no item 0/);
    expect(issuesOf(() => setPath(base, 'tasks[0].name.x', 1))[0]?.message).toMatch(/no such key/);
  });
});

describe('expandRuns', () => {
  it('makes the cartesian product, the first axis slowest, each point with its seeds', () => {
    const runs = expandRuns(base, {
      set: ['durationMs=50'],
      sweep: ['accounting=none,drop,carry', 'tasks[0].nice=0,5'],
      seeds: 2,
    });
    expect(runs).toHaveLength(12);
    expect(runs.map((r) => r.index)).toEqual([...Array(12).keys()]);
    expect(runs.map((r) => [r.point['accounting'], r.point['tasks[0].nice'], r.seed])).toEqual([
      ['none', 0, 1],
      ['none', 0, 2],
      ['none', 5, 1],
      ['none', 5, 2],
      ['drop', 0, 1],
      ['drop', 0, 2],
      ['drop', 5, 1],
      ['drop', 5, 2],
      ['carry', 0, 1],
      ['carry', 0, 2],
      ['carry', 5, 1],
      ['carry', 5, 2],
    ]);
    for (const r of runs) {
      expect(r.scenario.durationMs).toBe(50);
      expect(r.scenario.seed).toBe(r.seed);
      expect(r.scenario.accounting).toBe(r.point.accounting);
      expect(r.scenario.tasks[0]?.nice).toBe(r.point['tasks[0].nice']);
    }
  });

  it('counts seeds from the scenario seed, and without axes makes one run per seed', () => {
    const runs = expandRuns({ ...base, seed: 41 }, { seeds: 3 });
    expect(runs.map((r) => [r.seed, r.point])).toEqual([
      [41, {}],
      [42, {}],
      [43, {}],
    ]);
    expect(expandRuns(base)).toHaveLength(1);
  });

  it('splits sweep values at the commas outside JSON', () => {
    expect(splitValues('[0,1],[1],{"a":"x,y"},"p,q",3')).toEqual(['[0,1]', '[1]', '{"a":"x,y"}', '"p,q"', '3']);
    const runs = expandRuns(base, { sweep: ['tasks[0].cpus=[0,1],[1]'] });
    expect(runs.map((r) => r.scenario.tasks[0]?.cpus)).toEqual([[0, 1], [1]]);
  });

  it('gives ids that are stable (key order, a second expansion) and distinct, and change with the version', () => {
    const runs = expandRuns(base, { sweep: ['hz=100,250,1000'], seeds: 4 });
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    for (const r of runs) expect(r.id).toMatch(/^[0-9a-f]{16}$/);
    const reordered = JSON.parse(canonicalJson(base)) as Scenario; // keys sorted: another order than written
    expect(expandRuns(reordered, { sweep: ['hz=100,250,1000'], seeds: 4 }).map((r) => r.id)).toEqual(
      runs.map((r) => r.id),
    );
    expect(expandRuns(base, { version: '9.9.9' })[0]?.id).not.toBe(expandRuns(base)[0]?.id);
    expect(runs[0]?.id).toBe(runId(resolveScenario({ ...base, hz: 100 })));
  });

  it('names the run a problem is in, and says each problem once', () => {
    const issues = issuesOf(() => expandRuns(base, { sweep: ['hz=250,99', 'tasks[0].nice=0,30'] }));
    expect(issues).toEqual([
      {
        path: 'tasks[0].nice',
        message: 'must be a whole number from -20 to 19, got 30 (in 2 runs, the first with hz=250, tasks[0].nice=30)',
      },
      {
        path: 'hz',
        message: 'must be one of 100, 250, 300, 1000, got 99 (in 2 runs, the first with hz=99, tasks[0].nice=0)',
      },
    ]);
    const all = issuesOf(() => expandRuns({ ...base, cpus: 0 }, { sweep: ['hz=100,250'] }));
    expect(all.find((i) => i.path === 'cpus')?.message).toBe('must be a whole number from 1 to 8192, got 0');
  });

  it('refuses runs that repeat, an axis given twice, too many runs and seeds past the largest', () => {
    expect(issuesOf(() => expandRuns(base, { sweep: ['seed=1,2'], seeds: 2 }))[0]?.message).toMatch(
      /the runs with seed=2 and with seed=2 are the same scenario/,
    );
    expect(issuesOf(() => expandRuns(base, { sweep: ['hz=100', 'hz=250'] }))[0]?.message).toMatch(/swept twice/);
    const many = Array.from({ length: 400 }, (_, i) => String(i + 1)).join(',');
    expect(issuesOf(() => expandRuns(base, { sweep: [`durationMs=${many}`], seeds: 251 }))[0]?.message).toBe(
      `make 100400 runs, more than ${String(MAX_RUNS)}: split the sweep`,
    );
    expect(issuesOf(() => expandRuns({ ...base, seed: 2 ** 32 - 1 }, { seeds: 2 }))[0]?.message).toMatch(
      /seed 4294967296 is past the largest/,
    );
  });

  it('throws SchedacctError for options that are not lists of strings and a whole seed count', () => {
    expect(() => expandRuns(base, { seeds: 0 })).toThrow(/options.seeds must be a whole number from 1/);
    expect(() => expandRuns(base, { set: 'hz=100' as unknown as string[] })).toThrow(SchedacctError);
  });
});

describe('shards', () => {
  it('reads I/N', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/8', '9/8', '2', '2/0', 'a/b', '-1/2', '1/2/3'])
      expect(() => parseShard(bad)).toThrow(/--shard must be I\/N with 1 ≤ I ≤ N/);
  });

  it('partition the runs exactly: run k in shard (k mod N) + 1, in order', () => {
    const all = expandRuns(base, { sweep: ['hz=100,250,300,1000'], seeds: 5 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 25 }), (n) => {
        const parts = Array.from({ length: n }, (_, i) => shardRuns(all, i + 1, n));
        const seen = parts.flat().map((r) => r.index);
        expect(seen.sort((a, b) => a - b)).toEqual(all.map((r) => r.index));
        parts.forEach((part, i) => {
          for (const r of part) expect(r.index % n).toBe(i);
          expect(part.map((r) => r.index)).toEqual([...part.map((r) => r.index)].sort((a, b) => a - b));
        });
      }),
    );
    expect(() => shardRuns(all, 3, 2)).toThrow(SchedacctError);
  });
});

describe('canonical JSON and the hash', () => {
  it('sorts keys at every depth and leaves undefined out', () => {
    expect(canonicalJson({ b: { y: 1, x: [{ q: 1, p: 2 }] }, a: undefined, c: 'é' })).toBe(
      '{"b":{"x":[{"p":2,"q":1}],"y":1},"c":"é"}',
    );
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/value.a must be a JSON value/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(SchedacctError);
  });

  it('is FNV-1a 64 of the UTF-8 bytes (reference vectors, and BigInt arithmetic on random text)', () => {
    // the FNV reference: http://www.isthe.com/chongo/tech/comp/fnv/ (test vectors for FNV-1a 64)
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
    const reference = (text: string): string => {
      let h = 0xcbf29ce484222325n;
      for (const byte of new TextEncoder().encode(text))
        h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
      return h.toString(16).padStart(16, '0');
    };
    // every code point but the surrogates (1, 2, 3 and 4 UTF-8 bytes)
    const codePoint = fc.oneof(fc.integer({ min: 0, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff }));
    const text = fc.array(codePoint, { maxLength: 40 }).map((codes) => String.fromCodePoint(...codes));
    fc.assert(
      fc.property(text, (text) => {
        expect(fnv1a64(text)).toBe(reference(text));
      }),
    );
  });

  it("keeps the version equal to package.json's", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SCHEDACCT_VERSION).toBe(pkg.version);
  });
});
