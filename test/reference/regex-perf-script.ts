/**
 * TEST REFERENCE ONLY: the regular-expression perf script parser schedacct shipped until the one-pass parser
 * (src/trace/perf-script.ts) replaced it, kept as the oracle of a differential test. Not part of the package.
 *
 * Reader for `perf script` text (default fields): `COMM TID [CPU] SEC.FRAC: sched:EVENT: FIELDS`, with µs
 * (default) or ns (`--ns`) timestamps. The comm may contain spaces; the sample's comm and tid are the task current
 * on the CPU (for wakeups: the waker).
 * @module
 */
import type { LineResult } from '../../src/trace/perf-script.ts';

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

export interface Head {
  readonly comm: string;
  readonly tid: number;
  readonly cpu: number;
  readonly timeNs: number;
  readonly system: string;
  readonly name: string;
  readonly rest: string;
}

/**
 * The head of a line by the regular expression (the differential test checks the parser's bounds against it).
 * @param text - the line
 * @returns the head, or undefined
 */
export function headByRegex(text: string): Head | undefined {
  const m = HEAD.exec(text);
  if (m === null) return undefined;
  const [, comm = '', tidText = '', cpuText = '', sec = '', frac = '', system = '', name = '', rest = ''] = m;
  return { comm, tid: Number(tidText), cpu: Number(cpuText), timeNs: parseTimestampNs(sec, frac), system, name, rest };
}

/**
 * The general path: the head by regex, the fields as `key=value` pairs in any order.
 * @param text - the line
 * @param line - its number
 * @returns what the line held
 */
export function parsePerfScriptText(text: string, line: number): LineResult {
  const head = headByRegex(text);
  if (head === undefined) {
    if (text.trim() === '') return { type: 'skipped', name: '' };
    return { type: 'malformed', reason: 'not COMM TID [CPU] TIME: EVENT: FIELDS' };
  }
  const { comm, tid, cpu, timeNs, system, name, rest } = head;
  const base = { timeNs, cpu, tid, comm, line };
  if (system !== 'sched') return { type: 'skipped', name: `${system}:${name}` };
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
