/**
 * Reader for ftrace text (`/sys/kernel/tracing/trace`) and `trace-cmd report`: `COMM-PID [(TGID)] [CPU] [FLAGS]
 * SEC.FRAC: EVENT: FIELDS`. The comm may contain spaces, dashes and `<...>`: it is split off at the last `-PID`.
 * Fields come as `key=value` (TP_printk text, or `trace-cmd report -R` raw values with a numeric `prev_state`) or in
 * trace-cmd's compact plugin rendering (`prev:PID [PRIO] S ==> next:PID [PRIO]`, `comm:PID [PRIO] success=1 CPU:002`).
 * @module
 */
import { checkWhole } from '../check.js';
import type { TraceEvent } from './events.js';
import { parseFields } from './fields.js';
import { parseTimestampNs, type LineResult } from './perf-script.js';

const HEAD = /^\s*(.+)-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d+)\]\s+(?:(\S{4,5})\s+)?(\d+)\.(\d+):\s+([\w:]+):\s*(.*)$/;
const COMPACT_SWITCH = /^(.+):(-?\d+) \[(-?\d+)\] (\S+) ==> (.+):(-?\d+) \[(-?\d+)\]/;
const COMPACT_WAKEUP = /^(.+):(-?\d+) \[(-?\d+)\](?: success=\d+)? CPU:(\d+)/;

/**
 * The state letters for a raw numeric `prev_state`, by kernel era: 0 runnable; a lone bit at 0x100 (≥ 4.14) or
 * 0x400 / 0x800 / 0x1000 (older kernels' TASK_STATE_MAX) is a preemption (`R+`); otherwise the lowest bits: S, D, T,
 * t, then exit states (0x10, 0x20) and TASK_DEAD (0x40 on kernels before 4.14: `x`).
 * @param raw - the number
 * @returns letters as `sched_switch` prints them
 * @throws {@link SchedacctError} `invalid-argument` for a state that is not a whole number ≥ 0
 * @example
 * ```ts
 * decodeRawState(0); // 'R'
 * decodeRawState(2); // 'D': TASK_UNINTERRUPTIBLE
 * decodeRawState(0x100); // 'R+': preempted (TASK_REPORT_MAX on ≥ 4.14)
 * ```
 */
export function decodeRawState(raw: number): string {
  checkWhole('raw', raw);
  if (raw === 0) return 'R';
  if ((raw & 0xff) === 0) return 'R+';
  if (raw & 0x1) return 'S';
  if (raw & 0x2) return 'D';
  if (raw & 0x4) return 'T';
  if (raw & 0x8) return 't';
  if (raw & 0x10) return 'X';
  if (raw & 0x20) return 'Z';
  if (raw & 0x40) return 'x';
  return 'S';
}

function num(f: Map<string, string>, key: string): number | undefined {
  const v = f.get(key);
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * A line parser for ftrace or trace-cmd text. It keeps a little state: a multi-line `print`/`bprint` message's
 * continuation lines are skipped, as are `cpus=N` headers and `#` comments.
 * @returns the parser
 * @example
 * ```ts
 * const parse = createFtraceParser();
 * const line = '  ping-1234  [001] d..2.  100.000500: sched_switch: prev_comm=ping prev_pid=1234 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120';
 * const result = parse(line, 1);
 * if (result.type === 'event') result.event; // { kind: 'switch', timeNs: 100_000_500_000, cpu: 1, tid: 1234, prevState: 'S', nextTid: 0, … }
 * parse('# tracer: nop', 2).type; // 'skipped'
 * ```
 */
export function createFtraceParser(): (text: string, line: number) => LineResult {
  let inMessage = false;
  return (text, line) => {
    const m = HEAD.exec(text);
    if (m === null) {
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.startsWith('#') || /^cpus=\d+$/.test(trimmed)) return { type: 'skipped', name: '' };
      if (inMessage) return { type: 'skipped', name: 'continuation' };
      return { type: 'malformed', reason: 'not COMM-PID [CPU] TIME: EVENT: FIELDS' };
    }
    const [, comm = '', pid = '', cpu = '', , sec = '', frac = '', name = '', rest = ''] = m;
    inMessage = name === 'print' || name === 'bprint' || name === 'bputs';
    const base = { timeNs: parseTimestampNs(sec, frac), cpu: Number(cpu), tid: Number(pid), comm: comm.trim(), line };
    const event = parseEvent(name.replace(/^sched:/, ''), rest.trim(), base);
    if (event === undefined) {
      return name.startsWith('sched_') || name.startsWith('sched:')
        ? { type: 'malformed', reason: `${name}: fields not understood` }
        : { type: 'skipped', name };
    }
    return event === null ? { type: 'skipped', name } : { type: 'event', event };
  };
}

type Base = Pick<TraceEvent, 'timeNs' | 'cpu' | 'tid' | 'comm' | 'line'>;

// undefined: a sched event whose fields did not parse; null: an event this reader does not use.
function parseEvent(name: string, rest: string, base: Base): TraceEvent | null | undefined {
  switch (name) {
    case 'sched_switch':
      return parseSwitch(rest, base);
    case 'sched_waking':
    case 'sched_wakeup':
    case 'sched_wakeup_new':
      return parseWakeup(name, rest, base);
    case 'sched_migrate_task': {
      const f = parseFields(rest);
      const targetTid = num(f, 'pid');
      const origCpu = num(f, 'orig_cpu');
      const destCpu = num(f, 'dest_cpu');
      if (targetTid === undefined || origCpu === undefined || destCpu === undefined) return undefined;
      return { ...base, kind: 'migrate', targetTid, targetComm: f.get('comm') ?? '', origCpu, destCpu };
    }
    case 'sched_process_fork': {
      const f = parseFields(rest);
      const parentTid = num(f, 'pid');
      const childTid = num(f, 'child_pid');
      if (parentTid === undefined || childTid === undefined) return undefined;
      return { ...base, kind: 'fork', parentTid, childTid, childComm: f.get('child_comm') ?? '' };
    }
    case 'sched_process_exit': {
      const targetTid = num(parseFields(rest), 'pid');
      return targetTid === undefined ? undefined : { ...base, kind: 'exit', targetTid };
    }
    case 'sched_stat_runtime': {
      const f = parseFields(rest);
      const targetTid = num(f, 'pid');
      const runtime = /^(\d+)/.exec(f.get('runtime') ?? '');
      if (targetTid === undefined || runtime === null) return undefined;
      return { ...base, kind: 'runtime', targetTid, runtimeNs: Number(runtime[1]) };
    }
    default:
      return null;
  }
}

// sched_switch: trace-cmd's compact rendering, or key=value fields (a numeric prev_state with -R).
function parseSwitch(rest: string, base: Base): TraceEvent | undefined {
  const c = COMPACT_SWITCH.exec(rest);
  if (c !== null) {
    return {
      ...base,
      kind: 'switch',
      prevComm: c[1] ?? '',
      prevTid: Number(c[2]),
      prevState: c[4] ?? 'R',
      nextComm: c[5] ?? '',
      nextTid: Number(c[6]),
    };
  }
  const f = parseFields(rest.replace(' ==> ', ' '));
  const prevTid = num(f, 'prev_pid');
  const nextTid = num(f, 'next_pid');
  const rawState = f.get('prev_state');
  if (prevTid === undefined || nextTid === undefined || rawState === undefined) return undefined;
  const prevState = /^-?\d+$/.test(rawState) ? decodeRawState(Number(rawState)) : rawState;
  return {
    ...base,
    kind: 'switch',
    prevComm: f.get('prev_comm') ?? '',
    prevTid,
    prevState,
    nextComm: f.get('next_comm') ?? '',
    nextTid,
  };
}

// sched_waking, sched_wakeup, sched_wakeup_new: compact (`comm:pid [prio] success=1 CPU:002`) or key=value.
function parseWakeup(name: string, rest: string, base: Base): TraceEvent | undefined {
  const variant = name === 'sched_waking' ? 'waking' : name === 'sched_wakeup' ? 'wakeup' : 'wakeup_new';
  const c = COMPACT_WAKEUP.exec(rest);
  if (c !== null) {
    return {
      ...base,
      kind: 'wakeup',
      variant,
      targetComm: c[1] ?? '',
      targetTid: Number(c[2]),
      targetCpu: Number(c[4]),
    };
  }
  const f = parseFields(rest);
  const targetTid = num(f, 'pid');
  if (targetTid === undefined) return undefined;
  return {
    ...base,
    kind: 'wakeup',
    variant,
    targetComm: f.get('comm') ?? '',
    targetTid,
    targetCpu: num(f, 'target_cpu') ?? -1,
  };
}
