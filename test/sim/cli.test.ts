// `schedacct simulate` and `schedacct merge`: the built command as users run it (test/global-setup.ts builds it), and
// runSimulateCommand in process for the worker-thread check. The assertions hold for any deterministic engine: they
// compare the command with itself (workers, shards, a trace read back), not with figures of one engine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSimulateCommand, type SimulateIo } from '../../src/cli/simulate.js';
import { readTrace } from '../../src/trace/read.js';

const BIN = new URL('../../dist/bin/schedacct.js', import.meta.url).pathname;
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const dir = mkdtempSync(join(tmpdir(), 'schedacct-sim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const SCENARIO = file('two-cpus.json', {
  cpus: 2,
  durationMs: 200,
  tasks: [
    { name: 'hog', count: 3, workload: { kind: 'cpu' } },
    { name: 'nice5', nice: 5, cpus: [1], workload: { kind: 'cpu' } },
  ],
});
const SWEEP = ['--sweep', 'hz=100,250,1000', '--seeds', '2'];

describe('schedacct simulate', { timeout: 60_000 }, () => {
  it('--help and merge --help: what it does, usage, every option with its default, exit statuses', () => {
    for (const [name, options] of [
      [
        'simulate',
        [
          '--format',
          'text',
          'json',
          'csv',
          'jsonl',
          '--trace',
          '--set',
          '--sweep',
          '--seeds',
          '--shard',
          '--schema',
          '--policy',
          '--engine',
          'compiled',
          'xstate',
          '--workers',
          '--output',
        ],
      ],
      ['merge', ['--format', 'text', 'csv', 'jsonl']],
    ] as const) {
      const run = cli(name, '--help');
      expect(run).toMatchObject({ status: 0, stderr: '' });
      expect(run.stdout.startsWith(`schedacct ${name}: `)).toBe(true);
      expect(run.stdout).toMatch(new RegExp(`^usage: schedacct ${name} `, 'm'));
      for (const o of [...options, '-h, --help']) expect(run.stdout).toContain(o);
      expect(run.stdout).toMatch(/\(default[):;]/);
      expect(run.stdout).toMatch(/^exit status:\n {2}0 .*\n {2}2 .*bad input or usage.*\n {2}141 /m);
      expect(cli('help', name).stdout).toBe(run.stdout);
    }
    expect(cli('--help').stdout).toMatch(/^ {2}simulate \[FILE\] .*\n(?:.*\n)*? {2}merge PART\.\.\. /m);
  });

  it('--schema prints the scenario JSON Schema', () => {
    const run = cli('simulate', '--schema');
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { type: string }).type).toBe('object');
  });

  it('a scenario that does not validate: its issues on standard error by path, exit 2, nothing run', () => {
    const run = cli('simulate', file('bad.json', { cpus: 0, tasks: [] }));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^schedacct simulate: .*bad\.json: cpus: .+\nschedacct simulate: .*bad\.json: tasks: must be a list of at least one task, got an empty list\n$/,
    );
    expect(cli('simulate', file('not.json', '{ cpus'))).toMatchObject({ status: 2, stderr: /is not JSON/ });
  });

  it('usage errors: exit 2 with one line naming the option', () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'xml'], /--format must be text, json, csv or jsonl, got 'xml'/],
      [['--seeds', '0'], /--seeds must be a whole number ≥ 1/],
      [['--workers', 'two'], /--workers must be a whole number ≥ 1/],
      [['--set', 'hz'], /PATH=VALUE, got 'hz'/],
      [[SCENARIO, ...SWEEP, '--trace', join(dir, 't.txt')], /--trace writes one run, and this is 6 \(an experiment\)/],
      [['--trace', join(dir, 't.txt')], /the default comparison: give a SCENARIO\.json/],
      [[SCENARIO, 'extra.json'], /unexpected argument 'extra\.json'/],
    ];
    for (const [args, message] of cases) {
      const run = cli('simulate', ...args);
      expect({ args, status: run.status, stdout: run.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect(run.stderr).toMatch(message);
    }
  });

  it('no file: the embedded default, accounting none against drop side by side, with a verdict', () => {
    const run = cli('simulate');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/accounting none\s+accounting drop\n/);
    expect(run.stdout).toMatch(/^verdict: /m);
    const json = JSON.parse(cli('simulate', '--format', 'json').stdout) as { comparison: { label: string }[] };
    expect(json.comparison.map((c) => c.label)).toEqual(['accounting none', 'accounting drop']);
  });

  it('one run as JSON: the version, the resolved scenario, tasks by name and tid, vCPUs; the same twice', () => {
    const run = cli('simulate', SCENARIO, '--format', 'json');
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as Record<string, unknown> & { tasks: { name: string; tid: number }[] };
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(doc.schedacct).toBe(pkg.version);
    expect(doc.scenario).toMatchObject({ cpus: 2, durationMs: 200 });
    expect(doc.tasks.map((t) => [t.name, t.tid])).toEqual([
      ['hog', 1000],
      ['hog', 1001],
      ['hog', 1002],
      ['nice5', 1003],
    ]);
    expect((doc.vcpus as unknown[]).length).toBe(2);
    expect(cli('simulate', SCENARIO, '--format', 'json').stdout).toBe(run.stdout);
    const csv = cli('simulate', SCENARIO, '--format', 'csv').stdout.trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]?.startsWith('name,tid,nice,priority,weight,runNs,chargedNs,stolenNs')).toBe(true);
  });

  it('--trace: ftrace text that readTrace reads back to the run and charged time of each task', async () => {
    const trace = join(dir, 'run.ftrace.txt');
    const json = cli('simulate', SCENARIO, '--format', 'json', '--trace', trace);
    expect(json.status).toBe(0);
    const doc = JSON.parse(json.stdout) as { tasks: { tid: number; runNs: number; chargedNs: number }[] };
    const { replay, malformed, format } = await readTrace([readFileSync(trace)]);
    expect([format, malformed.count]).toEqual(['ftrace', 0]);
    const replayed = new Map(replay.tasks().map((t) => [t.tid, t.totals]));
    for (const t of doc.tasks)
      expect({ tid: t.tid, runNs: replayed.get(t.tid)?.runNs, chargedNs: replayed.get(t.tid)?.chargedNs }).toEqual({
        tid: t.tid,
        runNs: t.runNs,
        chargedNs: t.chargedNs,
      });
  });

  it('an experiment in 1 or 2 worker threads: the same bytes, in run order', async () => {
    const outputs: string[] = [];
    for (const workers of ['1', '2']) {
      let out = '';
      const io: SimulateIo = {
        stdout: (t) => (out += t),
        stderr: () => undefined,
        stderrIsTTY: false,
        now: () => 0,
        cores: 2,
      };
      expect(await runSimulateCommand([SCENARIO, ...SWEEP, '--format', 'jsonl', '--workers', workers], io)).toBe(0);
      outputs.push(out);
    }
    const rows = (outputs[0] ?? '')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { index: number; seed: number; values: unknown });
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows.map((r) => r.values)).toEqual([
      { hz: 100 },
      { hz: 100 },
      { hz: 250 },
      { hz: 250 },
      { hz: 1000 },
      { hz: 1000 },
    ]);
    expect(outputs[1]).toBe(outputs[0]);
  });

  it('--shard I/N parts merged give the unsharded rows; merge refuses parts of two experiments, a run twice or missing', () => {
    const all = cli('simulate', SCENARIO, ...SWEEP, '--format', 'jsonl');
    expect(all.status).toBe(0);
    const parts = [1, 2, 3].map((i) => {
      const run = cli('simulate', SCENARIO, ...SWEEP, '--format', 'jsonl', '--shard', `${String(i)}/3`);
      expect(run.status).toBe(0);
      return file(`part${String(i)}.jsonl`, run.stdout);
    });
    expect(cli('merge', '--format', 'jsonl', parts[2] ?? '', parts[0] ?? '', parts[1] ?? '')).toMatchObject({
      status: 0,
      stdout: all.stdout,
    });
    const table = cli('merge', ...parts);
    expect(table.stdout.trim().split('\n')).toHaveLength(5); // head, rule, one line per hz (two seeds each)
    expect(table.stdout).toMatch(/^\s*100\s+2\s/m);
    const other = file('other.jsonl', cli('simulate', SCENARIO, '--sweep', 'hz=100,300', '--format', 'jsonl').stdout);
    expect(cli('merge', parts[0] ?? '', other)).toMatchObject({ status: 2, stderr: /is of another experiment/ });
    expect(cli('merge', parts[0] ?? '', parts[0] ?? '')).toMatchObject({ status: 2, stderr: /run 0 is in .* and in / });
    expect(cli('merge', parts[0] ?? '')).toMatchObject({ status: 2, stderr: /miss 4 of the experiment's 6 runs: \d/ });
    expect(cli('merge', file('junk.jsonl', '{"a":1}\n'))).toMatchObject({
      status: 2,
      stderr: /junk\.jsonl:1: not a run/,
    });
  });
});
