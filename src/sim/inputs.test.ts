import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { traceBytes } from '../trace/file.js';
import { readTrace } from '../trace/read.js';
import type { TimehistRow } from '../trace/rows.js';
import { loadInputs, segmentsOf, stealIntervalsOf } from './inputs.js';
import { ScenarioError } from './scenario-check.js';
import { resolveScenario } from './scenario.js';
import type { StealSpec, Workload } from './types.js';

const MIGRATE = 'fixtures/perf/migrate.perf.txt';
const ROOT = new URL('../..', import.meta.url).pathname;

const withWorkload = (workload: Workload, cpus = 1, steal: Record<string, StealSpec> = {}) =>
  resolveScenario({
    cpus,
    host: { steal },
    tasks: [
      { name: 'x', workload },
      { name: 'h', workload: { kind: 'cpu' } },
    ],
  });

async function totalsOf(file: string, tid: number, compat?: 'current') {
  const { replay } = await readTrace(traceBytes(`${ROOT}${file}`), compat === undefined ? {} : { compat });
  const task = replay.tasks().find((t) => t.totals.task === tid);
  if (task === undefined) throw new Error(`no ${String(tid)}`);
  return task.totals;
}

const row = (timeNs: number, runNs: number, state: string, waitNs = 0, delayNs = 0, stolenNs = 0): TimehistRow => ({
  timeNs,
  cpu: 0,
  tid: 5,
  name: 'x',
  waitNs,
  delayNs,
  runNs,
  stolenNs,
  state,
  line: 0,
});

describe('segmentsOf', () => {
  it('joins runs split by preemption, takes the sleep less its delay, stops at exit', () => {
    const rows = [
      row(10, 0, 'S'), // a CPU's first switch: no run
      row(20, 4, 'R', 6, 0, 1), // woken: wait 6 (from the first), of which no delay
      row(30, 5, 'S', 1, 1), // preempted wait 1
      row(50, 3, 'D', 12, 2), // slept 12, 2 of them delay: sleep 10
      row(60, 2, 'R', 5, 5), // a wakeup-and-run before it switched out: delay ≥ wait, sleep 0
      row(70, 2, 'X', 1, 1),
      row(90, 9, 'S', 3), // after the exit: not this task
    ];
    expect(segmentsOf(rows)).toEqual([
      { runNs: 3 + 5, sleepNs: 10 },
      { runNs: 3, sleepNs: 0 },
      { runNs: 2 + 2, sleepNs: 0 },
    ]);
  });

  it('ends a task that never sleeps with one run', () => {
    expect(segmentsOf([row(10, 4, 'R'), row(20, 4, 'R')])).toEqual([{ runNs: 8, sleepNs: 0 }]);
    expect(segmentsOf([])).toEqual([]);
  });
});

describe('stealIntervalsOf', () => {
  it('takes wakeup (or preemption) to switch-in, from the first event, sorted and joined', () => {
    const rows = [row(1000, 100, 'R', 0, 50), row(1200, 50, 'S', 50, 50), row(1300, 10, 'R', 20, 0)];
    expect(stealIntervalsOf(rows, 800)).toEqual([
      { startNs: 50, endNs: 100 },
      { startNs: 300, endNs: 350 },
    ]);
    expect(stealIntervalsOf([row(1000, 100, 'R', 0, 300)], 800)).toEqual([{ startNs: 0, endNs: 100 }]);
  });
});

describe('loadInputs on a recorded trace', () => {
  it("gives a task's runs and sleeps in order, summing to its run time in schedacct replay's summary", async () => {
    const inputs = await loadInputs(withWorkload({ kind: 'trace', file: MIGRATE, tid: 7261 }), ROOT);
    const segments = inputs.taskSegments.get(0) ?? [];
    const totals = await totalsOf(MIGRATE, 7261);
    // 36 slices, one of them ended by a preemption: 35 runs, each followed by its sleep
    expect(totals.slices).toBe(36);
    expect(segments).toHaveLength(35);
    expect(segments.reduce((sum, s) => sum + s.runNs, 0)).toBe(totals.runNs - totals.stolenNs);
    // and perf's own summary of the recording (msec, 3 decimals)
    const summary = readFileSync(`${ROOT}fixtures/perf/migrate.summary.txt`, 'utf8');
    const runMs = Number(/ sh\[7261\]\s+\d+\s+\d+\s+([\d.]+)/.exec(summary)?.[1]);
    expect(Math.abs(totals.runNs / 1e6 - runMs)).toBeLessThan(0.0005);
    // sleeps: the off-CPU waits after blocking, less at most their scheduling delay, never a preemption wait
    const sleeps = segments.reduce((sum, s) => sum + s.sleepNs, 0);
    expect(sleeps).toBeLessThanOrEqual(totals.sleepNs + totals.iowaitNs);
    expect(sleeps).toBeGreaterThanOrEqual(totals.sleepNs + totals.iowaitNs - totals.delayNs);
    for (const s of segments) expect(s.runNs > 0 && s.sleepNs >= 0).toBe(true);
  });

  it('takes exactly the wait less the delay for a task that is never preempted', async () => {
    const inputs = await loadInputs(withWorkload({ kind: 'trace', file: MIGRATE, tid: 77 }), ROOT);
    const totals = await totalsOf(MIGRATE, 77);
    const segments = inputs.taskSegments.get(0) ?? [];
    expect(segments.map((s) => s.sleepNs).reduce((a, b) => a + b, 0)).toBe(totals.sleepNs - totals.delayNs);
    expect(segments).toHaveLength(totals.slices);
  });

  it('picks a task by comm (the first with it), and checks a comm given with the tid', async () => {
    const byComm = await loadInputs(withWorkload({ kind: 'trace', file: MIGRATE, comm: 'sleep' }), ROOT);
    const byTid = await loadInputs(withWorkload({ kind: 'trace', file: MIGRATE, tid: 7264, comm: 'sleep' }), ROOT);
    expect(byComm.taskSegments.get(0)).toEqual(byTid.taskSegments.get(0));
    await expect(
      loadInputs(withWorkload({ kind: 'trace', file: MIGRATE, tid: 7261, comm: 'sleep' }), ROOT),
    ).rejects.toThrow(/tasks\[0\].workload.tid: no task 7261 named "sleep" in the trace/);
  });

  it("gives a host vCPU thread's time runnable but not running as steal, from the trace's first event", async () => {
    const scenario = withWorkload({ kind: 'cpu' }, 2, { '1': { kind: 'trace', file: MIGRATE, tid: 7263 } });
    const inputs = await loadInputs(scenario, ROOT);
    expect(inputs.hostSteal.has(0)).toBe(false);
    const intervals = inputs.hostSteal.get(1) ?? [];
    // (perf's current rules count the wait after a preemption as delay, as KVM counts it as steal)
    const totals = await totalsOf(MIGRATE, 7263, 'current');
    expect(intervals.length).toBeGreaterThan(30);
    expect(intervals.reduce((sum, i) => sum + i.endNs - i.startNs, 0)).toBe(totals.delayNs);
    intervals.forEach((i, k) => {
      expect(i.startNs).toBeGreaterThanOrEqual(k === 0 ? 0 : (intervals[k - 1]?.endNs ?? 0));
      expect(i.endNs).toBeGreaterThan(i.startNs);
    });
    expect(inputs.taskSegments.size).toBe(0);
  });

  it('reads paths relative to baseDir, and is empty without trace kinds', async () => {
    const inputs = await loadInputs(
      withWorkload({ kind: 'trace', file: 'perf/migrate.perf.txt', tid: 77 }),
      `${ROOT}fixtures`,
    );
    expect(inputs.taskSegments.get(0)?.length).toBeGreaterThan(0);
    const none = await loadInputs(withWorkload({ kind: 'cpu' }), ROOT);
    expect([none.hostSteal.size, none.taskSegments.size]).toEqual([0, 0]);
  });

  it('names every file it cannot read and every task a trace does not have, at their paths', async () => {
    const scenario = resolveScenario({
      cpus: 2,
      host: { steal: { '0': { kind: 'trace', file: MIGRATE, tid: 424242 } } },
      tasks: [
        { name: 'a', workload: { kind: 'trace', file: 'nope.txt', tid: 1 } },
        { name: 'b', workload: { kind: 'trace', file: MIGRATE, comm: 'nobody' } },
        { name: 'c', workload: { kind: 'trace', file: 'package.json', tid: 1 } },
      ],
    });
    const error = await loadInputs(scenario, ROOT).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScenarioError);
    const issues = (error as ScenarioError).issues;
    expect(issues.map((i) => i.path)).toEqual([
      'host.steal.0.tid',
      'tasks[0].workload.file',
      'tasks[1].workload.comm',
      'tasks[2].workload.file',
    ]);
    expect(issues[0]?.message).toBe(`no task 424242 in the trace ${ROOT}${MIGRATE}`);
    expect(issues[1]?.message).toMatch(/no such trace file: .*nope\.txt/);
    expect(issues[2]?.message).toMatch(/no task named "nobody" in the trace/);
    expect(issues[3]?.message).toMatch(/not a trace schedacct reads/);
  });

  it('refuses what is not a resolved scenario', async () => {
    await expect(loadInputs({ tasks: [] } as never, '.')).rejects.toThrow(/scenario must be a resolved scenario/);
    await expect(loadInputs(withWorkload({ kind: 'cpu' }), 3 as never)).rejects.toThrow(/baseDir must be/);
  });
});
