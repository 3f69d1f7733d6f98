/**
 * Reader for `perf script` text (default fields): `COMM TID [CPU] SEC.FRAC: sched:EVENT: FIELDS`, with µs
 * (default) or ns (`--ns`) timestamps. The comm may contain spaces; the sample's comm and tid are the task current
 * on the CPU (for wakeups: the waker).
 * @module
 */
import type { TraceEvent } from './events.js';

/** A line that held an event this reader uses. */
export interface EventLine {
  /** Result kind. */
  readonly type: 'event';
  /** The event. */
  readonly event: TraceEvent;
}
/** A line with an event this reader does not use (irq, hrtimer, …), or a blank line (empty name). */
export interface SkippedLine {
  /** Result kind. */
  readonly type: 'skipped';
  /** The event's name, e.g. `irq:irq_handler_entry`. */
  readonly name: string;
}
/** A line that could not be parsed. */
export interface MalformedLine {
  /** Result kind. */
  readonly type: 'malformed';
  /** Why. */
  readonly reason: string;
}
/** What reading one line gave. */
export type LineResult = EventLine | SkippedLine | MalformedLine;

const HEAD = /^\s*(.*?)\s+(-?\d+)\s+\[(\d+)\]\s+(\d+)\.(\d+):\s+(?:\d+\s+)?([\w-]+):([\w-]+):\s?(.*)$/;

/**
 * Parses `SEC.FRAC` into ns (a 6-digit fraction is µs, 9 digits ns).
 * @param sec - seconds
 * @param frac - fraction digits
 * @returns ns
 */
export function parseTimestampNs(sec: string, frac: string): number {
  return Number(sec) * 1e9 + Number(frac.length >= 9 ? frac.slice(0, 9) : frac.padEnd(9, '0'));
}

/**
 * Field values of `key=value` pairs; values run to the next ` key=` (comms may contain spaces).
 * @param text - the fields part of a line
 * @returns values by key
 */
export function parseFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /(\w+)=/g;
  const keys: { key: string; start: number; valueStart: number }[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const before = m.index === 0 ? ' ' : text[m.index - 1];
    if (before === ' ') keys.push({ key: m[1] ?? '', start: m.index, valueStart: m.index + m[0].length });
  }
  keys.forEach((k, i) => {
    const end = i + 1 < keys.length ? (keys[i + 1]?.start ?? text.length) - 1 : text.length;
    out.set(
      k.key,
      text
        .slice(k.valueStart, end)
        .replace(/\s*==>\s*$/, '')
        .trim(),
    );
  });
  return out;
}

function int(fields: Map<string, string>, key: string): number | undefined {
  const v = fields.get(key);
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

interface Head {
  readonly comm: string;
  readonly tid: number;
  readonly cpu: number;
  readonly timeNs: number;
  readonly system: string;
  readonly name: string;
  readonly rest: string;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

// The head `COMM TID [CPU] SEC.FRAC: SYSTEM:NAME: ` by hand (a regex with a lazy comm backtracks: 40 % of a replay);
// anything unusual falls back to the regex.
function splitHead(text: string): Head | undefined {
  const close = text.indexOf('] ');
  const open = close < 0 ? -1 : text.lastIndexOf('[', close);
  if (open > 1 && text.charCodeAt(open - 1) === 32) {
    let cpu = 0;
    for (let i = open + 1; i < close; i++) {
      const c = text.charCodeAt(i);
      if (!isDigit(c)) return headByRegex(text);
      cpu = cpu * 10 + c - 48;
    }
    let end = open - 1;
    while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
    const space = text.lastIndexOf(' ', end - 1);
    const tidText = text.slice(space + 1, end);
    const tid = Number(tidText);
    if (!Number.isInteger(tid) || tidText === '') return headByRegex(text);
    let t = close + 2;
    while (text.charCodeAt(t) === 32) t++;
    const colon = text.indexOf(': ', t);
    const dot = text.indexOf('.', t);
    if (colon < 0 || dot < 0 || dot > colon) return headByRegex(text);
    let e = colon + 2;
    while (text.charCodeAt(e) === 32) e++;
    const c1 = text.indexOf(':', e);
    const c2 = c1 < 0 ? -1 : text.indexOf(':', c1 + 1);
    if (c2 < 0) return headByRegex(text);
    const system = text.slice(e, c1);
    if (isDigit(system.charCodeAt(0))) return headByRegex(text); // a period column before the event: rare
    return {
      comm: text.slice(0, space + 1).trim(),
      tid,
      cpu,
      timeNs: parseTimestampNs(text.slice(t, dot), text.slice(dot + 1, colon)),
      system,
      name: text.slice(c1 + 1, c2),
      rest: text.slice(text.charCodeAt(c2 + 1) === 32 ? c2 + 2 : c2 + 1),
    };
  }
  return headByRegex(text);
}

function headByRegex(text: string): Head | undefined {
  const m = HEAD.exec(text);
  if (m === null) return undefined;
  const [, comm = '', tidText = '', cpuText = '', sec = '', frac = '', system = '', name = '', rest = ''] = m;
  return { comm, tid: Number(tidText), cpu: Number(cpuText), timeNs: parseTimestampNs(sec, frac), system, name, rest };
}

// A value between `key=` and the following ` next=` (known field order of the common events; undefined otherwise).
function between(rest: string, key: string, next: string, from = 0): string | undefined {
  const k = rest.indexOf(key, from);
  if (k < 0 || (k > 0 && rest.charCodeAt(k - 1) !== 32)) return undefined;
  const n = rest.indexOf(next, k + key.length);
  return n < 0 ? undefined : rest.slice(k + key.length, n);
}

function intAt(rest: string, key: string): number | undefined {
  const k = rest.indexOf(key);
  if (k < 0 || (k > 0 && rest.charCodeAt(k - 1) !== 32)) return undefined;
  let i = k + key.length;
  let sign = 1;
  if (rest.charCodeAt(i) === 45) {
    sign = -1;
    i++;
  }
  let v = 0;
  let digits = 0;
  for (; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (!isDigit(c)) break;
    v = v * 10 + c - 48;
    digits++;
  }
  return digits === 0 ? undefined : sign * v;
}

type Base = Pick<TraceEvent, 'timeNs' | 'cpu' | 'tid' | 'comm' | 'line'>;

function fastEvent(name: string, rest: string, base: Base): TraceEvent | undefined {
  switch (name) {
    case 'sched_switch': {
      const prevComm = between(rest, 'prev_comm=', ' prev_pid=');
      const prevTid = intAt(rest, 'prev_pid=');
      const prevState = between(rest, 'prev_state=', ' ==> ');
      const nextComm = between(rest, 'next_comm=', ' next_pid=');
      const nextTid = intAt(rest, 'next_pid=');
      if (
        prevComm === undefined ||
        prevTid === undefined ||
        prevState === undefined ||
        nextComm === undefined ||
        nextTid === undefined
      )
        return undefined;
      // Literal objects with the fields in one order (no spread): one hidden class per kind, cheap to build.
      return {
        timeNs: base.timeNs,
        cpu: base.cpu,
        tid: base.tid,
        comm: base.comm,
        line: base.line,
        kind: 'switch',
        prevTid,
        prevComm,
        prevState,
        nextTid,
        nextComm,
      };
    }
    case 'sched_waking':
    case 'sched_wakeup':
    case 'sched_wakeup_new': {
      const targetComm = between(rest, 'comm=', ' pid=');
      const targetTid = intAt(rest, 'pid=');
      if (targetComm === undefined || targetTid === undefined) return undefined;
      const variant = name === 'sched_waking' ? 'waking' : name === 'sched_wakeup' ? 'wakeup' : 'wakeup_new';
      return {
        timeNs: base.timeNs,
        cpu: base.cpu,
        tid: base.tid,
        comm: base.comm,
        line: base.line,
        kind: 'wakeup',
        variant,
        targetTid,
        targetComm,
        targetCpu: intAt(rest, 'target_cpu=') ?? -1,
      };
    }
    case 'sched_stat_runtime': {
      const targetTid = intAt(rest, 'pid=');
      const runtimeNs = intAt(rest, 'runtime=');
      if (targetTid === undefined || runtimeNs === undefined) return undefined;
      return {
        timeNs: base.timeNs,
        cpu: base.cpu,
        tid: base.tid,
        comm: base.comm,
        line: base.line,
        kind: 'runtime',
        targetTid,
        runtimeNs,
      };
    }
    default:
      return undefined;
  }
}

/**
 * Reads one line of `perf script` output.
 * @param text - the line
 * @param line - its number (1-based), carried into the event
 * @returns the event, a skipped event name (irq, hrtimer, …), or why it is malformed; blank lines are skipped
 */
export function parsePerfScriptLine(text: string, line: number): LineResult {
  const head = splitHead(text);
  if (head === undefined) {
    if (text.trim() === '') return { type: 'skipped', name: '' };
    return { type: 'malformed', reason: 'not COMM TID [CPU] TIME: EVENT: FIELDS' };
  }
  const { comm, tid, cpu, timeNs, system, name, rest } = head;
  const base = { timeNs, cpu, tid, comm, line };
  if (system !== 'sched') return { type: 'skipped', name: `${system}:${name}` };
  const fast = fastEvent(name, rest, base);
  if (fast !== undefined) return { type: 'event', event: fast };
  const f = parseFields(rest);
  const bad = (what: string): LineResult => ({ type: 'malformed', reason: `${name}: ${what}` });
  switch (name) {
    case 'sched_switch': {
      const prevTid = int(f, 'prev_pid');
      const nextTid = int(f, 'next_pid');
      const prevState = f.get('prev_state');
      if (prevTid === undefined || nextTid === undefined || prevState === undefined)
        return bad('needs prev_pid, prev_state, next_pid');
      return {
        type: 'event',
        event: {
          ...base,
          kind: 'switch',
          prevTid,
          prevComm: f.get('prev_comm') ?? '',
          prevState,
          nextTid,
          nextComm: f.get('next_comm') ?? '',
        },
      };
    }
    case 'sched_waking':
    case 'sched_wakeup':
    case 'sched_wakeup_new': {
      const targetTid = int(f, 'pid');
      if (targetTid === undefined) return bad('needs pid');
      const variant = name === 'sched_waking' ? 'waking' : name === 'sched_wakeup' ? 'wakeup' : 'wakeup_new';
      return {
        type: 'event',
        event: {
          ...base,
          kind: 'wakeup',
          variant,
          targetTid,
          targetComm: f.get('comm') ?? '',
          targetCpu: int(f, 'target_cpu') ?? -1,
        },
      };
    }
    case 'sched_migrate_task': {
      const targetTid = int(f, 'pid');
      const origCpu = int(f, 'orig_cpu');
      const destCpu = int(f, 'dest_cpu');
      if (targetTid === undefined || origCpu === undefined || destCpu === undefined)
        return bad('needs pid, orig_cpu, dest_cpu');
      return {
        type: 'event',
        event: { ...base, kind: 'migrate', targetTid, targetComm: f.get('comm') ?? '', origCpu, destCpu },
      };
    }
    case 'sched_process_fork': {
      const parentTid = int(f, 'pid');
      const childTid = int(f, 'child_pid');
      if (parentTid === undefined || childTid === undefined) return bad('needs pid, child_pid');
      return {
        type: 'event',
        event: { ...base, kind: 'fork', parentTid, childTid, childComm: f.get('child_comm') ?? '' },
      };
    }
    case 'sched_process_exit': {
      const targetTid = int(f, 'pid');
      if (targetTid === undefined) return bad('needs pid');
      return { type: 'event', event: { ...base, kind: 'exit', targetTid } };
    }
    case 'sched_stat_runtime': {
      const targetTid = int(f, 'pid');
      const runtime = /^(\d+)/.exec(f.get('runtime') ?? '');
      if (targetTid === undefined || runtime === null) return bad('needs pid, runtime');
      return { type: 'event', event: { ...base, kind: 'runtime', targetTid, runtimeNs: Number(runtime[1]) } };
    }
    default:
      return { type: 'skipped', name: `sched:${name}` };
  }
}
