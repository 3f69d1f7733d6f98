/**
 * The HTML reports of a replay, of a simulation (one run, or runs side by side) and of a sweep: the summary tables
 * and the charts, in one self-contained page each ({@link htmlReport}).
 * @module
 */
import { argError, checkOptions } from '../check.js';
import { fairness } from '../sim/metrics.js';
import { checkRun, describeHost, describeScenario, type ReportedRun } from '../sim/report.js';
import { checkTimeline } from './charts-bars.js';
import { delayCdfSvg } from './charts-cdf.js';
import { cpuTimelineSvg, taskBarsSvg, type CpuTimelineOptions } from './charts.js';
import { htmlReport, type HtmlSection, type HtmlTable } from './html.js';
import type { Timeline } from './timeline.js';

// Array.isArray would narrow a typed array parameter to any[].
const isArray = (value: unknown): boolean => Array.isArray(value);
const ms = (ns: number): string => (ns / 1e6).toFixed(3);
const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '0.0 %');

/** Options of {@link replayReport} and of each run in {@link simulationReport}. */
export interface RunReportOptions {
  /** Lines under the title (the command line, the trace's malformed lines). */
  readonly notes?: readonly string[];
  /** The CPU timeline's window and bounds. */
  readonly timeline?: CpuTimelineOptions;
}

/** Task rows at most in a replay's table. */
const MAX_TASK_ROWS = 500;

// Per task of a timeline: its totals from the ledger, and its delays from its slices.
function taskTable(timeline: Timeline): HtmlTable {
  const delays = new Map<number, { sum: number; max: number; n: number }>();
  for (const s of timeline.slices) {
    const d = delays.get(s.tid) ?? { sum: 0, max: 0, n: 0 };
    d.sum += s.delayNs;
    d.max = Math.max(d.max, s.delayNs);
    d.n += 1;
    delays.set(s.tid, d);
  }
  // A trace of a busy machine has many thousands of tasks: the table lists those with the most run time.
  const listed =
    timeline.tasks.length <= MAX_TASK_ROWS
      ? timeline.tasks
      : [...timeline.tasks]
          .sort((a, b) => b.runNs - a.runNs || a.tid - b.tid)
          .slice(0, MAX_TASK_ROWS)
          .sort((a, b) => a.tid - b.tid);
  const rows = listed.map((t) => {
    const d = delays.get(t.tid);
    const avg = d === undefined || d.n === 0 ? 0 : d.sum / d.n;
    return [
      t.name,
      t.tid,
      t.slices,
      ms(t.runNs),
      ms(t.chargedNs),
      ms(t.stolenNs),
      pct(t.stolenNs, t.runNs),
      ms(avg),
      ms(d?.max ?? 0),
    ];
  });
  const total = (key: 'runNs' | 'chargedNs' | 'stolenNs') => timeline.tasks.reduce((a, t) => a + t[key], 0);
  const slices = timeline.tasks.reduce((a, t) => a + t.slices, 0);
  rows.push([
    'total',
    '',
    slices,
    ms(total('runNs')),
    ms(total('chargedNs')),
    ms(total('stolenNs')),
    pct(total('stolenNs'), total('runNs')),
    '',
    '',
  ]);
  const head = [
    'task',
    'tid',
    'switches',
    'run ms',
    'charged ms',
    'stolen ms',
    'stolen',
    'delay avg ms',
    'delay max ms',
  ];
  const more = timeline.tasks.length - listed.length;
  const caption = `Per task (totals from the ledger)${more > 0 ? `: the ${String(listed.length)} with the most run time; ${String(more)} more in the total` : ''}`;
  return { caption, head, rows };
}

// The anomalies by code, then the first few with their details.
function anomalyTables(timeline: Timeline): HtmlTable[] {
  if (timeline.anomalies.length === 0) return [];
  const counts = new Map<string, number>();
  for (const a of timeline.anomalies) counts.set(a.code, (counts.get(a.code) ?? 0) + 1);
  const first = timeline.anomalies.slice(0, 20).map((a) => [ms(a.timeNs), a.code, a.cpu ?? '', a.tid ?? '', a.message]);
  return [
    { caption: 'Anomalies', head: ['code', 'count'], rows: [...counts].sort((x, y) => (x[0] < y[0] ? -1 : 1)) },
    { caption: `The first ${String(first.length)}`, head: ['ms', 'code', 'cpu', 'tid', 'what'], rows: first },
  ];
}

// The three charts of a run, in the order a reader wants them: where time went, to whom, how long they waited.
async function runCharts(timeline: Timeline, options: CpuTimelineOptions | undefined): Promise<string[]> {
  return [await cpuTimelineSvg(timeline, options), await taskBarsSvg(timeline), await delayCdfSvg(timeline)];
}

/**
 * The HTML report of a replay: the per-task summary (switches, run, charged and stolen time, delay), the anomalies,
 * and the CPU timeline, the per-task bars and the delay CDF.
 * @param timeline - the replay's timeline
 * @param options - notes and the timeline's window, see {@link RunReportOptions}
 * @returns the page's text
 * @throws {@link SchedacctError} `invalid-argument` for a timeline that is not one, or options that are not an object
 * @example
 * ```ts
 * const task = { tid: 7, name: 'app', runNs: 2_000_000, chargedNs: 1_500_000, stolenNs: 500_000, slices: 1 };
 * const slice = { cpu: 0, tid: 7, name: 'app', startNs: 0, endNs: 2_000_000, stolenNs: 500_000, delayNs: 0, state: 'R' };
 * const timeline = { source: 'replay', title: 'trace.txt', cpus: 1, startNs: 0, endNs: 2_000_000, slices: [slice], steal: [], tasks: [task], anomalies: [] } as const;
 * (await replayReport(timeline)).includes('<td>app</td>'); // true
 * ```
 */
export async function replayReport(timeline: Timeline, options?: RunReportOptions): Promise<string> {
  checkTimeline(timeline);
  checkOptions('options', options);
  const span = `${ms(timeline.endNs - timeline.startNs)} ms on ${String(timeline.cpus)} CPUs, ${String(timeline.slices.length)} slices, ${String(timeline.tasks.length)} tasks`;
  const section: HtmlSection = {
    heading: 'Summary',
    notes: [span],
    tables: [taskTable(timeline), ...anomalyTables(timeline)],
    charts: await runCharts(timeline, options?.timeline),
  };
  return htmlReport({ title: `schedacct replay: ${timeline.title}`, notes: options?.notes ?? [], sections: [section] });
}

/** A simulation's run as {@link simulationReport} takes it. */
export interface SimulationReportRun extends ReportedRun {
  /** Its name (`accounting drop`); the scenario's description when absent. */
  readonly label?: string;
  /** Its timeline, for the charts; without one, the tables only. */
  readonly timeline?: Timeline;
}

function simTables(run: ReportedRun): HtmlTable[] {
  const { result, metrics } = run;
  const tasks = result.tasks.map((t) => {
    const d = metrics.task(t.tid)?.delay.summary();
    const stolen = Math.max(0, t.totals.runNs - t.realNs);
    return [
      t.name,
      t.tid,
      t.nice,
      metrics.task(t.tid)?.switches ?? 0,
      ms(t.totals.runNs),
      ms(t.realNs),
      ms(stolen),
      ms(t.totals.chargedNs),
      ms(d?.p50Ns ?? 0),
      ms(d?.p99Ns ?? 0),
      ms(d?.maxNs ?? 0),
      t.migrations,
    ];
  });
  const vcpus = result.vcpus.map((v) => [
    v.vcpu,
    ms(v.busyNs),
    ms(v.idleNs),
    ms(v.stolenNs),
    pct(v.stolenNs, result.elapsedNs),
    ms(v.pausedNs),
  ]);
  const f = fairness(result);
  const d = metrics.all.summary();
  return [
    {
      caption: 'Per task (real CPU: run time less what the host really stole)',
      head: [
        'task',
        'tid',
        'nice',
        'switches',
        'run ms',
        'real CPU ms',
        'stolen ms',
        'charged ms',
        'delay p50 ms',
        'delay p99 ms',
        'delay max ms',
        'migrations',
      ],
      rows: tasks,
    },
    {
      caption: 'Per vCPU (host time)',
      head: ['vcpu', 'busy ms', 'idle ms', 'stolen ms', 'stolen', 'paused ms'],
      rows: vcpus,
    },
    {
      caption: "Fairness (Jain's index, 1 = fair) and delay, all tasks",
      head: ['jain charged', 'jain real', 'delay p50 ms', 'delay p99 ms', 'delay max ms'],
      rows: [[f.jainCharged.toFixed(4), f.jainReal.toFixed(4), ms(d.p50Ns), ms(d.p99Ns), ms(d.maxNs)]],
    },
  ];
}

/**
 * The HTML report of a simulation: per run (one, or the default comparison's runs side by side as sections) the
 * per-task and per-vCPU tables and fairness, and, with its timeline, the charts.
 * @param runs - the runs with their metrics, labels and timelines
 * @param options - notes and the timeline's window, see {@link RunReportOptions}
 * @returns the page's text
 * @throws {@link SchedacctError} `invalid-argument` for no runs, a run without its result and metrics, or a timeline
 *   that is not one
 * @example
 * ```ts
 * const scenario = resolveScenario({ durationMs: 10, tasks: [{ name: 'hog', workload: { kind: 'cpu' } }] });
 * const metrics = new SimMetrics();
 * const result = simulate(scenario, { observer: metrics });
 * (await simulationReport([{ label: 'accounting drop', result, metrics }])).includes('<td>hog</td>'); // true
 * ```
 */
export async function simulationReport(
  runs: readonly SimulationReportRun[],
  options?: RunReportOptions,
): Promise<string> {
  if (!isArray(runs) || runs.length === 0)
    throw argError('invalid-argument', 'runs', 'a non-empty array of runs with their metrics', runs);
  checkOptions('options', options);
  const sections: HtmlSection[] = [];
  // side by side, a timeline as wide as one run's column, so its labels stay readable
  const timelineOptions = runs.length > 1 ? { widthPx: 520, ...options?.timeline } : options?.timeline;
  for (const [i, run] of runs.entries()) {
    const value: unknown = run; // checked as unknown: asserting on `run` would narrow it to a bare ReportedRun
    checkRun(`runs[${String(i)}]`, value);
    if (run.timeline !== undefined) checkTimeline(run.timeline);
    const scenario = describeScenario(run.result.scenario);
    const host = describeHost(run.result.scenario);
    sections.push({
      heading: run.label ?? scenario,
      notes: [scenario, ...(host === undefined ? [] : [host]), `${String(run.result.events)} scheduling events`],
      tables: simTables(run),
      charts: run.timeline === undefined ? [] : await runCharts(run.timeline, timelineOptions),
    });
  }
  const title =
    runs.length === 1
      ? 'schedacct simulate'
      : `schedacct simulate: ${runs.map((r, i) => r.label ?? `run ${String(i)}`).join(' against ')}`;
  return htmlReport({ title, notes: options?.notes ?? [], sections, sideBySide: runs.length > 1 });
}
