/**
 * A scenario's tasks, checked and resolved: each group's comm, nice, priority, affinity, count, lifetime and workload.
 * Runtime-neutral.
 * @module
 * @internal
 */
import { itemPath, keyPath, type Issues } from './scenario-check.js';
import { PID_MAX_LIMIT } from './scenario-host.js';
import type { Distribution, Phase, ResolvedTaskSpec, Workload } from './types.js';

/** The keys of each kind of workload (the tag `kind` aside). */
const WORKLOAD_KEYS = {
  cpu: ['syscallUs'],
  periodic: ['runUs', 'sleepUs', 'syscallUs'],
  bursts: ['run', 'sleep', 'syscallUs'],
  phases: ['phases', 'loop'],
  trace: ['file', 'tid', 'comm', 'loop'],
} as const satisfies Record<Workload['kind'], readonly string[]>;

/** The keys of each distribution (the tag `dist` aside). */
const DISTRIBUTION_KEYS = {
  fixed: ['us'],
  uniform: ['minUs', 'maxUs'],
  exponential: ['meanUs'],
  lognormal: ['medianUs', 'sigma'],
} as const satisfies Record<Distribution['dist'], readonly string[]>;

/** The keys of a task group. */
export const TASK_KEYS: readonly string[] = [
  'name',
  'nice',
  'priority',
  'cpus',
  'count',
  'startMs',
  'stopMs',
  'workload',
];

/** The most tasks one group may have. */
export const MAX_TASK_COUNT = 10_000;

/** The most tasks a scenario may have: tids start at 1000 and stay below Linux's `PID_MAX_LIMIT`. */
export const MAX_TASKS: number = PID_MAX_LIMIT - 1000;

/** A comm: 1 to 15 characters (the kernel keeps 15 and a NUL), no spaces or control characters. */
const COMM = /^[^\s\p{Cc}]{1,15}$/u;

/**
 * Reads a comm.
 * @param issues - where problems go
 * @param path - where
 * @param value - the value
 * @returns the comm, or undefined (the problem added)
 * @internal
 */
export function readComm(issues: Issues, path: string, value: unknown): string | undefined {
  if (typeof value === 'string' && COMM.test(value)) return value;
  issues.want(path, 'a comm of 1 to 15 characters without spaces or control characters', value);
  return undefined;
}

// `run` lengths must be positive; a sleep of 0 is no sleep.
function readDistribution(issues: Issues, path: string, value: unknown, run: boolean): Distribution | undefined {
  const v = issues.variant(path, value, DISTRIBUTION_KEYS, 'dist');
  if (v === undefined) return undefined;
  const r = v.record;
  const at = (key: string): string => keyPath(path, key);
  const least = run ? 'positive' : 'nonnegative';
  switch (v.kind) {
    case 'fixed': {
      const us = issues.time(at('us'), r.us, 'us', least);
      return us === undefined ? undefined : { dist: 'fixed', us };
    }
    case 'uniform': {
      const minUs = issues.time(at('minUs'), r.minUs, 'us', least);
      const maxUs = issues.time(at('maxUs'), r.maxUs, 'us', least);
      if (minUs === undefined || maxUs === undefined) return undefined;
      if (maxUs >= minUs) return { dist: 'uniform', minUs, maxUs };
      issues.want(at('maxUs'), `at least minUs (${String(minUs)})`, maxUs);
      return undefined;
    }
    case 'exponential': {
      const meanUs = issues.time(at('meanUs'), r.meanUs, 'us', 'positive');
      return meanUs === undefined ? undefined : { dist: 'exponential', meanUs };
    }
    case 'lognormal': {
      const medianUs = issues.time(at('medianUs'), r.medianUs, 'us', 'positive');
      const sigma = r.sigma;
      if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma < 0 || sigma > 10) {
        issues.want(at('sigma'), 'a number from 0 to 10', sigma);
        return undefined;
      }
      return medianUs === undefined ? undefined : { dist: 'lognormal', medianUs, sigma };
    }
  }
}

function readPhases(issues: Issues, path: string, value: unknown): Phase[] | undefined {
  const list = issues.list(path, value, 'a list of at least one {runUs, sleepUs, times} phase', 1);
  if (list === undefined) return undefined;
  const phases: Phase[] = [];
  list.forEach((item, i) => {
    const at = itemPath(path, i);
    const r = issues.object(at, item, ['runUs', 'sleepUs', 'times'], 'an object {runUs, sleepUs, times}');
    if (r === undefined) return;
    const runUs = issues.time(keyPath(at, 'runUs'), r.runUs, 'us', 'positive');
    const sleepUs = issues.time(keyPath(at, 'sleepUs'), r.sleepUs, 'us', 'nonnegative');
    const times = issues.whole(keyPath(at, 'times'), r.times, 1, 1_000_000_000, 1);
    if (runUs !== undefined && sleepUs !== undefined && times !== undefined) phases.push({ runUs, sleepUs, times });
  });
  return phases.length === list.length ? phases : undefined;
}

function readTraceWorkload(issues: Issues, path: string, r: Record<string, unknown>): Workload | undefined {
  const file = issues.text(keyPath(path, 'file'), r.file);
  const tid = r.tid === undefined ? undefined : issues.whole(keyPath(path, 'tid'), r.tid, 1, PID_MAX_LIMIT);
  const comm = r.comm === undefined ? undefined : readComm(issues, keyPath(path, 'comm'), r.comm);
  const loop = issues.boolean(keyPath(path, 'loop'), r.loop, false);
  if (r.tid === undefined && r.comm === undefined) {
    issues.add(path, 'must say which task of the trace to take: a "tid", a "comm", or both');
    return undefined;
  }
  if (file === undefined || loop === undefined) return undefined;
  if ((r.tid !== undefined && tid === undefined) || (r.comm !== undefined && comm === undefined)) return undefined;
  return {
    kind: 'trace',
    file,
    ...(tid === undefined ? {} : { tid }),
    ...(comm === undefined ? {} : { comm }),
    loop,
  };
}

/**
 * Reads a workload, its defaults filled in.
 * @param issues - where problems go
 * @param path - where
 * @param value - the value
 * @returns the workload, or undefined (the problems added)
 * @internal
 */
export function readWorkload(issues: Issues, path: string, value: unknown): Workload | undefined {
  const v = issues.variant(path, value, WORKLOAD_KEYS);
  if (v === undefined) return undefined;
  const r = v.record;
  const at = (key: string): string => keyPath(path, key);
  // syscallUs only when given: its default is the kind's (periodic 2 µs, else never), applied by the engine
  const syscall = r.syscallUs === undefined ? null : issues.time(at('syscallUs'), r.syscallUs, 'us', 'nonnegative');
  if (syscall === undefined) return undefined;
  const sys = syscall === null ? {} : { syscallUs: syscall };
  switch (v.kind) {
    case 'cpu':
      return { kind: 'cpu', ...sys };
    case 'periodic': {
      const runUs = issues.time(at('runUs'), r.runUs, 'us', 'positive');
      const sleepUs = issues.time(at('sleepUs'), r.sleepUs, 'us', 'nonnegative');
      return runUs === undefined || sleepUs === undefined ? undefined : { kind: 'periodic', runUs, sleepUs, ...sys };
    }
    case 'bursts': {
      const run = readDistribution(issues, at('run'), r.run, true);
      const sleep = readDistribution(issues, at('sleep'), r.sleep, false);
      return run === undefined || sleep === undefined ? undefined : { kind: 'bursts', run, sleep, ...sys };
    }
    case 'phases': {
      const phases = readPhases(issues, at('phases'), r.phases);
      const loop = issues.boolean(at('loop'), r.loop, true);
      return phases === undefined || loop === undefined ? undefined : { kind: 'phases', phases, loop };
    }
    case 'trace':
      return readTraceWorkload(issues, path, r);
  }
}

// Affinity: distinct vCPU indexes, sorted in the result; all of them by default.
function readAffinity(issues: Issues, path: string, value: unknown, cpus: number | undefined): number[] | undefined {
  if (cpus === undefined) return undefined;
  if (value === undefined) return Array.from({ length: cpus }, (_, i) => i);
  const list = issues.list(path, value, `a non-empty list of vCPU indexes from 0 to ${String(cpus - 1)}`, 1);
  if (list === undefined) return undefined;
  const seen = new Set<number>();
  list.forEach((item, i) => {
    if (typeof item !== 'number' || !Number.isInteger(item) || item < 0 || item >= cpus) {
      const has = `the scenario has ${String(cpus)} vCPU${cpus === 1 ? '' : 's'}`;
      issues.want(itemPath(path, i), `a vCPU index from 0 to ${String(cpus - 1)} (${has})`, item);
      return;
    }
    const cpu = item;
    if (seen.has(cpu)) issues.add(itemPath(path, i), `vCPU ${String(cpu)} is listed twice`);
    seen.add(cpu);
  });
  return seen.size === list.length ? [...seen].sort((a, b) => a - b) : undefined;
}

// startMs < stopMs ≤ durationMs, and a task that starts inside the run.
function readLifetime(
  issues: Issues,
  path: string,
  r: Record<string, unknown>,
  durationMs: number | undefined,
): { startMs: number; stopMs: number | null } | undefined {
  const startMs = issues.time(keyPath(path, 'startMs'), r.startMs, 'ms', 'nonnegative', 0);
  const stop = r.stopMs === undefined ? null : issues.time(keyPath(path, 'stopMs'), r.stopMs, 'ms', 'positive');
  if (startMs === undefined || stop === undefined || durationMs === undefined) return undefined;
  if (startMs >= durationMs) {
    issues.want(keyPath(path, 'startMs'), `less than durationMs (${String(durationMs)})`, startMs);
    return undefined;
  }
  if (stop !== null && (stop <= startMs || stop > durationMs)) {
    const wanted = `more than startMs (${String(startMs)}) and at most durationMs (${String(durationMs)})`;
    issues.want(keyPath(path, 'stopMs'), wanted, stop);
    return undefined;
  }
  return { startMs, stopMs: stop };
}

/**
 * Reads one task group, its defaults filled in.
 * @param issues - where problems go
 * @param path - where (`tasks[i]`)
 * @param value - the value
 * @param cpus - the vCPUs (undefined: they were wrong)
 * @param durationMs - the run's length (undefined: it was wrong)
 * @returns the group, or undefined (the problems added)
 * @internal
 */
export function readTask(
  issues: Issues,
  path: string,
  value: unknown,
  cpus: number | undefined,
  durationMs: number | undefined,
): ResolvedTaskSpec | undefined {
  const r = issues.object(path, value, TASK_KEYS, 'an object {name, workload, …}');
  if (r === undefined) return undefined;
  const at = (key: string): string => keyPath(path, key);
  const name = readComm(issues, at('name'), r.name);
  const nice = issues.whole(at('nice'), r.nice, -20, 19, 0);
  const priority = issues.whole(at('priority'), r.priority, 1, 99, 50);
  const affinity = readAffinity(issues, at('cpus'), r.cpus, cpus);
  const count = issues.whole(at('count'), r.count, 1, MAX_TASK_COUNT, 1);
  const life = readLifetime(issues, path, r, durationMs);
  const workload = readWorkload(issues, at('workload'), r.workload);
  if (name === undefined || nice === undefined || priority === undefined || affinity === undefined) return undefined;
  if (count === undefined || life === undefined || workload === undefined) return undefined;
  return { name, nice, priority, cpus: affinity, count, startMs: life.startMs, stopMs: life.stopMs, workload };
}
