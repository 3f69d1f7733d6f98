/**
 * SVG charts of a run ({@link Timeline}), drawn in Node by Vega-Lite compiled by Vega: no browser, no canvas, and the
 * same timeline gives the same bytes. Vega loads on the first chart, not with the module.
 * @module
 */
import { argError, checkOptions, checkOptionalWhole } from '../check.js';
import { checkTimeline, ganttData, taskLabel, type GanttBounds } from './charts-bars.js';
import { renderSvg, type ChartSpec } from './charts-render.js';
import type { Timeline, TimelineTask } from './timeline.js';

/** Options of {@link cpuTimelineSvg}. */
export interface CpuTimelineOptions {
  /** Window start, ns on the timeline's clock. Default: the run's start. */
  readonly startNs?: number;
  /** Window end, ns. Default: the run's end. */
  readonly endNs?: number;
  /** Plot width, px. Default 900. */
  readonly widthPx?: number;
  /** Slices drawn one bar each at most; beyond, each bar is the task most on the CPU in its pixel columns. Default 4000. */
  readonly maxSlices?: number;
  /** Tasks with a colour of their own (the most run time); the rest are `others`. Default 9 (Tableau 10 less its grey, kept for the rest). */
  readonly topTasks?: number;
}

/** Options of {@link taskBarsSvg} and {@link delayCdfSvg}. */
export interface TaskChartOptions {
  /** Tasks drawn on their own (the most run time); the rest are summed as `others`. Default 12 (bars), 6 (CDF). */
  readonly topTasks?: number;
  /** Plot width, px. Default 600. */
  readonly widthPx?: number;
}

// Tableau 10, one colour per named task, and a grey for `others` so it never passes for a task.
const TABLEAU10 = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d'];
const OTHERS = '#bab0ac';

function taskColours(bars: readonly { readonly task: string }[]): { domain: string[]; range: string[] } {
  const labels = [...new Set(bars.map((b) => b.task))].filter((t) => t !== 'others').sort();
  const range = labels.map((_, i) => TABLEAU10[i % TABLEAU10.length] ?? OTHERS);
  if (!bars.some((b) => b.task === 'others')) return { domain: labels, range };
  return { domain: [...labels, 'others'], range: [...range, OTHERS] };
}

const ms = (ns: number): string => (ns / 1e6).toFixed(3);

// The tasks by run time, most first (tid breaks ties so the order is the same every time).
const byRunTime = (tasks: readonly TimelineTask[]): TimelineTask[] =>
  [...tasks].sort((a, b) => b.runNs - a.runNs || a.tid - b.tid);

function ganttBounds(timeline: Timeline, o: CpuTimelineOptions): GanttBounds {
  for (const key of ['startNs', 'endNs', 'widthPx', 'maxSlices', 'topTasks'] as const)
    checkOptionalWhole(`options.${key}`, o[key], key === 'widthPx' ? 1 : 0);
  const startNs = o.startNs ?? timeline.startNs;
  const endNs = o.endNs ?? timeline.endNs;
  if (endNs <= startNs)
    throw argError('out-of-range', 'options.endNs', `after the window's start (${String(startNs)})`, endNs);
  const named = new Set(
    byRunTime(timeline.tasks)
      .slice(0, o.topTasks ?? 9)
      .map((t) => taskLabel(t.name, t.tid)),
  );
  return { startNs, endNs, widthPx: o.widthPx ?? 900, maxSlices: o.maxSlices ?? 4000, named };
}

/**
 * A per-CPU timeline (Gantt): a row per CPU, a bar per run slice coloured by task, steal shaded dark over it (a
 * simulation's host steal intervals; for a replay, which knows only each slice's stolen ns, the slice's last part).
 * A window of more than `maxSlices` slices is merged into pixel columns; the subtitle says so.
 * @param timeline - the run
 * @param options - window and bounds, see {@link CpuTimelineOptions}
 * @returns the SVG document's text
 * @throws {@link SchedacctError} `invalid-argument` for a timeline that is not one or options that are not whole
 *   numbers, `out-of-range` for a window that ends before it starts
 * @example
 * ```ts
 * const slice = { cpu: 0, tid: 7, name: 'app', startNs: 0, endNs: 2_000_000, stolenNs: 500_000, delayNs: 0, state: 'R' };
 * const task = { tid: 7, name: 'app', runNs: 2_000_000, chargedNs: 1_500_000, stolenNs: 500_000, slices: 1 };
 * const timeline = { source: 'replay', title: 't', cpus: 1, startNs: 0, endNs: 2_000_000, slices: [slice], steal: [], tasks: [task], anomalies: [] } as const;
 * (await cpuTimelineSvg(timeline)).startsWith('<svg'); // true
 * ```
 */
export async function cpuTimelineSvg(timeline: Timeline, options?: CpuTimelineOptions): Promise<string> {
  checkTimeline(timeline);
  checkOptions('options', options);
  const b = ganttBounds(timeline, options ?? {});
  const data = ganttData(timeline, b);
  const cpus = Array.from({ length: timeline.cpus }, (_, i) => `CPU ${String(i)}`);
  const how = data.merged
    ? `${String(data.slicesInWindow)} slices merged into ${String(data.bars.length)} bars (each: the task most on the CPU in its pixel columns)`
    : `${String(data.slicesInWindow)} slices, one bar each`;
  const steal = timeline.steal.length > 0 ? 'dark: host steal' : "dark: each slice's stolen part (drawn at its end)";
  const x = {
    field: 'startMs',
    type: 'quantitative' as const,
    title: `ms from ${ms(b.startNs)} ms`,
    scale: { domain: [0, (b.endNs - b.startNs) / 1e6], nice: false },
  };
  const y = { field: 'cpu', type: 'nominal' as const, title: null, sort: cpus, scale: { domain: cpus } };
  const spec: ChartSpec = {
    title: {
      text: `CPU timeline: ${timeline.title}`,
      subtitle: [`window ${ms(b.startNs)}–${ms(b.endNs)} ms; ${how}`, steal],
    },
    width: b.widthPx,
    height: { step: 26 },
    layer: [
      {
        name: 'slices',
        data: { values: data.bars },
        mark: { type: 'bar', aria: false, stroke: 'white', strokeWidth: data.merged ? 0 : 0.5 },
        encoding: {
          x,
          x2: { field: 'endMs' },
          y,
          color: { field: 'task', type: 'nominal', title: 'task', scale: taskColours(data.bars) },
        },
      },
      {
        name: 'steal',
        data: { values: data.stolen },
        mark: { type: 'bar', aria: false, color: '#000', opacity: 0.55, height: { band: 0.5 } },
        encoding: { x, x2: { field: 'endMs' }, y },
      },
    ],
  };
  return renderSvg(spec);
}

/**
 * Per task a stacked bar of charged and stolen ms (the tasks with the most run time, the rest summed as `others`).
 * @param timeline - the run
 * @param options - see {@link TaskChartOptions}
 * @returns the SVG document's text
 * @throws {@link SchedacctError} `invalid-argument` for a timeline that is not one or options that are not whole numbers
 * @example
 * ```ts
 * const task = { tid: 7, name: 'app', runNs: 2_000_000, chargedNs: 1_500_000, stolenNs: 500_000, slices: 1 };
 * const timeline = { source: 'replay', title: 't', cpus: 1, startNs: 0, endNs: 2_000_000, slices: [], steal: [], tasks: [task], anomalies: [] } as const;
 * (await taskBarsSvg(timeline)).includes('app[7]'); // true
 * ```
 */
export async function taskBarsSvg(timeline: Timeline, options?: TaskChartOptions): Promise<string> {
  checkTimeline(timeline);
  checkOptions('options', options);
  const o = options ?? {};
  checkOptionalWhole('options.topTasks', o.topTasks);
  checkOptionalWhole('options.widthPx', o.widthPx, 1);
  const sorted = byRunTime(timeline.tasks);
  const top = o.topTasks ?? 12;
  const shown = sorted
    .slice(0, top)
    .map((t) => ({ task: taskLabel(t.name, t.tid), chargedNs: t.chargedNs, stolenNs: t.stolenNs }));
  const rest = sorted.slice(top);
  if (rest.length > 0)
    shown.push({
      task: `others (${String(rest.length)} tasks)`,
      chargedNs: rest.reduce((a, t) => a + t.chargedNs, 0),
      stolenNs: rest.reduce((a, t) => a + t.stolenNs, 0),
    });
  // A zero segment would be an invisible mark: left out, so the marks are the segments drawn.
  const values = shown.flatMap((t, order) =>
    (['charged', 'stolen'] as const)
      .map((part) => ({ task: t.task, part, order, ms: (part === 'charged' ? t.chargedNs : t.stolenNs) / 1e6 }))
      .filter((v) => v.ms > 0),
  );
  const spec: ChartSpec = {
    title: {
      text: `Charged and stolen time per task: ${timeline.title}`,
      subtitle: `${String(shown.length)} of ${String(sorted.length)} tasks, by run time`,
    },
    width: o.widthPx ?? 600,
    height: { step: 22 },
    data: { values },
    mark: { type: 'bar', aria: false },
    encoding: {
      y: { field: 'task', type: 'nominal', title: null, sort: shown.map((t) => t.task) },
      x: { field: 'ms', type: 'quantitative', title: 'ms', stack: 'zero' },
      color: {
        field: 'part',
        type: 'nominal',
        title: null,
        scale: { domain: ['charged', 'stolen'], range: ['#4c78a8', '#e45756'] },
      },
      order: { field: 'part', sort: 'ascending' },
    },
  };
  return renderSvg(spec);
}
