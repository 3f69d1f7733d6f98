/**
 * The `key=value` fields of a tracepoint's text (`prev_comm=sh prev_pid=42 … ==> next_comm=…`), read in one pass:
 * a key is a run of word characters followed by `=` at the start or after a space, and its value runs to the space
 * before the next key (so comms may hold spaces), without a trailing `==>` and without surrounding white space.
 * Shared by the perf script and ftrace readers, with the ranges every number read from a line must be in.
 * @module
 */
import { checkString } from '../check.js';
import { MAX_CPUS } from './events.js';

/**
 * What a number read from a trace line is, which gives its range.
 * @internal
 */
export type NumberKind = 'pid' | 'cpu' | 'ns';

// pid_t is a C int: a pid or tid outside it is no task's; below -1 neither.
const PID_MIN = -1; // (-1: perf's 'no task'; no other negative pid is a task's)
const PID_MAX = 2 ** 31 - 1;

const RANGE: Record<NumberKind, string> = {
  pid: 'a pid is -1 or a pid_t ≥ 0, at most 2^31−1',
  cpu: `a CPU number is below MAX_CPUS, ${String(MAX_CPUS)}`,
  ns: 'at most 2^53−1 ns, about 104 days',
};

/**
 * Whether a number read from a line is in its range: a pid or tid in −1 … 2^31−1 (`pid_t`, -1 for none), a CPU number in
 * 0 … `MAX_CPUS`−1, a time in ns a safe integer (0 … 2^53−1, about 104 days of uptime).
 * @param value - the number (as read: perhaps rounded, perhaps Infinity)
 * @param kind - what it is
 * @returns true when in range
 * @internal
 */
export function inRange(value: number, kind: NumberKind): boolean {
  if (kind === 'pid') return value >= PID_MIN && value <= PID_MAX;
  if (kind === 'cpu') return value >= 0 && value < MAX_CPUS;
  return value >= 0 && Number.isSafeInteger(value);
}

/**
 * Why a line is malformed when one of its numbers is out of range: the field, its text (cut short) and the bound.
 * @param field - the field's name (`prev_pid`, `cpu`, `timestamp`)
 * @param text - the number as the line wrote it
 * @param kind - what it is
 * @returns the reason
 * @internal
 */
export function rangeReason(field: string, text: string, kind: NumberKind): string {
  const shown = text.length > 24 ? `${text.slice(0, 20)}… (${String(text.length)} characters)` : text;
  return `${field} ${shown} is out of range (${RANGE[kind]})`;
}

/**
 * Whether a line is a comment or blank (`#…`, trace-cmd's `cpus=N`): no reader takes it for an event.
 * @param line - the line
 * @returns true for a comment or a blank line
 * @internal
 */
export function isComment(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#') || /^cpus=\d+$/.test(t);
}

/**
 * White space as `String.prototype.trim` and `\s` see it.
 * @param c - a UTF-16 code unit
 * @returns whether it is white space
 * @internal
 */
export function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return (
    c >= 0xa0 &&
    (c === 0xa0 ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0x3000 ||
      c === 0xfeff)
  );
}

function isWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * A reusable reader of one text's fields: {@link FieldScanner.scan} a text, then ask for values by key. Nothing is
 * sliced until a value is asked for as a string; numbers are read in place.
 * @internal
 */
export class FieldScanner {
  #text = '';
  #count = 0;
  readonly #keyStart: number[] = [];
  readonly #keyEnd: number[] = [];
  readonly #valueStart: number[] = [];
  readonly #valueEnd: number[] = [];

  /**
   * Finds the fields of a text.
   * @param text - the fields part of a line
   * @param from - where they start (default 0)
   * @returns how many keys it holds
   */
  scan(text: string, from = 0): number {
    this.#text = text;
    let n = 0;
    // Each key ends at an `=`: from each one, back over the word before it (the regular expression `(\w+)=` finds
    // the same keys, as a word run cannot span an earlier `=`).
    for (let eq = text.indexOf('=', from); eq >= 0; eq = text.indexOf('=', eq + 1)) {
      let i = eq;
      while (i > from && isWord(text.charCodeAt(i - 1))) i--;
      if (i === eq || (i !== from && text.charCodeAt(i - 1) !== 32)) continue;
      if (n > 0) this.#valueEnd[n - 1] = i - 1;
      this.#keyStart[n] = i;
      this.#keyEnd[n] = eq;
      this.#valueStart[n] = eq + 1;
      n++;
    }
    if (n > 0) this.#valueEnd[n - 1] = text.length;
    this.#count = n;
    return n;
  }

  // Index of a key (the last with that name, as a Map keeps it; −1 if none).
  #find(key: string): number {
    const text = this.#text;
    for (let k = this.#count - 1; k >= 0; k--) {
      const start = this.#keyStart[k] as number;
      if ((this.#keyEnd[k] as number) - start === key.length && text.startsWith(key, start)) return k;
    }
    return -1;
  }

  // The value's bounds, trimmed and without a trailing `==>`: [start, end).
  #bounds(k: number): [number, number] {
    const text = this.#text;
    let start = this.#valueStart[k] as number;
    let end = this.#valueEnd[k] as number;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    if (end - start >= 3 && text.startsWith('==>', end - 3)) {
      end -= 3;
      while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    }
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    return [start, end];
  }

  /**
   * A value as text.
   * @param key - the key
   * @returns its value, or undefined when the key is absent
   */
  get(key: string): string | undefined {
    const k = this.#find(key);
    if (k < 0) return undefined;
    const [start, end] = this.#bounds(k);
    return this.#text.slice(start, end);
  }

  /**
   * A value that is a whole number (`-?\d+`, nothing else).
   * @param key - the key
   * @returns the number, or undefined when absent or not a whole number
   */
  int(key: string): number | undefined {
    const k = this.#find(key);
    if (k < 0) return undefined;
    const [start, end] = this.#bounds(k);
    return wholeAt(this.#text, start, end, false);
  }

  /**
   * The digits a value starts with (`1234 [ns]` → 1234).
   * @param key - the key
   * @returns the number, or undefined when absent or not starting with a digit
   */
  leadingInt(key: string): number | undefined {
    const k = this.#find(key);
    if (k < 0) return undefined;
    const [start, end] = this.#bounds(k);
    return wholeAt(this.#text, start, end, true);
  }

  /** @returns every key and its value, in order (a later duplicate key wins, as in a Map) */
  toMap(): Map<string, string> {
    const out = new Map<string, string>();
    const text = this.#text;
    for (let k = 0; k < this.#count; k++) {
      const [start, end] = this.#bounds(k);
      out.set(text.slice(this.#keyStart[k], this.#keyEnd[k]), text.slice(start, end));
    }
    return out;
  }
}

/**
 * The whole number written at `[start, end)`: `-?\d+` (with `prefix`, the digits it starts with).
 * @param text - the text
 * @param start - first character
 * @param end - one past the last
 * @param prefix - accept trailing characters after the digits
 * @returns the number, or undefined
 * @internal
 */
export function wholeAt(text: string, start: number, end: number, prefix: boolean): number | undefined {
  let i = start;
  const negative = !prefix && i < end && text.charCodeAt(i) === 45;
  if (negative) i++;
  const first = i;
  let value = 0;
  while (i < end) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    i++;
  }
  if (i === first || (!prefix && i !== end)) return undefined;
  // many digits: as Number() reads them (the running product loses precision past 2^53)
  if (i - first > 15) value = Number(text.slice(first, i));
  return negative ? -value : value;
}

const shared = new FieldScanner();

/**
 * Field values of `key=value` pairs; values run to the next ` key=` (comms may contain spaces).
 * @param text - the fields part of a line
 * @returns values by key
 * @throws {@link SchedacctError} `invalid-argument` for text that is not a string
 * @example
 * ```ts
 * parseFields('comm=Web Content pid=42 prio=120').get('comm'); // 'Web Content'
 * ```
 */
export function parseFields(text: string): Map<string, string> {
  checkString('text', text);
  shared.scan(text);
  return shared.toMap();
}
