/**
 * Reader for ftrace text (`/sys/kernel/tracing/trace`) and `trace-cmd report`: `COMM-PID [(TGID)] [CPU] [FLAGS]
 * SEC.FRAC: EVENT: FIELDS`. The comm may contain spaces, dashes and `<...>`: it is split off at the last `-PID`.
 * Fields come as `key=value` (TP_printk text, or `trace-cmd report -R` raw values with a numeric `prev_state`) or in
 * trace-cmd's compact plugin rendering (`prev:PID [PRIO] S ==> next:PID [PRIO]`, `comm:PID [PRIO] success=1 CPU:002`).
 * The head is read in one pass (`ftraceHead`); every number is checked against its range as the perf script reader
 * does (pids in `pid_t`, CPUs below `MAX_CPUS`, times and runtimes at most 2^53−1 ns): out of range, the line is
 * malformed.
 * @module
 */
import { checkWhole } from '../check.js';
import type { TraceEvent } from './events.js';
import { inRange, isComment, isSpace, parseFields, rangeReason, type NumberKind } from './fields.js';
import { parseTimestampNs, type LineResult } from './perf-script.js';

/**
 * Where the parts of an ftrace head are in its line, as [start, end) pairs.
 * @internal
 */
export interface FtraceHead {
  /** The comm is `[0, dash)`, trimmed. */
  dash: number;
  pidEnd: number;
  /** Whether the line has the `(TGID)` column. */
  tgid: boolean;
  cpuStart: number;
  cpuEnd: number;
  /** Whether the line has the flags column (`d..2.`): ftrace's own text has it, trace-cmd's plain report not. */
  flags: boolean;
  secStart: number;
  secEnd: number;
  fracEnd: number;
  nameStart: number;
  nameEnd: number;
  /** Where the fields begin (blanks after the event's colon passed over). */
  rest: number;
}

const found: FtraceHead = {
  dash: 0,
  pidEnd: 0,
  tgid: false,
  cpuStart: 0,
  cpuEnd: 0,
  flags: false,
  secStart: 0,
  secEnd: 0,
  fracEnd: 0,
  nameStart: 0,
  nameEnd: 0,
  rest: 0,
};

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWord = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 58; // [\w:]
const isTerminator = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

// Past blanks from `i` (at least one: -1 when there is none).
function blanks(text: string, i: number): number {
  const from = i;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i === from ? -1 : i;
}

// `SEC.FRAC: NAME:` and the blanks after it, from `i`: fills `found`, false if the line does not go on so.
function stampAndName(text: string, i: number): boolean {
  const n = text.length;
  found.secStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === found.secStart || text.charCodeAt(i) !== 46) return false; // .
  found.secEnd = i++;
  const fracStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === fracStart || text.charCodeAt(i) !== 58) return false; // :
  found.fracEnd = i;
  i = blanks(text, i + 1);
  if (i < 0) return false;
  // [\w:]+: — the longest run of word characters and colons, up to the last colon in it (as a greedy match ends)
  found.nameStart = i;
  let colon = -1;
  while (i < n && isWord(text.charCodeAt(i))) {
    if (text.charCodeAt(i) === 58 && i > found.nameStart) colon = i;
    i++;
  }
  if (colon < 0) return false;
  found.nameEnd = colon;
  for (i = colon + 1; i < n && isSpace(text.charCodeAt(i));) i++;
  found.rest = i;
  return true;
}

// Everything after the `[` at `b`: `CPU] [FLAGS] SEC.FRAC: NAME:`.
function afterBracket(text: string, b: number): boolean {
  let i = b + 1;
  found.cpuStart = i;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  if (i === found.cpuStart || text.charCodeAt(i) !== 93) return false; // ]
  found.cpuEnd = i;
  i = blanks(text, i + 1);
  if (i < 0) return false;
  // 4 or 5 flag characters then blanks, tried first (as the optional group of a regular expression is)
  let j = i;
  while (j < text.length && !isSpace(text.charCodeAt(j))) j++;
  const after = j - i >= 4 && j - i <= 5 ? blanks(text, j) : -1;
  found.flags = after >= 0 && stampAndName(text, after);
  return found.flags || stampAndName(text, i);
}

// Before the `[` at `b`: `-PID` and blanks, with perhaps `(TGID)` and blanks between them. The dash, or -1.
function beforeBracket(text: string, b: number): number {
  let i = b - 1;
  if (i < 0 || !isSpace(text.charCodeAt(i))) return -1;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  found.tgid = text.charCodeAt(i) === 41; // )
  if (found.tgid) {
    const end = i--;
    while (i >= 0 && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 45)) i--;
    if (i === end - 1) return -1;
    while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
    if (text.charCodeAt(i) !== 40) return -1; // (
    if (--i < 0 || !isSpace(text.charCodeAt(i))) return -1;
    while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  }
  found.pidEnd = i + 1;
  while (i >= 0 && isDigit(text.charCodeAt(i))) i--;
  if (i + 1 === found.pidEnd || text.charCodeAt(i) !== 45) return -1; // -
  return i;
}

/**
 * Reads an ftrace or trace-cmd head, `COMM-PID [(TGID)] [CPU] [FLAGS] SEC.FRAC: NAME: `, in time linear in the line:
 * the `[` tried from the right, so the comm runs to the last `-PID` at which the line reads as a head (as the
 * greedy regular expression `^\s*(.+)-(\d+)\s+…` this replaced decides). No line terminator may be in the comm or
 * after the name.
 * @param text - the line
 * @returns where its parts are (the object is reused by the next call), or undefined when it is no head
 * @internal
 */
export function ftraceHead(text: string): FtraceHead | undefined {
  let lead = 0;
  while (lead < text.length && isSpace(text.charCodeAt(lead))) lead++;
  let terminators = false;
  for (let i = lead; i < text.length && !terminators; i++) terminators = isTerminator(text.charCodeAt(i));
  for (let b = text.lastIndexOf('['); b > 0; b = text.lastIndexOf('[', b - 1)) {
    const dash = beforeBracket(text, b);
    if (dash < 1 || !afterBracket(text, b)) continue;
    found.dash = dash;
    if (terminators && (hasTerminator(text, lead, dash) || hasTerminator(text, found.rest, text.length))) continue;
    return found;
  }
  return undefined;
}

function hasTerminator(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isTerminator(text.charCodeAt(i))) return true;
  return false;
}
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

// The first number of the line being read found out of its range, as the reason it is malformed ('' while none is).
let rangeError = '';
const outOfRange = (): string => rangeError;

// A whole number (`-?\d+`, with `prefix` the digits it starts with) checked against its range; undefined when
// absent, not a number, or out of range (then noted in rangeError).
function checked(key: string, text: string | undefined, kind: NumberKind, prefix = false): number | undefined {
  if (text === undefined) return undefined;
  const digits = prefix ? /^\d+/.exec(text)?.[0] : /^-?\d+$/.test(text) ? text : undefined;
  if (digits === undefined) return undefined;
  const v = Number(digits);
  if (inRange(v, kind)) return v;
  rangeError ||= rangeReason(key, digits, kind);
  return undefined;
}

const num = (f: Map<string, string>, key: string, kind: NumberKind = 'pid'): number | undefined =>
  checked(key, f.get(key), kind);

/**
 * A line parser for ftrace or trace-cmd text. It keeps a little state: a multi-line `print`/`bprint` message's
 * continuation lines are skipped, as are `cpus=N` headers, `#` comments and blank lines (with an empty name). A
 * number out of its range makes the line malformed, its reason naming the field and the bound.
 * @returns the parser
 * @example
 * ```ts
 * const parse = createFtraceParser();
 * const line = '  ping-1234  [001] d..2.  100.000500: sched_switch: prev_comm=ping prev_pid=1234 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120';
 * const result = parse(line, 1);
 * if (result.type === 'event') result.event; // { kind: 'switch', timeNs: 100_000_500_000, cpu: 1, tid: 1234, prevState: 'S', nextTid: 0, … }
 * parse('# tracer: nop', 2).type; // 'skipped'
 * parse(line.replace('[001]', '[100000000]'), 3).type; // 'malformed': CPU numbers are below MAX_CPUS
 * ```
 */
export function createFtraceParser(): (text: string, line: number) => LineResult {
  let inMessage = false;
  return (text, line) => {
    const h = ftraceHead(text);
    if (h === undefined) {
      if (isComment(text)) return { type: 'skipped', name: '' };
      if (inMessage) return { type: 'skipped', name: 'continuation' };
      return { type: 'malformed', reason: 'not COMM-PID [CPU] TIME: EVENT: FIELDS' };
    }
    const name = text.slice(h.nameStart, h.nameEnd);
    inMessage = name === 'print' || name === 'bprint' || name === 'bputs';
    rangeError = '';
    const cpu = checked('cpu', text.slice(h.cpuStart, h.cpuEnd), 'cpu');
    const tid = checked('pid', text.slice(h.dash + 1, h.pidEnd), 'pid');
    const timeNs = parseTimestampNs(text.slice(h.secStart, h.secEnd), text.slice(h.secEnd + 1, h.fracEnd));
    if (!inRange(timeNs, 'ns')) rangeError ||= rangeReason('timestamp', text.slice(h.secStart, h.fracEnd), 'ns');
    if (cpu === undefined || tid === undefined || rangeError !== '') return { type: 'malformed', reason: rangeError };
    const base = { timeNs, cpu, tid, comm: text.slice(0, h.dash).trim(), line };
    const event = parseEvent(name.replace(/^sched:/, ''), text.slice(h.rest).trim(), base);
    const late = outOfRange(); // set by parseEvent's fields
    if (late !== '') return { type: 'malformed', reason: `${name}: ${late}` };
    if (event === undefined) {
      return name.startsWith('sched_') || name.startsWith('sched:')
        ? { type: 'malformed', reason: `${name}: fields not understood` }
        : { type: 'skipped', name };
    }
    return event === null ? { type: 'skipped', name } : { type: 'event', event };
  };
}

type Base = Pick<TraceEvent, 'timeNs' | 'cpu' | 'tid' | 'comm' | 'line'>;

// undefined: a sched event whose fields did not parse (or a number out of range: rangeError); null: an event this
// reader does not use.
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
      const origCpu = num(f, 'orig_cpu', 'cpu');
      const destCpu = num(f, 'dest_cpu', 'cpu');
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
      const runtimeNs = checked('runtime', f.get('runtime'), 'ns', true);
      if (targetTid === undefined || runtimeNs === undefined) return undefined;
      return { ...base, kind: 'runtime', targetTid, runtimeNs };
    }
    default:
      return null;
  }
}

// sched_switch: trace-cmd's compact rendering, or key=value fields (a numeric prev_state with -R).
function parseSwitch(rest: string, base: Base): TraceEvent | undefined {
  const c = COMPACT_SWITCH.exec(rest);
  if (c !== null) {
    const prevTid = checked('prev', c[2], 'pid');
    const nextTid = checked('next', c[6], 'pid');
    if (prevTid === undefined || nextTid === undefined) return undefined;
    return {
      ...base,
      kind: 'switch',
      prevComm: c[1] ?? '',
      prevTid,
      prevState: c[4] ?? 'R',
      nextComm: c[5] ?? '',
      nextTid,
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
    const targetTid = checked('pid', c[2], 'pid');
    const targetCpu = checked('CPU', c[4], 'cpu');
    if (targetTid === undefined || targetCpu === undefined) return undefined;
    return { ...base, kind: 'wakeup', variant, targetComm: c[1] ?? '', targetTid, targetCpu };
  }
  const f = parseFields(rest);
  const targetTid = num(f, 'pid');
  if (targetTid === undefined) return undefined;
  const targetCpu = num(f, 'target_cpu', 'cpu') ?? -1; // (out of range: rangeError, and the line is malformed)
  return { ...base, kind: 'wakeup', variant, targetComm: f.get('comm') ?? '', targetTid, targetCpu };
}
