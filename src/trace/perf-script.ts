/**
 * Reader for `perf script` text (default fields): `COMM TID [CPU] SEC.FRAC: sched:EVENT: FIELDS`, with µs
 * (default) or ns (`--ns`) timestamps. The comm may contain spaces; the sample's comm and tid are the task current
 * on the CPU (for wakeups: the waker).
 * @module
 */
import { ascii, decodeBytes, indexOfBytes, StringCache, utf8Encoder } from './bytes.js';
import { runtimeEvent, switchEvent, wakeupEvent, type TraceEvent } from './events.js';

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

// The head `COMM TID [CPU] SEC.FRAC: sched:NAME: ` and the fields of the frequent events are read straight from the
// bytes, in perf's field order; any other shape returns undefined and takes the general path (a regex for the head,
// `key=value` pairs for the fields), so the two agree wherever both apply (a test checks it on every fixture line).

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
// `[\w-]`: letters, digits, underscore, dash.
const isWord = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;

const PREV_PID = ascii(' prev_pid=');
const PREV_PRIO = ascii(' prev_prio=');
const PREV_STATE = ascii(' prev_state=');
const ARROW = ascii(' ==> ');
const NEXT_COMM = ascii('next_comm=');
const NEXT_PID = ascii(' next_pid=');
const PID = ascii(' pid=');
const PRIO = ascii(' prio=');
const TARGET_CPU = ascii(' target_cpu=');
const RUNTIME = ascii(' runtime=');
const PREV_COMM = ascii('prev_comm=');
const COMM = ascii('comm=');
const SCHED = ascii('sched:');
const NS = ascii(' [ns]');
const NEXT_PRIO: readonly [Uint8Array, Uint8Array] = [ascii(' next_prio='), new Uint8Array(0)];
const VRUNTIME: readonly [Uint8Array, Uint8Array] = [ascii(' vruntime='), NS];

const enum_ = { switch: 1, waking: 2, wakeup: 3, wakeupNew: 4, runtime: 5 } as const;
// The names, indexed by their enum_ value.
const NAMES: readonly Uint8Array[] = [
  new Uint8Array(0),
  ascii('sched_switch'),
  ascii('sched_waking'),
  ascii('sched_wakeup'),
  ascii('sched_wakeup_new'),
  ascii('sched_stat_runtime'),
];

// Kernel state letters as sched_switch prints them, shared rather than decoded per line.
const STATES = new Map<number, string>(
  ['R', 'S', 'D', 'T', 't', 'X', 'Z', 'P', 'I', 'x', 'K', 'W'].map((s) => [s.charCodeAt(0), s]),
);

// Text the scanner may take as it stands: printable ASCII, no '=' (the general parser splits values at ` key=`), no
// space at either end (it trims). Anything else (unicode, tabs, odd comms) is left to the general parser.
function plainText(bytes: Uint8Array, start: number, end: number): boolean {
  if (end <= start || bytes[start] === 32 || bytes[end - 1] === 32) return false;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    if (c < 32 || c > 126 || c === 61) return false;
  }
  return true;
}

// A comm the scanner may take (see plainText), from the cache while its bytes are the key's last ones: the cache holds
// only plain texts, so a hit needs no second look.
function plainComm(cache: StringCache, key: number, bytes: Uint8Array, start: number, end: number): string | undefined {
  const hit = cache.hit(key, bytes, start, end);
  if (hit !== undefined) return hit;
  return plainText(bytes, start, end) ? cache.put(key, bytes, start, end) : undefined;
}

// The event name in bytes[start, end): one of NAMES, told by its length and one or two letters, then compared whole.
function eventKind(bytes: Uint8Array, start: number, end: number): number {
  const n = end - start;
  let k: number;
  if (n === 12) {
    const c = bytes[start + 6];
    k = c === 115 ? enum_.switch : c === 119 ? (bytes[start + 9] === 105 ? enum_.waking : enum_.wakeup) : 0;
  } else k = n === 16 ? enum_.wakeupNew : n === 18 ? enum_.runtime : 0;
  if (k === 0) return 0;
  const pattern = NAMES[k] as Uint8Array;
  for (let j = 0; j < n; j++) if (bytes[start + j] !== pattern[j]) return 0;
  return k;
}

function startsWithAt(bytes: Uint8Array, at: number, end: number, pattern: Uint8Array): boolean {
  if (at + pattern.length > end) return false;
  for (let j = 0; j < pattern.length; j++) if (bytes[at + j] !== pattern[j]) return false;
  return true;
}

/** What {@link PerfScriptScanner.scanInto} found. */
export const SCANNED = {
  /** A line for the general parser. */
  general: 0,
  switch: 1,
  waking: 2,
  wakeup: 3,
  wakeupNew: 4,
  runtime: 5,
  /** An event of another system; its name is in `name`. */
  skipped: 6,
} as const;

/** Reads perf script lines from bytes, keeping the comm strings it decoded for reuse. */
export class PerfScriptScanner {
  /** The last event's time, ns. */
  timeNs = 0;
  /** Its CPU. */
  cpu = 0;
  /** Its sample's tid. */
  tid = 0;
  /** Its sample's comm. */
  comm = '';
  /** Switch: the outgoing task. */
  prevTid = 0;
  /** Switch: its comm. */
  prevComm = '';
  /** Switch: its state letters. */
  prevState = '';
  /** Switch: the incoming task. */
  nextTid = 0;
  /** Switch: its comm. */
  nextComm = '';
  /** Wakeup, runtime: the task it is about. */
  targetTid = 0;
  /** Wakeup: its comm. */
  targetComm = '';
  /** Wakeup: its CPU. */
  targetCpu = 0;
  /** Runtime: ns. */
  runtimeNs = 0;
  /** Skipped: the event's `system:name`. */
  name = '';
  readonly #sampleComms = new StringCache();
  readonly #fieldComms = new StringCache();
  readonly #names = new StringCache();
  #pos = 0;

  // A decimal integer at #pos (optional '-'), leaving #pos after it; NaN when there is no digit.
  #int(bytes: Uint8Array, end: number): number {
    let i = this.#pos;
    let sign = 1;
    if (bytes[i] === 45) {
      sign = -1;
      i++;
    }
    const from = i;
    let v = 0;
    for (; i < end; i++) {
      const c = bytes[i] as number;
      if (!isDigit(c)) break;
      v = v * 10 + c - 48;
    }
    this.#pos = i;
    // Past 15 digits a double may round differently from Number(text): the general parser's.
    return i === from || i - from > 15 ? NaN : sign * v;
  }

  // A comm from `key=` at `at` up to `next`, keyed for the cache by the pid that follows it.
  #comm(bytes: Uint8Array, at: number, end: number, key: Uint8Array, next: Uint8Array): number {
    if (!startsWithAt(bytes, at, end, key)) return -1;
    return indexOfBytes(bytes, next, at + key.length, end);
  }

  /**
   * Reads one line.
   * @param bytes - the buffer holding it
   * @param start - its first byte
   * @param end - one past its last byte (no line end)
   * @param line - its number, 1-based
   * @returns the event, or undefined when the line needs the general parser
   */
  scan(bytes: Uint8Array, start: number, end: number, line: number): LineResult | undefined {
    const kind = this.scanInto(bytes, start, end);
    switch (kind) {
      case SCANNED.switch:
        return {
          type: 'event',
          event: switchEvent(
            this.timeNs,
            this.cpu,
            this.tid,
            this.comm,
            line,
            this.prevTid,
            this.prevComm,
            this.prevState,
            this.nextTid,
            this.nextComm,
          ),
        };
      case SCANNED.waking:
      case SCANNED.wakeup:
      case SCANNED.wakeupNew:
        return {
          type: 'event',
          event: wakeupEvent(
            this.timeNs,
            this.cpu,
            this.tid,
            this.comm,
            line,
            kind === SCANNED.waking ? 'waking' : kind === SCANNED.wakeup ? 'wakeup' : 'wakeup_new',
            this.targetTid,
            this.targetComm,
            this.targetCpu,
          ),
        };
      case SCANNED.runtime:
        return {
          type: 'event',
          event: runtimeEvent(this.timeNs, this.cpu, this.tid, this.comm, line, this.targetTid, this.runtimeNs),
        };
      case SCANNED.skipped:
        return { type: 'skipped', name: this.name };
      default:
        return undefined;
    }
  }

  /**
   * Reads one line into this scanner's fields, without building an event (a thread that forwards events as records
   * copies the fields it needs): `timeNs`, `cpu`, `tid`, `comm` for every event, then the kind's own fields.
   * @param bytes - the buffer holding it
   * @param start - its first byte
   * @param end - one past its last byte (no line end)
   * @returns what the line held ({@link SCANNED}), `SCANNED.general` when it needs the general parser
   */
  scanInto(bytes: Uint8Array, start: number, end: number): number {
    let i = start;
    while (i < end && bytes[i] === 32) i++;
    const commStart = i;
    // The CPU column `[NNN] ` closes the head's first part; the comm may hold spaces, so search forward for it.
    let close = -1;
    for (let j = i; j + 1 < end; j++) {
      if (bytes[j] === 93 && bytes[j + 1] === 32) {
        close = j;
        break;
      }
    }
    if (close < 0) return SCANNED.general;
    let open = close - 1;
    let cpu = 0;
    let mul = 1;
    for (; open > commStart && isDigit(bytes[open] as number); open--) {
      cpu += ((bytes[open] as number) - 48) * mul;
      mul *= 10;
    }
    if (open === close - 1 || bytes[open] !== 91 || bytes[open - 1] !== 32) return SCANNED.general;
    let k = open - 1;
    while (k > commStart && bytes[k] === 32) k--;
    const tidEnd = k + 1;
    let tid = 0;
    mul = 1;
    for (; k > commStart && isDigit(bytes[k] as number); k--) {
      tid += ((bytes[k] as number) - 48) * mul;
      mul *= 10;
    }
    if (k + 1 === tidEnd) return SCANNED.general;
    if (bytes[k] === 45) {
      tid = -tid;
      k--;
    }
    if (bytes[k] !== 32) return SCANNED.general;
    while (k > commStart && bytes[k] === 32) k--;
    if (k < commStart || bytes[k] === 32) return SCANNED.general; // no comm
    const commEnd = k + 1;
    const comm = plainComm(this.#sampleComms, tid, bytes, commStart, commEnd);
    if (comm === undefined) return SCANNED.general;
    // SEC.FRAC:
    i = close + 2;
    while (i < end && bytes[i] === 32) i++;
    let sec = 0;
    const secFrom = i;
    for (; i < end && isDigit(bytes[i] as number); i++) sec = sec * 10 + (bytes[i] as number) - 48;
    if (i === secFrom || i - secFrom > 15 || bytes[i] !== 46) return SCANNED.general;
    i++;
    let frac = 0;
    let digits = 0;
    for (; i < end && isDigit(bytes[i] as number); i++, digits++)
      if (digits < 9) frac = frac * 10 + (bytes[i] as number) - 48;
    if (digits === 0 || bytes[i] !== 58 || bytes[i + 1] !== 32) return SCANNED.general;
    for (let d = digits; d < 9; d++) frac *= 10;
    const timeNs = sec * 1e9 + frac;
    i += 2;
    while (i < end && bytes[i] === 32) i++;
    if (!startsWithAt(bytes, i, end, SCHED)) return this.#other(bytes, i, end);
    i += SCHED.length;
    let nameEnd = i;
    while (nameEnd < end && bytes[nameEnd] !== 58) nameEnd++;
    const kind = eventKind(bytes, i, nameEnd);
    if (kind === 0 || nameEnd + 1 >= end || bytes[nameEnd + 1] !== 32) return SCANNED.general;
    const f = nameEnd + 2;
    if (kind === enum_.switch) {
      const prevCommEnd = this.#comm(bytes, f, end, PREV_COMM, PREV_PID);
      if (prevCommEnd < 0) return SCANNED.general;
      this.#pos = prevCommEnd + PREV_PID.length;
      const prevTid = this.#int(bytes, end);
      if (Number.isNaN(prevTid) || !startsWithAt(bytes, this.#pos, end, PREV_PRIO)) return SCANNED.general;
      this.#pos += PREV_PRIO.length;
      if (Number.isNaN(this.#int(bytes, end)) || !startsWithAt(bytes, this.#pos, end, PREV_STATE))
        return SCANNED.general;
      const stateStart = this.#pos + PREV_STATE.length;
      const arrow = indexOfBytes(bytes, ARROW, stateStart, end);
      if (arrow <= stateStart) return SCANNED.general;
      const nextCommAt = arrow + ARROW.length;
      const nextCommEnd = this.#comm(bytes, nextCommAt, end, NEXT_COMM, NEXT_PID);
      if (nextCommEnd < 0) return SCANNED.general;
      this.#pos = nextCommEnd + NEXT_PID.length;
      const nextTid = this.#int(bytes, end);
      if (Number.isNaN(nextTid) || !this.#endsWith(bytes, end, NEXT_PRIO)) return SCANNED.general;
      if (!plainText(bytes, stateStart, arrow)) return SCANNED.general;
      const prevComm = plainComm(
        this.#fieldComms,
        prevTid === 0 ? -1 - cpu : prevTid,
        bytes,
        f + PREV_COMM.length,
        prevCommEnd,
      );
      const nextComm = plainComm(
        this.#fieldComms,
        nextTid === 0 ? -1 - cpu : nextTid,
        bytes,
        nextCommAt + NEXT_COMM.length,
        nextCommEnd,
      );
      if (prevComm === undefined || nextComm === undefined) return SCANNED.general;
      this.#head(timeNs, cpu, tid, comm);
      this.prevTid = prevTid;
      this.prevComm = prevComm;
      this.prevState = this.#state(bytes, stateStart, arrow);
      this.nextTid = nextTid;
      this.nextComm = nextComm;
      return SCANNED.switch;
    }
    const targetCommEnd = this.#comm(bytes, f, end, COMM, PID);
    if (targetCommEnd < 0) return SCANNED.general;
    this.#pos = targetCommEnd + PID.length;
    const targetTid = this.#int(bytes, end);
    if (Number.isNaN(targetTid)) return SCANNED.general;
    if (kind === enum_.runtime) {
      if (!startsWithAt(bytes, this.#pos, end, RUNTIME)) return SCANNED.general;
      this.#pos += RUNTIME.length;
      const runtimeNs = this.#int(bytes, end);
      if (Number.isNaN(runtimeNs) || runtimeNs < 0 || !startsWithAt(bytes, this.#pos, end, NS)) return SCANNED.general;
      this.#pos += NS.length;
      if (!this.#endsWith(bytes, end, VRUNTIME) || !plainText(bytes, f + COMM.length, targetCommEnd))
        return SCANNED.general;
      this.#head(timeNs, cpu, tid, comm);
      this.targetTid = targetTid;
      this.runtimeNs = runtimeNs;
      return SCANNED.runtime;
    }
    if (!startsWithAt(bytes, this.#pos, end, PRIO)) return SCANNED.general;
    this.#pos += PRIO.length;
    if (Number.isNaN(this.#int(bytes, end)) || !startsWithAt(bytes, this.#pos, end, TARGET_CPU)) return SCANNED.general;
    this.#pos += TARGET_CPU.length;
    const targetCpu = this.#int(bytes, end);
    if (Number.isNaN(targetCpu) || this.#pos !== end) return SCANNED.general;
    const targetComm = plainComm(
      this.#fieldComms,
      targetTid === 0 ? -1 - cpu : targetTid,
      bytes,
      f + COMM.length,
      targetCommEnd,
    );
    if (targetComm === undefined) return SCANNED.general;
    this.#head(timeNs, cpu, tid, comm);
    this.targetTid = targetTid;
    this.targetComm = targetComm;
    this.targetCpu = targetCpu;
    return kind === enum_.waking ? SCANNED.waking : kind === enum_.wakeup ? SCANNED.wakeup : SCANNED.wakeupNew;
  }

  #head(timeNs: number, cpu: number, tid: number, comm: string): void {
    this.timeNs = timeNs;
    this.cpu = cpu;
    this.tid = tid;
    this.comm = comm;
  }

  // An event of another system (irq, timer, …): skipped under its `system:name`, or the general path.
  #other(bytes: Uint8Array, start: number, end: number): number {
    let i = start;
    while (i < end && isWord(bytes[i] as number)) i++;
    if (i === start || bytes[i] !== 58) return SCANNED.general;
    let j = i + 1;
    while (j < end && isWord(bytes[j] as number)) j++;
    if (j === i + 1 || bytes[j] !== 58) return SCANNED.general;
    this.name = this.#names.get((j - start) * 256 + (bytes[i + 1] as number), bytes, start, j);
    return SCANNED.skipped;
  }

  // The line ends at #pos, or with ` key=NUMBER` and what must follow it (perf's last field); anything else after the
  // fields (a cut line, a repeated key) is for the general parser.
  #endsWith(bytes: Uint8Array, end: number, tail: readonly [Uint8Array, Uint8Array]): boolean {
    if (this.#pos === end) return true;
    const [key, after] = tail;
    if (!startsWithAt(bytes, this.#pos, end, key)) return false;
    this.#pos += key.length;
    if (Number.isNaN(this.#int(bytes, end)) || !startsWithAt(bytes, this.#pos, end, after)) return false;
    return this.#pos + after.length === end;
  }

  #state(bytes: Uint8Array, start: number, end: number): string {
    if (end - start === 1) {
      const s = STATES.get(bytes[start] as number);
      if (s !== undefined) return s;
    } else if (end - start === 2 && bytes[start] === 82 && bytes[start + 1] === 43) return 'R+';
    return decodeBytes(bytes, start, end);
  }
}

/** A format's line reader: lines as text, or as bytes inside a buffer. */
export interface LineReader {
  /**
   * Reads a line given as text.
   * @param text - the line, without its line end
   * @param line - its number, 1-based
   * @returns what it held
   */
  text(text: string, line: number): LineResult;
  /**
   * Reads a line given as bytes.
   * @param bytes - the buffer holding it
   * @param start - its first byte
   * @param end - one past its last byte (no line end)
   * @param line - its number, 1-based
   * @returns what it held
   */
  bytes(bytes: Uint8Array, start: number, end: number, line: number): LineResult;
}

/**
 * A perf script reader for one trace (it keeps the comm names it decoded, to reuse them).
 * @returns the reader
 */
export function createPerfScriptReader(): LineReader {
  const scanner = new PerfScriptScanner();
  return {
    text: (text, line) => scanText(scanner, text, line),
    bytes: (bytes, start, end, line) =>
      scanner.scan(bytes, start, end, line) ?? parsePerfScriptText(decodeBytes(bytes, start, end), line),
  };
}

function scanText(scanner: PerfScriptScanner, text: string, line: number): LineResult {
  if (scratch.length <= text.length * 3) scratch = new Uint8Array(text.length * 3 + 1);
  const { written } = encoder.encodeInto(text, scratch);
  scratch[written] = 10; // the scanner may look one byte past the end: let it see a line end, not an older line
  return scanner.scan(scratch, 0, written, line) ?? parsePerfScriptText(text, line);
}

/**
 * Reads one line of `perf script` output.
 * @param text - the line
 * @param line - its number (1-based), carried into the event
 * @returns the event, a skipped event name (irq, hrtimer, …), or why it is malformed; blank lines are skipped
 */
export function parsePerfScriptLine(text: string, line: number): LineResult {
  return scanText(lineScanner, text, line);
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

function headByRegex(text: string): Head | undefined {
  const m = HEAD.exec(text);
  if (m === null) return undefined;
  const [, comm = '', tidText = '', cpuText = '', sec = '', frac = '', system = '', name = '', rest = ''] = m;
  return { comm, tid: Number(tidText), cpu: Number(cpuText), timeNs: parseTimestampNs(sec, frac), system, name, rest };
}

const encoder = utf8Encoder();
let scratch = new Uint8Array(1024);
const lineScanner = new PerfScriptScanner();

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
