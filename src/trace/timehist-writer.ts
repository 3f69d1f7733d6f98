/**
 * The timehist report written as UTF-8 bytes, row by row, with no string per row: what the CLI prints.
 * @module
 */
import { checkRow } from './check-trace.js';
import { checkFunction, checkWhole } from '../check.js';
import { MAX_CPUS } from './events.js';
import { isCount } from '../accounting/reading.js';
import { SchedacctError } from '../errors.js';
import { encodeText } from './bytes.js';
import {
  COMM_WIDTH,
  msec,
  nextColumn,
  checkFormat,
  timehistHeader,
  timestamp,
  visualColumn,
  type TimehistFormat,
} from './report.js';
import { taskLabel, type InfoRow, type TimehistRow } from './rows.js';

const SPACE = 32;
const ZERO = 48;
const DOT = 46;
const NEWLINE = 10;
// The most a row takes besides its name, state and target, so that one reserve holds it (the writes after it are
// not bounds-checked): five numbers at their longest (a value the string functions print: the time and each msec
// two numbers' strings of up to 25 characters, the CPU one), the separators and the -w padding: ~270.
const ROW_BYTES = 320;

const AWAKENED = encodeText('awakened: ');
const MIGRATED = encodeText('migrated: ');
const CPU = encodeText(' cpu ');
const ARROW = encodeText(' => ');
const nameColumn = (label: string): Uint8Array => encodeText(label.padEnd(COMM_WIDTH));
// Encoded columns kept per cache at most: a trace of millions of tids must not keep one per tid it ever showed.
const CACHE_ENTRIES = 4096;
const stateColumn = (state: string): Uint8Array => encodeText(`  ${state.padStart(5)}`);

/**
 * The timehist report as UTF-8 bytes: exactly the lines of {@link timehistHeader} and {@link timehistLine}, each ended
 * by `\n`, with no string built per row (numbers are written as digits, names encoded once per task): on a long
 * report, a fraction of the cost of building the lines as strings (see docs/replay.md).
 * @example
 * ```ts
 * const chunks: Uint8Array[] = [];
 * const writer = new TimehistWriter((bytes) => chunks.push(bytes));
 * writer.header();
 * const row = { timeNs: 706_383_245_000, cpu: 1, tid: 42, name: 'sh', waitNs: 0, delayNs: 0, runNs: 1_500_000 };
 * writer.row({ ...row, stolenNs: 0, state: 'S', line: 1 });
 * writer.end();
 * new TextDecoder().decode(chunks[0]).split('\n')[3]; // '     706.383245 [0001]  sh[42] …      1.500 '
 * ```
 */
export class TimehistWriter {
  readonly #out: (bytes: Uint8Array) => void;
  readonly #format: TimehistFormat;
  readonly #size: number;
  #buf: Uint8Array;
  #pos = 0;
  // `name[tid]` padded to the column, as bytes: by tid, with the name it was made from (idle rows by name).
  readonly #names = new Map<
    number,
    { readonly name: string; readonly pid: number | undefined; readonly bytes: Uint8Array }
  >();
  readonly #idleNames = new Map<string, Uint8Array>();
  // `  state` as the state column shows it, by state text; `comm[tid]` of wakeup and migration lines, by text.
  readonly #states = new Map<string, Uint8Array>();
  readonly #targets = new Map<string, Uint8Array>();
  #maxCpu: number | undefined;

  /**
   * @param out - gets the bytes, a buffer at a time (each buffer is handed over once and never written again, so it
   *   may be written out asynchronously)
   * @param format - see {@link TimehistFormat}
   * @param bufferBytes - size of each buffer (default 64 KiB)
   * @throws {@link SchedacctError} `invalid-argument` when `bufferBytes` is not a whole number ≥ 1
   */
  constructor(out: (bytes: Uint8Array) => void, format: TimehistFormat = {}, bufferBytes: number = 1 << 16) {
    checkFunction('out', out);
    checkFormat(format);
    if (!(Number.isSafeInteger(bufferBytes) && bufferBytes >= 1)) {
      throw new SchedacctError(
        'invalid-argument',
        `bufferBytes must be a whole number ≥ 1, got ${String(bufferBytes)}`,
      );
    }
    this.#out = out;
    this.#format = format;
    this.#maxCpu = format.cpuVisual;
    this.#size = bufferBytes;
    this.#buf = new Uint8Array(bufferBytes);
  }

  /** Writes the three header lines. */
  header(): void {
    const format = this.#maxCpu === undefined ? this.#format : { ...this.#format, cpuVisual: this.#maxCpu };
    this.#text(`${timehistHeader(format).join('\n')}\n`);
  }

  /**
   * Starts perf's `-V` column from a max CPU known only once the input's header is read.
   * @param maxCpu - perf's max_cpu (the input's online CPUs, 4 where it does not say)
   * @throws {@link SchedacctError} `invalid-argument` or `out-of-range` for a max CPU that is not a CPU number
   */
  cpuVisual(maxCpu: number): void {
    checkWhole('maxCpu', maxCpu, 0, MAX_CPUS - 1);
    this.#maxCpu = maxCpu;
  }

  /**
   * Writes one row's line.
   * @param row - a switch row or a wakeup / migration line
   * @throws {@link SchedacctError} `invalid-argument` for a row that is not a timehist or info row
   */
  row(row: TimehistRow | InfoRow): void {
    checkRow('row', row);
    if ('kind' in row) {
      this.#infoRow(row);
      return;
    }
    const name = this.#name(row);
    const state = this.#format.state === true ? this.#cached(this.#states, row.state, stateColumn) : undefined;
    const next = this.#format.next === true ? encodeText(nextColumn(row.next)) : undefined;
    const visual = this.#visual(row);
    this.#reserve(ROW_BYTES + name.length + (state?.length ?? 0) + (next?.length ?? 0) + (visual?.length ?? 0));
    this.#head(row.timeNs, row.cpu, visual);
    this.#bytes(name);
    this.#spaces(1);
    this.#msec(row.waitNs);
    this.#spaces(1);
    this.#msec(row.delayNs);
    this.#spaces(1);
    this.#msec(row.runNs);
    if (state !== undefined) this.#bytes(state);
    if (next !== undefined) {
      this.#spaces(1);
      this.#bytes(next);
    } else {
      if (this.#format.info === true) this.#spaces(COMM_WIDTH + 2);
      this.#spaces(1);
    }
    this.#byte(NEWLINE);
  }

  // `awakened: comm[tid]`, or `migrated: comm[tid] cpu FROM => TO`, after the name column and 35 spaces.
  #infoRow(row: InfoRow): void {
    const name = this.#name(row);
    // as timehistLine writes it, whatever a caller without types gave
    const given: unknown = row.target;
    const target = this.#cached(this.#targets, String(given), encodeText);
    const visual = this.#visual(row);
    this.#reserve(ROW_BYTES + name.length + target.length + (visual?.length ?? 0));
    this.#head(row.timeNs, row.cpu, visual);
    this.#bytes(name);
    this.#spaces(35);
    if (row.kind === 'wakeup') {
      this.#bytes(AWAKENED);
      this.#bytes(target);
    } else {
      this.#bytes(MIGRATED);
      this.#bytes(target);
      this.#bytes(CPU);
      this.#decimal(row.fromCpu);
      this.#bytes(ARROW);
      this.#decimal(row.toCpu);
    }
    this.#byte(NEWLINE);
  }

  /** Hands over what is buffered. */
  end(): void {
    if (this.#pos === 0) return;
    const full = this.#buf.subarray(0, this.#pos);
    // a fresh buffer before the hand-over: should `out` throw, these bytes are not handed over again
    this.#buf = new Uint8Array(this.#size);
    this.#pos = 0;
    this.#out(full);
  }

  #reserve(bytes: number): void {
    if (this.#pos + bytes <= this.#buf.length) return;
    this.end();
    if (bytes > this.#buf.length) this.#buf = new Uint8Array(bytes);
  }

  #byte(b: number): void {
    this.#buf[this.#pos++] = b;
  }

  #bytes(bytes: Uint8Array): void {
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  #spaces(n: number): void {
    for (let i = 0; i < n; i++) this.#byte(SPACE);
  }

  // The time and CPU columns: `timestamp(ns).padStart(15) [CPU] `, the -V column, the name column's space.
  #head(timeNs: number, cpu: number, visual: Uint8Array | undefined): void {
    this.#timestamp(timeNs);
    this.#byte(SPACE);
    this.#byte(91); // [
    if (isCount(cpu)) this.#int(cpu, 4, ZERO);
    else this.#text(String(cpu).padStart(4, '0'));
    this.#byte(93); // ]
    this.#byte(SPACE);
    if (visual !== undefined) this.#bytes(visual);
    this.#byte(SPACE);
  }

  // perf's -V column, perf's max_cpu grown by the rows' CPUs as they come.
  #visual(row: TimehistRow | InfoRow): Uint8Array | undefined {
    if (this.#maxCpu === undefined) return undefined;
    const text = visualColumn(this.#maxCpu, row);
    if (row.cpu > this.#maxCpu && isCount(row.cpu)) this.#maxCpu = row.cpu;
    return encodeText(text);
  }

  // String(n), as digits where it is a whole number ≥ 0.
  #decimal(n: number | undefined): void {
    if (n !== undefined && isCount(n)) this.#int(n, 0, SPACE);
    else this.#text(String(n));
  }

  #text(text: string): void {
    const bytes = encodeText(text);
    this.#reserve(bytes.length);
    this.#bytes(bytes);
  }

  // A whole number from 0 to 2^53 − 1 in decimal, left-padded with `pad` to `width` characters (as padStart).
  #int(n: number, width: number, pad: number): void {
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    const buf = this.#buf;
    let pos = this.#pos;
    for (let i = digits; i < width; i++) buf[pos++] = pad;
    let at = pos + digits;
    this.#pos = at;
    let v = n;
    do {
      const digit = v % 10;
      buf[--at] = ZERO + digit;
      v = (v - digit) / 10;
    } while (v > 0);
  }

  // timestamp(ns).padStart(15), from the same arithmetic; the string itself for values it does not print as digits.
  #timestamp(ns: number): void {
    const sec = Math.floor(ns / 1e9);
    const us = Math.floor((ns - sec * 1e9) / 1e3);
    if (!(isCount(sec) && isCount(us) && us <= 999_999)) {
      this.#text(timestamp(ns).padStart(15));
      return;
    }
    this.#int(sec, 8, SPACE);
    this.#byte(DOT);
    this.#int(us, 6, ZERO);
  }

  // msec(ns), likewise.
  #msec(ns: number): void {
    const ms = Math.floor(ns / 1e6);
    const us = Math.floor((ns - ms * 1e6) / 1e3);
    if (!(isCount(ms) && isCount(us) && us <= 999)) {
      this.#text(msec(ns));
      return;
    }
    this.#int(ms, 6, SPACE);
    this.#byte(DOT);
    this.#int(us, 3, ZERO);
  }

  // The name column: `comm[tid]` (idle: the name alone) padded as padEnd pads, as bytes.
  #name(row: { readonly tid: number; readonly name: string; readonly pid?: number }): Uint8Array {
    if (row.tid === 0) return this.#cached(this.#idleNames, row.name, nameColumn);
    const known = this.#names.get(row.tid);
    if (known !== undefined && known.name === row.name && known.pid === row.pid) return known.bytes;
    const bytes = nameColumn(taskLabel(row.name, row.tid, row.pid));
    if (known === undefined && this.#names.size >= CACHE_ENTRIES) this.#names.clear();
    this.#names.set(row.tid, { name: row.name, pid: row.pid, bytes });
    return bytes;
  }

  #cached(cache: Map<string, Uint8Array>, text: string, make: (text: string) => Uint8Array): Uint8Array {
    let bytes = cache.get(text);
    if (bytes === undefined) {
      bytes = make(text);
      if (cache.size >= CACHE_ENTRIES) cache.clear();
      cache.set(text, bytes);
    }
    return bytes;
  }
}
