/**
 * Node only: the real Linux backend, the hypervisor race in a worker thread, trace files and stdin.
 *
 * `schedacct/linux`: the Node-only parts. The real backend (`CLOCK_MONOTONIC`, `/proc/stat` steal, per-thread
 * schedstat), the worker-thread hypervisor race, and trace files, `.gz` and stdin as byte streams. Everything runtime-neutral is in the root entry.
 * @module schedacct/linux
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
export { SchedacctError } from './errors.js';

export type { LinuxSourceOptions, ProcStatCpu, ThreadSchedstat } from './sources/linux.js';
export type { RaceOptions, RaceResult, ReaderResult } from './sources/race.js';
