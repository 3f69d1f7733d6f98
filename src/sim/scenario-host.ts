/**
 * The host's side of a scenario, checked and resolved: steal by vCPU index, whole-VM pauses, the ABI. Runtime-neutral.
 * @module
 * @internal
 */
import { itemPath, keyPath, type Issues } from './scenario-check.js';
import type { MsInterval, SimAbi, StealSpec } from './types.js';

/** The keys of each kind of steal (a contract: the schema and the types say the same). */
const STEAL_KEYS = {
  none: [],
  constant: ['share', 'periodUs'],
  periodic: ['periodUs', 'stealUs', 'phaseUs'],
  random: ['meanRunUs', 'meanStealUs'],
  intervals: ['intervals'],
  trace: ['file', 'tid'],
} as const satisfies Record<StealSpec['kind'], readonly string[]>;

/** The ABIs a guest reads steal through. */
export const ABIS: readonly SimAbi[] = ['x86', 'arm64', 'xen'];

/** The highest tid Linux hands out (`PID_MAX_LIMIT` on 64-bit: 4 × 1024 × 1024). */
export const PID_MAX_LIMIT = 4_194_304;

// Steal `share` of every period: [0, 1), so that some of every period is the guest's.
function readShare(issues: Issues, path: string, value: unknown): number | undefined {
  if (typeof value === 'number' && value >= 0 && value < 1) return value;
  issues.want(path, 'a number from 0 to less than 1', value);
  return undefined;
}

function readPeriodic(issues: Issues, path: string, r: Record<string, unknown>): StealSpec | undefined {
  const periodUs = issues.time(keyPath(path, 'periodUs'), r.periodUs, 'us', 'positive');
  const stealUs = issues.time(keyPath(path, 'stealUs'), r.stealUs, 'us', 'nonnegative');
  const phaseUs = issues.time(keyPath(path, 'phaseUs'), r.phaseUs, 'us', 'nonnegative', 0);
  if (periodUs === undefined || stealUs === undefined || phaseUs === undefined) return undefined;
  let ok = true;
  if (stealUs >= periodUs) {
    issues.want(keyPath(path, 'stealUs'), `less than periodUs (${String(periodUs)})`, stealUs);
    ok = false;
  }
  if (phaseUs >= periodUs) {
    issues.want(keyPath(path, 'phaseUs'), `less than periodUs (${String(periodUs)})`, phaseUs);
    ok = false;
  }
  return ok ? { kind: 'periodic', periodUs, stealUs, phaseUs } : undefined;
}

/**
 * Reads a list of intervals: sorted, not overlapping, inside the run.
 * @param issues - where problems go
 * @param path - where
 * @param value - the value
 * @param durationMs - the run's length (undefined: it was wrong, not checked against it)
 * @returns the intervals, or undefined (the problems added)
 * @internal
 */
export function readIntervals(
  issues: Issues,
  path: string,
  value: unknown,
  durationMs: number | undefined,
): MsInterval[] | undefined {
  const list = issues.list(path, value, 'a list of {startMs, endMs} intervals');
  if (list === undefined) return undefined;
  const out: MsInterval[] = [];
  let ok = true;
  let previousEndMs = 0;
  for (const [i, item] of list.entries()) {
    const at = itemPath(path, i);
    const r = issues.object(at, item, ['startMs', 'endMs'], 'an object {startMs, endMs}');
    const startMs = r && issues.time(keyPath(at, 'startMs'), r.startMs, 'ms', 'nonnegative');
    const endMs = r && issues.time(keyPath(at, 'endMs'), r.endMs, 'ms', 'positive');
    if (startMs === undefined || endMs === undefined) {
      ok = false;
      continue;
    }
    if (startMs < previousEndMs) {
      const wanted = `at least the previous interval's endMs (${String(previousEndMs)}): sorted, not overlapping`;
      issues.want(keyPath(at, 'startMs'), wanted, startMs);
      ok = false;
    }
    if (endMs <= startMs) {
      issues.want(keyPath(at, 'endMs'), `more than startMs (${String(startMs)})`, endMs);
      ok = false;
    } else if (durationMs !== undefined && endMs > durationMs) {
      issues.want(keyPath(at, 'endMs'), `at most durationMs (${String(durationMs)}): inside the run`, endMs);
      ok = false;
    }
    previousEndMs = Math.max(previousEndMs, endMs);
    out.push({ startMs, endMs });
  }
  return ok ? out : undefined;
}

/**
 * Reads one vCPU's steal, its defaults filled in.
 * @param issues - where problems go
 * @param path - where
 * @param value - the value
 * @param durationMs - the run's length (undefined: it was wrong)
 * @returns the steal, or undefined (the problems added)
 * @internal
 */
export function readSteal(
  issues: Issues,
  path: string,
  value: unknown,
  durationMs: number | undefined,
): StealSpec | undefined {
  const v = issues.variant(path, value, STEAL_KEYS);
  if (v === undefined) return undefined;
  const r = v.record;
  const at = (key: string): string => keyPath(path, key);
  switch (v.kind) {
    case 'none':
      return { kind: 'none' };
    case 'constant': {
      const share = readShare(issues, at('share'), r.share);
      const periodUs = issues.time(at('periodUs'), r.periodUs, 'us', 'positive', 1000);
      return share === undefined || periodUs === undefined ? undefined : { kind: 'constant', share, periodUs };
    }
    case 'periodic':
      return readPeriodic(issues, path, r);
    case 'random': {
      const meanRunUs = issues.time(at('meanRunUs'), r.meanRunUs, 'us', 'positive');
      const meanStealUs = issues.time(at('meanStealUs'), r.meanStealUs, 'us', 'positive');
      if (meanRunUs === undefined || meanStealUs === undefined) return undefined;
      return { kind: 'random', meanRunUs, meanStealUs };
    }
    case 'intervals': {
      const intervals = readIntervals(issues, at('intervals'), r.intervals, durationMs);
      return intervals === undefined ? undefined : { kind: 'intervals', intervals };
    }
    case 'trace': {
      const file = issues.text(at('file'), r.file);
      const tid = issues.whole(at('tid'), r.tid, 1, PID_MAX_LIMIT);
      return file === undefined || tid === undefined ? undefined : { kind: 'trace', file, tid };
    }
  }
}

/** The host as resolved. */
export interface ResolvedHost {
  readonly steal: readonly StealSpec[];
  readonly pauses: readonly MsInterval[];
  readonly abi: SimAbi;
}

// `host.steal`: keys "0".."cpus − 1" and "*"; each vCPU gets its own, else "*", else none.
function readStealMap(
  issues: Issues,
  value: unknown,
  cpus: number | undefined,
  durationMs: number | undefined,
): StealSpec[] | undefined {
  const path = 'host.steal';
  const r = issues.object(path, value, undefined, 'an object of steal by vCPU index ("0", "1", …, "*")');
  if (r === undefined) return undefined;
  const byKey = new Map<string, StealSpec>();
  let ok = true;
  for (const [key, spec] of Object.entries(r)) {
    const at = keyPath(path, key);
    if (key !== '*' && !/^(0|[1-9]\d{0,4})$/.test(key)) {
      issues.add(at, `unknown key '${key}'; the keys here are vCPU indexes ("0", "1", …) and "*" (every other vCPU)`);
      ok = false;
      continue;
    }
    if (key !== '*' && cpus !== undefined && Number(key) >= cpus) {
      const keys = cpus === 1 ? '"0"' : `"0" to "${String(cpus - 1)}"`;
      issues.add(at, `there is no vCPU ${key}: the scenario has ${String(cpus)} (keys ${keys} and "*")`);
      ok = false;
      continue;
    }
    const steal = readSteal(issues, at, spec, durationMs);
    if (steal === undefined) ok = false;
    else byKey.set(key, steal);
  }
  if (!ok || cpus === undefined) return undefined;
  const none: StealSpec = { kind: 'none' };
  return Array.from({ length: cpus }, (_, i) => byKey.get(String(i)) ?? byKey.get('*') ?? none);
}

/**
 * Reads `host`, its defaults filled in.
 * @param issues - where problems go
 * @param value - the value
 * @param cpus - the vCPUs (undefined: they were wrong)
 * @param durationMs - the run's length (undefined: it was wrong)
 * @returns the host, or undefined (the problems added)
 * @internal
 */
export function readHost(
  issues: Issues,
  value: unknown,
  cpus: number | undefined,
  durationMs: number | undefined,
): ResolvedHost | undefined {
  const r = issues.object('host', value === undefined ? {} : value, ['steal', 'pauses', 'abi']);
  if (r === undefined) return undefined;
  const steal = readStealMap(issues, r.steal === undefined ? {} : r.steal, cpus, durationMs);
  const pauses = readIntervals(issues, 'host.pauses', r.pauses === undefined ? [] : r.pauses, durationMs);
  const abi = issues.choice('host.abi', r.abi, ABIS, 'x86');
  return steal === undefined || pauses === undefined || abi === undefined ? undefined : { steal, pauses, abi };
}
