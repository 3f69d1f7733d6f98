import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../../src/errors.js';
import { CPU_PID_BASE, perfettoJson, usText, writePerfettoJson } from '../../src/export/perfetto.js';
import { timelineFromTrace } from '../../src/export/timeline-replay.js';
import { SimTimeline } from '../../src/export/timeline-sim.js';
import type { Timeline } from '../../src/export/timeline.js';
import { resolveScenario } from '../../src/sim/scenario.js';
import { simulate } from '../../src/sim/simulate.js';
import type { Scenario } from '../../src/sim/types.js';
import { traceBytes } from '../../src/trace/file.js';
import { traceEventProblems } from './trace-events.js';

interface Ev {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  s?: string;
  args?: Record<string, unknown>;
}

const ns = (us: number): number => Math.round(us * 1000);

function parse(timeline: Timeline): { events: Ev[]; chunks: number } {
  const chunks: string[] = [];
  writePerfettoJson(timeline, (c) => chunks.push(c));
  const doc = JSON.parse(chunks.join('')) as { traceEvents: Ev[]; displayTimeUnit: string };
  expect(traceEventProblems(doc)).toEqual([]);
  expect(doc.displayTimeUnit).toBe('ns');
  return { events: doc.traceEvents, chunks: chunks.length };
}

/** The acceptance checks on one timeline; returns the per-CPU stolen total the counters end at. */
function checkAcceptance(timeline: Timeline, events: Ev[]): number {
  const key = (tid: number, startNs: number, durNs: number, cpu: unknown): string =>
    `${String(tid)}@${String(startNs)}+${String(durNs)} cpu ${String(cpu)}`;
  const want = timeline.slices.map((s) => key(s.tid, s.startNs, s.endNs - s.startNs, s.cpu)).sort();
  const onThreads = events
    .filter((e) => e.ph === 'X' && e.pid < CPU_PID_BASE)
    .map((e) => key(e.tid, ns(e.ts), ns(e.dur ?? -1), e.args?.cpu))
    .sort();
  const running = events
    .filter((e) => e.ph === 'T' && e.name === 'Running')
    .map((e) => key(e.tid, ns(e.ts), ns(e.dur ?? -1), e.args?.cpu))
    .sort();
  // every slice present once on its thread and once as a Running state with its CPU
  expect(onThreads).toEqual(want);
  expect(running).toEqual(want);
  // the per-CPU layout: slices on one CPU never overlap
  const perCpu = new Map<number, [number, number][]>();
  for (const e of events)
    if (e.ph === 'X' && e.pid >= CPU_PID_BASE && e.tid === 1)
      perCpu.set(e.pid, [...(perCpu.get(e.pid) ?? []), [ns(e.ts), ns(e.ts) + ns(e.dur ?? 0)]]);
  expect([...perCpu.values()].reduce((n, l) => n + l.length, 0)).toBe(timeline.slices.length);
  for (const list of perCpu.values()) {
    list.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < list.length; i++)
      expect((list[i] as [number, number])[0]).toBeGreaterThanOrEqual((list[i - 1] as [number, number])[1]);
  }
  // totals: run time per task from the X durations, charged from its counter's last value
  const run = new Map<number, number>();
  const charged = new Map<number, number>();
  for (const e of events) {
    if (e.ph === 'X' && e.pid < CPU_PID_BASE) run.set(e.tid, (run.get(e.tid) ?? 0) + ns(e.dur ?? 0));
    if (e.ph === 'C' && e.name === 'charged') charged.set(e.tid, e.args?.ns as number);
  }
  const byTid = new Map<number, { runNs: number; chargedNs: number }>();
  for (const t of timeline.tasks) {
    const m = byTid.get(t.tid) ?? { runNs: 0, chargedNs: 0 };
    byTid.set(t.tid, { runNs: m.runNs + t.runNs, chargedNs: m.chargedNs + t.chargedNs });
  }
  for (const [tid, t] of byTid) {
    if (t.runNs === 0) continue;
    expect({ tid, runNs: run.get(tid), chargedNs: charged.get(tid) }).toEqual({ tid, ...t });
  }
  const stolen = new Map<number, number>();
  for (const e of events) if (e.ph === 'C' && e.name === 'stolen') stolen.set(e.pid, e.args?.ns as number);
  expect(stolen.size).toBe(timeline.cpus);
  return [...stolen.values()].reduce((a, b) => a + b, 0);
}

describe('usText', () => {
  it('writes µs from integer ns exactly, the ns in the fraction', () => {
    expect(usText(1_234_567)).toBe('1234.567');
    expect(usText(1000)).toBe('1');
    expect(usText(1500)).toBe('1.5');
    expect(usText(7)).toBe('0.007');
    expect(usText(0)).toBe('0');
    expect(usText(-1500)).toBe('-1.5');
    expect(usText(Number.MAX_SAFE_INTEGER)).toBe('9007199254740.991');
    expect(usText(706_390_000_999)).toBe('706390000.999');
    expect(() => usText(1.5)).toThrow(SchedacctError);
  });
});

describe('the Perfetto JSON of a replay', () => {
  it.each([
    'fixtures/perf/migrate.perf.txt',
    'fixtures/perf/forkstorm.perf.txt',
    'fixtures/ftrace/ftrace-pingpong.txt',
  ])('%s: schema-valid, every slice once, no overlap per CPU, totals the summary’s', async (file) => {
    const { timeline, result } = await timelineFromTrace(traceBytes(file));
    const { events, chunks } = parse(timeline);
    expect(chunks).toBeGreaterThan(1); // streamed, not one string
    const stolen = checkAcceptance(timeline, events);
    const summary = result.replay.tasks().filter((r) => r.tid !== 0);
    expect(stolen).toBe(summary.reduce((n, r) => n + r.totals.stolenNs, 0));
    expect(timeline.slices.length).toBeGreaterThan(0);
  });
});

describe('the Perfetto JSON of a simulation', () => {
  it('resonant steal: schema-valid, every slice once, no overlap per CPU, totals the ledger’s, steal shaded', () => {
    const scenario = JSON.parse(readFileSync('examples/scenarios/resonant-steal.json', 'utf8')) as Scenario;
    const observer = new SimTimeline();
    const result = simulate(resolveScenario({ ...scenario, durationMs: 500 }), { observer });
    const timeline = observer.finish(result);
    const { events } = parse(timeline);
    const stolen = checkAcceptance(timeline, events);
    expect(stolen).toBe(result.vcpus.reduce((n, v) => n + v.stolenNs, 0));
    expect(stolen).toBeGreaterThan(0);
    const shaded = events.filter((e) => e.ph === 'X' && e.name === 'stolen').reduce((n, e) => n + ns(e.dur ?? 0), 0);
    expect(shaded).toBe(stolen);
    // preempted tasks wait runnable between their slices
    expect(events.some((e) => e.ph === 'T' && e.name === 'R')).toBe(true);
  });

  it('names every CPU and task, and places anomalies as instants', () => {
    const timeline: Timeline = {
      source: 'replay',
      title: 't',
      cpus: 2,
      startNs: 0,
      endNs: 10,
      slices: [{ cpu: 1, tid: 7, name: 'a"b', startNs: 0, endNs: 10, stolenNs: 0, delayNs: 0, state: 'S' }],
      steal: [],
      tasks: [{ tid: 7, name: 'a"b', runNs: 10, chargedNs: 10, stolenNs: 0, slices: 1 }],
      anomalies: [
        { timeNs: 5, code: 'clock-backwards', tid: 7, message: 'm1' },
        { timeNs: 6, code: 'x', cpu: 1, message: 'm2' },
        { timeNs: 7, code: 'y', message: 'm3' },
      ],
    };
    const doc = JSON.parse(perfettoJson(timeline)) as { traceEvents: Ev[]; metadata: Record<string, unknown> };
    expect(traceEventProblems(doc)).toEqual([]);
    const names = doc.traceEvents.filter((e) => e.name === 'process_name').map((e) => e.args?.name);
    expect(names).toEqual(['CPU 0', 'CPU 1', 'a"b']);
    const instants = doc.traceEvents.filter((e) => e.ph === 'i').map((e) => [e.name, e.s, e.pid, e.ts]);
    expect(instants).toEqual([
      ['clock-backwards', 't', 7, 0.005],
      ['x', 'p', CPU_PID_BASE + 1, 0.006],
      ['y', 'g', 0, 0.007],
    ]);
    expect(doc.metadata.title).toBe('t');
  });

  it('refuses what is not a timeline or a writer', () => {
    expect(() => writePerfettoJson(null as unknown as Timeline, () => undefined)).toThrow(SchedacctError);
    expect(() => perfettoJson(undefined as unknown as Timeline)).toThrow(SchedacctError);
  });
});
