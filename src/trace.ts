/**
 * Replaying recorded scheduler traces into a ledger, with perf sched timehist's reports.
 *
 * `schedacct/trace`: replaying real scheduler traces through the task machines into a ledger, and perf sched
 * timehist's reports from it. Runtime-neutral; the node entry `schedacct/linux` streams files, `.gz` and stdin.
 * @module schedacct/trace
 */
export { checkEngine } from './trace/engine.js';
export { MAX_CPUS } from './trace/events.js';
export { COMPATS, perf61StateChar, switchOut } from './trace/perf-compat.js';
export { PerfDataError } from './trace/perf-data/error.js';
export { isPerfData, readPerfData } from './trace/perf-data/read.js';
export { readTrace } from './trace/read.js';
export { Replay } from './trace/replay.js';
export {
  eachSummaryLine,
  msec,
  stolenLines,
  summaryLines,
  timehistHeader,
  timehistLine,
  timestamp,
} from './trace/report.js';
export { TimehistWriter } from './trace/timehist-writer.js';

export { SchedacctError } from './errors.js';

export type { Engine, TaskRunner } from './trace/engine.js';
export type { Compat, SwitchOut } from './trace/perf-compat.js';
export type { PerfData, PerfDataRecords } from './trace/perf-data/read.js';
export type { ReadOptions, ReadResult } from './trace/read.js';
export type { AnomalyReport, TaskRecord } from './trace/records.js';
export type { ReplayOptions } from './trace/replay.js';
export type { InfoRow, TimehistRow } from './trace/rows.js';
export type { StealEstimate } from './trace/steal-estimate.js';
export type { SummaryFormat, TimehistFormat } from './trace/report.js';
