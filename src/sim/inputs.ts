/**
 * Node-only: what a scenario names outside itself, read before a run so the engine does no I/O. A `trace` workload's
 * runs and sleeps come from the replay of a recorded trace (perf's timehist rows); a `trace` steal is a host
 * recording's vCPU thread: the time it was runnable but not on a CPU, which is what KVM reports as steal.
 * @module
 */
import { resolve } from 'node:path';
import { argError } from '../check.js';
import { SchedacctError } from '../errors.js';
import { traceBytes } from '../trace/file.js';
import { readTrace } from '../trace/read.js';
import type { TimehistRow } from '../trace/rows.js';
import { keyPath, ScenarioError, type ScenarioIssue } from './scenario-check.js';
import { checkResolved } from './scenario.js';
import type { NsInterval, ResolvedScenario, Segment, SimInputs } from './types.js';

/** One task a trace is read for: by tid, by comm (the first task with it), or both. */
interface Wanted {
  readonly tid: number | undefined;
  readonly comm: string | undefined;
}

/** A trace's switch rows of the tasks asked for, and when the trace began. */
interface TraceRows {
  /** The first row's time, ns. */
  readonly firstNs: number;
  /** Each wanted task's rows, in order, by the key of {@link wantedKey}. */
  readonly rows: ReadonlyMap<string, readonly TimehistRow[]>;
}

const wantedKey = (w: Wanted): string => `${String(w.tid)}/${String(w.comm)}`;

// Reads a trace once for every task wanted from it: a comm picks the first tid it is seen with, rows under that comm.
async function readRows(path: string, wanted: readonly Wanted[]): Promise<TraceRows> {
  const rows = new Map<string, TimehistRow[]>(wanted.map((w) => [wantedKey(w), []]));
  const byComm = new Map<string, number>();
  let firstNs = Number.POSITIVE_INFINITY;
  await readTrace(traceBytes(path), {
    compat: 'current', // R+ is a preemption, as the kernel means it
    onRow: (row) => {
      if (row.timeNs < firstNs) firstNs = row.timeNs;
      if ('kind' in row || row.tid <= 0) return;
      if (!byComm.has(row.name)) byComm.set(row.name, row.tid);
      for (const w of wanted) {
        const tid = w.tid ?? byComm.get(w.comm ?? '');
        if (row.tid === tid && (w.comm === undefined || w.comm === row.name)) rows.get(wantedKey(w))?.push(row);
      }
    },
  });
  return { firstNs: Number.isFinite(firstNs) ? firstNs : 0, rows };
}

/**
 * A task's runs and sleeps from its timehist rows: a slice's task-clock run is its wall run minus the steal the
 * replay estimated in it; runs split only by preemption are one run (a preemption wait is not sleep); the sleep after
 * a run is the wait before the next one less its scheduling delay (from switch-out to the wakeup).
 * @param rows - the task's switch rows, in order
 * @returns the segments, each with a run > 0
 * @internal
 */
export function segmentsOf(rows: readonly TimehistRow[]): Segment[] {
  const segments: Segment[] = [];
  let runNs = 0;
  let asleep = false;
  for (const row of rows) {
    const last = segments.at(-1);
    if (asleep && last !== undefined)
      segments[segments.length - 1] = {
        runNs: last.runNs,
        sleepNs: last.sleepNs + Math.max(0, row.waitNs - row.delayNs),
      };
    asleep = false;
    runNs += Math.max(0, row.runNs - row.stolenNs);
    if (row.state === 'R') continue;
    if (runNs > 0) segments.push({ runNs, sleepNs: 0 });
    runNs = 0;
    if (row.state === 'X' || row.state === 'Z') return segments;
    asleep = true;
  }
  if (runNs > 0) segments.push({ runNs, sleepNs: 0 });
  return segments;
}

/**
 * A host vCPU thread's steal from its timehist rows: from each wakeup or preemption to its switch-in (the scheduling
 * delay, which perf's current rules count after a preemption too), as ns from the trace's first event, sorted.
 * @param rows - the thread's switch rows, in order
 * @param firstNs - the trace's first event, ns
 * @returns the intervals, sorted, not overlapping
 * @internal
 */
export function stealIntervalsOf(rows: readonly TimehistRow[], firstNs: number): NsInterval[] {
  const spans = rows
    .filter((r) => r.delayNs > 0)
    .map((r) => {
      const inNs = r.timeNs - r.runNs - firstNs;
      return { startNs: Math.max(0, inNs - r.delayNs), endNs: inNs };
    })
    .filter((s) => s.endNs > s.startNs)
    .sort((a, b) => a.startNs - b.startNs);
  const out: NsInterval[] = [];
  for (const s of spans) {
    const last = out.at(-1);
    if (last !== undefined && s.startNs <= last.endNs)
      out[out.length - 1] = { startNs: last.startNs, endNs: Math.max(last.endNs, s.endNs) };
    else out.push(s);
  }
  return out;
}

/** What one use of a trace file asks for, and where in the scenario it is. */
interface Use {
  readonly path: string;
  readonly file: string;
  readonly wanted: Wanted;
  readonly done: (rows: readonly TimehistRow[], firstNs: number) => ScenarioIssue | undefined;
}

function usesOf(scenario: ResolvedScenario, baseDir: string, inputs: Inputs): Use[] {
  const uses: Use[] = [];
  scenario.host.steal.forEach((steal, vcpu) => {
    if (steal.kind !== 'trace') return;
    const path = `host.steal.${String(vcpu)}`;
    uses.push({
      path,
      file: resolve(baseDir, steal.file),
      wanted: { tid: steal.tid, comm: undefined },
      done: (rows, firstNs) => {
        if (rows.length === 0)
          return { path: keyPath(path, 'tid'), message: `no task ${String(steal.tid)} in the trace` };
        inputs.hostSteal.set(vcpu, stealIntervalsOf(rows, firstNs));
        return undefined;
      },
    });
  });
  scenario.tasks.forEach((task, i) => {
    const w = task.workload;
    if (w.kind !== 'trace') return;
    const path = `tasks[${String(i)}].workload`;
    uses.push({
      path,
      file: resolve(baseDir, w.file),
      wanted: { tid: w.tid, comm: w.comm },
      done: (rows) => {
        const which = w.tid === undefined ? `named ${JSON.stringify(w.comm)}` : String(w.tid);
        const key = keyPath(path, w.tid === undefined ? 'comm' : 'tid');
        if (rows.length === 0) {
          const named = w.tid !== undefined && w.comm !== undefined ? ` named ${JSON.stringify(w.comm)}` : '';
          return { path: key, message: `no task ${which}${named} in the trace` };
        }
        const segments = segmentsOf(rows);
        if (segments.length === 0) return { path: key, message: `task ${which} never ran in the trace` };
        inputs.taskSegments.set(i, segments);
        return undefined;
      },
    });
  });
  return uses;
}

interface Inputs {
  readonly hostSteal: Map<number, readonly NsInterval[]>;
  readonly taskSegments: Map<number, readonly Segment[]>;
}

/**
 * Reads what a scenario's `trace` steal and `trace` workloads name: each file once, with the replay's rules.
 * @param scenario - the resolved scenario
 * @param baseDir - what relative paths are relative to (the scenario file's folder)
 * @returns the host steal by vCPU and the task segments by task group (empty without `trace` kinds)
 * @throws {@link ScenarioError} listing every file that cannot be read (at `….file`) and every task it does not have
 *   (at `….tid` or `….comm`); {@link SchedacctError} `invalid-argument` for a scenario that is not resolved
 * @example
 * ```ts
 * const scenario = resolveScenario({
 *   tasks: [{ name: 'sh', workload: { kind: 'trace', file: 'fixtures/perf/sh-loops.perf.txt', tid: 6886 } }],
 * });
 * const inputs = await loadInputs(scenario, '.');
 * (inputs.taskSegments.get(0)?.length ?? 0) > 0; // true
 * ```
 */
export async function loadInputs(scenario: ResolvedScenario, baseDir: string): Promise<SimInputs> {
  checkResolved('scenario', scenario);
  if (typeof baseDir !== 'string') throw argError('invalid-argument', 'baseDir', 'a folder path', baseDir);
  const inputs: Inputs = { hostSteal: new Map(), taskSegments: new Map() };
  const uses = usesOf(scenario, baseDir, inputs);
  const byFile = new Map<string, Use[]>();
  for (const use of uses) byFile.set(use.file, [...(byFile.get(use.file) ?? []), use]);
  // each use's problem, said in the scenario's order (the host's vCPUs, then the tasks)
  const issues = new Map<Use, ScenarioIssue>();
  for (const [file, fileUses] of byFile) {
    let read: TraceRows;
    try {
      read = await readRows(
        file,
        fileUses.map((u) => u.wanted),
      );
    } catch (error: unknown) {
      if (!(error instanceof SchedacctError)) throw error;
      for (const use of fileUses) issues.set(use, { path: keyPath(use.path, 'file'), message: error.message });
      continue;
    }
    for (const use of fileUses) {
      const issue = use.done(read.rows.get(wantedKey(use.wanted)) ?? [], read.firstNs);
      if (issue !== undefined) issues.set(use, { path: issue.path, message: `${issue.message} ${file}` });
    }
  }
  if (issues.size > 0) throw new ScenarioError(uses.flatMap((use) => issues.get(use) ?? []));
  return inputs;
}
