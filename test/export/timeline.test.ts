import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../../src/errors.js';
import { SimTimeline } from '../../src/export/timeline-sim.js';
import { timelineFromTrace } from '../../src/export/timeline-replay.js';
import type { Timeline } from '../../src/export/timeline.js';
import { resolveScenario } from '../../src/sim/scenario.js';
import { simulate } from '../../src/sim/simulate.js';
import { traceBytes } from '../../src/trace/file.js';
import type { TimehistRow } from '../../src/trace/rows.js';
import type { Scenario } from '../../src/sim/types.js';

const traces = [
  ...readdirSync('fixtures/perf')
    .filter((f) => f.endsWith('.perf.txt'))
    .map((f) => `fixtures/perf/${f}`),
  ...readdirSync('fixtures/ftrace').map((f) => `fixtures/ftrace/${f}`),
];
const scenarios = readdirSync('examples/scenarios').filter(
  (f) =>
    f.endsWith('.json') &&
    !JSON.stringify(JSON.parse(readFileSync(`examples/scenarios/${f}`, 'utf8'))).includes('"trace"'),
);

/** Per CPU, slices in start order never overlap. */
function overlaps(t: Timeline): string[] {
  const byCpu = new Map<number, { startNs: number; endNs: number }[]>();
  for (const s of t.slices) byCpu.set(s.cpu, [...(byCpu.get(s.cpu) ?? []), s]);
  const found: string[] = [];
  for (const [cpu, list] of byCpu) {
    list.sort((a, b) => a.startNs - b.startNs);
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1] as { endNs: number };
      const b = list[i] as { startNs: number };
      if (b.startNs < a.endNs) found.push(`cpu ${String(cpu)}: ${String(b.startNs)} < ${String(a.endNs)}`);
    }
  }
  return found;
}

/** Sums of the slices per tid. */
function sliceSums(t: Timeline): Map<number, { runNs: number; stolenNs: number; slices: number }> {
  const sums = new Map<number, { runNs: number; stolenNs: number; slices: number }>();
  for (const s of t.slices) {
    const m = sums.get(s.tid) ?? { runNs: 0, stolenNs: 0, slices: 0 };
    m.runNs += s.endNs - s.startNs;
    m.stolenNs += s.stolenNs;
    m.slices += 1;
    sums.set(s.tid, m);
  }
  return sums;
}

/** Task totals summed per tid (a tid reused after an exit has two records). */
function taskSums(t: Timeline): Map<number, { runNs: number; stolenNs: number; slices: number }> {
  const sums = new Map<number, { runNs: number; stolenNs: number; slices: number }>();
  for (const k of t.tasks) {
    const m = sums.get(k.tid) ?? { runNs: 0, stolenNs: 0, slices: 0 };
    m.runNs += k.runNs;
    m.stolenNs += k.stolenNs;
    m.slices += k.slices;
    sums.set(k.tid, m);
  }
  return sums;
}

function checkShape(t: Timeline): void {
  expect(overlaps(t)).toEqual([]);
  for (let i = 1; i < t.slices.length; i++) {
    const a = t.slices[i - 1];
    const b = t.slices[i];
    expect(a !== undefined && b !== undefined && (a.endNs < b.endNs || (a.endNs === b.endNs && a.cpu <= b.cpu))).toBe(
      true,
    );
  }
  for (const s of t.slices) {
    expect(s.startNs).toBeLessThanOrEqual(s.endNs);
    expect(s.stolenNs).toBeGreaterThanOrEqual(0);
    expect(s.stolenNs).toBeLessThanOrEqual(s.endNs - s.startNs);
    expect(s.cpu).toBeLessThan(t.cpus);
    expect(s.startNs).toBeGreaterThanOrEqual(t.startNs);
    expect(s.endNs).toBeLessThanOrEqual(t.endNs);
  }
  expect(t.tasks.map((k) => k.tid)).toEqual([...t.tasks.map((k) => k.tid)].sort((a, b) => a - b));
}

describe('the timeline of a replay', () => {
  it.each(traces)('%s: a slice per row of a task, totals the ledger’s, no overlap on a CPU', async (file) => {
    const rows: TimehistRow[] = [];
    const { timeline, result } = await timelineFromTrace(traceBytes(file), {
      title: file,
      onRow: (row) => {
        if (!('kind' in row) && row.tid !== 0) rows.push(row);
      },
    });
    expect(timeline.source).toBe('replay');
    expect(timeline.title).toBe(file);
    expect(timeline.slices.length).toBe(rows.length);
    expect(timeline.slices.length).toBeGreaterThan(0);
    checkShape(timeline);
    // every task's slices sum to what the ledger booked: wall run and steal
    const slices = sliceSums(timeline);
    for (const [tid, sum] of taskSums(timeline)) {
      if (sum.slices === 0) continue;
      expect({ tid, ...slices.get(tid) }).toEqual({ tid, ...sum });
    }
    const totals = result.ledger.totals();
    const run = timeline.tasks.reduce((n, k) => n + k.runNs, 0);
    expect(run).toBe(totals.runNs - idleRun(result.replay.tasks()));
  });

  it('places the ledger’s anomalies in time and leaves out the ones with no time', async () => {
    const { timeline, result } = await timelineFromTrace([
      'sh 42 [000] 1.000000000: sched:sched_switch: prev_comm=sh prev_pid=42 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
      'this is not a trace line',
      'sh 42 [000] 0.500000000: sched:sched_switch: prev_comm=sh prev_pid=42 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
    ]);
    const timed = result.ledger.anomalies().filter((a) => a.atNs !== undefined);
    expect(timeline.anomalies.length).toBe(timed.length);
    expect(timeline.anomalies.every((a, i, all) => i === 0 || (all[i - 1]?.timeNs ?? 0) <= a.timeNs)).toBe(true);
  });
});

function idleRun(records: readonly { tid: number; totals: { runNs: number } }[]): number {
  return records.filter((r) => r.tid === 0).reduce((n, r) => n + r.totals.runNs, 0);
}

describe('the timeline of a simulation', () => {
  it.each(scenarios)('%s: slices sum to the ledger’s totals, steal within the run, no overlap', (file) => {
    const scenario = JSON.parse(readFileSync(`examples/scenarios/${file}`, 'utf8')) as Scenario;
    const resolved = resolveScenario({ ...scenario, durationMs: Math.min(scenario.durationMs ?? 1000, 2000) });
    const observer = new SimTimeline();
    const result = simulate(resolved, { observer });
    const timeline = observer.finish(result);
    expect(timeline.source).toBe('simulate');
    checkShape(timeline);
    const slices = sliceSums(timeline);
    for (const t of result.tasks) {
      const sum = slices.get(t.tid) ?? { runNs: 0, stolenNs: 0, slices: 0 };
      expect({ tid: t.tid, ...sum }).toEqual({
        tid: t.tid,
        runNs: t.totals.runNs,
        stolenNs: t.totals.stolenNs,
        slices: t.totals.slices,
      });
    }
    for (const s of timeline.steal) {
      expect(s.startNs).toBeLessThan(s.endNs);
      expect(s.endNs).toBeLessThanOrEqual(timeline.endNs);
    }
    const stolen = result.vcpus.reduce((n, v) => n + v.stolenNs, 0);
    expect(timeline.steal.reduce((n, s) => n + s.endNs - s.startNs, 0)).toBe(stolen);
  });

  it('draws no steal in a pause, and the guest clock stops there', () => {
    const scenario = resolveScenario({
      durationMs: 20,
      host: {
        steal: { '0': { kind: 'intervals', intervals: [{ startMs: 2, endMs: 8 }] } },
        pauses: [{ startMs: 4, endMs: 6 }],
      },
      tasks: [{ name: 'hog', workload: { kind: 'cpu' } }],
    });
    const observer = new SimTimeline();
    const timeline = observer.finish(simulate(scenario, { observer }));
    expect(timeline.steal).toEqual([
      { cpu: 0, startNs: 2_000_000, endNs: 4_000_000 },
      { cpu: 0, startNs: 4_000_000, endNs: 6_000_000 },
    ]);
    expect(timeline.endNs).toBe(18_000_000);
  });

  it('is finished once', () => {
    const observer = new SimTimeline();
    const result = simulate(resolveScenario({ durationMs: 5, tasks: [{ name: 'a', workload: { kind: 'cpu' } }] }), {
      observer,
    });
    observer.finish(result);
    expect(() => observer.finish(result)).toThrow(SchedacctError);
  });
});
