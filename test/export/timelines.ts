/**
 * Small timelines built by hand for the chart and report tests: two CPUs, three tasks, known steal.
 * @module
 */
import type { Timeline, TimelineSlice, TimelineTask } from '../../src/export/timeline.js';

const MS = 1_000_000;

/**
 * A slice.
 * @param cpu - CPU
 * @param tid - thread id
 * @param startMs - start, ms
 * @param endMs - end, ms
 * @param stolenMs - steal inside, ms
 * @param delayUs - delay before, µs
 * @returns the slice
 */
export function slice(
  cpu: number,
  tid: number,
  startMs: number,
  endMs: number,
  stolenMs = 0,
  delayUs = 0,
): TimelineSlice {
  return {
    cpu,
    tid,
    name: tid === 3 ? '<script>alert(1)</script>' : `task${String(tid)}`,
    startNs: startMs * MS,
    endNs: endMs * MS,
    stolenNs: stolenMs * MS,
    delayNs: delayUs * 1000,
    state: 'R',
  };
}

/**
 * Each task's totals summed from the slices (charged = run − stolen).
 * @param slices - the slices
 * @returns the tasks in tid order
 */
export function tasksOf(slices: readonly TimelineSlice[]): TimelineTask[] {
  const tasks = new Map<
    number,
    { tid: number; name: string; runNs: number; chargedNs: number; stolenNs: number; slices: number }
  >();
  for (const s of slices) {
    const t = tasks.get(s.tid) ?? { tid: s.tid, name: s.name, runNs: 0, chargedNs: 0, stolenNs: 0, slices: 0 };
    t.runNs += s.endNs - s.startNs;
    t.stolenNs += s.stolenNs;
    t.chargedNs += s.endNs - s.startNs - s.stolenNs;
    t.slices += 1;
    tasks.set(s.tid, t);
  }
  return [...tasks.values()].sort((a, b) => a.tid - b.tid);
}

/**
 * A replay-like timeline: steal only per slice.
 * @returns the timeline (6 slices, 3 tasks, 2 slices with steal; task 3's comm is `<script>…`)
 */
export function replayTimeline(): Timeline {
  const slices = [
    slice(0, 1, 0, 4, 1, 10),
    slice(1, 2, 0, 3, 0, 50),
    slice(1, 3, 3, 7, 0, 2000),
    slice(0, 2, 4, 6, 0.5, 300),
    slice(0, 1, 6, 9, 0, 5),
    slice(1, 2, 7, 10, 0, 40),
  ].sort((a, b) => a.endNs - b.endNs || a.cpu - b.cpu);
  return {
    source: 'replay',
    title: 'hand-made',
    cpus: 2,
    startNs: 0,
    endNs: 10 * MS,
    slices,
    steal: [],
    tasks: tasksOf(slices),
    anomalies: [],
  };
}

/**
 * A simulation-like timeline: the same slices with host steal intervals.
 * @returns the timeline (2 steal intervals)
 */
export function simTimeline(): Timeline {
  const t = replayTimeline();
  const steal = [
    { cpu: 0, startNs: 3 * MS, endNs: 4 * MS },
    { cpu: 0, startNs: 5.5 * MS, endNs: 6 * MS },
  ];
  return { ...t, source: 'simulate', steal };
}

/**
 * A long timeline: `n` slices of 1 µs on each of `cpus` CPUs, tasks alternating.
 * @param n - slices per CPU
 * @param cpus - CPUs
 * @returns the timeline
 */
export function longTimeline(n: number, cpus: number): Timeline {
  const slices: TimelineSlice[] = [];
  for (let i = 0; i < n; i++)
    for (let cpu = 0; cpu < cpus; cpu++)
      slices.push({
        cpu,
        tid: 10 + ((i + cpu) % 5),
        name: 'w',
        startNs: i * 1000,
        endNs: i * 1000 + 900,
        stolenNs: i % 7 === 0 ? 100 : 0,
        delayNs: (i % 13) * 1000,
        state: 'R',
      });
  return {
    source: 'replay',
    title: 'long',
    cpus,
    startNs: 0,
    endNs: n * 1000,
    slices,
    steal: [],
    tasks: tasksOf(slices),
    anomalies: [],
  };
}
