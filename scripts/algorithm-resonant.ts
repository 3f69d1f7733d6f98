// The simulator's resonant-steal experiment for docs/generated/algorithm.md: examples/scenarios/resonant-steal.json
// swept over accounting=none,carry,drop with a few seeds, short enough that the docs build stays quick.
import { readFileSync } from 'node:fs';
import { renderSvg, type ChartSpec } from '../src/export/charts-render.ts';
import { sweepSvg } from '../src/export/charts-sweep.ts';
import { expandRuns } from '../src/sim/experiment.ts';
import { SimMetrics } from '../src/sim/metrics.ts';
import { runRow, type RunRow } from '../src/sim/report-rows.ts';
import { simulate } from '../src/sim/simulate.ts';
import type { Scenario } from '../src/sim/types.ts';

/** The scenario file, relative to the repository. */
export const RESONANT_SCENARIO = 'examples/scenarios/resonant-steal.json';
/** The sweep and its settings: what the page says it ran. */
export const RESONANT_SWEEP = { sweep: ['accounting=none,carry,drop'], seeds: 3, set: ['durationMs=2000'] } as const;

/** One task of one run: its real CPU as a share of all the tasks' real CPU. */
export interface ResonantTask {
  /** The accounting of the run. */
  readonly accounting: string;
  /** The run's seed. */
  readonly seed: number;
  /** `name[tid]`. */
  readonly task: string;
  /** Real CPU the task got, ns (wall run time less the steal inside it). */
  readonly realNs: number;
  /** Its share of all the tasks' real CPU, 0 to 1. */
  readonly share: number;
}

/** The experiment's outcome: a row per run (the sweep's rows) and per task its share. */
export interface ResonantResult {
  /** One row per run, as `simulate --sweep … --format jsonl` prints them. */
  readonly rows: readonly RunRow[];
  /** Per run and task, its real CPU share. */
  readonly tasks: readonly ResonantTask[];
}

/**
 * Runs the sweep in this thread (deterministic: the scenario and its seeds decide every number).
 * @param root - the repository, where the scenario file is
 * @returns the rows and each task's share
 */
export function runResonant(root: URL): ResonantResult {
  const base = JSON.parse(readFileSync(new URL(RESONANT_SCENARIO, root), 'utf8')) as Scenario;
  const runs = expandRuns(base, { set: [...RESONANT_SWEEP.set], sweep: [...RESONANT_SWEEP.sweep], seeds: 3 });
  const rows: RunRow[] = [];
  const tasks: ResonantTask[] = [];
  for (const run of runs) {
    const metrics = new SimMetrics();
    const result = simulate(run.scenario, { observer: metrics });
    const place = { experiment: 'resonant', runs: runs.length, index: run.index, id: run.id, seed: run.seed };
    rows.push(runRow({ ...place, values: run.point }, { result, metrics }));
    const total = result.tasks.reduce((sum, t) => sum + t.realNs, 0);
    for (const t of result.tasks) {
      const accounting = String(run.point.accounting);
      const task = `${t.name}[${String(t.tid)}]`;
      tasks.push({ accounting, seed: run.seed, task, realNs: t.realNs, share: total === 0 ? 0 : t.realNs / total });
    }
  }
  return { rows, tasks };
}

/**
 * The two charts: each task's real CPU share under each accounting (mean over the seeds, a bar per task), and Jain's
 * index over real CPU against the accounting with its 95 % band (part 2's sweep chart).
 * @param result - {@link runResonant}'s
 * @returns the SVG documents
 */
export async function resonantCharts(result: ResonantResult): Promise<{ shares: string; jain: string }> {
  const spec: ChartSpec = {
    name: 'shares',
    title: { text: 'Real CPU share per task', subtitle: 'mean over the seeds; a fair share is 1/3' },
    width: 360,
    height: 220,
    data: { values: [...result.tasks] },
    mark: { type: 'bar', aria: false },
    encoding: {
      x: { field: 'accounting', type: 'nominal', title: 'accounting', sort: ['none', 'carry', 'drop'] },
      xOffset: { field: 'task', type: 'nominal' },
      y: { aggregate: 'mean', field: 'share', type: 'quantitative', title: 'share of real CPU' },
      color: { field: 'task', type: 'nominal', title: 'task', scale: { scheme: 'category10' } },
    },
  };
  const shares = await renderSvg(spec);
  const jain = await sweepSvg(result.rows, { parameter: 'accounting', metric: 'jainReal', widthPx: 360 });
  return { shares, jain };
}
