/**
 * `schedacct/sim`: the scheduler simulator: scenarios resolved and expanded into experiments, the engine, the
 * scheduler policies, the metrics (scheduling delay, Jain's fairness) and the reports (text, JSON, CSV, experiment
 * rows), and the ftrace writer. Runtime-neutral: what reads files or starts threads is in `schedacct/sim/node`.
 * @packageDocumentation
 */
export { simulate } from './sim/simulate.js';
export { resolveScenario, ScenarioError, scenarioOf } from './sim/scenario.js';
export {
  canonicalJson,
  expandRuns,
  MAX_RUNS,
  parseAssignment,
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
export { SCHED_PRIO_TO_WEIGHT, SCHED_PRIO_TO_WMULT, weightOfNice } from './sim/policies/weights.js';
export { baseSliceNs, defaultPolicy, parseKernel, policyAllowed } from './sim/kernel.js';
export { combineObservers, DelayHistogram, fairness, jain, SimMetrics } from './sim/metrics.js';
export { csvReport, describeScenario, jsonReport, textReport } from './sim/report.js';
export { comparisonLines, verdict } from './sim/report-compare.js';
export { meanInterval, ROW_FIGURES, rowCsv, rowsCsvHeader, rowsTable, runRow, studentT975 } from './sim/report-rows.js';
export { FtraceWriter } from './sim/ftrace-writer.js';
export { SchedacctError } from './errors.js';

export type * from './sim/types.js';
export type { ScenarioIssue } from './sim/scenario.js';
export type { ExpandOptions, Run } from './sim/experiment.js';
export type { JsonSchema } from './sim/schema.js';
export type { DelaySummary, Fairness, TaskMetrics } from './sim/metrics.js';
export type { JsonReport, JsonTask, ReportedRun } from './sim/report.js';
export type { LabelledRun } from './sim/report-compare.js';
export type { MeanInterval, RunFigures, RunPlace, RunRow } from './sim/report-rows.js';
export type { FtraceWriterOptions } from './sim/ftrace-writer.js';
