import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../../src/errors.js';
import { writeTimelineFtrace } from '../../src/export/ftrace.js';
import { timelineFromTrace } from '../../src/export/timeline-replay.js';
import type { Timeline } from '../../src/export/timeline.js';
import { traceBytes } from '../../src/trace/file.js';

const traces = [
  ...readdirSync('fixtures/perf')
    .filter((f) => f.endsWith('.perf.txt'))
    .map((f) => `fixtures/perf/${f}`),
  ...readdirSync('fixtures/ftrace').map((f) => `fixtures/ftrace/${f}`),
];

/** Per tid: run, charged, stolen, slices, from the slices (a tid's records summed). */
function perTask(t: Timeline): Record<number, [number, number, number, number]> {
  const out: Record<number, [number, number, number, number]> = {};
  for (const s of t.slices) {
    if (s.tid < 0) continue; // perf's unnamed task: not written
    const m = out[s.tid] ?? [0, 0, 0, 0];
    const wall = s.endNs - s.startNs;
    out[s.tid] = [m[0] + wall, m[1] + wall - s.stolenNs, m[2] + s.stolenNs, m[3] + 1];
  }
  return out;
}

/** Tasks with two slices overlapping in time (on different CPUs). */
function onTwoCpus(t: Timeline): number[] {
  const last = new Map<number, number>();
  const found = new Set<number>();
  for (const s of [...t.slices].sort((a, b) => a.startNs - b.startNs)) {
    if ((last.get(s.tid) ?? -Infinity) > s.startNs) found.add(s.tid);
    last.set(s.tid, Math.max(last.get(s.tid) ?? -Infinity, s.endNs));
  }
  return [...found];
}

describe('ftrace text from a replay', () => {
  it.each(traces)('%s: replaying the exported text gives the same per-task totals', async (file) => {
    const { timeline } = await timelineFromTrace(traceBytes(file));
    const chunks: string[] = [];
    writeTimelineFtrace(timeline, (c) => chunks.push(c));
    const text = chunks.join('');
    expect(text.startsWith('# tracer: nop')).toBe(true);
    const back = await timelineFromTrace([new TextEncoder().encode(text)]);
    expect(back.result.format).toBe('ftrace');
    expect(back.result.malformed.count).toBe(0);
    expect(back.result.replay.outOfOrder).toBe(0);
    const want = perTask(timeline);
    const got = perTask(back.timeline);
    // a task the trace shows on two CPUs at once reads its runtime back on one of them: run and slices still hold
    const twice = onTwoCpus(timeline);
    for (const tid of twice) {
      expect([got[tid]?.[0], got[tid]?.[3]]).toEqual([want[tid]?.[0], want[tid]?.[3]]);
      Reflect.deleteProperty(got, tid);
      Reflect.deleteProperty(want, tid);
    }
    expect(got).toEqual(want);
    // the ledger of the read-back agrees with its slices, task by task
    const ledger = new Map<number, number>();
    for (const k of back.timeline.tasks) ledger.set(k.tid, (ledger.get(k.tid) ?? 0) + k.stolenNs);
    for (const [tid, v] of Object.entries(want)) expect(ledger.get(Number(tid)) ?? 0).toBe(v[2]);
  });

  it('writes one switch where a slice follows another at the same instant, and the wakeup before it', () => {
    const slice = { cpu: 0, stolenNs: 0, state: 'S' };
    const chunks: string[] = [];
    writeTimelineFtrace(
      {
        source: 'replay',
        title: 't',
        cpus: 1,
        startNs: 0,
        endNs: 3000,
        slices: [
          { ...slice, tid: 1, name: 'a', startNs: 1000, endNs: 2000, delayNs: 0 },
          { ...slice, tid: 2, name: 'b', startNs: 2000, endNs: 3000, delayNs: 500 },
        ],
        steal: [],
        tasks: [],
        anomalies: [],
      },
      (c) => chunks.push(c),
    );
    const events = chunks
      .join('')
      .split('\n')
      .filter((l) => !l.startsWith('#') && l !== '')
      .map((l) => /(sched_\w+): (\S+ \S+)/.exec(l)?.slice(1).join(': '));
    expect(events).toEqual([
      'sched_switch: prev_comm=swapper/0 prev_pid=0',
      'sched_waking: comm=b pid=2',
      'sched_stat_runtime: comm=a pid=1',
      'sched_switch: prev_comm=a prev_pid=1',
      'sched_stat_runtime: comm=b pid=2',
      'sched_switch: prev_comm=b prev_pid=2',
    ]);
  });

  it('refuses what is not a timeline', () => {
    expect(() => writeTimelineFtrace(null as unknown as Timeline, () => undefined)).toThrow(SchedacctError);
  });
});
