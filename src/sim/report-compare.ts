/**
 * Runs side by side (the embedded default: accounting `none` against `drop`), with a verdict computed from the
 * numbers.
 * @module
 */
import { argError } from '../check.js';
import { msec } from '../trace/report.js';
import { fairness } from './metrics.js';
import { describeHost, describeScenario, type ReportedRun } from './report.js';

/** A run with the name its column carries. */
export interface LabelledRun extends ReportedRun {
  /** The column's head, e.g. `accounting none`. */
  readonly label: string;
}

function checkRuns(runs: unknown): asserts runs is readonly LabelledRun[] {
  if (!Array.isArray(runs) || runs.length < 2)
    throw argError('invalid-argument', 'runs', 'an array of two or more labelled runs', runs);
  for (const [i, r] of (runs as unknown[]).entries()) {
    const run = r as Partial<LabelledRun> | null;
    if (typeof run !== 'object' || run === null || typeof run.label !== 'string' || typeof run.result !== 'object')
      throw argError('invalid-argument', `runs[${String(i)}]`, 'a run with its label, result and metrics', r);
  }
}

const WIDTH = 20;
const cell = (text: string): string => text.padStart(WIDTH);

/**
 * The verdict on runs side by side: which keeps real CPU per weight fairest, and what the least fair one did to its
 * most starved task.
 * @param runs - two or more labelled runs
 * @returns one line
 * @throws {@link SchedacctError} `invalid-argument` for fewer than two runs or a run without its label
 * @example
 * ```ts
 * const run = (label: string, real: number[]) => ({
 *   label,
 *   metrics: new SimMetrics(),
 *   result: { tasks: real.map((realNs, i) => ({ name: 'hog', tid: 1000 + i, weight: 1024, realNs, totals: { chargedNs: 1e9 } })) },
 * }) as never;
 * verdict([run('accounting none', [3336e6, 3332e6, 333e6]), run('accounting drop', [2334e6, 2333e6, 2334e6])]);
 * // 'verdict: accounting drop keeps real CPU per weight fair (Jain 1.0000); accounting none does not (Jain 0.7313): hog[1002] got 333.000 msec of real CPU against 3334.000 on average for the others'
 * ```
 */
export function verdict(runs: readonly LabelledRun[]): string {
  checkRuns(runs);
  const scored = runs.map((r) => ({ run: r, jain: fairness(r.result).jainReal }));
  const best = scored.reduce((a, b) => (b.jain > a.jain ? b : a));
  const worst = scored.reduce((a, b) => (b.jain < a.jain ? b : a));
  if (best.jain - worst.jain < 0.01)
    return `verdict: the runs are equally fair in real CPU per weight (Jain ${worst.jain.toFixed(4)} to ${best.jain.toFixed(4)})`;
  const tasks = worst.run.result.tasks;
  const starved = tasks.reduce((a, b) => (b.realNs / b.weight < a.realNs / a.weight ? b : a));
  const others = tasks.filter((t) => t !== starved);
  const mean = others.reduce((s, t) => s + t.realNs, 0) / Math.max(1, others.length);
  return (
    `verdict: ${best.run.label} keeps real CPU per weight fair (Jain ${best.jain.toFixed(4)}); ` +
    `${worst.run.label} does not (Jain ${worst.jain.toFixed(4)}): ${starved.name}[${String(starved.tid)}] got ` +
    `${msec(starved.realNs, 0)} msec of real CPU against ${msec(Math.trunc(mean), 0)} on average for the others`
  );
}

/**
 * Runs side by side: per task real CPU and charged time in each, then fairness and delay, then the verdict.
 * @param runs - two or more labelled runs of the same tasks
 * @returns the lines
 * @throws {@link SchedacctError} `invalid-argument` for fewer than two runs or a run without its label
 * @example
 * ```ts
 * const run = (label: string, realNs: number) => ({
 *   label,
 *   metrics: new SimMetrics(),
 *   result: {
 *     scenario: { policy: 'eevdf', kernel: '6.18', cpus: 1, hz: 250, durationMs: 10, accounting: 'none', seed: 1 },
 *     tasks: [{ name: 'hog', tid: 1000, weight: 1024, realNs, totals: { chargedNs: 1e7 } }],
 *   },
 * }) as never;
 * comparisonLines([run('accounting none', 7e6), run('accounting drop', 7e6)]).length > 5; // true
 * ```
 */
export function comparisonLines(runs: readonly LabelledRun[]): string[] {
  checkRuns(runs);
  const first = runs[0] as LabelledRun;
  const head = describeScenario(first.result.scenario).replace(/, accounting \w+/, '');
  const scenario = first.result.scenario;
  const host = describeHost(scenario);
  const lines = [`schedacct simulate: ${head}, side by side`, ...(host === undefined ? [] : [host]), ''];
  lines.push(`${''.padEnd(34)}${runs.map((r) => cell(r.label)).join('')}`);
  for (const [i, t] of first.result.tasks.entries()) {
    const name = `${t.name}[${String(t.tid)}]`;
    const row = (what: string, ns: (r: LabelledRun) => number | undefined) =>
      `  ${`${name} ${what}`.padEnd(32)}${runs.map((r) => cell(fmt(ns(r)))).join('')}`;
    lines.push(row('real CPU (msec)', (r) => r.result.tasks[i]?.realNs));
    lines.push(row('charged (msec)', (r) => r.result.tasks[i]?.totals.chargedNs));
  }
  const each = (what: string, value: (r: LabelledRun) => string) =>
    `  ${what.padEnd(32)}${runs.map((r) => cell(value(r))).join('')}`;
  lines.push(each("Jain's index, charged/weight", (r) => fairness(r.result).jainCharged.toFixed(4)));
  lines.push(each("Jain's index, real CPU/weight", (r) => fairness(r.result).jainReal.toFixed(4)));
  const delay = (r: LabelledRun) => r.metrics.all.summary();
  lines.push(each('delay p50 (msec)', (r) => fmt(delay(r).p50Ns)));
  lines.push(each('delay p99 (msec)', (r) => fmt(delay(r).p99Ns)));
  lines.push(each('delay max (msec)', (r) => fmt(delay(r).maxNs)));
  lines.push('', verdict(runs));
  return lines;
}

const fmt = (ns: number | undefined): string => (ns === undefined ? '-' : msec(ns, 0));
