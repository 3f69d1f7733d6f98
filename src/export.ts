/**
 * Views of a run: the Timeline, Perfetto and ftrace exports, SVG charts, HTML reports.
 *
 * `schedacct/export`: views of a run. The {@link Timeline} every view reads (from a replay or a simulation), and SVG
 * charts of it drawn in Node by Vega-Lite (a per-CPU timeline with steal, charged and stolen time per task, the
 * scheduling-delay CDF, a sweep's metric with its 95 % bands), and self-contained HTML reports of a replay, a
 * simulation or a sweep. Runtime-neutral; Vega loads on the first chart.
 * @module schedacct/export
 */
export { ReplayTimeline, timelineFromTrace } from './export/timeline-replay.js';
export type { TimelineFromTraceOptions, TraceTimeline } from './export/timeline-replay.js';
export { SimTimeline } from './export/timeline-sim.js';
export { CPU_PID_BASE, perfettoJson, writePerfettoJson } from './export/perfetto.js';
export { writeTimelineFtrace } from './export/ftrace.js';
export type { SimTimelineOptions } from './export/timeline-sim.js';
export { cpuTimelineSvg, taskBarsSvg } from './export/charts.js';
export { delayCdfSvg } from './export/charts-cdf.js';
export { sweepSvg } from './export/charts-sweep.js';
export { escapeHtml, htmlReport } from './export/html.js';
export { replayReport, simulationReport } from './export/html-reports.js';
export { sweepReport } from './export/html-sweep.js';
export { SchedacctError } from './errors.js';
export type { CpuTimelineOptions, TaskChartOptions } from './export/charts.js';
export type { SweepChartOptions } from './export/charts-sweep.js';
export type { HtmlReportInput, HtmlSection, HtmlTable } from './export/html.js';
export type { RunReportOptions, SimulationReportRun } from './export/html-reports.js';
export type { SweepReportOptions } from './export/html-sweep.js';
export type {
  Timeline,
  TimelineAnomaly,
  TimelineInterval,
  TimelineSlice,
  TimelineSource,
  TimelineTask,
} from './export/timeline.js';
