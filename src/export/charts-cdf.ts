/**
 * The scheduling-delay distribution of a run as a chart: the CDF of its slices' delays.
 * @module
 */
import { checkOptions, checkOptionalWhole } from '../check.js';
import { checkTimeline, taskLabel } from './charts-bars.js';
import { renderSvg, type ChartSpec } from './charts-render.js';
import type { TaskChartOptions } from './charts.js';
import type { Timeline } from './timeline.js';

/** Points per line at most: beyond, the CDF is drawn at evenly spaced ranks (and its last point). */
const MAX_POINTS = 400;

interface CdfPoint {
  readonly task: string;
  readonly delayUs: number;
  readonly fraction: number;
}

// The empirical CDF of sorted delays, at most MAX_POINTS steps (ranks evenly spaced, the maximum kept).
function cdf(task: string, sortedNs: readonly number[]): CdfPoint[] {
  const n = sortedNs.length;
  const step = Math.max(1, Math.ceil(n / MAX_POINTS));
  const points: CdfPoint[] = [];
  for (let i = 0; i < n; i += step) points.push({ task, delayUs: (sortedNs[i] ?? 0) / 1e3, fraction: (i + 1) / n });
  if ((n - 1) % step !== 0) points.push({ task, delayUs: (sortedNs[n - 1] ?? 0) / 1e3, fraction: 1 });
  return points;
}

/**
 * The scheduling-delay distribution: the CDF of the slices' `delayNs` in µs, a line for all slices and one per task
 * (the tasks with the most run time); the x axis is symmetric-log when the delays span more than two decades.
 * Slices whose delay is not known (0) are counted as 0.
 * @param timeline - the run
 * @param options - see {@link TaskChartOptions} (default 6 tasks)
 * @returns the SVG document's text
 * @throws {@link SchedacctError} `invalid-argument` for a timeline that is not one or options that are not whole numbers
 * @example
 * ```ts
 * const slice = (startNs: number, delayNs: number) => ({ cpu: 0, tid: 7, name: 'app', startNs, endNs: startNs + 1000, stolenNs: 0, delayNs, state: 'R' });
 * const task = { tid: 7, name: 'app', runNs: 2000, chargedNs: 2000, stolenNs: 0, slices: 2 };
 * const timeline = { source: 'replay', title: 't', cpus: 1, startNs: 0, endNs: 3000, slices: [slice(0, 0), slice(2000, 1000)], steal: [], tasks: [task], anomalies: [] } as const;
 * (await delayCdfSvg(timeline)).includes('all slices'); // true
 * ```
 */
export async function delayCdfSvg(timeline: Timeline, options?: TaskChartOptions): Promise<string> {
  checkTimeline(timeline);
  checkOptions('options', options);
  const o = options ?? {};
  checkOptionalWhole('options.topTasks', o.topTasks);
  checkOptionalWhole('options.widthPx', o.widthPx, 1);
  const top = [...timeline.tasks]
    .sort((a, b) => b.runNs - a.runNs || a.tid - b.tid)
    .slice(0, o.topTasks ?? 6)
    .map((t) => t.tid);
  const perTask = new Map<number, number[]>(top.map((tid) => [tid, []]));
  const names = new Map<number, string>();
  const all: number[] = [];
  for (const s of timeline.slices) {
    all.push(s.delayNs);
    perTask.get(s.tid)?.push(s.delayNs);
    names.set(s.tid, s.name);
  }
  const lines: [string, number[]][] = [['all slices', all]];
  for (const [tid, delays] of perTask)
    if (delays.length > 0) lines.push([taskLabel(names.get(tid) ?? '', tid), delays]);
  const values = lines.flatMap(([task, d]) =>
    cdf(
      task,
      d.sort((a, b) => a - b),
    ),
  );
  // sorted above: the smallest positive delay and the largest bound the span (no spread of millions of values)
  const least = all.find((d) => d > 0);
  const wide = least !== undefined && (all[all.length - 1] ?? 0) / least > 100;
  const spec: ChartSpec = {
    title: {
      text: `Scheduling delay: ${timeline.title}`,
      subtitle: `CDF of ${String(all.length)} slices' delay (wakeup or preemption to switch-in)${wide ? '; x symmetric-log' : ''}`,
    },
    width: o.widthPx ?? 600,
    height: 280,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', aria: false },
    encoding: {
      x: {
        field: 'delayUs',
        type: 'quantitative',
        title: 'delay, µs',
        scale: wide ? { type: 'symlog' } : { zero: true },
      },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of slices', scale: { domain: [0, 1] } },
      color: {
        field: 'task',
        type: 'nominal',
        title: null,
        sort: lines.map(([task]) => task),
        scale: { scheme: 'tableau10' },
      },
      strokeDash: { condition: { test: "datum.task === 'all slices'", value: [6, 3] }, value: [1, 0] },
    },
  };
  return renderSvg(spec);
}
