/**
 * A sweep as a chart: a metric against the swept parameter, a line per value of another (the policy, the accounting),
 * each with its 95 % band over the seeds.
 * @module
 */
import { argError, checkOneOf, checkOptions, checkString } from '../check.js';
import { meanInterval, ROW_FIGURES, type RunFigures, type RunRow } from '../sim/report-rows.js';
import { renderSvg, type ChartSpec } from './charts-render.js';

/** What {@link sweepSvg} draws. */
export interface SweepChartOptions {
  /** The swept path on the x axis (a key of the rows' `values`, e.g. `host.steal.0.fraction`). */
  readonly parameter: string;
  /** The figure on the y axis (ns figures are drawn in ms). */
  readonly metric: keyof RunFigures;
  /** Another swept path: a line per value of it. Default: one line. */
  readonly by?: string;
  /** Plot width, px. Default 420 (two charts side by side in a report). */
  readonly widthPx?: number;
}

interface SweepPoint {
  readonly line: string;
  readonly x: number | string;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly runs: number;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

// Runs grouped by line and x (the runs that differ by seed only), each group's mean and 95 % interval.
function points(rows: readonly RunRow[], o: SweepChartOptions, scale: number): SweepPoint[] {
  const groups = new Map<string, { line: string; x: unknown; values: number[] }>();
  for (const r of rows) {
    const x = r.values[o.parameter];
    const line = o.by === undefined ? o.metric : text(r.values[o.by]);
    const key = JSON.stringify([line, x]);
    const group = groups.get(key) ?? { line, x, values: [] };
    group.values.push(r[o.metric] / scale);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => {
    const { mean, halfWidth } = meanInterval(g.values);
    const x = typeof g.x === 'number' ? g.x : text(g.x);
    return { line: g.line, x, mean, low: mean - halfWidth, high: mean + halfWidth, runs: g.values.length };
  });
}

function checkSweep(rows: unknown, options: unknown): asserts options is SweepChartOptions {
  if (!Array.isArray(rows) || rows.length === 0)
    throw argError('invalid-argument', 'rows', 'a non-empty array of run rows', rows);
  checkOptions('options', options);
  const o = (options ?? {}) as Partial<SweepChartOptions>;
  checkString('options.parameter', o.parameter);
  checkOneOf('options.metric', o.metric, ROW_FIGURES);
  if (o.by !== undefined) checkString('options.by', o.by);
  for (const [i, r] of (rows as RunRow[]).entries()) {
    const values: unknown = (r as Partial<RunRow> | null)?.values;
    if (typeof values !== 'object' || values === null)
      throw argError('invalid-argument', `rows[${String(i)}].values`, 'the swept values', values);
    for (const path of [o.parameter, o.by])
      if (path !== undefined && !(path in values))
        throw argError(
          'invalid-argument',
          `rows[${String(i)}].values`,
          `values with the swept path ${path}`,
          values,
          'is it swept?',
        );
    if (typeof r[o.metric] !== 'number')
      throw argError('invalid-argument', `rows[${String(i)}].${o.metric}`, 'a number', r[o.metric]);
  }
}

/**
 * A sweep: the metric's mean against the swept parameter, a line per value of `by`, with the 95 % band over the runs
 * that differ only by seed (Student's t, as `rowsTable` prints it; no band for one run).
 * @param rows - the runs' rows (`simulate --sweep … --format jsonl` prints them)
 * @param options - the parameter, the metric and the lines, see {@link SweepChartOptions}
 * @returns the SVG document's text
 * @throws {@link SchedacctError} `invalid-argument` for no rows, a metric that is not a row figure, or a path the rows
 *   were not swept over
 * @example
 * ```ts
 * const figures = { jainCharged: 1, jainReal: 0.5, delayP50Ns: 0, delayP99Ns: 0, delayMaxNs: 0, stolenNs: 0, accountedStealNs: 0, runNs: 0, chargedNs: 0, realNs: 0, busyNs: 0, idleNs: 0, pausedNs: 0, events: 0 };
 * const row = (index: number, seed: number, fraction: number) => ({ experiment: 'e', runs: 4, index, id: `r${String(index)}`, seed, values: { fraction }, ...figures, jainReal: fraction });
 * const rows = [row(0, 1, 0.1), row(1, 2, 0.1), row(2, 1, 0.3), row(3, 2, 0.3)];
 * (await sweepSvg(rows, { parameter: 'fraction', metric: 'jainReal' })).startsWith('<svg'); // true
 * ```
 */
export async function sweepSvg(rows: readonly RunRow[], options: SweepChartOptions): Promise<string> {
  checkSweep(rows, options);
  const ns = options.metric.endsWith('Ns');
  const data = points(rows, options, ns ? 1e6 : 1);
  const numeric = data.every((p) => typeof p.x === 'number');
  const x = { field: 'x', type: numeric ? ('quantitative' as const) : ('ordinal' as const), title: options.parameter };
  const color = { field: 'line', type: 'nominal' as const, title: options.by ?? null, scale: { scheme: 'category10' } };
  const title = `${options.metric}${ns ? ' (ms)' : ''}`;
  const spec: ChartSpec = {
    title: {
      text: `${title} against ${options.parameter}`,
      subtitle: `mean over seeds with its 95 % interval (band); ${String(rows.length)} runs`,
    },
    width: options.widthPx ?? 420,
    height: 300,
    data: { values: data },
    // the lines first: the legend takes its swatches from the first layer (the band's would be pale, unlabelled)
    layer: [
      {
        name: 'lines',
        mark: { type: 'line', point: true, aria: false },
        encoding: { x, y: { field: 'mean', type: 'quantitative', title, scale: { zero: false } }, color },
      },
      {
        name: 'band',
        mark: { type: 'area', opacity: 0.2, aria: false },
        encoding: { x, y: { field: 'low', type: 'quantitative', title }, y2: { field: 'high' }, color },
      },
    ],
  };
  return renderSvg(spec);
}
