// placeholder: replaced by the output+CLI branch, which owns this entry; it must re-export these (the scenarios part)
/**
 * `schedacct/sim`: the scheduler simulator. (This worktree's placeholder holds the scenarios part's exports only.)
 * @packageDocumentation
 */
export { DEFAULT_COMPARISON, DEFAULT_SCENARIO } from './sim/default-scenario.js';
export {
  canonicalJson,
  expandRuns,
  parseAssignment,
  parsePath,
  parseShard,
  runId,
  SCHEDACCT_VERSION,
  setPath,
  shardRuns,
} from './sim/experiment.js';
export { loadInputs } from './sim/inputs.js';
export { msToNs, resolveScenario, SCENARIO_KEYS, ScenarioError, scenarioOf, usToNs } from './sim/scenario.js';
export { scenarioSchema } from './sim/schema.js';

export { SchedacctError } from './errors.js';

export type { ExpandOptions, PathStep, Run } from './sim/experiment.js';
export type { ScenarioIssue } from './sim/scenario.js';
export type { JsonSchema } from './sim/schema.js';
export type * from './sim/types.js';
