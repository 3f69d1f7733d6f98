/**
 * Text reports in `perf sched timehist`'s columns and units: msec with three decimals, truncated.
 * @module
 */
import { isCount } from '../accounting/counter.js';
import { SchedacctError } from '../errors.js';
import { encodeText } from './bytes.js';
import type { Replay } from './replay.js';
import type { InfoRow, TimehistRow } from './rows.js';

/**
 * perf's `print_sched_time`: ns as msec, truncated to µs.
 * @param ns - nanoseconds
 * @param width - width of the msec part
 * @returns e.g. `     2.357`
 */
export function msec(ns: number, width = 6): string {
  const ms = Math.floor(ns / 1e6);
  const us = Math.floor((ns - ms * 1e6) / 1e3);
  return `${String(ms).padStart(width)}.${String(us).padStart(3, '0')}`;
}

/**
 * perf's `timestamp__scnprintf_usec`: seconds with six decimals, truncated.
 * @param ns - nanoseconds
 * @returns e.g. `706.383245`
 */
export function timestamp(ns: number): string {
  const sec = Math.floor(ns / 1e9);
  const us = Math.floor((ns - sec * 1e9) / 1e3);
  return `${String(sec)}.${String(us).padStart(6, '0')}`;
}

/** Options of the timehist report. */
export interface TimehistFormat {
  /** Add the state column (`--state`). */
  readonly state?: boolean;
  /** Wakeup and migration lines are shown (`-w`, `-M`): pads switch rows as perf does. */
  readonly info?: boolean;
}

const COMM_WIDTH = 30;

/**
 * The header lines of the timehist report.
 * @param format - see {@link TimehistFormat}
 * @returns three lines
 */
export function timehistHeader(format: TimehistFormat = {}): string[] {
  const state = format.state === true;
  return [
    `           time    cpu  ${'task name'.padEnd(COMM_WIDTH)}  wait time  sch delay   run time${state ? '  state' : ''}`,
    `                        ${'[tid/pid]'.padEnd(COMM_WIDTH)}     (msec)     (msec)     (msec)${state ? '       ' : ''}`,
    `--------------- ------  ${'-'.repeat(COMM_WIDTH)}  ---------  ---------  ---------${state ? '  -----' : ''}`,
  ];
}

/**
 * One row of the timehist report.
 * @param row - a switch row or a wakeup / migration line
 * @param format - see {@link TimehistFormat}
 * @returns the line
 */
export function timehistLine(row: TimehistRow | InfoRow, format: TimehistFormat = {}): string {
  const head = `${timestamp(row.timeNs).padStart(15)} [${String(row.cpu).padStart(4, '0')}]  `;
  const name = row.tid === 0 ? row.name : `${row.name}[${String(row.tid)}]`;
  if ('kind' in row) {
    const what =
      row.kind === 'wakeup'
        ? `awakened: ${row.target}`
        : `migrated: ${row.target} cpu ${String(row.fromCpu)} => ${String(row.toCpu)}`;
    return `${head}${name.padEnd(COMM_WIDTH)}${' '.repeat(35)}${what}`;
  }
  let line = `${head}${name.padEnd(COMM_WIDTH)}  ${msec(row.waitNs)}  ${msec(row.delayNs)}  ${msec(row.runNs)}`;
  if (format.state === true) line += `  ${row.state.padStart(5)}`;
  if (format.info === true) line += ' '.repeat(COMM_WIDTH + 2);
  return `${line} `;
}

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
const stateColumn = (state: string): Uint8Array => encodeText(`  ${state.padStart(5)}`);

/**
 * The timehist report as UTF-8 bytes: exactly the lines of {@link timehistHeader} and {@link timehistLine}, each ended
 * by `\n`, with no string built per row (numbers are written as digits, names encoded once per task): on a long
 * report, a fraction of the cost of building the lines as strings (see docs/replay.md).
 * @example
 * ```ts
 * const writer = new TimehistWriter((bytes) => process.stdout.write(bytes));
 * writer.header();
 * for (const row of rows) writer.row(row);
 * writer.end();
 * ```
 */
export class TimehistWriter {
  readonly #out: (bytes: Uint8Array) => void;
  readonly #format: TimehistFormat;
  readonly #size: number;
  #buf: Uint8Array;
  #pos = 0;
  // `name[tid]` padded to the column, as bytes: by tid, with the name it was made from (idle rows by name).
  readonly #names = new Map<number, { readonly name: string; readonly bytes: Uint8Array }>();
  readonly #idleNames = new Map<string, Uint8Array>();
  // `  state` as the state column shows it, by state text; `comm[tid]` of wakeup and migration lines, by text.
  readonly #states = new Map<string, Uint8Array>();
  readonly #targets = new Map<string, Uint8Array>();

  /**
   * @param out - gets the bytes, a buffer at a time (each buffer is handed over once and never written again, so it
   *   may be written out asynchronously)
   * @param format - see {@link TimehistFormat}
   * @param bufferBytes - size of each buffer (default 64 KiB)
   * @throws {@link SchedacctError} `invalid-argument` when `bufferBytes` is not a whole number ≥ 1
   */
  constructor(out: (bytes: Uint8Array) => void, format: TimehistFormat = {}, bufferBytes: number = 1 << 16) {
    if (!(Number.isSafeInteger(bufferBytes) && bufferBytes >= 1)) {
      throw new SchedacctError(
        'invalid-argument',
        `bufferBytes must be a whole number ≥ 1, got ${String(bufferBytes)}`,
      );
    }
    this.#out = out;
    this.#format = format;
    this.#size = bufferBytes;
    this.#buf = new Uint8Array(bufferBytes);
  }

  /** Writes the three header lines. */
  header(): void {
    this.#text(`${timehistHeader(this.#format).join('\n')}\n`);
  }

  /**
   * Writes one row's line.
   * @param row - a switch row or a wakeup / migration line
   */
  row(row: TimehistRow | InfoRow): void {
    if ('kind' in row) {
      this.#infoRow(row);
      return;
    }
    const name = this.#name(row);
    const state = this.#format.state === true ? this.#cached(this.#states, row.state, stateColumn) : undefined;
    this.#reserve(ROW_BYTES + name.length + (state?.length ?? 0));
    this.#head(row.timeNs, row.cpu);
    this.#bytes(name);
    this.#spaces(2);
    this.#msec(row.waitNs);
    this.#spaces(2);
    this.#msec(row.delayNs);
    this.#spaces(2);
    this.#msec(row.runNs);
    if (state !== undefined) this.#bytes(state);
    if (this.#format.info === true) this.#spaces(COMM_WIDTH + 2);
    this.#spaces(1);
    this.#byte(NEWLINE);
  }

  // `awakened: comm[tid]`, or `migrated: comm[tid] cpu FROM => TO`, after the name column and 35 spaces.
  #infoRow(row: InfoRow): void {
    const name = this.#name(row);
    // as timehistLine writes it, whatever a caller without types gave
    const given: unknown = row.target;
    const target = this.#cached(this.#targets, String(given), encodeText);
    this.#reserve(ROW_BYTES + name.length + target.length);
    this.#head(row.timeNs, row.cpu);
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

  // The time and CPU columns: `timestamp(ns).padStart(15) [CPU]  `.
  #head(timeNs: number, cpu: number): void {
    this.#timestamp(timeNs);
    this.#byte(SPACE);
    this.#byte(91); // [
    if (isCount(cpu)) this.#int(cpu, 4, ZERO);
    else this.#text(String(cpu).padStart(4, '0'));
    this.#byte(93); // ]
    this.#spaces(2);
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
  #name(row: { readonly tid: number; readonly name: string }): Uint8Array {
    if (row.tid === 0) return this.#cached(this.#idleNames, row.name, nameColumn);
    const known = this.#names.get(row.tid);
    if (known !== undefined && known.name === row.name) return known.bytes;
    const bytes = nameColumn(`${row.name}[${String(row.tid)}]`);
    this.#names.set(row.tid, { name: row.name, bytes });
    return bytes;
  }

  #cached(cache: Map<string, Uint8Array>, text: string, make: (text: string) => Uint8Array): Uint8Array {
    let bytes = cache.get(text);
    if (bytes === undefined) {
      bytes = make(text);
      cache.set(text, bytes);
    }
    return bytes;
  }
}

/** Options of the summary report. */
export interface SummaryFormat {
  /** The `--state -s` summary (run, sleep, iowait, preempt, delay) instead of the run-time one. */
  readonly state?: boolean;
  /** Append the stolen-time section (what perf does not print; default false, so the report stays perf's). */
  readonly stolen?: boolean;
}

/**
 * The summary report (`-s`, or `--state -s`), with idle stats and totals.
 * @param replay - a replay that has read the whole trace
 * @param format - see {@link SummaryFormat}
 * @returns the lines
 */
export function summaryLines(replay: Replay, format: SummaryFormat = {}): string[] {
  const state = format.state === true;
  const out: string[] = [];
  out.push('', state ? 'Wait-time summary' : 'Runtime summary');
  out.push(
    `${'comm'.padStart(COMM_WIDTH)}  parent   sched-in  ${state ? '   run-time      sleep      iowait     preempt       delay' : '   run-time    min-run     avg-run     max-run  stddev  migrations'}`,
  );
  out.push(
    `${''.padStart(COMM_WIDTH)}            (count)       (msec)     (msec)      (msec)      (msec)       ${state ? '(msec)' : '%'}`,
  );
  out.push('-'.repeat(117));
  const tasks = replay.tasks();
  const idle = tasks.filter((t) => t.tid === 0);
  const shown = tasks.filter((t) => t.tid !== 0 && t.totals.slices > 0);
  let schedCount = 0;
  let runTotal = 0;
  const row = (t: (typeof shown)[number]): string => {
    const c = t.totals;
    schedCount += c.slices;
    runTotal += c.runNs;
    const head = `${`${t.comm}[${String(t.tid)}]`.padStart(COMM_WIDTH)}   ${String(t.parent).padStart(5)}  ${String(c.slices).padStart(9)} ${msec(c.runNs, 8)}`;
    if (state) {
      return `${head} ${msec(c.sleepNs)}  ${msec(c.iowaitNs)}  ${msec(c.preemptNs)}  ${msec(c.delayNs)}`;
    }
    const mean = c.meanSliceNs;
    // perf's stddev_stats: the standard error of the mean, relative to the mean, printed from a float.
    const stddev = c.slices < 2 ? 0 : Math.sqrt(c.sliceVarianceNs2 / c.slices);
    const rel = Math.fround(mean !== 0 ? (100 * stddev) / mean : 0);
    return `${head}${msec(c.minSliceNs)}  ${msec(Math.trunc(mean))}  ${msec(c.maxSliceNs)}  ${rel.toFixed(2).padStart(5)}   ${String(t.migrations).padStart(5)}`;
  };
  const alive = shown.filter((t) => !t.dead);
  const dead = shown.filter((t) => t.dead);
  for (const t of alive) out.push(row(t));
  if (alive.length === 0) out.push('<no still running tasks>');
  out.push('', 'Terminated tasks:');
  for (const t of dead) out.push(row(t));
  if (dead.length === 0) out.push('<no terminated tasks>');
  const histNs = replay.lastSwitchNs - replay.firstSwitchNs;
  out.push('', 'Idle stats:');
  for (let cpu = 0; cpu < replay.cpus; cpu++) {
    const t = idle.find((x) => x.cpu === cpu);
    if (t !== undefined && t.totals.slices > 0) {
      schedCount += t.totals.slices;
      out.push(
        `    CPU ${String(cpu).padStart(2)} idle for ${msec(t.totals.runNs)}  msec  (${((100 * t.totals.runNs) / histNs).toFixed(2).padStart(6)}%)`,
      );
    } else out.push(`    CPU ${String(cpu).padStart(2)} idle entire time window`);
  }
  out.push('');
  out.push(`    Total number of unique tasks: ${String(shown.length)}`);
  out.push(`Total number of context switches: ${String(schedCount)}`);
  out.push(`           Total run time (msec): ${msec(runTotal, 2)}`);
  out.push(`    Total scheduling time (msec): ${msec(histNs, 2)}  (x ${String(replay.cpus)})`);
  if (format.stolen === true) out.push(...stolenLines(replay));
  return out;
}

/**
 * The stolen-time section: per task, steal estimated from `sched_stat_runtime` and what was charged.
 * @param replay - a replay that has read the whole trace
 * @returns the lines
 */
export function stolenLines(replay: Replay): string[] {
  const out = ['', 'Stolen time (wall run time minus the task clock of sched_stat_runtime, per slice; schedacct)'];
  if (replay.steal.slices === 0) {
    out.push('  the trace has no sched_stat_runtime events: steal cannot be estimated');
    return out;
  }
  out.push(
    `${'comm'.padStart(COMM_WIDTH)}   run-time      stolen     charged`,
    `${''.padStart(COMM_WIDTH)}     (msec)      (msec)      (msec)`,
  );
  for (const t of replay.tasks()) {
    const c = t.totals;
    if (t.tid === 0 || c.stolenNs === 0) continue;
    out.push(
      `${`${t.comm}[${String(t.tid)}]`.padStart(COMM_WIDTH)} ${msec(c.runNs, 8)}  ${msec(c.stolenNs, 6)}  ${msec(c.chargedNs, 6)}`,
    );
  }
  const s = replay.steal;
  out.push(
    '',
    `  slices estimated: ${String(s.slices)}; steal charged (msec): ${msec(s.clampedNs, 2)}; signed sum (msec): ${(s.signedNs / 1e6).toFixed(3)}`,
  );
  return out;
}
