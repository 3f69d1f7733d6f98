// The mutations: byte damage, numbers outside the readers' bounds, long lines, whitespace runs, comments, time order.
// Each records what it did (for the reproducer) and which lines it touched or made certainly malformed.
import { MAX_CPUS } from '../../src/trace/events.js';
import type { TextFormat as TraceFormat } from '../../src/trace/format.js';
import { corpus } from './corpus.js';
import { below, bytesOf, chance, pick, type Draft, type Rng } from './draft.js';

const INTERESTING = [
  ' ',
  '\t',
  '[',
  ']',
  ':',
  '=',
  '-',
  '.',
  '#',
  '\0',
  '\n',
  '\r',
  '\u00e9',
  '\u{1f600}',
  '0',
  '9',
  '==>',
];

/**
 * One random byte-level change to one line: flip a bit, insert, delete, duplicate, truncate, splice in lines of
 * another trace, swap or drop lines, join two lines.
 * @param d - the draft
 * @param rng - the generator
 */
export function damage(d: Draft, rng: Rng): void {
  const n = d.lines.length;
  if (n === 0) return;
  const i = below(rng, n);
  const op = pick(rng, [
    'flip',
    'insert',
    'delete',
    'duplicate',
    'truncate',
    'splice',
    'swap',
    'drop',
    'join',
  ] as const);
  const bytes = (): Uint8Array => Uint8Array.from(bytesOf((d.lines[i] ?? { data: '' }).data));
  switch (op) {
    case 'flip': {
      const b = bytes();
      if (b.length === 0) return;
      const at = below(rng, b.length);
      b[at] = (b[at] as number) ^ (1 << below(rng, 8));
      d.set(i, b);
      break;
    }
    case 'insert': {
      const b = bytes();
      const at = below(rng, b.length + 1);
      const what = chance(rng, 0.5) ? bytesOf(pick(rng, INTERESTING)) : Uint8Array.of(below(rng, 256));
      d.set(i, Uint8Array.from([...b.subarray(0, at), ...what, ...b.subarray(at)]));
      break;
    }
    case 'delete': {
      const b = bytes();
      const at = below(rng, b.length + 1);
      const len = 1 + below(rng, chance(rng, 0.8) ? 4 : b.length);
      d.set(i, Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + len)]));
      break;
    }
    case 'duplicate': {
      const line = d.lines[i];
      if (line !== undefined) d.lines.splice(below(rng, n + 1), 0, { ...line });
      break;
    }
    case 'truncate': {
      const b = bytes();
      d.lines.length = i + 1;
      d.set(i, b.subarray(0, below(rng, b.length + 1)));
      d.trailingNewline = false;
      break;
    }
    case 'splice': {
      const other = pick(rng, corpus());
      const from = below(rng, other.lines.length);
      d.insert(i, other.lines.slice(from, from + 1 + below(rng, 5)), true);
      d.notes.push(`spliced from ${other.name}:${String(from + 1)}`);
      return;
    }
    case 'swap': {
      const j = below(rng, n);
      const a = d.lines[i];
      d.lines[i] = d.lines[j] as typeof a & object;
      if (a !== undefined) d.lines[j] = a;
      break;
    }
    case 'drop':
      d.lines.splice(i, 1);
      break;
    case 'join':
      if (i + 1 < n) {
        const joined = `${d.text(i)}${d.text(i + 1)}`;
        d.lines.splice(i + 1, 1);
        d.set(i, joined);
      }
      break;
  }
  d.notes.push(`${op} at line ${String(i + 1)}`);
}

/** What a number in a line is, for the readers' bounds. */
type Role = 'cpu' | 'cpu-field' | 'pid' | 'sec' | 'frac' | 'runtime' | 'other';
interface Slot {
  readonly start: number;
  readonly end: number;
  readonly role: Role;
}

const PERF_HEAD = /^(\s*.*?\s)(-?\d+)\s+\[(\d+)\]\s+(\d+)\.(\d+):/d;
const FTRACE_HEAD = /^\s*.+-(\d+)\s+(?:\(\s*([-\d]+)\)\s+)?\[(\d+)\]\s+(?:\S{4,5}\s+)?(\d+)\.(\d+):/d;
const KEY_ROLE: Readonly<Record<string, Role>> = {
  pid: 'pid',
  prev_pid: 'pid',
  next_pid: 'pid',
  child_pid: 'pid',
  target_cpu: 'cpu-field',
  orig_cpu: 'cpu-field',
  dest_cpu: 'cpu-field',
  runtime: 'runtime',
};

/**
 * The numbers of a seed trace's line and what each is.
 * @param line - the line (as the seed trace has it: a few hundred characters)
 * @param format - its format
 * @returns the numbers' places
 */
export function numberSlots(line: string, format: TraceFormat): Slot[] {
  const head = (format === 'perf-script' ? PERF_HEAD : FTRACE_HEAD).exec(line);
  if (head?.indices === undefined) return [];
  const roles: Role[] =
    format === 'perf-script' ? ['other', 'pid', 'cpu', 'sec', 'frac'] : ['pid', 'other', 'cpu', 'sec', 'frac'];
  const slots: Slot[] = [];
  // (a group that did not take part, the optional tgid, has no span)
  head.indices.slice(1).forEach((span: [number, number] | undefined, k) => {
    if (span !== undefined && !(format === 'perf-script' && k === 0))
      slots.push({ start: span[0], end: span[1], role: roles[k] as Role });
  });
  const end = head[0].length;
  for (const m of line.slice(end).matchAll(/(?<=^|\s)(\w+)=(-?\d+)/dg)) {
    const span = m.indices?.[2];
    if (span !== undefined)
      slots.push({ start: end + span[0], end: end + span[1], role: KEY_ROLE[m[1] ?? ''] ?? 'other' });
  }
  if (format === 'trace-cmd') {
    for (const m of line.slice(end).matchAll(/:(-?\d+) \[(-?\d+)\]|CPU:(\d+)/dg)) {
      const [, pid, prio, cpu] = m.indices ?? [];
      if (pid !== undefined) slots.push({ start: end + pid[0], end: end + pid[1], role: 'pid' });
      if (prio !== undefined) slots.push({ start: end + prio[0], end: end + prio[1], role: 'other' });
      if (cpu !== undefined) slots.push({ start: end + cpu[0], end: end + cpu[1], role: 'cpu-field' });
    }
  }
  return slots;
}

/** Values outside safe ranges (and a few inside, at the edges). */
export const BAD_NUMBERS = [
  String(MAX_CPUS - 1),
  String(MAX_CPUS),
  '1000000',
  '100000000',
  '99999999999',
  '2147483647',
  '2147483648',
  '4294967296',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '18446744073709551616',
  '99999999999999999999',
  '9'.repeat(400),
  `${'0'.repeat(30)}42`,
  '-1',
  '-0',
  '-2147483649',
  '1e309',
  '1.5',
  '0x10',
  '',
  'NaN',
  'Infinity',
  '\u0661\u0662',
] as const;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const PID_MAX = 2n ** 31n - 1n;

// Whether a reader must refuse the line with this value here (the bounds of issue 12; docs/replay.md once written).
function mustRefuse(slot: Slot, value: string, line: string, slots: readonly Slot[]): boolean {
  // not a whole number where a pid field (key=value, or trace-cmd's comm:pid) is required
  if (!/^-?[0-9]+$/.test(value)) return slot.role === 'pid' && /[=:]$/.test(line.slice(0, slot.start));
  const v = BigInt(value);
  switch (slot.role) {
    case 'cpu':
    case 'cpu-field':
      return v >= BigInt(MAX_CPUS);
    case 'pid':
      return v > PID_MAX || v < -PID_MAX - 1n;
    case 'runtime':
      return v > MAX_SAFE;
    case 'sec': {
      const frac = slots.find((s) => s.role === 'frac');
      const digits = frac === undefined ? '' : line.slice(frac.start, frac.end);
      return v * 1_000_000_000n + BigInt(digits.slice(0, 9).padEnd(9, '0') || '0') > MAX_SAFE;
    }
    default:
      return false;
  }
}

/**
 * Replaces one number of a random line with a value outside the safe ranges.
 * @param d - the draft
 * @param rng - the generator
 * @param format - the seed trace's format
 */
export function badNumber(d: Draft, rng: Rng, format: TraceFormat): void {
  for (let tries = 0; tries < 20; tries++) {
    const i = below(rng, d.lines.length);
    const line = d.lines[i];
    if (line === undefined || line.touched) continue;
    const text = d.text(i);
    const slots = numberSlots(text, format);
    if (slots.length === 0) continue;
    const slot = pick(rng, slots);
    const value = pick(rng, BAD_NUMBERS);
    const must = mustRefuse(slot, value, text, slots);
    d.set(i, `${text.slice(0, slot.start)}${value}${text.slice(slot.end)}`, must);
    d.notes.push(
      `line ${String(i + 1)}: ${slot.role} ${text.slice(slot.start, slot.end)} → ${value.slice(0, 24)}${value.length > 24 ? `… (${String(value.length)} chars)` : ''}`,
    );
    return;
  }
}

/** Long lines: the readers cap them; a line of 4 MiB or more must be refused whatever cap they chose. */
export const LONG_LINE_REFUSED = 4 << 20;

/**
 * A line of `size` characters: a seed line grown in its comm or a field, or filler (x, NUL, `[`, digits, `a-1 `).
 * @param d - the draft
 * @param rng - the generator
 * @param size - characters
 */
export function longLine(d: Draft, rng: Rng, size: number): void {
  const i = below(rng, d.lines.length + 1);
  const kind = pick(rng, ['comm', 'field', 'x', 'nul', 'bracket', 'digits', 'dash-pid'] as const);
  const filler = { comm: 'x', field: 'y', x: 'x', nul: '\0', bracket: '[', digits: '9', 'dash-pid': 'a-1 ' }[kind];
  const run = filler.repeat(Math.ceil(size / filler.length));
  let text = run;
  if ((kind === 'comm' || kind === 'field') && i < d.lines.length) {
    const seed = d.text(i);
    const at = kind === 'comm' ? seed.search(/\S/) : seed.lastIndexOf('=') + 1;
    text = `${seed.slice(0, Math.max(at, 0))}${run}${seed.slice(Math.max(at, 0))}`;
    d.set(i, text, text.length >= LONG_LINE_REFUSED);
  } else {
    d.insert(i, [text], true);
    const inserted = d.lines[i];
    if (inserted !== undefined) inserted.mustBeMalformed = text.length >= LONG_LINE_REFUSED;
  }
  d.notes.push(`line ${String(i + 1)}: ${kind} grown to ${String(text.length)} chars`);
}

const SPACES = [' ', '\t', '\u00a0', '\u3000', '\v', '\f', '\u2028'];

/**
 * A run of white space: inside a line (its comm, between fields, inside a value) or a line of its own.
 * @param d - the draft
 * @param rng - the generator
 * @param size - characters
 */
export function whitespaceRun(d: Draft, rng: Rng, size: number): void {
  const mixed = chance(rng, 0.5);
  const one = pick(rng, SPACES);
  let run = '';
  if (mixed) for (let k = 0; k < size; k++) run += pick(rng, SPACES);
  else run = one.repeat(size);
  const i = below(rng, d.lines.length + 1);
  if (i < d.lines.length && chance(rng, 0.7)) {
    const text = d.text(i);
    const at = below(rng, text.length + 1);
    d.set(i, `${text.slice(0, at)}${run}${text.slice(at)}`);
    d.notes.push(`line ${String(i + 1)}: ${String(size)} white space at ${String(at)}${mixed ? ' (mixed)' : ''}`);
  } else {
    d.insert(i, [`${run}${chance(rng, 0.5) ? 'x' : ''}`], true);
    d.notes.push(`line ${String(i + 1)}: a line of ${String(size)} white space${mixed ? ' (mixed)' : ''}`);
  }
}

const COMMENTS: Readonly<Record<TraceFormat, readonly string[]>> = {
  'perf-script': [
    '# ========',
    '# captured on    : Mon Dec  1 22:49:00 2025',
    '# cmdline : /usr/bin/perf sched record -a',
    '# CPU_TOPOLOGY info available, use -I to display',
    '#',
    '# sibling sockets : 0-1',
    '# ========',
  ],
  ftrace: [
    '# tracer: nop',
    '#',
    '# entries-in-buffer/entries-written: 688/688   #P:2',
    '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
    '#              | |         |   |||||     |         |',
  ],
  'trace-cmd': ['cpus=2', '# trace-cmd report', ''],
};

/**
 * Comment lines (as `perf script --header`, ftrace and trace-cmd print them) before the trace, and a few inside it;
 * they are data, never malformed.
 * @param d - the draft
 * @param rng - the generator
 * @param format - the seed trace's format
 * @param count - how many before the trace
 */
export function comments(d: Draft, rng: Rng, format: TraceFormat, count: number): void {
  const style = COMMENTS[format];
  const lines = Array.from({ length: count }, (_, k) => style[k % style.length] as string);
  d.insert(0, lines, false);
  const inside = below(rng, 4);
  for (let k = 0; k < inside; k++) d.insert(count + below(rng, d.lines.length - count + 1), [pick(rng, style)], false);
  d.notes.push(`${String(count)} comment lines first, ${String(inside)} inside`);
}
