// The fuzz suite's seed traces: the repo's real recordings (perf script, ftrace) and the same events rendered in the
// other formats (trace-cmd has no recording in the repo), plus generated traces (many tasks, tid reuse).
import { readFileSync } from 'node:fs';
import type { TraceEvent } from '../../src/trace/events.js';
import type { TextFormat as TraceFormat } from '../../src/trace/format.js';
import { parsePerfScriptLine } from '../../src/trace/perf-script.js';

/** A whole trace: its lines (no line ends) and the format every line of it is written in. */
export interface Trace {
  readonly name: string;
  readonly format: TraceFormat;
  readonly lines: readonly string[];
}

const read = (path: string): string[] => {
  const lines = readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
};

const events = (lines: readonly string[]): TraceEvent[] =>
  lines.flatMap((l, i) => {
    const r = parsePerfScriptLine(l, i + 1);
    return r.type === 'event' ? [r.event] : [];
  });

const pad3 = (n: number): string => String(n).padStart(3, '0');
const secNs = (ns: number): string => `${String(Math.floor(ns / 1e9))}.${String(ns % 1e9).padStart(9, '0')}`;
const secUs = (ns: number): string =>
  `${String(Math.floor(ns / 1e9))}.${String(Math.floor((ns % 1e9) / 1e3)).padStart(6, '0')}`;

// The tracepoint's fields as the kernel's TP_printk writes them (perf script and ftrace alike).
function fields(e: TraceEvent): string {
  switch (e.kind) {
    case 'switch':
      return `prev_comm=${e.prevComm} prev_pid=${String(e.prevTid)} prev_prio=120 prev_state=${e.prevState} ==> next_comm=${e.nextComm} next_pid=${String(e.nextTid)} next_prio=120`;
    case 'wakeup':
      return `comm=${e.targetComm} pid=${String(e.targetTid)} prio=120 target_cpu=${pad3(Math.max(e.targetCpu, 0))}`;
    case 'migrate':
      return `comm=${e.targetComm} pid=${String(e.targetTid)} prio=120 orig_cpu=${String(e.origCpu)} dest_cpu=${String(e.destCpu)}`;
    case 'fork':
      return `comm=${e.comm} pid=${String(e.parentTid)} child_comm=${e.childComm} child_pid=${String(e.childTid)}`;
    case 'exit':
      return `comm=${e.comm} pid=${String(e.targetTid)} prio=120`;
    case 'runtime':
      return `comm=${e.comm} pid=${String(e.targetTid)} runtime=${String(e.runtimeNs)} [ns] vruntime=1000 [ns]`;
  }
}

const tracepoint = (e: TraceEvent): string =>
  ({
    switch: 'sched_switch',
    wakeup: e.kind === 'wakeup' ? `sched_${e.variant}` : '',
    migrate: 'sched_migrate_task',
    fork: 'sched_process_fork',
    exit: 'sched_process_exit',
    runtime: 'sched_stat_runtime',
  })[e.kind];

/**
 * One event as a line of a format.
 * @param e - the event
 * @param format - perf script (`--ns`), ftrace (with flags) or trace-cmd report (compact switch and wakeup)
 * @returns the line
 */
export function render(e: TraceEvent, format: TraceFormat): string {
  const comm = e.tid === 0 ? (format === 'perf-script' ? 'swapper' : '<idle>') : e.comm;
  if (format === 'perf-script') {
    return `${comm.padStart(16)} ${String(e.tid).padStart(6)} [${pad3(e.cpu)}] ${secNs(e.timeNs)}: sched:${tracepoint(e)}: ${fields(e)}`;
  }
  const head = `${`${comm}-${String(e.tid)}`.padStart(22)} [${pad3(e.cpu)}]`;
  if (format === 'ftrace') return `${head} d..2. ${secUs(e.timeNs)}: ${tracepoint(e)}: ${fields(e)}`;
  let rest = fields(e);
  if (e.kind === 'switch') {
    rest = `${e.prevComm}:${String(e.prevTid)} [120] ${e.prevState} ==> ${e.nextComm}:${String(e.nextTid)} [120]`;
  } else if (e.kind === 'wakeup') {
    rest = `${e.targetComm}:${String(e.targetTid)} [120] success=1 CPU:${pad3(Math.max(e.targetCpu, 0))}`;
  }
  return `${head} ${secUs(e.timeNs)}: ${tracepoint(e)}: ${rest}`;
}

const renderAll = (name: string, evs: readonly TraceEvent[], format: TraceFormat): Trace => ({
  name,
  format,
  lines: evs.map((e) => render(e, format)),
});

let cached: readonly Trace[] | undefined;

/** @returns the seed traces: real recordings and their events in the other formats (small ones, for speed) */
export function corpus(): readonly Trace[] {
  if (cached !== undefined) return cached;
  const shLoops = read('perf/sh-loops.perf.txt');
  const migrate = read('perf/migrate.perf.txt');
  const tgid = read('ftrace/ftrace-tgid-forks.txt');
  const pingpong = read('ftrace/ftrace-pingpong.txt').slice(0, 600);
  const forkstorm = read('perf/forkstorm.perf.txt').slice(0, 1200);
  cached = [
    { name: 'perf/sh-loops.perf.txt', format: 'perf-script', lines: shLoops },
    { name: 'perf/sh-loops.perf-us.txt', format: 'perf-script', lines: read('perf/sh-loops.perf-us.txt') },
    { name: 'perf/migrate.perf.txt[:400]', format: 'perf-script', lines: migrate.slice(0, 400) },
    { name: 'perf/forkstorm.perf.txt[:1200]', format: 'perf-script', lines: forkstorm },
    { name: 'ftrace/ftrace-tgid-forks.txt', format: 'ftrace', lines: tgid },
    { name: 'ftrace/ftrace-pingpong.txt[:600]', format: 'ftrace', lines: pingpong },
    renderAll('sh-loops as ftrace', events(shLoops), 'ftrace'),
    renderAll('sh-loops as trace-cmd', events(shLoops), 'trace-cmd'),
    renderAll('migrate[:400] as trace-cmd', events(migrate.slice(0, 400)), 'trace-cmd'),
    renderAll('forkstorm[:1200] as trace-cmd', events(forkstorm), 'trace-cmd'),
  ];
  return cached;
}

/** What a generated trace is expected to give. */
export interface Generated extends Trace {
  /** The tids of live tasks that reused a tid, with the comm they must be listed under. */
  readonly reused: readonly { tid: number; oldComm: string; newComm: string }[];
  /** How many tasks (not idle) ran. */
  readonly tasks: number;
}

const SLICE_NS = 40_000;

/** How the first task of a reused tid ends: switched out dead (`X`), by `sched_process_exit` then `Z`, or unseen. */
export type Death = 'X' | 'exit' | 'unseen';

/**
 * A trace of `count` short-lived tasks, each forked, run once with a `sched_stat_runtime` (steal to estimate) and
 * dead on leaving; with `reuse`, every tid is used twice: the second task under a new comm, still alive at the end.
 * @param count - tasks
 * @param format - the format to write
 * @param reuse - reuse each tid once, the first task ending so
 * @param cpus - CPUs to spread them on
 * @returns the trace
 */
export function generatedTasks(count: number, format: TraceFormat, reuse?: Death, cpus = 2): Generated {
  const lines: string[] = [];
  const reused: { tid: number; oldComm: string; newComm: string }[] = [];
  let t = 1_000_000_000_000;
  const at = (): number => (t += 10_000);
  const base = { line: 0 } as const;
  const run = (tid: number, comm: string, cpu: number, state: string, exit = false): void => {
    const e = (kind: TraceEvent): void => {
      lines.push(render(kind, format));
    };
    e({ ...base, kind: 'fork', timeNs: at(), cpu, tid: 1, comm: 'init', parentTid: 1, childTid: tid, childComm: comm });
    const inNs = at();
    e({
      ...base,
      kind: 'switch',
      timeNs: inNs,
      cpu,
      tid: 0,
      comm: '',
      prevComm: `swapper/${String(cpu)}`,
      prevTid: 0,
      prevState: 'R',
      nextComm: comm,
      nextTid: tid,
    });
    t = inNs + SLICE_NS;
    e({ ...base, kind: 'runtime', timeNs: t, cpu, tid, comm, targetTid: tid, runtimeNs: SLICE_NS - 5_000 });
    if (exit) e({ ...base, kind: 'exit', timeNs: t, cpu, tid, comm, targetTid: tid });
    e({
      ...base,
      kind: 'switch',
      timeNs: t,
      cpu,
      tid,
      comm,
      prevComm: comm,
      prevTid: tid,
      prevState: state,
      nextComm: `swapper/${String(cpu)}`,
      nextTid: 0,
    });
  };
  const first = reuse === 'unseen' ? 'S' : reuse === 'exit' ? 'Z' : 'X';
  for (let i = 0; i < count; i++) run(100 + i, `task${String(i)}`, i % cpus, first, reuse === 'exit');
  if (reuse !== undefined) {
    for (let i = 0; i < count; i++) {
      const tid = 100 + i;
      run(tid, `again${String(i)}`, i % cpus, 'S');
      reused.push({ tid, oldComm: `task${String(i)}`, newComm: `again${String(i)}` });
    }
  }
  const name = `generated ${String(count)} tasks${reuse === undefined ? '' : `, tids reused (${reuse})`} (${format})`;
  return { name, format, lines, reused, tasks: reuse === undefined ? count : 2 * count };
}
