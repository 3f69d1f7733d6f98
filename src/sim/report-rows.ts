/**
 * An experiment's output: one row per run (CSV, JSON lines), or a text table that groups the runs differing only by
 * seed, with the mean and a 95 % interval (Student's t) in each cell.
 * @module
 */
import { argError, checkFinite, checkObject, checkString, checkWhole } from '../check.js';
import { fairness } from './metrics.js';
import { checkRun, csvField, type ReportedRun } from './report.js';

/** Which run of which experiment a row is. */
export interface RunPlace {
  /** The experiment's id (the same for every run and shard of it). */
  readonly experiment: string;
  /** Runs in the whole experiment (all shards). */
  readonly runs: number;
  /** This run's index, from 0. */
  readonly index: number;
  /** Its id. */
  readonly id: string;
  /** Its seed. */
  readonly seed: number;
  /** Its swept values by path, in the order of the sweeps. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** The figures of one run a row carries. */
export interface RunFigures {
  /** Jain's index over charged time per weight. */
  readonly jainCharged: number;
  /** Jain's index over real CPU per weight. */
  readonly jainReal: number;
  /** Scheduling delay over all tasks, median, ns. */
  readonly delayP50Ns: number;
  /** Its 99th percentile, ns. */
  readonly delayP99Ns: number;
  /** Its maximum, ns. */
  readonly delayMaxNs: number;
  /** Host time stolen, all vCPUs, ns. */
  readonly stolenNs: number;
  /** Steal the guest subtracted from its tasks (the ledger's stolenNs), ns. */
  readonly accountedStealNs: number;
  /** Wall run time of all tasks, ns. */
  readonly runNs: number;
  /** Charged time of all tasks, ns. */
  readonly chargedNs: number;
  /** Real CPU of all tasks, ns. */
  readonly realNs: number;
  /** vCPU time busy, all vCPUs, ns. */
  readonly busyNs: number;
  /** vCPU time idle, ns. */
  readonly idleNs: number;
  /** vCPU time paused (whole-VM pauses), ns. */
  readonly pausedNs: number;
  /** Scheduling events processed. */
  readonly events: number;
}

/** One run's row. */
export type RunRow = RunPlace & RunFigures;

/**
 * The figures of a row, in column order.
 * @example
 * ```ts
 * ROW_FIGURES.slice(0, 2); // ['jainCharged', 'jainReal']
 * ```
 */
export const ROW_FIGURES: readonly (keyof RunFigures)[] = [
  'jainCharged',
  'jainReal',
  'delayP50Ns',
  'delayP99Ns',
  'delayMaxNs',
  'stolenNs',
  'accountedStealNs',
  'runNs',
  'chargedNs',
  'realNs',
  'busyNs',
  'idleNs',
  'pausedNs',
  'events',
];

// Array.isArray would narrow a typed array parameter to any[].
function checkArray(param: string, value: unknown, expected: string): void {
  if (!Array.isArray(value)) throw argError('invalid-argument', param, expected, value);
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

// Which run a row is: its experiment and id as text, its counts whole, its swept values an object.
function checkPlace(param: string, place: unknown): asserts place is RunPlace {
  checkObject(param, place);
  const p = place as Partial<Record<keyof RunPlace, unknown>>;
  checkString(`${param}.experiment`, p.experiment);
  checkWhole(`${param}.runs`, p.runs, 1);
  checkWhole(`${param}.index`, p.index);
  checkString(`${param}.id`, p.id);
  checkWhole(`${param}.seed`, p.seed);
  checkObject(`${param}.values`, p.values);
}

/**
 * A run's row.
 * @param place - which run it is
 * @param run - its result and metrics
 * @returns the row
 * @throws {@link SchedacctError} `invalid-argument` (or `out-of-range`) naming a field of the place that is wrong, or a run
 *   that is not a result with its metrics
 * @example
 * ```ts
 * const metrics = new SimMetrics();
 * const result = { tasks: [], vcpus: [{ vcpu: 0, busyNs: 5, idleNs: 3, stolenNs: 2, pausedNs: 0 }], events: 9 } as never;
 * const place = { experiment: 'e1', runs: 1, index: 0, id: 'run-0', seed: 1, values: {} };
 * runRow(place, { result, metrics }).stolenNs; // 2
 * ```
 */
export function runRow(place: RunPlace, run: ReportedRun): RunRow {
  checkPlace('place', place);
  checkRun('run', run);
  const { result, metrics } = run;
  const f = fairness(result);
  const d = metrics.all.summary();
  const tasks = result.tasks;
  const vcpus = result.vcpus;
  return {
    experiment: place.experiment,
    runs: place.runs,
    index: place.index,
    id: place.id,
    seed: place.seed,
    values: place.values,
    jainCharged: f.jainCharged,
    jainReal: f.jainReal,
    delayP50Ns: d.p50Ns,
    delayP99Ns: d.p99Ns,
    delayMaxNs: d.maxNs,
    stolenNs: sum(vcpus.map((v) => v.stolenNs)),
    accountedStealNs: sum(tasks.map((t) => t.totals.stolenNs)),
    runNs: sum(tasks.map((t) => t.totals.runNs)),
    chargedNs: sum(tasks.map((t) => t.totals.chargedNs)),
    realNs: sum(tasks.map((t) => t.realNs)),
    busyNs: sum(vcpus.map((v) => v.busyNs)),
    idleNs: sum(vcpus.map((v) => v.idleNs)),
    pausedNs: sum(vcpus.map((v) => v.pausedNs)),
    events: result.events,
  };
}

/**
 * The CSV header of rows with these swept paths.
 * @param paths - the swept paths
 * @returns the header line
 * @throws {@link SchedacctError} `invalid-argument` for paths that are not strings
 * @example
 * ```ts
 * rowsCsvHeader(['accounting']).split(',').slice(0, 5); // ['index', 'id', 'seed', 'accounting', 'jainCharged']
 * ```
 */
export function rowsCsvHeader(paths: readonly string[]): string {
  checkArray('paths', paths, 'an array of strings');
  for (const [i, p] of paths.entries()) checkString(`paths[${String(i)}]`, p);
  return ['index', 'id', 'seed', ...paths, ...ROW_FIGURES].map(csvField).join(',');
}

/**
 * A row as CSV, its swept values in the columns of `paths`.
 * @param row - the row
 * @param paths - the swept paths, as in the header
 * @returns the line
 * @throws {@link SchedacctError} `invalid-argument` (or `out-of-range`) naming a field of the row that is wrong, or paths
 *   that are not strings
 * @example
 * ```ts
 * const figures = { jainCharged: 1, jainReal: 0.5, delayP50Ns: 0, delayP99Ns: 0, delayMaxNs: 0, stolenNs: 0, accountedStealNs: 0, runNs: 0, chargedNs: 0, realNs: 0, busyNs: 0, idleNs: 0, pausedNs: 0, events: 0 };
 * const row = { experiment: 'e', runs: 1, index: 0, id: 'r0', seed: 1, values: { accounting: 'none' }, ...figures };
 * rowCsv(row, ['accounting']).split(',').slice(0, 6); // ['0', 'r0', '1', 'none', '1', '0.5']
 * ```
 */
export function rowCsv(row: RunRow, paths: readonly string[]): string {
  checkPlace('row', row);
  for (const f of ROW_FIGURES) checkFinite(`row.${f}`, row[f]);
  checkArray('paths', paths, 'an array of strings');
  for (const [i, p] of paths.entries()) checkString(`paths[${String(i)}]`, p);
  const cells: unknown[] = [
    row.index,
    row.id,
    row.seed,
    ...paths.map((p) => row.values[p] ?? ''),
    ...ROW_FIGURES.map((f) => row[f]),
  ];
  return cells.map(csvField).join(',');
}

// Student's t, 97.5th percentile, for 1 … 30 degrees of freedom (the two-sided 95 % interval).
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * Student's t for a two-sided 95 % interval: the table to 30 degrees of freedom, Cornish–Fisher's expansion beyond
 * (within 0.001 of the exact value there).
 * @param df - degrees of freedom, ≥ 1
 * @returns t₀.₉₇₅(df)
 * @throws {@link SchedacctError} `invalid-argument` for a df that is not a whole number ≥ 1
 * @example
 * ```ts
 * studentT975(1); // 12.706
 * studentT975(1000).toFixed(3); // '1.962'
 * ```
 */
export function studentT975(df: number): number {
  checkWhole('df', df, 1);
  const tabled = T975[df - 1];
  if (tabled !== undefined) return tabled;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

/** A mean with its 95 % interval. */
export interface MeanInterval {
  /** The mean. */
  readonly mean: number;
  /** Half the interval's width (the interval is mean ± halfWidth). */
  readonly halfWidth: number;
}

/**
 * The mean and the half-width of its 95 % interval (Student's t; 0 for one value).
 * @param values - one or more samples
 * @returns the mean and the half-width
 * @throws {@link SchedacctError} `invalid-argument` for no values
 * @example
 * ```ts
 * meanInterval([1, 2, 3]); // { mean: 2, halfWidth: 2.484 }: t(2) · 1/√3
 * ```
 */
export function meanInterval(values: readonly number[]): MeanInterval {
  checkArray('values', values, 'a non-empty array of numbers');
  if (values.length === 0) throw argError('invalid-argument', 'values', 'a non-empty array of numbers', values);
  const n = values.length;
  const mean = sum(values) / n;
  if (n === 1) return { mean, halfWidth: 0 };
  const variance = sum(values.map((v) => (v - mean) ** 2)) / (n - 1);
  return { mean, halfWidth: studentT975(n - 1) * Math.sqrt(variance / n) };
}

// The figures of the table of means: which, its head, how to print a value.
const TABLE: readonly (readonly [keyof RunFigures, string, (v: number) => string])[] = [
  ['jainCharged', 'jain charged', (v) => v.toFixed(4)],
  ['jainReal', 'jain real', (v) => v.toFixed(4)],
  ['delayP50Ns', 'delay p50 ms', (v) => (v / 1e6).toFixed(3)],
  ['delayP99Ns', 'delay p99 ms', (v) => (v / 1e6).toFixed(3)],
  ['delayMaxNs', 'delay max ms', (v) => (v / 1e6).toFixed(3)],
  ['stolenNs', 'stolen ms', (v) => (v / 1e6).toFixed(3)],
];

/**
 * The figures of an experiment's table of means (the terminal's table and the HTML report's read the same list).
 * @returns each figure: which, its head, how to print a value
 * @internal
 */
export function tableColumns(): readonly (readonly [keyof RunFigures, string, (v: number) => string])[] {
  return TABLE;
}

/**
 * The text table of an experiment: one line per point (runs that differ only by seed grouped), the swept values,
 * the number of runs, then per figure the mean and, with two or more runs, ± the half-width of its 95 % interval.
 * @param rows - the runs' rows, in run order
 * @returns the lines
 * @throws {@link SchedacctError} `invalid-argument` for rows that are not an array
 * @example
 * ```ts
 * const figures = { jainCharged: 1, jainReal: 0.5, delayP50Ns: 0, delayP99Ns: 0, delayMaxNs: 0, stolenNs: 0, accountedStealNs: 0, runNs: 0, chargedNs: 0, realNs: 0, busyNs: 0, idleNs: 0, pausedNs: 0, events: 0 };
 * const row = (index: number, seed: number) => ({ experiment: 'e', runs: 2, index, id: `r${index}`, seed, values: { accounting: 'none' }, ...figures });
 * rowsTable([row(0, 1), row(1, 2)])[2]?.includes('0.5000 ± 0.0000'); // true
 * ```
 */
export function rowsTable(rows: readonly RunRow[]): string[] {
  checkArray('rows', rows, 'an array of rows');
  const paths = rows.length === 0 ? [] : Object.keys((rows[0] as RunRow).values);
  const groups = new Map<string, RunRow[]>();
  for (const r of rows) {
    const key = JSON.stringify(paths.map((p) => r.values[p]));
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [r]);
    else group.push(r);
  }
  const cells: string[][] = [[...paths, 'runs', ...TABLE.map(([, head]) => head)]];
  for (const group of groups.values()) {
    const first = group[0] as RunRow;
    const values = paths.map((p) => {
      const v = first.values[p];
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
    const figures = TABLE.map(([key, , show]) => {
      const { mean, halfWidth } = meanInterval(group.map((r) => r[key]));
      return group.length === 1 ? show(mean) : `${show(mean)} ± ${show(halfWidth)}`;
    });
    cells.push([...values, String(group.length), ...figures]);
  }
  const widths = (cells[0] as string[]).map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const line = (row: readonly string[]) => row.map((cell, c) => cell.padStart(widths[c] ?? 0)).join('  ');
  return [line(cells[0] as string[]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
}
