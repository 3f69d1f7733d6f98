/**
 * Node only: the simulator's trace and policy files, and runs in worker threads.
 *
 * `schedacct/sim/node`: the simulator's Node-only parts: loading a scenario's trace files and a policy module of your
 * own, and running an experiment's runs in worker threads (the same rows, in run order, for any number of them).
 * @module schedacct/sim/node
 */
export { loadInputs } from './inputs.js';
export { loadPolicy } from './policies/load.js';
export { runRuns } from './workers.js';
export { ScenarioError } from './scenario.js';
export { SchedacctError } from '../errors.js';

export type { RunJob, RunRunsOptions, RunSettings } from './workers.js';
