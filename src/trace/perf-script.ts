/**
 * Reader for `perf script` text (default fields): `COMM TID [CPU] SEC.FRAC: sched:EVENT: FIELDS`, with µs
 * (default) or ns (`--ns`) timestamps. The comm may contain spaces; the sample's comm and tid are the task current
 * on the CPU (for wakeups: the waker). One pass over the line, no regular expressions: the one perf script parser.
 * Every number is checked against its range (`inRange` in fields.ts: pids in `pid_t`, CPUs below `MAX_CPUS`, times
 * and runtimes at most 2^53−1 ns, about 104 days): a line with one outside it is malformed, never rounded.
 * @module
 */
import { checkString, checkWhole } from '../check.js';
import type { TraceEvent } from './events.js';
import { FieldScanner, inRange, isComment, isSpace, rangeReason, wholeAt, type NumberKind } from './fields.js';

/** A line that held an event this reader uses. */
export interface EventLine {
  /** Result kind. */
  readonly type: 'event';
  /** The event. */
  readonly event: TraceEvent;
}
/** A line with an event this reader does not use (irq, hrtimer, …), or a comment or blank line (empty name). */
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

/**
 * Parses `SEC.FRAC` into ns (a 6-digit fraction is µs, 9 digits ns). Exact up to 2^53−1 ns (about 104 days of
 * uptime); past it the value is not a safe integer, and the readers give such a line as malformed.
 * @param sec - seconds
 * @param frac - fraction digits
 * @returns ns
 * @throws {@link SchedacctError} `invalid-argument` for a part that is not a string
 * @example
 * ```ts
 * parseTimestampNs('706', '383245'); // 706_383_245_000
 * ```
 */
export function parseTimestampNs(sec: string, frac: string): number {
  checkString('sec', sec);
  checkString('frac', frac);
  return Number(sec) * 1e9 + Number(frac.length >= 9 ? frac.slice(0, 9) : frac.padEnd(9, '0'));
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isBlank = isSpace;
// [\w-]
const isName = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 45;

/** The head of a line: `COMM TID [CPU] SEC.FRAC: SYSTEM:NAME:`, and where the fields begin. */
interface Head {
  comm: string;
  tid: number;
  cpu: number;
  timeNs: number;
  /** Where the tid, the CPU and the time are written, for the reason a line is malformed when one is out of range. */
  tidStart: number;
  tidEnd: number;
  cpuStart: number;
  cpuEnd: number;
  timeStart: number;
  timeEnd: number;
  /** `SYSTEM` and `EVENT` of `SYSTEM:EVENT:`, as [start, end) in the line (sliced only when needed). */
  systemStart: number;
  systemEnd: number;
  nameStart: number;
  nameEnd: number;
  fields: number;
}

const head: Head = {
  comm: '',
  tid: 0,
  cpu: 0,
  timeNs: 0,
  tidStart: 0,
  tidEnd: 0,
  cpuStart: 0,
  cpuEnd: 0,
  timeStart: 0,
  timeEnd: 0,
  systemStart: 0,
  systemEnd: 0,
  nameStart: 0,
  nameEnd: 0,
  fields: 0,
};

// The digits at [start, end) as a number: exact below 2^53, as Number() reads them above.
function digitsAt(text: string, start: number, end: number): number {
  if (end - start > 15) return Number(text.slice(start, end));
  let v = 0;
  for (let i = start; i < end; i++) v = v * 10 + (text.charCodeAt(i) - 48);
  return v;
}

const SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];

// SEC.FRAC at [secStart, secEnd) and [fracStart, fracEnd) in ns, as parseTimestampNs reads the two strings.
function timeAt(text: string, secStart: number, secEnd: number, fracStart: number, fracEnd: number): number {
  const fracDigits = Math.min(fracEnd - fracStart, 9);
  const frac = digitsAt(text, fracStart, fracStart + fracDigits) * (SCALE[fracDigits] as number);
  return digitsAt(text, secStart, secEnd) * 1e9 + frac;
}

// Everything after `[CPU]` for the bracket at `b`: fills `head` and returns true if the line goes on as a head does.
function afterCpu(text: string, b: number): boolean {
  const n = text.length;
  let i = b + 1;
  const cpuStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === cpuStart || i >= n || text.charCodeAt(i) !== 93) return false; // ]
  const cpuEnd = i++;
  const blanks = i;
  while (i < n && isBlank(text.charCodeAt(i))) i++;
  if (i === blanks) return false;
  const secStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === secStart || i >= n || text.charCodeAt(i) !== 46) return false; // .
  const secEnd = i++;
  const fracStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === fracStart || i >= n || text.charCodeAt(i) !== 58) return false; // :
  const fracEnd = i++;
  const gap = i;
  while (i < n && isBlank(text.charCodeAt(i))) i++;
  if (i === gap) return false;
  // an optional period column (`perf script -F +period`): digits and blanks before the event
  let nameStart = i;
  let j = i;
  while (j < n && isDigit(text.charCodeAt(j))) j++;
  if (j > i && j < n && isBlank(text.charCodeAt(j))) {
    while (j < n && isBlank(text.charCodeAt(j))) j++;
    nameStart = j;
  }
  i = nameStart;
  while (i < n && isName(text.charCodeAt(i))) i++;
  if (i === nameStart || i >= n || text.charCodeAt(i) !== 58) return false;
  const systemEnd = i++;
  const eventStart = i;
  while (i < n && isName(text.charCodeAt(i))) i++;
  if (i === eventStart || i >= n || text.charCodeAt(i) !== 58) return false;
  head.systemStart = nameStart;
  head.systemEnd = systemEnd;
  head.nameStart = eventStart;
  head.nameEnd = i;
  i++;
  if (i < n && isBlank(text.charCodeAt(i))) i++; // one blank before the fields
  head.fields = i;
  head.cpu = digitsAt(text, cpuStart, cpuEnd);
  head.timeNs = timeAt(text, secStart, secEnd, fracStart, fracEnd);
  head.cpuStart = cpuStart;
  head.cpuEnd = cpuEnd;
  head.timeStart = secStart;
  head.timeEnd = fracEnd;
  return true;
}

const TERMINATOR = /[\n\r\u2028\u2029]/;

function hasTerminator(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

// The head, for the first `[` at which the line reads as one (a comm may hold brackets and blanks); false if none.
function readHead(text: string): boolean {
  let start = 0;
  while (start < text.length && isBlank(text.charCodeAt(start))) start++;
  for (let b = text.indexOf('[', start); b >= 0; b = text.indexOf('[', b + 1)) {
    // blanks, the tid, blanks before the bracket
    let i = b - 1;
    if (i < start || !isBlank(text.charCodeAt(i))) continue;
    while (i >= start && isBlank(text.charCodeAt(i))) i--;
    const tidEnd = i + 1;
    while (i >= start && isDigit(text.charCodeAt(i))) i--;
    if (i + 1 === tidEnd) continue;
    if (i >= start && text.charCodeAt(i) === 45) i--; // -
    const tidStart = i + 1;
    // at least one blank before the tid; the comm is what comes before (perhaps empty)
    if (i < start - 1 || (i >= start && !isBlank(text.charCodeAt(i)))) continue;
    let commEnd = i;
    while (commEnd > start && isBlank(text.charCodeAt(commEnd - 1))) commEnd--;
    if (i < start && start === 0) continue; // no blank at all before the tid
    if (!afterCpu(text, b)) continue;
    // a line terminator in the comm or the fields: no perf script line (perf wrote none); blanks may hold them
    if (TERMINATOR.test(text) && (hasTerminator(text, start, commEnd) || hasTerminator(text, head.fields, text.length)))
      return false;
    head.comm = commEnd > start ? text.slice(start, commEnd) : '';
    head.tid = wholeAt(text, tidStart, tidEnd, false) ?? 0;
    head.tidStart = tidStart;
    head.tidEnd = tidEnd;
    return true;
  }
  return false;
}

/**
 * Whether a line reads as a perf script line (`COMM TID [CPU] SEC.FRAC: SYSTEM:EVENT:`), in time linear in it.
 * @param text - the line
 * @returns true when it does (whatever its numbers and fields)
 * @internal
 */
export const isPerfScriptHead = (text: string): boolean => readHead(text);

const fields = new FieldScanner();
const bad = (name: string, what: string): MalformedLine => ({ type: 'malformed', reason: `${name}: ${what}` });

// The first field of the line being read found out of its range, as the reason it is malformed ('' while none is).
let rangeError = '';

// A field's whole number; undefined when absent, not a whole number, or out of its range (then noted in rangeError).
function num(f: FieldScanner, key: string, kind: NumberKind): number | undefined {
  const v = kind === 'ns' ? f.leadingInt(key) : f.int(key);
  if (v === undefined || inRange(v, kind)) return v;
  rangeError ||= rangeReason(key, f.get(key) ?? '', kind);
  return undefined;
}

// Why the head's CPU, time or tid is out of range, or '' when all three are in range.
function headRangeError(text: string): string {
  if (!inRange(head.cpu, 'cpu')) return rangeReason('cpu', text.slice(head.cpuStart, head.cpuEnd), 'cpu');
  if (!inRange(head.timeNs, 'ns')) return rangeReason('timestamp', text.slice(head.timeStart, head.timeEnd), 'ns');
  if (!inRange(head.tid, 'pid')) return rangeReason('tid', text.slice(head.tidStart, head.tidEnd), 'pid');
  return '';
}

/**
 * Reads one line of `perf script` output.
 * @param text - the line, without its line end
 * @param line - its number (1-based), carried into the event
 * @returns the event, a skipped event name (irq, hrtimer, …), or why it is malformed (a number out of its range
 *   too: the reason names the field and the bound); comment (`#…`) and blank lines are skipped with an empty name
 * @throws {@link SchedacctError} `invalid-argument` for text that is not a string or a line number that is not a whole number ≥ 0
 * @example
 * ```ts
 * const r = parsePerfScriptLine('sh 42 [001] 706.383245: sched:sched_waking: comm=cat pid=43 prio=120 target_cpu=001', 1);
 * r.type === 'event' && r.event.kind; // 'wakeup'
 * ```
 */
export function parsePerfScriptLine(text: string, line: number): LineResult {
  checkString('text', text);
  checkWhole('line', line);
  if (!readHead(text)) {
    // perf script --header prints `#` lines; a comm that starts with `#` still reads as a head above
    if (isComment(text)) return { type: 'skipped', name: '' };
    return { type: 'malformed', reason: 'not COMM TID [CPU] TIME: EVENT: FIELDS' };
  }
  const outOfRange = headRangeError(text);
  if (outOfRange !== '') return { type: 'malformed', reason: outOfRange };
  const { comm, tid, cpu, timeNs } = head;
  const name = text.slice(head.nameStart, head.nameEnd);
  if (head.systemEnd - head.systemStart !== 5 || !text.startsWith('sched', head.systemStart)) {
    return { type: 'skipped', name: `${text.slice(head.systemStart, head.systemEnd)}:${name}` };
  }
  const f = fields;
  f.scan(text, head.fields);
  rangeError = '';
  switch (name) {
    case 'sched_switch': {
      const prevTid = num(f, 'prev_pid', 'pid');
      const nextTid = num(f, 'next_pid', 'pid');
      const prevState = f.get('prev_state');
      if (prevTid === undefined || nextTid === undefined || prevState === undefined)
        return bad(name, rangeError || 'needs prev_pid, prev_state, next_pid');
      const prevComm = f.get('prev_comm') ?? '';
      const nextComm = f.get('next_comm') ?? '';
      return {
        type: 'event',
        event: { timeNs, cpu, tid, comm, line, kind: 'switch', prevTid, prevComm, prevState, nextTid, nextComm },
      };
    }
    case 'sched_waking':
    case 'sched_wakeup':
    case 'sched_wakeup_new': {
      const targetTid = num(f, 'pid', 'pid');
      const targetCpu = num(f, 'target_cpu', 'cpu') ?? -1;
      if (targetTid === undefined || rangeError !== '') return bad(name, rangeError || 'needs pid');
      const variant = name === 'sched_waking' ? 'waking' : name === 'sched_wakeup' ? 'wakeup' : 'wakeup_new';
      const targetComm = f.get('comm') ?? '';
      return {
        type: 'event',
        event: { timeNs, cpu, tid, comm, line, kind: 'wakeup', variant, targetTid, targetComm, targetCpu },
      };
    }
    case 'sched_migrate_task': {
      const targetTid = num(f, 'pid', 'pid');
      const origCpu = num(f, 'orig_cpu', 'cpu');
      const destCpu = num(f, 'dest_cpu', 'cpu');
      if (targetTid === undefined || origCpu === undefined || destCpu === undefined)
        return bad(name, rangeError || 'needs pid, orig_cpu, dest_cpu');
      const targetComm = f.get('comm') ?? '';
      return {
        type: 'event',
        event: { timeNs, cpu, tid, comm, line, kind: 'migrate', targetTid, targetComm, origCpu, destCpu },
      };
    }
    case 'sched_process_fork': {
      const parentTid = num(f, 'pid', 'pid');
      const childTid = num(f, 'child_pid', 'pid');
      if (parentTid === undefined || childTid === undefined) return bad(name, rangeError || 'needs pid, child_pid');
      const childComm = f.get('child_comm') ?? '';
      return { type: 'event', event: { timeNs, cpu, tid, comm, line, kind: 'fork', parentTid, childTid, childComm } };
    }
    case 'sched_process_exit': {
      const targetTid = num(f, 'pid', 'pid');
      if (targetTid === undefined) return bad(name, rangeError || 'needs pid');
      return { type: 'event', event: { timeNs, cpu, tid, comm, line, kind: 'exit', targetTid } };
    }
    case 'sched_stat_runtime': {
      const targetTid = num(f, 'pid', 'pid');
      const runtimeNs = num(f, 'runtime', 'ns');
      if (targetTid === undefined || runtimeNs === undefined) return bad(name, rangeError || 'needs pid, runtime');
      return { type: 'event', event: { timeNs, cpu, tid, comm, line, kind: 'runtime', targetTid, runtimeNs } };
    }
    default:
      return { type: 'skipped', name: `sched:${name}` };
  }
}
