/**
 * The scheduler simulator: scenarios, the engine, the policies, metrics and reports.
 *
 * `schedacct/sim`: the scheduler simulator: scenarios resolved and expanded into experiments, the engine, the
 * scheduler policies with the kernel's arithmetic and tunables (for a policy of your own too), the metrics (scheduling
 * delay, Jain's fairness) and the reports (text, JSON, CSV, experiment rows), the ftrace writer and a progress bar.
 * Runtime-neutral: what reads files or starts threads is in `schedacct/sim/node`.
 * @module schedacct/sim
 */
export { simulate } from './sim/simulate.js';
export { msToNs, resolveScenario, SCENARIO_KEYS, ScenarioError, scenarioOf, usToNs } from './sim/scenario.js';
export {
  canonicalJson,
  expandRuns,
  MAX_RUNS,
  parseAssignment,
  parsePath,
  parseShard,
  runId,
  SCHEDACCT_VERSION,
  setPath,
  shardRuns,
} from './sim/experiment.js';
export { scenarioSchema } from './sim/schema.js';
export { DEFAULT_COMPARISON, DEFAULT_SCENARIO } from './sim/default-scenario.js';
export { builtinPolicy, POLICY_NAMES } from './sim/policies/index.js';
export { calcDelta, calcDeltaFair } from './sim/policies/calc-delta.js';
export {
  inverseWeight,
  SCHED_PRIO_TO_WEIGHT,
  SCHED_PRIO_TO_WMULT,
  weightOfNice,
  wmultOfNice,
} from './sim/policies/weights.js';
export { checkPolicy } from './sim/policies/check-policy.js';
export {
  baseSliceNs,
  cfsTunables,
  defaultPolicy,
  kernelAtLeast,
  parseKernel,
  policyAllowed,
  rrTimesliceTicks,
  sysctlFactor,
  tickNsec,
} from './sim/kernel.js';
export { combineObservers, DelayHistogram, fairness, jain, SimMetrics } from './sim/metrics.js';
export { csvReport, describeScenario, jsonReport, textReport } from './sim/report.js';
export { comparisonLines, verdict } from './sim/report-compare.js';
export { meanInterval, ROW_FIGURES, rowCsv, rowsCsvHeader, rowsTable, runRow, studentT975 } from './sim/report-rows.js';
export { FtraceWriter } from './sim/ftrace-writer.js';
export { Progress } from './sim/progress.js';
export { SchedacctError } from './errors.js';

export type * from './sim/types.js';
export type { ScenarioIssue } from './sim/scenario.js';
export type { ExpandOptions, PathStep, Run } from './sim/experiment.js';
export type { JsonSchema } from './sim/schema.js';
export type { DelaySummary, Fairness, TaskMetrics } from './sim/metrics.js';
export type { JsonReport, JsonTask, ReportedRun } from './sim/report.js';
export type { LabelledRun } from './sim/report-compare.js';
export type { MeanInterval, RunFigures, RunPlace, RunRow } from './sim/report-rows.js';
export type { FtraceWriterOptions } from './sim/ftrace-writer.js';
export type { ProgressStream } from './sim/progress.js';
export type { CfsTunables } from './sim/kernel.js';
