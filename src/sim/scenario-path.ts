/**
 * Paths into a scenario (`tasks[0].nice`, `host.steal.0.share`), checked against the scenario's JSON Schema, and the
 * `--set PATH=VALUE` / `--sweep PATH=V1,V2,…` text that names them. Runtime-neutral.
 * @module
 */
import { checkString } from '../check.js';
import { ScenarioError, suggest } from './scenario-check.js';
import { scenarioSchema, type JsonSchema } from './schema.js';
import type { Scenario } from './types.js';

/** One step of a path: a key, or a list index. */
export type PathStep = string | number;

const fail = (path: string, message: string): ScenarioError => new ScenarioError([{ path, message }]);

/**
 * Reads a path: keys joined by dots, list items as `[i]` (`tasks[0].workload.runUs`); a vCPU's steal is
 * `host.steal.0` (or `host.steal.*`).
 * @param path - the path
 * @returns its steps
 * @throws {@link ScenarioError} for a path that is not written that way
 * @example
 * ```ts
 * parsePath('tasks[1].workload.runUs'); // ['tasks', 1, 'workload', 'runUs']
 * ```
 */
export function parsePath(path: string): PathStep[] {
  checkString('path', path);
  const steps: PathStep[] = [];
  const token = /([A-Za-z_][A-Za-z0-9_]*|[0-9]+|\*)|\[([0-9]+)\]/y;
  let at = 0;
  while (at < path.length) {
    if (steps.length > 0 && path[at] === '.') at++;
    else if (steps.length > 0 && path[at] !== '[') break;
    token.lastIndex = at;
    const m = token.exec(path);
    if (m === null || (m[2] !== undefined && (steps.length === 0 || path[at - 1] === '.'))) break;
    steps.push(m[2] === undefined ? (m[1] as string) : Number(m[2]));
    at = token.lastIndex;
  }
  if (at < path.length || steps.length === 0 || path.endsWith('.'))
    throw fail(path, 'is not a path: keys joined by dots, list items as [i] (like tasks[0].nice)');
  return steps;
}

// The schemas a node stands for: its $ref followed, its oneOf / anyOf branches spread.
function expand(root: JsonSchema, node: JsonSchema): JsonSchema[] {
  const ref = node.$ref;
  if (typeof ref === 'string') {
    const defs = root.$defs as Record<string, JsonSchema>;
    return expand(root, defs[ref.replace('#/$defs/', '')] as JsonSchema);
  }
  const branches = [
    ...((node.oneOf as JsonSchema[] | undefined) ?? []),
    ...((node.anyOf as JsonSchema[] | undefined) ?? []),
  ];
  return [node, ...branches.flatMap((b) => expand(root, b))];
}

// The schemas under one step of each of `nodes`, and the keys that would have been right there.
function step(root: JsonSchema, nodes: readonly JsonSchema[], s: PathStep): { next: JsonSchema[]; keys: string[] } {
  const next: JsonSchema[] = [];
  const keys: string[] = [];
  for (const node of nodes.flatMap((n) => expand(root, n))) {
    const properties = node.properties as Record<string, JsonSchema> | undefined;
    if (node.type === 'array' && node.items !== undefined) {
      if (typeof s === 'number' || /^[0-9]+$/.test(s)) next.push(node.items as JsonSchema);
      continue;
    }
    if (properties !== undefined) {
      keys.push(...Object.keys(properties));
      const p = properties[String(s)];
      if (p !== undefined) next.push(p);
    }
    const names = (node.propertyNames as { pattern?: string } | undefined)?.pattern;
    if (typeof node.additionalProperties === 'object' && (names === undefined || new RegExp(names).test(String(s))))
      next.push(node.additionalProperties as JsonSchema);
  }
  return { next, keys: [...new Set(keys)] };
}

/**
 * The schemas a path leads to in the scenario's schema (several where kinds differ: `workload.runUs` is periodic's).
 * @param path - the path
 * @returns the schemas of the value there (not empty)
 * @throws {@link ScenarioError} naming the path when a scenario has no such key, with the nearest key
 * @internal
 */
export function schemasAt(path: string): JsonSchema[] {
  const root = scenarioSchema();
  let nodes: JsonSchema[] = [root];
  let so = '';
  for (const s of parsePath(path)) {
    const { next, keys } = step(root, nodes, s);
    if (next.length === 0) {
      const near = typeof s === 'string' ? suggest(s, keys) : undefined;
      const where = so === '' ? 'a scenario' : so;
      const hint = near === undefined ? '' : `; did you mean '${near}'?`;
      throw fail(path, `no such key in a scenario: ${where} has no ${JSON.stringify(s)}${hint}`);
    }
    nodes = next;
    so += typeof s === 'number' ? `[${String(s)}]` : so === '' ? s : `.${s}`;
  }
  return nodes.flatMap((n) => expand(root, n));
}

/**
 * A value as `--set` and `--sweep` read it: JSON if it parses, else the text itself; where the path holds a string
 * (`kernel`, `policy`, `name`), always the text, so that `kernel=6.10` stays `"6.10"`.
 * @param path - where it goes
 * @param text - what was written
 * @returns the value
 * @throws {@link ScenarioError} for a path a scenario does not have
 * @internal
 */
export function parseValue(path: string, text: string): unknown {
  const schemas = schemasAt(path).filter((s) => s.type !== undefined || s.enum !== undefined || s.const !== undefined);
  if (schemas.length > 0 && schemas.every((s) => s.type === 'string')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Splits `PATH=VALUE`.
 * @param option - the option it came with (`--set`), for the message
 * @param text - what was written
 * @returns the path and the value's text
 * @throws {@link ScenarioError} for text without `=` or an empty path
 * @internal
 */
export function splitAssignment(option: string, text: string): { path: string; text: string } {
  checkString(option, text);
  const eq = text.indexOf('=');
  if (eq <= 0) throw fail(option, `must be PATH=VALUE (like tasks[0].nice=5), got ${JSON.stringify(text)}`);
  return { path: text.slice(0, eq).trim(), text: text.slice(eq + 1) };
}

/**
 * Reads `--set PATH=VALUE`: the path checked against the scenario's schema, the value JSON if it parses, else text.
 * @param text - `PATH=VALUE`
 * @returns the path and the value
 * @throws {@link ScenarioError} for text that is not `PATH=VALUE` or a path a scenario does not have;
 *   {@link SchedacctError} `invalid-argument` for text that is not a string
 * @example
 * ```ts
 * parseAssignment('tasks[0].cpus=[0,1]'); // { path: 'tasks[0].cpus', value: [0, 1] }
 * parseAssignment('policy=cfs').value; // 'cfs'
 * ```
 */
export function parseAssignment(text: string): {
  /** The path, as written (checked against the scenario's schema). */
  path: string;
  /** The value: the JSON it parses as, else the text. */
  value: unknown;
} {
  checkString('text', text);
  const { path, text: value } = splitAssignment('--set', text);
  return { path, value: parseValue(path, value) };
}

/**
 * Splits a list of values at the commas outside brackets, braces and strings: `[0,1],[1]` is two values.
 * @param text - the values
 * @returns each value's text
 * @internal
 */
export function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// A copy of `node` with `value` at `steps` (only the containers on the path are copied).
function put(node: unknown, steps: readonly PathStep[], value: unknown, path: string, at: string): unknown {
  const [s, ...rest] = steps;
  if (s === undefined) return value;
  if (Array.isArray(node)) {
    const i = Number(s);
    if (i > node.length || (i === node.length && rest.length > 0))
      throw fail(path, `${at} has ${String(node.length)} items: there is no item ${String(i)} to set`);
    const copy = [...(node as unknown[])];
    copy[i] = put(copy[i], rest, value, path, `${at}[${String(i)}]`);
    return copy;
  }
  if (node === undefined && typeof s === 'number')
    throw fail(path, `${at} is not in the scenario: there is no list to set item ${String(s)} of`);
  if (node !== undefined && !isRecord(node))
    throw fail(path, `${at === '' ? 'the scenario' : at} is not an object: nothing can be set inside it`);
  const record = node ?? {};
  const key = String(s);
  const below = at === '' ? key : `${at}.${key}`;
  return { ...record, [key]: put(record[key], rest, value, path, below) };
}

/**
 * A scenario with one value set: what `--set PATH=VALUE` does. The path must be one a scenario can have (checked
 * against its schema); the scenario is copied, not changed.
 * @param scenario - the scenario (as parsed)
 * @param path - where (`tasks[0].nice`, `host.steal.0.share`)
 * @param value - the value (checked when the scenario is resolved)
 * @returns the new scenario
 * @throws {@link ScenarioError} naming the path when a scenario has no such key, or the item it names is not there
 * @example
 * ```ts
 * const base = { tasks: [{ name: 'a', workload: { kind: 'cpu' as const } }] };
 * setPath(base, 'tasks[0].nice', 5).tasks[0]?.nice; // 5
 * base.tasks[0]; // unchanged: { name: 'a', workload: { kind: 'cpu' } }
 * ```
 */
export function setPath(scenario: Scenario, path: string, value: unknown): Scenario {
  schemasAt(path);
  return put(scenario, parsePath(path), value, path, '') as Scenario;
}
