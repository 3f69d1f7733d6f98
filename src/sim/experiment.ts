/**
 * Experiments as data (OpenDC's model: axes × seeds): a base scenario, `--set` values, `--sweep` axes (cartesian, the
 * first axis slowest) and `--seeds N` expand into runs, each resolved and named by a stable id; `--shard I/N` picks a
 * deterministic part of them, so that a cluster's array job can spread a sweep and `schedacct merge` combine it.
 * Runtime-neutral.
 * @module
 */
import { argError, checkObject, checkString, checkWhole } from '../check.js';
import { formatIssue, ScenarioError, type ScenarioIssue } from './scenario-check.js';
import { parseAssignment, parseValue, setPath, splitAssignment, splitValues } from './scenario-path.js';
import { MAX_SEED, resolveScenario } from './scenario.js';
import type { ResolvedScenario, Scenario } from './types.js';
export { parseAssignment, parsePath, setPath, type PathStep } from './scenario-path.js';

/**
 * schedacct's version, part of every run's id (a test keeps it equal to package.json's).
 * @example
 * ```ts
 * SCHEDACCT_VERSION; // '0.1.0'
 * ```
 */
export const SCHEDACCT_VERSION = '0.1.0';

/**
 * The most runs one expansion may make (axes × seeds): a bigger sweep is split, or sharded.
 * @example
 * ```ts
 * MAX_RUNS; // 100000
 * ```
 */
export const MAX_RUNS = 100_000;

/** What to expand a base scenario with. */
export interface ExpandOptions {
  /** `PATH=VALUE`, applied in order to the base. */
  readonly set?: readonly string[];
  /** `PATH=V1,V2,…`: one axis each, cartesian, the first axis slowest. */
  readonly sweep?: readonly string[];
  /** Seeds per point (default 1): the point's seed, then seed + 1, … */
  readonly seeds?: number;
  /** The version ids are made with (default {@link SCHEDACCT_VERSION}). */
  readonly version?: string;
}

/** One run of an experiment. */
export interface Run {
  /** Its place in the expansion, from 0 (what shards go by). */
  readonly index: number;
  /** The swept values of this run, by path (empty without `--sweep`). */
  readonly point: Readonly<Record<string, unknown>>;
  /** Its seed. */
  readonly seed: number;
  /** The scenario it runs, resolved, with its seed. */
  readonly scenario: ResolvedScenario;
  /** FNV-1a (64-bit, hex) of the resolved scenario's canonical JSON and the version: same inputs, same id. */
  readonly id: string;
}

/**
 * JSON with every object's keys sorted and no spaces: equal values give equal text, whatever order their keys were
 * written in. Keys whose value is undefined are left out, as `JSON.stringify` does.
 * @param value - a JSON value (objects, arrays, strings, finite numbers, booleans, null)
 * @returns its canonical text
 * @throws {@link SchedacctError} `invalid-argument` for a value JSON cannot hold (NaN, a bigint, a function, a cycle)
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, null, { d: 'x', c: 2 }] }); // '{"a":[true,null,{"c":2,"d":"x"}],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, 'value', new Set());
}

function canonical(value: unknown, at: string, seen: Set<unknown>): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return JSON.stringify(value);
  } else if (typeof value === 'object' && !seen.has(value)) {
    seen.add(value);
    const text = Array.isArray(value)
      ? `[${value.map((v: unknown, i) => canonical(v ?? null, `${at}[${String(i)}]`, seen)).join(',')}]`
      : `{${Object.keys(value)
          .sort()
          .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
          .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k], `${at}.${k}`, seen)}`)
          .join(',')}}`;
    seen.delete(value);
    return text;
  }
  throw argError('invalid-argument', at, 'a JSON value (no NaN, Infinity, bigint, function or cycle)', value);
}

/**
 * FNV-1a, 64-bit, of a text's UTF-8 bytes.
 * @param text - the text
 * @returns 16 hex digits (`fnv1a64('')` is `cbf29ce484222325`)
 * @internal
 */
export function fnv1a64(text: string): string {
  // four 16-bit limbs, low first: every product stays exact in a double
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  const mix = (byte: number): void => {
    h0 ^= byte;
    // × 0x100000001b3 mod 2^64: limbs 0x01b3 (0) and 0x0100 (2)
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + h0 * 0x100 + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  };
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x80) mix(c);
    else if (c < 0x800) [0xc0 | (c >> 6), 0x80 | (c & 63)].forEach(mix);
    else if (c < 0x10000) [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)].forEach(mix);
    else [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)].forEach(mix);
  }
  return [h3, h2, h1, h0].map((h) => h.toString(16).padStart(4, '0')).join('');
}

/**
 * A run's id: the hash of its resolved scenario (canonical JSON) and the version that runs it.
 * @param scenario - the resolved scenario, with its seed
 * @param version - schedacct's version (default {@link SCHEDACCT_VERSION})
 * @returns 16 hex digits
 * @throws {@link SchedacctError} `invalid-argument` for a scenario that is not an object (or holds what JSON cannot) or a version that is not a string
 * @example
 * ```ts
 * const scenario = resolveScenario({ tasks: [{ name: 'hog', workload: { kind: 'cpu' } }] });
 * runId(scenario) === runId(resolveScenario(scenarioOf(scenario))); // true
 * ```
 */
export function runId(scenario: ResolvedScenario, version: string = SCHEDACCT_VERSION): string {
  checkObject('scenario', scenario);
  checkString('version', version);
  return fnv1a64(`schedacct ${version}\n${canonical(scenario, 'scenario', new Set())}`);
}

interface Axis {
  readonly path: string;
  readonly values: readonly unknown[];
}

function readAxes(sweep: readonly string[]): Axis[] {
  const axes: Axis[] = [];
  for (const text of sweep) {
    const { path, text: list } = splitAssignment('--sweep', text);
    if (axes.some((a) => a.path === path))
      throw new ScenarioError([{ path, message: 'is swept twice: give all its values in one --sweep' }]);
    axes.push({ path, values: splitValues(list).map((v) => parseValue(path, v)) });
  }
  return axes;
}

// Problems of many runs, each said once: with the run it came from, or how many runs it came from.
class RunIssues {
  readonly #byText = new Map<string, { issue: ScenarioIssue; runs: number; first: string }>();

  add(issues: readonly ScenarioIssue[], where: string): void {
    for (const issue of issues) {
      const key = formatIssue(issue);
      const seen = this.#byText.get(key);
      if (seen === undefined) this.#byText.set(key, { issue, runs: 1, first: where });
      else seen.runs++;
    }
  }

  throwIfAny(points: number): void {
    if (this.#byText.size === 0) return;
    const all = [...this.#byText.values()].map(({ issue, runs, first }) => {
      if (first === '' || runs === points) return issue;
      const tail = runs === 1 ? ` (in the run with ${first})` : ` (in ${String(runs)} runs, the first with ${first})`;
      return { path: issue.path, message: issue.message + tail };
    });
    const shown = all.slice(0, 50);
    if (all.length > shown.length)
      shown.push({ path: '', message: `and ${String(all.length - shown.length)} more problems` });
    throw new ScenarioError(shown);
  }
}

// The point of run p: the axes' values, the first axis slowest.
function pointOf(axes: readonly Axis[], p: number): Record<string, unknown> {
  const values: unknown[] = [];
  let rest = p;
  for (let a = axes.length - 1; a >= 0; a--) {
    const axis = axes[a] as Axis;
    values[a] = axis.values[rest % axis.values.length];
    rest = Math.floor(rest / axis.values.length);
  }
  return Object.fromEntries(axes.map((a, i) => [a.path, values[i]]));
}

const describePoint = (point: Readonly<Record<string, unknown>>): string =>
  Object.entries(point)
    .map(([path, value]) => `${path}=${JSON.stringify(value)}`)
    .join(', ');

function checkOptions(options: ExpandOptions): void {
  if (typeof options !== 'object' || (options as unknown) === null)
    throw argError('invalid-argument', 'options', 'an object {set, sweep, seeds}', options);
  for (const key of ['set', 'sweep'] as const) {
    const list = options[key];
    if (list !== undefined && !(Array.isArray(list) && list.every((s) => typeof s === 'string')))
      throw argError('invalid-argument', `options.${key}`, 'a list of strings', list);
  }
  if (options.seeds !== undefined) checkWhole('options.seeds', options.seeds, 1, MAX_RUNS);
  if (options.version !== undefined && typeof options.version !== 'string')
    throw argError('invalid-argument', 'options.version', 'a string', options.version);
}

/**
 * Expands an experiment into its runs: the `set` values applied to the base, then every combination of the `sweep`
 * axes (cartesian, the first axis slowest), each with `seeds` seeds (its own seed, then seed + 1, …). Every run is
 * resolved; any problem names the run it is in.
 * @param base - the scenario (as parsed)
 * @param options - see {@link ExpandOptions}
 * @returns the runs, in order, `index` from 0
 * @throws {@link ScenarioError} listing the problems (a path a scenario does not have, a value a run cannot take, more
 *   than {@link MAX_RUNS} runs), each with the run it is in; {@link SchedacctError} `invalid-argument` for options that
 *   are not lists of strings and a whole number of seeds
 * @example
 * ```ts
 * const base = { tasks: [{ name: 'hog', workload: { kind: 'cpu' as const } }] };
 * const runs = expandRuns(base, { sweep: ['accounting=none,drop', 'hz=250,1000'], seeds: 2 });
 * runs.length; // 8
 * runs[2]?.point; // { accounting: 'none', hz: 1000 }
 * runs[3]?.seed; // 2
 * ```
 */
export function expandRuns(base: Scenario, options: ExpandOptions = {}): Run[] {
  const given: unknown = base;
  checkObject('base', given);
  checkOptions(options);
  const seeds = options.seeds ?? 1;
  const version = options.version ?? SCHEDACCT_VERSION;
  let scenario = base;
  for (const text of options.set ?? []) {
    const { path, value } = parseAssignment(text);
    scenario = setPath(scenario, path, value);
  }
  const axes = readAxes(options.sweep ?? []);
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points * seeds > MAX_RUNS) {
    const message = `make ${String(points * seeds)} runs, more than ${String(MAX_RUNS)}: split the sweep`;
    throw new ScenarioError([{ path: '', message }]);
  }
  const runs: Run[] = [];
  const issues = new RunIssues();
  const ids = new Map<string, string>();
  for (let p = 0; p < points; p++) {
    const point = pointOf(axes, p);
    let s = scenario;
    for (const [path, value] of Object.entries(point)) s = setPath(s, path, value);
    let resolved: ResolvedScenario;
    try {
      resolved = resolveScenario(s);
    } catch (error: unknown) {
      if (!(error instanceof ScenarioError)) throw error;
      issues.add(error.issues, describePoint(point));
      continue;
    }
    for (let k = 0; k < seeds; k++) {
      const seed = resolved.seed + k;
      const where = describePoint({ ...point, seed });
      if (seed > MAX_SEED) {
        const message = `with --seeds ${String(seeds)}, seed ${String(seed)} is past the largest, ${String(MAX_SEED)}`;
        issues.add([{ path: 'seed', message }], describePoint(point));
        break;
      }
      const run = k === 0 ? resolved : { ...resolved, seed };
      const id = runId(run, version);
      const twin = ids.get(id);
      if (twin !== undefined) {
        const message = `the runs with ${twin} and with ${where} are the same scenario: a value or a seed repeats`;
        issues.add([{ path: '', message }], '');
      }
      ids.set(id, where);
      runs.push({ index: runs.length, point, seed, scenario: run, id });
    }
  }
  issues.throwIfAny(points);
  return runs;
}

/**
 * Reads `--shard I/N`: part I (from 1) of N.
 * @param text - `I/N`, like `2/8`
 * @returns the part and the number of parts
 * @throws {@link SchedacctError} `invalid-argument` for text that is not `I/N` with 1 ≤ I ≤ N
 * @example
 * ```ts
 * parseShard('2/8'); // { index: 2, count: 8 }
 * ```
 */
export function parseShard(text: string): {
  /** The part, from 1. */
  index: number;
  /** How many parts. */
  count: number;
} {
  checkString('text', text);
  const m = /^([0-9]{1,9})\/([0-9]{1,9})$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || index < 1 || index > count)
    throw argError('invalid-argument', '--shard', 'I/N with 1 ≤ I ≤ N, like "2/8"', text);
  return { index, count };
}

/**
 * The runs of one shard: run k goes to shard (k mod N) + 1, so the N shards partition the runs, whatever machine
 * each runs on (a Slurm array's task, a Kubernetes Indexed Job's completion index + 1).
 * @param runs - every run, as {@link expandRuns} gave them
 * @param index - the shard, from 1
 * @param count - how many shards
 * @returns the shard's runs, in order
 * @throws {@link SchedacctError} `invalid-argument` unless 1 ≤ index ≤ count
 * @example
 * ```ts
 * const runs = expandRuns({ tasks: [{ name: 'hog', workload: { kind: 'cpu' as const } }] }, { seeds: 5 });
 * shardRuns(runs, 2, 2).map((r) => r.seed); // [2, 4]
 * ```
 */
export function shardRuns(runs: readonly Run[], index: number, count: number): Run[] {
  const given: unknown = runs;
  if (!Array.isArray(given)) throw argError('invalid-argument', 'runs', 'a list of runs', runs);
  checkWhole('count', count, 1);
  checkWhole('index', index, 1, count);
  return runs.filter((r) => r.index % count === index - 1);
}
