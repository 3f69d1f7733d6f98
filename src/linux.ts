/**
 * `schedacct/linux`: the Node-only parts. The real backend (`CLOCK_MONOTONIC`, `/proc/stat` steal, per-thread
 * schedstat) and the worker-thread hypervisor race. Everything runtime-neutral is in the root entry.
 * @packageDocumentation
 */
export {
  createLinuxSource,
  estimateThreadSteal,
  NS_PER_TICK,
  parseProcStat,
  readProcStat,
  readThreadSchedstat,
  USER_HZ,
} from './sources/linux.js';
export { runRace } from './sources/race.js';
export { traceBytes, traceLines } from './trace/file.js';
export { readTraceFile, SEGMENT_BYTES, WORKER_MIN_BYTES } from './trace/parallel.js';
export { SchedacctError } from './errors.js';

export type { LinuxSourceOptions, ProcStatCpu, ThreadSchedstat } from './sources/linux.js';
export type { RaceOptions, RaceResult, ReaderResult } from './sources/race.js';
export type { ReadFileOptions, ReadFileResult } from './trace/parallel.js';
