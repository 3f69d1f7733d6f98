/**
 * The HTML report of a sweep: the table of means with their 95 % intervals, and the swept parameter against the
 * figures that matter, a line per value of the other swept path.
 * @module
 */
import { argError, checkOptions } from '../check.js';
import { meanInterval, tableColumns, type RunFigures, type RunRow } from '../sim/report-rows.js';
import { sweepSvg } from './charts-sweep.js';
import { htmlReport, type HtmlTable } from './html.js';

/** Options of {@link sweepReport}. */
export interface SweepReportOptions {
  /** The swept path on the x axis. Default: the first swept path with more than one value (a numeric one first), other than `by`. */
  readonly parameter?: string;
  /** A line per value of this path. Default: another swept path with more than one value, if any. */
  readonly by?: string;
  /** The figures charted. Default: jainCharged, jainReal, delayP99Ns, accountedStealNs. */
  readonly metrics?: readonly (keyof RunFigures)[];
  /** Lines under the title (the command line). */
  readonly notes?: readonly string[];
}

// The columns of the table, as rowsTable prints them: what, its head, how to print it.
// Array.isArray would narrow a typed array parameter to any[].
const isArray = (value: unknown): boolean => Array.isArray(value);

const COLUMNS: readonly (readonly [keyof RunFigures, string, (v: number) => string])[] = [
  ...tableColumns(),
  ['accountedStealNs', 'accounted steal ms', (v) => (v / 1e6).toFixed(3)],
];

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

// One line per point: the runs that differ only by seed, each figure's mean ± the half-width of its 95 % interval.
function meansTable(rows: readonly RunRow[], paths: readonly string[]): HtmlTable {
  const groups = new Map<string, RunRow[]>();
  for (const r of rows) {
    const key = JSON.stringify(paths.map((p) => r.values[p]));
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const body = [...groups.values()].map((group) => {
    const first = group[0] as RunRow;
    const figures = COLUMNS.map(([key, , show]) => {
      const { mean, halfWidth } = meanInterval(group.map((r) => r[key]));
      return group.length === 1 ? show(mean) : `${show(mean)} ± ${show(halfWidth)}`;
    });
    return [...paths.map((p) => text(first.values[p])), group.length, ...figures];
  });
  return {
    caption: 'Means over seeds, ± the half-width of the 95 % interval (Student’s t)',
    head: [...paths, 'runs', ...COLUMNS.map(([, head]) => head)],
    rows: body,
  };
}

// The swept paths whose values differ among the rows, in sweep order.
function varying(rows: readonly RunRow[], paths: readonly string[]): string[] {
  return paths.filter((p) => new Set(rows.map((r) => JSON.stringify(r.values[p]))).size > 1);
}

/**
 * The HTML report of a sweep: the table of means with 95 % intervals (as `rowsTable` prints), and per figure a chart
 * of it against the swept parameter, a line per value of `by` with its band.
 * @param rows - the runs' rows (`simulate --sweep … --format jsonl` prints them)
 * @param options - the axes and figures, see {@link SweepReportOptions}
 * @returns the page's text
 * @throws {@link SchedacctError} `invalid-argument` for no rows, or a parameter or figure the rows do not have
 * @example
 * ```ts
 * const figures = { jainCharged: 1, jainReal: 0.5, delayP50Ns: 0, delayP99Ns: 0, delayMaxNs: 0, stolenNs: 0, accountedStealNs: 0, runNs: 0, chargedNs: 0, realNs: 0, busyNs: 0, idleNs: 0, pausedNs: 0, events: 0 };
 * const row = (index: number, share: number) => ({ experiment: 'e', runs: 2, index, id: `r${String(index)}`, seed: 1, values: { share }, ...figures });
 * (await sweepReport([row(0, 0.1), row(1, 0.3)])).includes('<th>share</th>'); // true
 * ```
 */
export async function sweepReport(rows: readonly RunRow[], options?: SweepReportOptions): Promise<string> {
  if (!isArray(rows) || rows.length === 0)
    throw argError('invalid-argument', 'rows', 'a non-empty array of run rows', rows);
  checkOptions('options', options);
  const o = options ?? {};
  const paths = Object.keys((rows[0] as RunRow).values);
  const moving = varying(rows, paths);
  // A numeric path reads best along x; the other (a policy, an accounting) as lines.
  const numeric = moving.filter((p) => p !== o.by && rows.every((r) => typeof r.values[p] === 'number'));
  const parameter = o.parameter ?? numeric[0] ?? moving.find((p) => p !== o.by) ?? paths[0];
  const by = o.by ?? moving.find((p) => p !== parameter);
  const metrics = o.metrics ?? ['jainCharged', 'jainReal', 'delayP99Ns', 'accountedStealNs'];
  const charts =
    parameter === undefined
      ? []
      : await Promise.all(
          metrics.map((metric) => sweepSvg(rows, { parameter, metric, ...(by === undefined ? {} : { by }) })),
        );
  const seeds = new Set(rows.map((r) => r.seed)).size;
  const experiment = (rows[0] as RunRow).experiment;
  return htmlReport({
    title: `schedacct simulate: sweep of ${paths.join(', ') || 'no path'}`,
    notes: [
      `experiment ${experiment}: ${String(rows.length)} runs over ${String(seeds)} seeds`,
      ...(parameter === undefined ? ['nothing swept: no chart'] : []),
      ...(o.notes ?? []),
    ],
    sections: [{ heading: 'Means with 95 % intervals', tables: [meansTable(rows, paths)], charts }],
  });
}
