/**
 * What `schedacct simulate` does once its command line is checked: the runs expanded, one run's reports, the default
 * comparison side by side, or an experiment's rows from worker threads.
 * @module
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SchedacctError } from '../errors.js';
import { DEFAULT_COMPARISON, DEFAULT_SCENARIO } from '../sim/default-scenario.js';
import { expandRuns, parseShard, shardRuns, type Run } from '../sim/experiment.js';
import { FtraceWriter } from '../sim/ftrace-writer.js';
import { combineObservers, SimMetrics } from '../sim/metrics.js';
import { Progress } from '../sim/progress.js';
import { comparisonLines } from '../sim/report-compare.js';
import { rowCsv, rowsCsvHeader, rowsTable, runRow, type RunRow } from '../sim/report-rows.js';
import { csvReport, jsonReport, textReport, type ReportedRun } from '../sim/report.js';
import { POLICY_NAMES } from '../sim/policies/index.js';
import { ScenarioError } from '../sim/scenario.js';
import type { Timeline } from '../export/timeline.js';
import type { Scenario, SchedPolicy, SimObserver } from '../sim/types.js';
import type { RunJob, RunSettings } from '../sim/workers.js';
import { UsageError } from './args.js';
import { writeExports } from './exports.js';
import type { SimulateCommand, SimulateIo } from './simulate.js';

/**
 * The schedacct version, from package.json (two levels above dist/cli, dist/bin and src/cli).
 * @returns e.g. `0.1.0`
 * @internal
 */
export function schedacctVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

// Where output goes: a file written as it comes, or standard output.
function sink(output: string | undefined, io: SimulateIo): { write: (text: string) => void; close: () => void } {
  if (output === undefined) return { write: io.stdout, close: () => undefined };
  const fd = openFile(output, '--output');
  return { write: (text) => void writeSync(fd, text), close: () => closeSync(fd) };
}

function openFile(path: string, option: string): number {
  try {
    return openSync(path, 'w');
  } catch (error: unknown) {
    throw new SchedacctError('unavailable', `${option} ${path}: ${error instanceof Error ? error.message : ''}`);
  }
}

function readScenario(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error: unknown) {
    throw new SchedacctError('unavailable', `${file}: ${error instanceof Error ? error.message : ''}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error: unknown) {
    throw new SchedacctError('invalid-argument', `${file} is not JSON: ${error instanceof Error ? error.message : ''}`);
  }
}

/** The runs of a command line, with where they sit in their experiment. */
interface Plan {
  readonly runs: readonly Run[];
  readonly experiment: string;
  readonly total: number;
  readonly comparison: boolean;
  readonly single: boolean;
}

// --shard I/N as shardRuns takes it (1 ≤ I ≤ N).
function shardOf(text: string): [number, number] {
  const { index, count } = parseShard(text);
  return [index, count];
}

function plan(command: SimulateCommand): Plan {
  const input = command.file === undefined ? DEFAULT_SCENARIO : readScenario(command.file);
  // No file and no experiment: the default comparison, accounting none against drop (--set applies to both).
  const comparison = command.file === undefined && command.sweep.length === 0 && command.seeds === 1;
  const sweep = comparison ? [...command.sweep, `accounting=${DEFAULT_COMPARISON.join(',')}`] : command.sweep;
  const all = expandRuns(input as Scenario, { set: command.set, sweep, seeds: command.seeds });
  // The experiment's id: what expanded into its runs (the same for every shard of it).
  const experiment = createHash('sha256')
    .update(JSON.stringify({ input, set: command.set, sweep, seeds: command.seeds }))
    .digest('hex')
    .slice(0, 16);
  const runs = command.shard === undefined ? all : shardRuns(all, ...shardOf(command.shard));
  const single = !comparison && all.length === 1 && command.shard === undefined;
  return { runs, experiment, total: all.length, comparison: comparison && command.shard === undefined, single };
}

/**
 * Runs a checked `schedacct simulate` command line.
 * @param command - the command line
 * @param io - where output goes
 * @returns the exit status
 * @throws {@link UsageError} for options that do not fit the runs; a `SchedacctError` for input it cannot read
 * @internal
 */
export async function simulateCommand(command: SimulateCommand, io: SimulateIo): Promise<number> {
  let p: Plan;
  try {
    p = plan(command);
  } catch (error: unknown) {
    if (!(error instanceof ScenarioError)) throw error;
    const where = command.file ?? 'the default scenario';
    io.stderr(error.issues.map((i) => `schedacct simulate: ${where}: ${i.path}: ${i.message}\n`).join(''));
    return 2;
  }
  if (command.trace !== undefined && !p.single)
    throw new UsageError(
      'simulate',
      `--trace writes one run, and this is ${String(p.runs.length)} (${p.comparison ? 'the default comparison: give a SCENARIO.json' : 'an experiment'})`,
    );
  if (command.exports.length > 0 && !p.single && !p.comparison)
    throw new UsageError('simulate', `--export writes one run, and this is an experiment of ${String(p.runs.length)}`);
  const baseDir = command.file === undefined ? process.cwd() : dirname(resolve(command.file));
  const first = p.runs[0];
  const scenarioPolicy = first?.scenario.policy;
  const policyFile =
    command.policy !== undefined
      ? resolve(command.policy)
      : scenarioPolicy !== undefined && !(POLICY_NAMES as readonly string[]).includes(scenarioPolicy)
        ? resolve(baseDir, scenarioPolicy)
        : undefined;
  const settings: RunSettings = {
    engine: command.engine,
    baseDir,
    ...(policyFile === undefined ? {} : { policyFile }),
  };
  const out = sink(command.output, io);
  try {
    if (p.single || p.comparison) await reports(p, command, settings, out.write);
    else await experiment(p, command, settings, io, out.write);
  } finally {
    out.close();
  }
  return 0;
}

// A run in this thread, with the metrics (and the ftrace writer, and the timeline for the views) listening.
async function runHere(
  run: Run,
  settings: RunSettings,
  trace: FtraceWriter | undefined,
  views: boolean,
): Promise<ReportedRun & { timeline?: Timeline }> {
  const [{ simulate }, { loadInputs }] = await Promise.all([import('../sim/simulate.js'), import('../sim/inputs.js')]);
  let policy: SchedPolicy | undefined;
  if (settings.policyFile !== undefined) {
    const { loadPolicy } = await import('../sim/policies/load.js');
    policy = await loadPolicy(settings.policyFile);
  }
  const metrics = new SimMetrics();
  const timeline = views ? new (await import('../export/timeline-sim.js')).SimTimeline() : undefined;
  const observers: SimObserver[] = [metrics, ...(trace === undefined ? [] : [trace]), ...(timeline ? [timeline] : [])];
  const inputs = await loadInputs(run.scenario, settings.baseDir);
  const result = simulate(run.scenario, {
    observer: observers.length === 1 ? metrics : combineObservers(...observers),
    inputs,
    ...(settings.engine === undefined ? {} : { engine: settings.engine }),
    ...(policy === undefined ? {} : { policy }),
  });
  trace?.end();
  return { result, metrics, ...(timeline === undefined ? {} : { timeline: timeline.finish(result, { inputs }) }) };
}

const place = (p: Plan, run: Run) => ({
  experiment: p.experiment,
  runs: p.total,
  index: run.index,
  id: run.id,
  seed: run.seed,
  values: run.point,
});

// One run's reports, or the default comparison's runs side by side.
async function reports(p: Plan, command: SimulateCommand, settings: RunSettings, write: (text: string) => void) {
  const version = schedacctVersion();
  const lines = (list: readonly string[]) => write(`${list.join('\n')}\n`);
  const done: (ReportedRun & { run: Run; timeline?: Timeline })[] = [];
  const views = command.html !== undefined || command.exports.length > 0;
  for (const run of p.runs) {
    let trace: FtraceWriter | undefined;
    let traceFd: number | undefined;
    if (command.trace !== undefined) {
      const fd = openFile(command.trace, '--trace');
      traceFd = fd;
      trace = new FtraceWriter((chunk) => void writeSync(fd, chunk));
    }
    try {
      done.push({ run, ...(await runHere(run, settings, trace, views)) });
    } finally {
      if (traceFd !== undefined) closeSync(traceFd);
    }
  }
  // --export: the one run, or the default comparison's steal-aware run
  const exported = done.find((d) => d.result.scenario.accounting !== 'none') ?? done[done.length - 1];
  if (exported?.timeline !== undefined) await writeExports(exported.timeline, command.exports);
  if (command.html !== undefined) await runsHtml(command.html, done, p.comparison);
  if (command.format === 'jsonl' || (p.comparison && command.format === 'csv')) {
    const rows = done.map((d) => runRow(place(p, d.run), d));
    if (command.format === 'csv') lines([rowsCsvHeader(paths(rows)), ...rows.map((r) => rowCsv(r, paths(rows)))]);
    else lines(rows.map((r) => JSON.stringify(r)));
    return;
  }
  if (p.comparison) {
    const labelled = done.map((d) => ({ ...d, label: `accounting ${d.result.scenario.accounting}` }));
    if (command.format === 'json')
      write(
        `${JSON.stringify({ schedacct: version, comparison: labelled.map((l) => ({ label: l.label, ...jsonReport(l, version) })) })}\n`,
      );
    else lines(comparisonLines(labelled));
    return;
  }
  const only = done[0] as ReportedRun;
  if (command.format === 'json') write(`${JSON.stringify(jsonReport(only, version))}\n`);
  else lines(command.format === 'csv' ? csvReport(only) : textReport(only));
}

const paths = (rows: readonly RunRow[]): string[] => (rows[0] === undefined ? [] : Object.keys(rows[0].values));

// An experiment: a row per run, in run order, from worker threads; CSV and JSON lines as they come.
async function experiment(
  p: Plan,
  command: SimulateCommand,
  settings: RunSettings,
  io: SimulateIo,
  write: (text: string) => void,
): Promise<void> {
  const { runRuns } = await import('../sim/workers.js');
  const jobs: RunJob[] = p.runs.map((run) => ({ ...place(p, run), scenario: run.scenario }));
  const columns = jobs[0] === undefined ? [] : Object.keys(jobs[0].values);
  const table: RunRow[] = [];
  const kept: RunRow[] = [];
  if (command.format === 'csv') write(`${rowsCsvHeader(columns)}\n`);
  const onRow = (row: RunRow) => {
    if (command.html !== undefined) kept.push(row);
    if (command.format === 'text') table.push(row);
    else write(`${command.format === 'csv' ? rowCsv(row, columns) : JSON.stringify(row)}\n`);
  };
  const bar = new Progress(jobs.length, { isTTY: io.stderrIsTTY, columns: io.columns ?? 80, write: io.stderr }, io.now);
  try {
    await runRuns(jobs, settings, {
      workers: command.workers ?? Math.max(1, Math.min(io.cores, jobs.length)),
      onRow,
      onDone: (n) => bar.update(n),
    });
  } finally {
    bar.done();
  }
  if (command.format === 'text') write(`${rowsTable(table).join('\n')}\n`);
  if (command.html !== undefined) await sweepHtml(command.html, kept);
}

// The experiment's HTML report, from its rows in run order (workers finish out of order).
async function sweepHtml(path: string, rows: RunRow[]): Promise<void> {
  const [{ sweepReport }, { writeHtml }] = await Promise.all([
    import('../export/html-sweep.js'),
    import('./html-option.js'),
  ]);
  rows.sort((a, b) => a.index - b.index);
  writeHtml(path, await sweepReport(rows));
}

// One run's HTML report, or the default comparison's runs side by side.
async function runsHtml(
  path: string,
  done: readonly (ReportedRun & { timeline?: Timeline })[],
  comparison: boolean,
): Promise<void> {
  const [{ simulationReport }, { writeHtml }] = await Promise.all([
    import('../export/html-reports.js'),
    import('./html-option.js'),
  ]);
  const runs = done.map((d) => ({
    ...d,
    ...(comparison ? { label: `accounting ${d.result.scenario.accounting}` } : {}),
  }));
  writeHtml(path, await simulationReport(runs));
}
