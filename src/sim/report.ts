/**
 * A run's reports: text (perf `sched timehist -s`'s summary, then real CPU and steal per task, fairness and delay),
 * JSON (the replay summary's task fields by `name` and `tid`, per-vCPU time, the resolved scenario and the version that
 * produced it) and CSV (a row per task); and two or more runs side by side with a verdict computed from the numbers.
 * @module
 */
import { argError, checkFinite, checkObject, checkString } from '../check.js';
import { COMM_WIDTH, msec } from '../trace/report.js';
import { fairness, type DelaySummary, type Fairness, type SimMetrics } from './metrics.js';
import type { ResolvedScenario, SimResult, SimTaskResult, SimVcpuResult, StealSpec } from './types.js';

/** A run with what its metrics heard. */
export interface ReportedRun {
  /** The run's result. */
  readonly result: SimResult;
  /** The metrics that observed it. */
  readonly metrics: SimMetrics;
}

const EMPTY: DelaySummary = { p50Ns: 0, p99Ns: 0, maxNs: 0 };

/**
 * Checks that a value is a run with its metrics.
 * @param param - its name, for the message
 * @param run - the value
 * @throws {@link SchedacctError} `invalid-argument` naming what is not there
 * @internal
 */
export function checkRun(param: string, run: unknown): asserts run is ReportedRun {
  checkObject(param, run);
  const r = run as Partial<Record<string, unknown>>;
  if (typeof r.result !== 'object' || r.result === null || !Array.isArray((r.result as SimResult).tasks))
    throw argError('invalid-argument', `${param}.result`, 'a SimResult', r.result);
  if (typeof r.metrics !== 'object' || r.metrics === null || typeof (r.metrics as SimMetrics).task !== 'function')
    throw argError('invalid-argument', `${param}.metrics`, 'a SimMetrics', r.metrics);
}

const label = (t: SimTaskResult): string => `${t.name}[${String(t.tid)}]`;
const delayOf = (run: ReportedRun, tid: number): DelaySummary => run.metrics.task(tid)?.delay.summary() ?? EMPTY;

/**
 * The one-line description of a scenario that heads its reports.
 * @param scenario - the resolved scenario
 * @returns e.g. `eevdf, kernel 6.18, 1 vCPU, HZ=250, 1000 ms, accounting drop, seed 1`
 * @throws {@link SchedacctError} `invalid-argument` for a scenario that is not an object with the keys it prints
 * @example
 * ```ts
 * describeScenario({ policy: 'cfs', kernel: '6.1', cpus: 2, hz: 1000, durationMs: 500, accounting: 'none', seed: 7 } as never);
 * // 'cfs, kernel 6.1, 2 vCPUs, HZ=1000, 500 ms, accounting none, seed 7'
 * ```
 */
export function describeScenario(scenario: ResolvedScenario): string {
  checkObject('scenario', scenario);
  const s = scenario;
  for (const key of ['policy', 'kernel', 'accounting'] as const) checkString(`scenario.${key}`, s[key]);
  for (const key of ['cpus', 'hz', 'durationMs', 'seed'] as const) checkFinite(`scenario.${key}`, s[key]);
  return `${s.policy}, kernel ${s.kernel}, ${String(s.cpus)} vCPU${s.cpus === 1 ? '' : 's'}, HZ=${String(s.hz)}, ${String(s.durationMs)} ms, accounting ${s.accounting}, seed ${String(s.seed)}`;
}

// One vCPU's steal in words, or undefined for none.
function stealWords(spec: StealSpec): string | undefined {
  switch (spec.kind) {
    case 'none':
      return undefined;
    case 'constant':
      return `${String(spec.share * 100)} % of every ${String(spec.periodUs ?? 1000)} µs`;
    case 'periodic':
      return `${String(spec.stealUs)} µs at the end of every ${String(spec.periodUs)} µs`;
    case 'random':
      return `random, mean ${String(spec.meanStealUs)} µs every ${String(spec.meanRunUs)} µs of running`;
    case 'intervals':
      return `${String(spec.intervals.length)} interval(s)`;
    case 'trace':
      return `the run-queue delay of tid ${String(spec.tid)} in ${spec.file}`;
  }
}

/**
 * The host's steal and pauses in words, one line, or undefined when the host takes nothing.
 * @param scenario - the resolved scenario
 * @returns e.g. `host steals from vCPU 0: 3600 µs at the end of every 12000 µs`
 * @internal
 */
export function describeHost(scenario: ResolvedScenario): string | undefined {
  // A scenario from an older result may lack the host: nothing to say then.
  const host = (scenario as { readonly host?: ResolvedScenario['host'] }).host;
  if (host === undefined) return undefined;
  const parts: string[] = [];
  host.steal.forEach((spec, vcpu) => {
    const words = stealWords(spec);
    if (words !== undefined) parts.push(`vCPU ${String(vcpu)}: ${words}`);
  });
  const pauses = host.pauses.length;
  if (parts.length === 0 && pauses === 0) return undefined;
  const steal = parts.length === 0 ? 'host steals nothing' : `host steals from ${parts.join('; ')}`;
  return pauses === 0 ? steal : `${steal}; ${String(pauses)} whole-VM pause(s)`;
}

/**
 * The text report of one run: perf `sched timehist -s`'s runtime summary (its columns and units), idle per vCPU,
 * then per task real CPU, steal and delay, per vCPU busy, idle, stolen and paused time, and fairness.
 * @param run - the run and its metrics
 * @returns the lines
 * @throws {@link SchedacctError} `invalid-argument` for a run that is not a result with its metrics
 * @example
 * ```ts
 * const metrics = new SimMetrics();
 * const totals = { task: 1000, runNs: 8e6, chargedNs: 6e6, stolenNs: 2e6, sleepNs: 0, iowaitNs: 0, preemptNs: 0, delayNs: 0, slices: 2, minSliceNs: 4e6, maxSliceNs: 4e6, meanSliceNs: 4e6, sliceVarianceNs2: 0 };
 * const task = { name: 'hog', tid: 1000, nice: 0, priority: 50, weight: 1024, totals, realNs: 6e6, migrations: 0 };
 * const vcpus = [{ vcpu: 0, busyNs: 8e6, idleNs: 0, stolenNs: 2e6, pausedNs: 0 }];
 * const scenario = { policy: 'eevdf', kernel: '6.18', cpus: 1, hz: 250, durationMs: 10, accounting: 'drop', seed: 1 };
 * const result = { scenario, tasks: [task], vcpus, elapsedNs: 1e7, events: 5 } as never;
 * textReport({ result, metrics }).find((line) => line.includes('hog[1000]'))?.trim().split(/\s+/).slice(0, 4);
 * // ['hog[1000]', '-1', '2', '8.000']
 * ```
 */
export function textReport(run: ReportedRun): string[] {
  checkRun('run', run);
  const { result } = run;
  const host = describeHost(result.scenario);
  const lines = [`schedacct simulate: ${describeScenario(result.scenario)}`, ...(host === undefined ? [] : [host]), ''];
  lines.push('Runtime summary');
  lines.push(
    `${'comm'.padStart(COMM_WIDTH)}  parent   sched-in     run-time    min-run     avg-run     max-run  stddev  migrations`,
  );
  lines.push(`${''.padStart(COMM_WIDTH)}            (count)       (msec)     (msec)      (msec)      (msec)       %`);
  lines.push('-'.repeat(117));
  let switches = 0;
  let runNs = 0;
  for (const t of result.tasks) {
    const c = t.totals;
    switches += c.slices;
    runNs += c.runNs;
    // perf's stddev column: the standard error of the mean, relative to the mean
    const stddev = c.slices < 2 ? 0 : Math.sqrt(c.sliceVarianceNs2 / c.slices);
    const rel = c.meanSliceNs !== 0 ? (100 * stddev) / c.meanSliceNs : 0;
    lines.push(
      `${label(t).padStart(COMM_WIDTH)}   ${'-1'.padStart(5)}  ${String(c.slices).padStart(9)} ${msec(c.runNs, 8)}${msec(c.minSliceNs)}  ${msec(Math.trunc(c.meanSliceNs))}  ${msec(c.maxSliceNs)}  ${rel.toFixed(2).padStart(5)}   ${String(t.migrations).padStart(5)}`,
    );
  }
  lines.push('', 'Idle stats:');
  for (const v of result.vcpus) {
    const share = result.elapsedNs > 0 ? ((100 * v.idleNs) / result.elapsedNs).toFixed(2) : '0.00';
    lines.push(`    CPU ${String(v.vcpu).padStart(2)} idle for ${msec(v.idleNs)}  msec  (${share.padStart(6)}%)`);
  }
  lines.push('', `    Total number of unique tasks: ${String(result.tasks.length)}`);
  lines.push(`Total number of context switches: ${String(switches)}`);
  lines.push(`           Total run time (msec): ${msec(runNs, 2)}`);
  lines.push(`    Total scheduling time (msec): ${msec(result.elapsedNs, 2)}  (x ${String(result.vcpus.length)})`);
  return [...lines, ...realLines(run), ...vcpuLines(result.vcpus), ...fairnessLines(run)];
}

// Per task: what it really got and what was stolen from it, what it was charged, and its scheduling delay.
function realLines(run: ReportedRun): string[] {
  const lines = ['', 'Real CPU and steal (schedacct)'];
  lines.push(
    `${'comm'.padStart(COMM_WIDTH)}  nice   run-time    real CPU     stolen    charged  delay p50  delay p99  delay max`,
  );
  lines.push(
    `${''.padStart(COMM_WIDTH)}           (msec)      (msec)     (msec)     (msec)     (msec)     (msec)     (msec)`,
  );
  for (const t of run.result.tasks) {
    const d = delayOf(run, t.tid);
    const stolen = Math.max(0, t.totals.runNs - t.realNs);
    lines.push(
      `${label(t).padStart(COMM_WIDTH)}  ${String(t.nice).padStart(4)} ${msec(t.totals.runNs, 6)}  ${msec(t.realNs, 6)} ${msec(stolen)} ${msec(t.totals.chargedNs)} ${msec(d.p50Ns)} ${msec(d.p99Ns)} ${msec(d.maxNs)}`,
    );
  }
  return lines;
}

function vcpuLines(vcpus: readonly SimVcpuResult[]): string[] {
  const lines = ['', 'vCPUs (host time, msec)', '  vcpu       busy       idle     stolen     paused'];
  for (const v of vcpus)
    lines.push(
      `  ${String(v.vcpu).padStart(4)} ${msec(v.busyNs)} ${msec(v.idleNs)} ${msec(v.stolenNs)} ${msec(v.pausedNs)}`,
    );
  return lines;
}

function fairnessLines(run: ReportedRun): string[] {
  const f = fairness(run.result);
  const d = run.metrics.all.summary();
  return [
    '',
    `Fairness (Jain's index, 1 = fair): charged time per weight ${f.jainCharged.toFixed(4)}, real CPU per weight ${f.jainReal.toFixed(4)}`,
    `Scheduling delay, all tasks (msec): p50 ${msec(d.p50Ns, 0)}, p99 ${msec(d.p99Ns, 0)}, max ${msec(d.maxNs, 0)}`,
  ];
}

/** One task in the JSON report. */
export interface JsonTask extends Omit<SimTaskResult['totals'], 'task'> {
  /** Comm. */
  readonly name: string;
  /** Thread id. */
  readonly tid: number;
  /** Nice. */
  readonly nice: number;
  /** Real-time priority. */
  readonly priority: number;
  /** Weight (`sched_prio_to_weight`). */
  readonly weight: number;
  /** Real CPU: wall run time minus what the host really stole in its slices, ns. */
  readonly realNs: number;
  /** Migrations. */
  readonly migrations: number;
  /** Times it was switched in. */
  readonly switches: number;
  /** Its scheduling delay. */
  readonly delay: DelaySummary;
}

/** The JSON report of one run. */
export interface JsonReport {
  /** The schedacct version that produced it. */
  readonly schedacct: string;
  /** What ran. */
  readonly scenario: ResolvedScenario;
  /** Host time simulated, ns. */
  readonly elapsedNs: number;
  /** Scheduling events processed. */
  readonly events: number;
  /** Every task, in tid order. */
  readonly tasks: readonly JsonTask[];
  /** Every vCPU's host time. */
  readonly vcpus: readonly SimVcpuResult[];
  /** Jain's indices. */
  readonly fairness: Fairness;
  /** Every task's delays together. */
  readonly delay: DelaySummary;
}

/**
 * The JSON report of one run: the resolved scenario and the version (so a result says what produced it), each task's
 * ledger totals with its real CPU, migrations, switches and delay, per-vCPU time, fairness.
 * @param run - the run and its metrics
 * @param version - the schedacct version
 * @returns the document
 * @throws {@link SchedacctError} `invalid-argument` for a run that is not a result with its metrics, or a version that is not a string
 * @example
 * ```ts
 * const metrics = new SimMetrics();
 * const scenario = { policy: 'eevdf', kernel: '6.18', cpus: 1, hz: 250, durationMs: 10, accounting: 'drop', seed: 1 };
 * const result = { scenario, tasks: [], vcpus: [], elapsedNs: 1e7, events: 0 } as never;
 * jsonReport({ result, metrics }, '0.1.0').schedacct; // '0.1.0'
 * ```
 */
export function jsonReport(run: ReportedRun, version: string): JsonReport {
  checkRun('run', run);
  checkString('version', version);
  const { result } = run;
  const tasks = result.tasks.map((t): JsonTask => {
    const totals: Partial<Record<keyof SimTaskResult['totals'], unknown>> = { ...t.totals };
    delete totals.task;
    return {
      name: t.name,
      tid: t.tid,
      nice: t.nice,
      priority: t.priority,
      weight: t.weight,
      ...(totals as Omit<SimTaskResult['totals'], 'task'>),
      realNs: t.realNs,
      migrations: t.migrations,
      switches: run.metrics.task(t.tid)?.switches ?? 0,
      delay: delayOf(run, t.tid),
    };
  });
  return {
    schedacct: version,
    scenario: result.scenario,
    elapsedNs: result.elapsedNs,
    events: result.events,
    tasks,
    vcpus: result.vcpus.map((v) => ({ ...v })),
    fairness: fairness(result),
    delay: run.metrics.all.summary(),
  };
}

const CSV_COLUMNS = [
  'name',
  'tid',
  'nice',
  'priority',
  'weight',
  'runNs',
  'chargedNs',
  'stolenNs',
  'sleepNs',
  'iowaitNs',
  'preemptNs',
  'delayNs',
  'slices',
  'minSliceNs',
  'maxSliceNs',
  'meanSliceNs',
  'sliceVarianceNs2',
  'realNs',
  'migrations',
  'switches',
  'delayP50Ns',
  'delayP99Ns',
  'delayMaxNs',
] as const;

/**
 * A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
 * @param value - the value
 * @returns the field
 * @internal
 */
export function csvField(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The CSV report of one run: a header, then a row per task (the JSON report's task fields, delay flattened).
 * @param run - the run and its metrics
 * @returns the lines
 * @throws {@link SchedacctError} `invalid-argument` for a run that is not a result with its metrics
 * @example
 * ```ts
 * const metrics = new SimMetrics();
 * const scenario = { policy: 'eevdf', kernel: '6.18', cpus: 1, hz: 250, durationMs: 10, accounting: 'drop', seed: 1 };
 * const result = { scenario, tasks: [], vcpus: [], elapsedNs: 1e7, events: 0 } as never;
 * csvReport({ result, metrics })[0]?.split(',').slice(0, 3); // ['name', 'tid', 'nice']
 * ```
 */
export function csvReport(run: ReportedRun): string[] {
  checkRun('run', run);
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const t of jsonReport(run, '').tasks) {
    const flat: Record<string, unknown> = {
      ...t,
      delayP50Ns: t.delay.p50Ns,
      delayP99Ns: t.delay.p99Ns,
      delayMaxNs: t.delay.maxNs,
    };
    lines.push(CSV_COLUMNS.map((c) => csvField(flat[c])).join(','));
  }
  return lines;
}
