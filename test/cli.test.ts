import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/cli/demo.js';
import { body, expectSameLines, fixture as perfFixture, gz, normSummary, TRACES } from './oracle.ts';

// The CLI as a user runs it: the bundle package.json's bin points at, which test/global-setup.ts builds from the
// sources before the suite (so that it is never stale).
const BIN = new URL('../dist/bin/schedacct.js', import.meta.url).pathname;
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('schedacct demo (npm start)', () => {
  it('prints the busiest task of the embedded recording, slice by slice', () => {
    const run = cli('demo');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('fixtures/perf/migrate.perf.txt (embedded)');
    expect(run.stdout).toMatch(/task sh\[7263\]/);
    expect(run.stdout).toMatch(/^ {2}total /m);
  });

  it('on the real recording: every slice charged = wall − stolen, steal only where it can be told', async () => {
    const result = await runDemo(fixture('perf/migrate.perf.txt').split('\n'));
    expect(result.tid).toBe(7263);
    expect(result.slices.length).toBe(34); // perf sched timehist -s: sh[7263] sched-in 34
    for (const s of result.slices) {
      expect(s.stolenNs).toBeGreaterThanOrEqual(0);
      expect(s.stolenNs).toBeLessThanOrEqual(s.runNs);
    }
    const task = result.replay.tasks().find((t) => t.tid === 7263);
    expect(task?.context.runNs).toBe(result.slices.reduce((sum, s) => sum + s.runNs, 0));
    expect(task?.context.chargedNs).toBe(result.slices.reduce((sum, s) => sum + s.runNs - s.stolenNs, 0));
  });

  it('follows --task and --policy, and works on another recording', async () => {
    const run = cli(
      'demo',
      new URL('../fixtures/perf/sh-loops.perf.txt', import.meta.url).pathname,
      '--task',
      '6886',
      '--policy',
      'carry',
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/task sh\[6886\]/);
    const result = await runDemo(fixture('perf/sh-loops.perf.txt').split('\n'), { tid: 6886, policy: 'carry' });
    expect(result.slices.length).toBe(6); // perf sched timehist -s: sh[6886] sched-in 6
  });

  it('says what is wrong, with exit codes: 2 for usage and a missing file, 1 for a missing task', () => {
    expect(cli('frobnicate')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/unknown command 'frobnicate'/) as unknown,
    });
    expect(cli('demo', '--policy', 'keep')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--policy must be carry or drop/) as unknown,
    });
    expect(cli('demo', '--task', 'abc')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--task must be a thread id/) as unknown,
    });
    expect(cli('demo', '--bogus')).toMatchObject({ status: 2, stderr: expect.stringMatching(/bogus/) as unknown });
    expect(cli('demo', '/nonexistent/trace.txt')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/no such trace file/) as unknown,
    });
    expect(cli('replay', '/nonexistent/trace.txt')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/no such trace file/) as unknown,
    });
    expect(cli('demo', '--task', '999999')).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/no run slices for task 999999/) as unknown,
    });
  });

  it('prints help and the version', () => {
    const pkg = JSON.parse(fixture('../package.json')) as { version: string };
    expect(cli('--version').stdout.trim()).toBe(pkg.version);
    expect(cli('--help')).toMatchObject({ status: 0, stdout: expect.stringMatching(/usage: schedacct/) as unknown });
    expect(cli().status).toBe(2);
  });
});

// The command end to end against perf's own output: the rows it writes as bytes, and the summaries.
describe.each(TRACES)('schedacct replay %s --compat perf-6.1 prints what perf sched timehist prints', (name) => {
  const trace = new URL(`../fixtures/perf/${name}.perf.txt${gz(name)}`, import.meta.url).pathname;
  const replay = (...args: string[]) => cli('replay', trace, '--compat', 'perf-6.1', ...args);
  const cases = [
    ['timehist', [], 'timehist'],
    ['--report state', ['--report', 'state'], 'timehist-state'],
    ['-w -M', ['-w', '-M'], 'timehist-wM'],
  ] as const;
  it.each(cases)('%s', (_, args, oracle) => {
    const run = replay(...args);
    expect(run.status).toBe(0);
    const perf = perfFixture(`${name}.${oracle}.txt${gz(name)}`);
    expectSameLines(run.stdout.split('\n').slice(0, 3), perf.split('\n').slice(0, 3)); // the header
    expectSameLines(body(run.stdout, 3), body(perf, 3));
  });

  it('--report summary and --report state-summary', () => {
    for (const [report, oracle] of [
      ['summary', 'summary'],
      ['state-summary', 'state-summary'],
    ] as const) {
      const run = replay('--report', report);
      expect(run.status).toBe(0);
      expectSameLines(body(run.stdout, 0), body(perfFixture(`${name}.${oracle}.txt`), 0), normSummary);
    }
  });

  it('--format json streams the same rows in one document, its keys in a fixed order', () => {
    const text = replay('-w', '-M');
    const run = replay('-w', '-M', '--format', 'json');
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as { rows: { timeNs: number; kind?: string }[] };
    expect(Object.keys(doc)).toEqual([
      'format',
      'report',
      'compat',
      'rows',
      'steal',
      'outOfOrder',
      'switchBugs',
      'anomalies',
      'malformed',
      'skipped',
    ]);
    expect(doc.rows.length).toBe(body(text.stdout, 3).length);
    expect(doc.rows.filter((r) => r.kind === undefined).length).toBe(
      body(perfFixture(`${name}.timehist.txt${gz(name)}`), 3).length,
    );
  });
});

describe('schedacct replay into a pipe', () => {
  it('stops quietly with the status of SIGPIPE (141) when the reader closes the pipe, as perf does', async () => {
    const trace = new URL('../fixtures/perf/pingpong.perf.txt.gz', import.meta.url).pathname;
    const child = spawn(process.execPath, [BIN, 'replay', trace], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy()); // `| head -c …`: one chunk, then the pipe is closed
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 141, stderr: '' });
  });
});

describe('schedacct diagram', () => {
  it('prints the task, vcpu and stable-read machines as Mermaid', () => {
    for (const name of ['task', 'vcpu', 'stable-read']) {
      const run = cli('diagram', name);
      expect(run.status).toBe(0);
      expect(run.stdout.startsWith('stateDiagram-v2\n')).toBe(true);
    }
    expect(cli('diagram').stdout).toContain('running --> preempted');
    expect(cli('diagram', 'task', '--compact').stdout).toContain('(+3 guarded)');
    expect(cli('diagram', 'nope')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/task, vcpu or stable-read/) as unknown,
    });
  });
});

describe('schedacct race and steal', () => {
  it('race --format json prints the documented shape', () => {
    const run = cli('race', '--abi', 'xen', '--reads', '50000', '--format', 'json');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as {
      reads: number;
      naive: { inconsistent: number };
      protocol: { inconsistent: number };
    };
    expect(result.reads).toBe(50_000);
    expect(result.protocol.inconsistent).toBe(0);
    expect(result.naive.inconsistent).toBeGreaterThanOrEqual(0);
    expect(cli('race', '--abi', 'vax')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--abi must be/) as unknown,
    });
  });

  it.skipIf(!existsSync('/proc/stat'))('steal prints per-CPU stolen time from /proc/stat', () => {
    const run = cli('steal', '--interval', '50', '--format', 'json');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { cpus: { cpu: number | 'all'; totalNs: number }[] };
    expect(out.cpus[0]?.cpu).toBe('all');
    expect(out.cpus.every((c) => c.totalNs >= 0)).toBe(true);
    expect(cli('steal', '--interval', '50').stdout).toMatch(/10 ms resolution/);
  });
});
