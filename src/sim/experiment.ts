// placeholder: replaced at merge (the SCENARIOS part writes the real one)
/**
 * Experiments: `--set`, `--sweep`, `--seeds`, `--shard` expanded into runs (placeholder).
 * @module
 */
import { SchedacctError } from '../errors.js';
import { resolveScenario } from './scenario.js';
import type { ResolvedScenario } from './types.js';

/** One run of an experiment. */
export interface Run {
  /** Its place in the experiment, from 0. */
  readonly index: number;
  /** A stable id. */
  readonly id: string;
  /** Its seed. */
  readonly seed: number;
  /** The swept values, by path, in the order of the `--sweep` options. */
  readonly values: Readonly<Record<string, unknown>>;
  /** What it runs. */
  readonly scenario: ResolvedScenario;
}

/** What expands a scenario into runs. */
export interface ExperimentSpec {
  /** `PATH=VALUE`. */
  readonly set?: readonly string[];
  /** `PATH=V1,V2`. */
  readonly sweep?: readonly string[];
  /** Seeds per point (default 1). */
  readonly seeds?: number;
}

/** A part of an experiment: `index` of `count`. */
export interface Shard {
  /** From 0. */
  readonly index: number;
  /** Parts. */
  readonly count: number;
}

const value = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

function assign(target: Record<string, unknown>, path: string, v: unknown): void {
  const keys = path.split('.');
  let at: Record<string, unknown> = target;
  for (const k of keys.slice(0, -1)) {
    at[k] = { ...(at[k] ?? {}) };
    at = at[k] as Record<string, unknown>;
  }
  at[keys[keys.length - 1] ?? ''] = v;
}

/**
 * Expands a scenario into runs (placeholder).
 * @param input - the scenario as JSON
 * @param spec - the experiment
 * @returns the runs
 * @throws {@link SchedacctError} for a bad spec
 * @example
 * ```ts
 * expandRuns({ tasks: [] }, { sweep: ['cpus=1,2'] }).length; // 2
 * ```
 */
export function expandRuns(input: unknown, spec: ExperimentSpec): Run[] {
  const base = structuredClone(input) as Record<string, unknown>;
  for (const s of spec.set ?? []) {
    const eq = s.indexOf('=');
    assign(base, s.slice(0, eq), value(s.slice(eq + 1)));
  }
  let points: Record<string, unknown>[] = [{}];
  for (const s of spec.sweep ?? []) {
    const eq = s.indexOf('=');
    if (eq < 1) throw new SchedacctError('invalid-argument', `--sweep must be PATH=V1,V2, got '${s}'`);
    const path = s.slice(0, eq);
    points = points.flatMap((p) =>
      s
        .slice(eq + 1)
        .split(',')
        .map((v) => ({ ...p, [path]: value(v) })),
    );
  }
  const seeds = spec.seeds ?? 1;
  const baseSeed = typeof base.seed === 'number' ? base.seed : 1;
  const runs: Run[] = [];
  for (const p of points)
    for (let k = 0; k < seeds; k++) {
      const s = structuredClone(base);
      for (const [path, v] of Object.entries(p)) assign(s, path, v);
      s.seed = baseSeed + k;
      runs.push({
        index: runs.length,
        id: `run-${String(runs.length)}`,
        seed: baseSeed + k,
        values: p,
        scenario: resolveScenario(s),
      });
    }
  return runs;
}

/**
 * Parses `I/N` (placeholder).
 * @param text - `I/N`, 0 ≤ I < N
 * @returns the shard
 * @throws {@link SchedacctError} for anything else
 * @example
 * ```ts
 * parseShard('1/4'); // { index: 1, count: 4 }
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || !(count >= 1 && index < count))
    throw new SchedacctError('invalid-argument', `--shard must be I/N with 0 ≤ I < N, got '${text}'`);
  return { index, count };
}

/**
 * The runs of one shard (placeholder: every count-th).
 * @param runs - every run
 * @param shard - the part
 * @returns its runs
 * @example
 * ```ts
 * shardRuns(expandRuns({ tasks: [] }, { sweep: ['cpus=1,2,3'] }), { index: 0, count: 2 }).length; // 2
 * ```
 */
export function shardRuns(runs: readonly Run[], shard: Shard): Run[] {
  return runs.filter((r) => r.index % shard.count === shard.index);
}
