/**
 * `schedacct/export`: views of a run. The {@link Timeline} every view reads (from a replay or a simulation), and SVG
 * charts of it drawn in Node by Vega-Lite (a per-CPU timeline with steal, charged and stolen time per task, the
 * scheduling-delay CDF, a sweep's metric with its 95 % bands). Runtime-neutral; Vega loads on the first chart.
 * @packageDocumentation
 */
export { cpuTimelineSvg, taskBarsSvg } from './export/charts.js';
export { delayCdfSvg } from './export/charts-cdf.js';
export { sweepSvg } from './export/charts-sweep.js';
export type { CpuTimelineOptions, TaskChartOptions } from './export/charts.js';
export type { SweepChartOptions } from './export/charts-sweep.js';
export type {
  Timeline,
  TimelineAnomaly,
  TimelineInterval,
  TimelineSlice,
  TimelineSource,
  TimelineTask,
} from './export/timeline.js';
