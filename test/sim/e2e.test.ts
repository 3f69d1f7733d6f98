// End to end through the built command (test/global-setup.ts builds it), as a user runs it: a simulated run's trace
// replays to the same per-task totals; --engine xstate prints the same bytes as compiled; a policy module and every
// shipped scenario run; the embedded default shows the starvation under `none` and fairness under `drop`; a sweep's
// CSV has a row per run and shows steal-aware accounting fairer.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/bin/schedacct.js');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 28 });
const ok = (...args: string[]): string => {
  const run = cli(...args);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
};
const dir = mkdtempSync(join(tmpdir(), 'schedacct-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scenario = (name: string) => resolve(ROOT, 'examples/scenarios', name);
// two vCPUs, tasks free to move: placement and balance migrate them
const MIGRATING = join(dir, 'migrating.json');
writeFileSync(
  MIGRATING,
  JSON.stringify({
    cpus: 2,
    durationMs: 2000,
    host: { steal: { '1': { kind: 'constant', share: 0.2 } } },
    tasks: [
      { name: 'hog', count: 3, workload: { kind: 'cpu' } },
      { name: 'io', count: 2, workload: { kind: 'periodic', runUs: 700, sleepUs: 2300 } },
    ],
  }),
);

type Totals = Record<string, number> & { tid: number };
interface Simulated {
  readonly tasks: readonly Totals[];
}

/** Per task, what the trace says about its last slice when it is still open at the end. */
function openSlices(trace: string): Map<number, { inNs: number; outNs: number; readyNs: number }> {
  const last = new Map<number, { inNs: number; outNs: number; readyNs: number }>();
  const onCpu = new Map<string, number>();
  const outNs = new Map<number, number>();
  const readyNs = new Map<number, number>();
  const ns = (line: string) => Math.round(Number(/ (\d+\.\d{9}): /.exec(line)?.[1]) * 1e9);
  for (const line of trace.split('\n')) {
    const sw = / \[(\d+)\] .*sched_switch: .*prev_pid=(\d+) .*prev_state=(\S+) ==> .*next_pid=(\d+)/.exec(line);
    const wake = /sched_(?:waking|wakeup_new): comm=\S+ pid=(\d+)/.exec(line);
    if (sw !== null) {
      const [, cpu = '', prev = '', state = '', next = ''] = sw;
      outNs.set(Number(prev), ns(line));
      if (state.startsWith('R')) readyNs.set(Number(prev), ns(line));
      onCpu.set(cpu, Number(next));
      last.set(Number(next), {
        inNs: ns(line),
        outNs: outNs.get(Number(next)) ?? -1,
        readyNs: readyNs.get(Number(next)) ?? -1,
      });
    } else if (wake !== null) readyNs.set(Number(wake[1]), ns(line));
  }
  const running = new Set(onCpu.values());
  return new Map([...last].filter(([tid]) => tid !== 0 && running.has(tid)));
}

describe('schedacct simulate, end to end', { timeout: 120_000 }, () => {
  it.each([
    ['resonant-steal.json', []], // steal: charged and stolen differ from run
    ['periodic-vs-hog.json', []], // sleeps and wakeups
    ['two-periodic-vs-hog.json', ['--set', 'accounting=none']],
    ['three-hogs.json', ['--set', 'host.steal.*={"kind":"random","meanRunUs":3000,"meanStealUs":1000}']],
    [MIGRATING, []],
  ])('%s %s: schedacct replay reads the --trace back to the same per-task totals', (name, extra) => {
    const trace = join(dir, `${String(name.split('/').pop())}.trace.txt`);
    const sim = JSON.parse(
      ok('simulate', scenario(name), '--set', 'durationMs=2000', ...extra, '--trace', trace, '--format', 'json'),
    ) as Simulated;
    const replay = JSON.parse(
      ok('replay', trace, '--format', 'json', '--report', 'summary', '--migrations'),
    ) as Simulated;
    const open = openSlices(readFileSync(trace, 'utf8'));
    expect(sim.tasks.length).toBeGreaterThan(1);
    for (const t of sim.tasks) {
      const r = replay.tasks.find((x) => x.tid === t.tid);
      expect(r, `task ${String(t.tid)} in the replay`).toBeDefined();
      if (r === undefined) continue;
      for (const key of [
        'runNs',
        'chargedNs',
        'stolenNs',
        'slices',
        'minSliceNs',
        'maxSliceNs',
        'meanSliceNs',
        'migrations',
      ])
        expect([t.tid, key, r[key]]).toEqual([t.tid, key, t[key]]);
      expect(t.runNs).toBeGreaterThan(0);
      // The one difference, a task on its CPU at the end: the simulation books the wait before that open slice at
      // its switch-in; the replay, as perf, books a slice's wait with its switch-out, which the trace never shows.
      const slice = open.get(t.tid);
      const waitNs = slice === undefined || slice.outNs < 0 ? 0 : slice.inNs - slice.outNs;
      const delayNs = slice === undefined || slice.readyNs < 0 ? 0 : slice.inNs - slice.readyNs;
      const waits = (x: Totals) => (x.sleepNs ?? 0) + (x.iowaitNs ?? 0) + (x.preemptNs ?? 0);
      expect([t.tid, 'waits', waits(t) - waits(r)]).toEqual([t.tid, 'waits', waitNs]);
      expect([t.tid, 'delayNs', (t.delayNs ?? 0) - (r.delayNs ?? 0)]).toEqual([t.tid, 'delayNs', delayNs]);
    }
    expect([...open.keys()].some((tid) => sim.tasks.some((t) => t.tid === tid))).toBe(true);
    if (name === MIGRATING) expect(sim.tasks.some((t) => (t.migrations ?? 0) > 0)).toBe(true);
  });

  it('--engine xstate prints the same bytes as --engine compiled', () => {
    const args = ['simulate', scenario('periodic-vs-hog.json'), '--set', 'durationMs=300', '--format', 'json'];
    const compiled = ok(...args, '--engine', 'compiled');
    expect(ok(...args, '--engine', 'xstate')).toBe(compiled);
    expect(JSON.parse(compiled)).toHaveProperty('tasks');
  });

  it('--policy ./examples/policies/mine.js runs, and its least-attained-service rule shares the CPU equally', () => {
    const out = JSON.parse(
      ok('simulate', scenario('nice-shares.json'), '--policy', './examples/policies/mine.js', '--format', 'json'),
    ) as Simulated & { elapsedNs: number };
    const run = out.tasks.map((t) => t.runNs ?? 0);
    const total = run.reduce((a, b) => a + b, 0);
    expect(out.tasks.length).toBe(4);
    expect(total).toBeLessThanOrEqual(out.elapsedNs);
    expect(total).toBeGreaterThan(0.99 * out.elapsedNs); // hogs on one vCPU: always busy
    // nice is ignored: each of the four hogs gets a quarter (EEVDF would give nice -5 about 68 %)
    for (const ns of run) expect(Math.abs(ns / total - 0.25)).toBeLessThan(0.01);
  });

  it.each(readdirSync(join(ROOT, 'examples/scenarios')).filter((f) => f.endsWith('.json')))(
    'examples/scenarios/%s runs through the command with exit 0',
    (name) => {
      const out = ok('simulate', scenario(name));
      expect(out).toContain('schedacct simulate');
      expect(out).toMatch(/Jain's index/);
    },
  );

  it('the embedded default: starvation under none (one hog a tenth of the others), fair under drop', () => {
    const out = JSON.parse(ok('simulate', '--format', 'json')) as {
      comparison: readonly (Simulated & { label: string; scenario: { accounting: string } })[];
    };
    const by = new Map(out.comparison.map((c) => [c.scenario.accounting, c.tasks.map((t) => t.realNs ?? 0)]));
    const none = by.get('none') ?? [];
    const drop = by.get('drop') ?? [];
    expect(none).toHaveLength(3);
    expect(drop).toHaveLength(3);
    // none: the starved hog gets about a tenth of the real CPU of the others (333 against 3332 ms)
    expect(Math.min(...none) / Math.max(...none)).toBeLessThan(0.15);
    // drop: within 1 % of each other
    expect(Math.min(...drop) / Math.max(...drop)).toBeGreaterThan(0.99);
    const text = ok('simulate');
    expect(text).toMatch(/accounting drop keeps real CPU per weight fair/);
  });

  it('a sweep of steal share × accounting with 2 seeds: 8 CSV rows, Jain over real CPU lower under none', () => {
    const csv = ok(
      'simulate',
      scenario('steal-sweep.json'),
      '--sweep',
      'host.steal.*.share=0,0.25',
      '--sweep',
      'accounting=none,drop',
      '--seeds',
      '2',
      '--format',
      'csv',
    );
    const [header = '', ...rows] = csv.trim().split('\n');
    const cols = header.split(',');
    const at = (row: string, col: string) => row.split(',')[cols.indexOf(col)] ?? '';
    expect(rows).toHaveLength(8);
    const jain = (share: string, accounting: string, col: string) =>
      rows
        .filter((r) => at(r, 'host.steal.*.share') === share && at(r, 'accounting') === accounting)
        .map((r) => Number(at(r, col)));
    for (const col of ['jainReal']) {
      const none = jain('0.25', 'none', col);
      const drop = jain('0.25', 'drop', col);
      expect(none).toHaveLength(2);
      expect(drop).toHaveLength(2);
      expect(Math.max(...none)).toBeLessThan(Math.min(...drop));
    }
    // without steal the two accountings agree
    expect(jain('0', 'none', 'jainReal')).toEqual(jain('0', 'drop', 'jainReal'));
  });
});
