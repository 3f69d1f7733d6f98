/**
 * The pieces a scenario is checked with: the error that lists every problem at its path, and readers that take one
 * value, say what was wanted and what came when it is wrong, and give the value (or its default) when it is right.
 * Runtime-neutral.
 * @module
 */
import { describe } from '../check.js';
import { SchedacctError } from '../errors.js';

/** One problem in a scenario: where (`tasks[1].workload.runUs`; `''` for the scenario itself) and what. */
export interface ScenarioIssue {
  /** The dotted path, with `[i]` for list items. */
  readonly path: string;
  /** What was wanted and what came. */
  readonly message: string;
}

/**
 * A scenario that cannot run: every problem found, each at its path. `code` is `invalid-argument`; the message lists
 * the issues one per line, as `path: message`.
 * @example
 * ```ts
 * try {
 *   resolveScenario({ tasks: [{ name: 'a', workload: { kind: 'periodic', runUs: -3, sleepUs: 1000 } }] });
 * } catch (e) {
 *   if (e instanceof ScenarioError) console.log(e.issues[0]?.path); // tasks[0].workload.runUs
 * }
 * ```
 */
export class ScenarioError extends SchedacctError {
  /** Every problem, in the order the scenario was read. */
  readonly issues: readonly ScenarioIssue[];

  /**
   * @param issues - the problems (at least one)
   */
  constructor(issues: readonly ScenarioIssue[]) {
    const given: unknown = issues;
    const list: ScenarioIssue[] = (Array.isArray(given) ? (given as Partial<ScenarioIssue>[]) : []).map((issue) => ({
      path: typeof issue.path === 'string' ? issue.path : '',
      message: typeof issue.message === 'string' ? issue.message : 'invalid',
    }));
    super('invalid-argument', list.map(formatIssue).join('\n') || 'invalid scenario');
    this.name = 'ScenarioError';
    this.issues = Object.freeze(list);
  }
}

/**
 * An issue as one line of text.
 * @param issue - the issue
 * @returns `path: message` (`scenario: …` for the root)
 * @internal
 */
export function formatIssue(issue: ScenarioIssue): string {
  return `${issue.path === '' ? 'scenario' : issue.path}: ${issue.message}`;
}

/**
 * A key's path below a parent.
 * @param parent - the parent's path (`''` for the root)
 * @param key - the key
 * @returns `parent.key`, or `key` at the root
 * @internal
 */
export const keyPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

/**
 * A list item's path.
 * @param parent - the list's path
 * @param i - the index
 * @returns `parent[i]`
 * @internal
 */
export const itemPath = (parent: string, i: number): string => `${parent}[${String(i)}]`;

// Optimal string alignment distance (Levenshtein with adjacent transpositions), case-insensitive.
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...new Array<number>(t.length).fill(0)]);
  for (let j = 0; j <= t.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= s.length; i++) {
    const row = d[i] as number[];
    const up = d[i - 1] as number[];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (d[s.length] as number[])[t.length] as number;
}

/**
 * The closest of some names to a misspelt one, if it is close enough to be what was meant.
 * @param name - what was written
 * @param names - what is allowed
 * @returns the suggestion, or undefined
 * @internal
 */
export function suggest(name: string, names: readonly string[]): string | undefined {
  // a unique longer name it begins (`arm` for `arm64`), else the nearest by edits
  const lower = name.toLowerCase();
  const longer = names.filter((n) => n.length > name.length && n.toLowerCase().startsWith(lower));
  if (name.length >= 3 && longer.length === 1) return longer[0];
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  for (const candidate of names) {
    const d = distance(name, candidate);
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Collects the problems of one scenario and reads its values.
 * @internal
 */
export class Issues {
  /** The problems so far. */
  readonly found: ScenarioIssue[] = [];

  /**
   * Adds a problem.
   * @param path - where
   * @param message - what
   */
  add(path: string, message: string): void {
    this.found.push({ path, message });
  }

  /**
   * Adds "must be …, got …".
   * @param path - where
   * @param wanted - what it must be
   * @param got - what it was
   * @param hint - more, after a semicolon
   */
  want(path: string, wanted: string, got: unknown, hint?: string): void {
    const tail = hint === undefined ? '' : `; ${hint}`;
    this.add(path, got === undefined ? `is required: ${wanted}` : `must be ${wanted}, got ${describe(got)}${tail}`);
  }

  /**
   * Reads an object whose keys are all known.
   * @param path - where
   * @param value - the value
   * @param keys - the keys it may have (undefined: not checked here)
   * @param wanted - what it must be, if not an object
   * @returns the object, or undefined when it is not one (the problem added)
   */
  object(
    path: string,
    value: unknown,
    keys: readonly string[] | undefined,
    wanted = 'an object',
  ): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.want(path, wanted, value);
      return undefined;
    }
    const record = value as Record<string, unknown>;
    if (keys !== undefined)
      for (const key of Object.keys(record)) if (!keys.includes(key)) this.unknownKey(keyPath(path, key), key, keys);
    return record;
  }

  /**
   * Reads an object of one of some kinds, told by a tag key (`kind`), whose keys are all the kind's.
   * @param path - where
   * @param value - the value
   * @param variants - the keys of each kind (the tag included)
   * @param tag - the key that tells the kind
   * @returns the kind and the object, or undefined (the problem added)
   */
  variant<K extends string>(
    path: string,
    value: unknown,
    variants: Readonly<Record<K, readonly string[]>>,
    tag = 'kind',
  ): { readonly kind: K; readonly record: Record<string, unknown> } | undefined {
    const kinds = Object.keys(variants) as K[];
    const wanted = `an object with "${tag}": ${kinds.map((k) => JSON.stringify(k)).join(' | ')}`;
    const record = this.object(path, value, undefined, wanted);
    if (record === undefined) return undefined;
    const kind = this.choice(keyPath(path, tag), record[tag], kinds);
    // a kind's own keys, or (the kind unknown) those of any kind
    const keys = [tag, ...(kind === undefined ? new Set(kinds.flatMap((k) => variants[k])) : variants[kind])];
    for (const key of Object.keys(record)) if (!keys.includes(key)) this.unknownKey(keyPath(path, key), key, keys);
    if (kind === undefined) return undefined;
    return { kind, record };
  }

  /**
   * Adds an unknown key, with the nearest known one.
   * @param path - the key's path
   * @param key - the key
   * @param keys - the known keys
   */
  unknownKey(path: string, key: string, keys: readonly string[]): void {
    const near = suggest(key, keys);
    const list = keys.map((k) => `'${k}'`).join(', ');
    this.add(
      path,
      `unknown key '${key}'; ${near === undefined ? `the keys here are ${list || 'none'}` : `did you mean '${near}'?`}`,
    );
  }

  /**
   * Reads a list.
   * @param path - where
   * @param value - the value
   * @param wanted - what it must be
   * @param min - fewest items
   * @returns the list, or undefined (the problem added)
   */
  list(path: string, value: unknown, wanted: string, min = 0): readonly unknown[] | undefined {
    if (!Array.isArray(value) || value.length < min) {
      if (Array.isArray(value))
        this.add(path, `must be ${wanted}, got ${value.length === 0 ? 'an empty list' : String(value.length)}`);
      else this.want(path, wanted, value);
      return undefined;
    }
    return value as readonly unknown[];
  }

  /**
   * Reads one of some allowed values.
   * @param path - where
   * @param value - the value
   * @param allowed - what it may be
   * @param fallback - its default (undefined: required)
   * @returns the value, its default, or undefined (the problem added)
   */
  choice<T extends string | number>(path: string, value: unknown, allowed: readonly T[], fallback?: T): T | undefined {
    if (value === undefined && fallback !== undefined) return fallback;
    if (allowed.includes(value as T)) return value as T;
    const wanted = `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
    const near = typeof value === 'string' ? suggest(value, allowed.map(String)) : undefined;
    this.want(path, wanted, value, near === undefined ? undefined : `did you mean ${JSON.stringify(near)}?`);
    return undefined;
  }

  /**
   * Reads a whole number within bounds.
   * @param path - where
   * @param value - the value
   * @param min - smallest allowed
   * @param max - largest allowed
   * @param fallback - its default (undefined: required)
   * @returns the value, its default, or undefined (the problem added)
   */
  whole(path: string, value: unknown, min: number, max: number, fallback?: number): number | undefined {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.want(path, `a whole number from ${String(min)} to ${String(max)}`, value);
    return undefined;
  }

  /**
   * Reads a boolean.
   * @param path - where
   * @param value - the value
   * @param fallback - its default
   * @returns the value, its default, or undefined (the problem added)
   */
  boolean(path: string, value: unknown, fallback: boolean): boolean | undefined {
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    this.want(path, 'true or false', value);
    return undefined;
  }

  /**
   * Reads a non-empty string.
   * @param path - where
   * @param value - the value
   * @param fallback - its default (undefined: required)
   * @returns the value, its default, or undefined (the problem added)
   */
  text(path: string, value: unknown, fallback?: string): string | undefined {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === 'string' && value !== '') return value;
    this.want(path, 'a non-empty string', value);
    return undefined;
  }

  /**
   * Reads a time in µs or ms that resolves to whole ns.
   * @param path - where
   * @param value - the value
   * @param unit - `us` (at most 3 decimals) or `ms` (at most 6)
   * @param sign - `positive` (> 0) or `nonnegative` (≥ 0)
   * @param fallback - its default (undefined: required)
   * @returns the value, its default, or undefined (the problem added)
   */
  time(
    path: string,
    value: unknown,
    unit: 'us' | 'ms',
    sign: 'positive' | 'nonnegative',
    fallback?: number,
  ): number | undefined {
    if (value === undefined && fallback !== undefined) return fallback;
    const wanted = sign === 'positive' ? 'a positive number' : 'a number ≥ 0';
    if (typeof value !== 'number' || !Number.isFinite(value) || (sign === 'positive' ? value <= 0 : value < 0)) {
      this.want(path, wanted, value);
      return undefined;
    }
    const perUnit = unit === 'us' ? 1e3 : 1e6;
    const ns = Math.round(value * perUnit);
    if (ns > Number.MAX_SAFE_INTEGER) {
      this.want(path, `at most ${String(Math.floor(Number.MAX_SAFE_INTEGER / perUnit))} (2^53 − 1 ns)`, value);
      return undefined;
    }
    // the value must be the double nearest to a whole number of ns (what JSON's decimal text of one parses to)
    if (ns / perUnit !== value) {
      const decimals = unit === 'us' ? 'at most 3 decimals in µs' : 'at most 6 decimals in ms';
      this.want(path, `a whole number of ns (${decimals})`, value);
      return undefined;
    }
    return value;
  }
}
