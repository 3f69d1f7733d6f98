/**
 * Text reports in `perf sched timehist`'s columns and units: msec with three decimals, truncated.
 * @module
 */
import { checkRow } from './check-trace.js';
import { argError, checkOptions, checkWhole } from '../check.js';
import type { TaskTotals } from '../accounting/account.js';
import type { TaskRecord } from './records.js';
import type { Replay } from './replay.js';
import { taskLabel, type InfoRow, type TimehistRow } from './rows.js';
import { MAX_CPUS } from './events.js';

/**
 * perf's `print_sched_time`: ns as msec, truncated to µs.
 * @param ns - nanoseconds
 * @param width - width of the msec part
 * @returns e.g. `     2.357`
 * @throws {@link SchedacctError} `invalid-argument` for an `ns` that is not a number or a `width` that is not a whole number from 0 to 64
 * @example
 * ```ts
 * msec(2_357_999); // '     2.357'
 * msec(2_357_999, 2); // ' 2.357'
 * ```
 */
export function msec(ns: number, width = 6): string {
  checkNumber('ns', ns);
  checkWhole('width', width, 0, 64);
  const ms = Math.floor(ns / 1e6);
  const us = Math.floor((ns - ms * 1e6) / 1e3);
  return `${String(ms).padStart(width)}.${String(us).padStart(3, '0')}`;
}

// A replay, told by its shape: importing the class would load the machines before a command needs them.
function checkReplay(replay: unknown): void {
  const r = replay as Partial<Record<string, unknown>> | null;
  if (typeof r !== 'object' || r === null || typeof r.tasks !== 'function' || typeof r.anomalies !== 'function')
    throw argError('invalid-argument', 'replay', 'a Replay', replay);
}

// Any number prints, as perf's formats print it (the report tests hold every value); only a non-number is misuse.
function checkNumber(param: string, value: unknown): void {
  if (typeof value !== 'number') throw argError('invalid-argument', param, 'a number', value);
}

/**
 * perf's `timestamp__scnprintf_usec`: seconds with six decimals, truncated.
 * @param ns - nanoseconds
 * @returns e.g. `706.383245`
 * @throws {@link SchedacctError} `invalid-argument` for an `ns` that is not a number
 * @example
 * ```ts
 * timestamp(706_383_245_678); // '706.383245'
 * ```
 */
export function timestamp(ns: number): string {
  checkNumber('ns', ns);
  const sec = Math.floor(ns / 1e9);
  const us = Math.floor((ns - sec * 1e9) / 1e3);
  return `${String(sec)}.${String(us).padStart(6, '0')}`;
}

/** Options of the timehist report. */
export interface TimehistFormat {
  /** Add the state column (`--state`). */
  readonly state?: boolean;
  /** Wakeup lines are shown (`-w`): pads switch rows as perf does (perf pads for `-w`, not for `-M`). */
  readonly info?: boolean;
  /** Add perf's `-n` column, `next: comm[tid]` (rows from a replay with `next`). */
  readonly next?: boolean;
  /**
   * Add perf's `-V` column, a character per CPU (`s` a switch, `i` idle, `m` a migration): perf's `max_cpu`, the
   * input's online CPUs (4 where it does not say), a column more than that; a row on a higher CPU widens it (the
   * writer keeps that, {@link timehistLine} takes the value given).
   */
  readonly cpuVisual?: number;
}

/**
 * Checks a timehist format: an object, and a `cpuVisual` (where given) that is a CPU number.
 * @param format - the value
 * @throws {@link SchedacctError} `invalid-argument` or `out-of-range`
 * @internal
 */
export function checkFormat(format: TimehistFormat): void {
  checkOptions('format', format);
  if (format.cpuVisual !== undefined) checkWhole('format.cpuVisual', format.cpuVisual, 0, MAX_CPUS - 1);
}

/**
 * perf's `-V` column of a row.
 * @param maxCpu - perf's max_cpu for the row
 * @param row - the row
 * @returns the text between the `[CPU] ` and the name column's leading space
 * @internal
 */
export function visualColumn(maxCpu: number, row: TimehistRow | InfoRow): string {
  // (a row's CPU is drawn where it is a CPU number; any other value a caller gives leaves the column blank)
  const cpu = Number.isSafeInteger(row.cpu) && row.cpu >= 0 && row.cpu < MAX_CPUS ? row.cpu : -1;
  const n = Math.max(maxCpu, cpu) + 1;
  if (cpu < 0) return 'kind' in row && row.kind === 'migrate' ? `  ${' '.repeat(n)}  ` : ` ${' '.repeat(n)} `;
  const at = (c: string): string => `${' '.repeat(cpu)}${c}`.padEnd(n);
  if (!('kind' in row)) return ` ${at(row.tid === 0 ? 'i' : 's')} `;
  return row.kind === 'wakeup' ? ` ${' '.repeat(n)} ` : `  ${at('m')}  `;
}

// The header's -V parts: hex digits 0-f, blanks, dashes.
function visualHeader(format: TimehistFormat): [string, string, string] {
  if (format.cpuVisual === undefined) return ['', '', ''];
  const n = format.cpuVisual + 1;
  const digits = Array.from({ length: n }, (_, i) => (i % 16).toString(16)).join('');
  return [` ${digits} `, ` ${' '.repeat(n)} `, ` ${'-'.repeat(n)} `];
}

/**
 * perf's `-n` column: `next: comm[tid]` cut to 29 characters (perf's 30-byte buffer) and padded to the name column.
 * @param next - the row's `next`
 * @returns the column, its leading space included
 * @internal
 */
export function nextColumn(next: string | undefined): string {
  return ` ${`next: ${next ?? ''}`.slice(0, NEXT_MAX).padEnd(COMM_WIDTH)}`;
}

/**
 * The width of the task name column.
 * @internal
 */
export const COMM_WIDTH = 30;

// perf's `char nstr[30]`: at most 29 characters of `next: comm[tid]`.
const NEXT_MAX = 29;

/**
 * The header lines of the timehist report.
 * @param format - see {@link TimehistFormat}
 * @returns three lines
 * @throws {@link SchedacctError} `invalid-argument` for a format that is not an object
 * @example
 * ```ts
 * timehistHeader()[0]; // '           time    cpu  task name                       wait time  sch delay   run time'
 * timehistHeader({ state: true }).length; // 3
 * ```
 */
export function timehistHeader(format: TimehistFormat = {}): string[] {
  checkFormat(format);
  const state = format.state === true;
  const [v1, v2, v3] = visualHeader(format);
  return [
    `           time    cpu ${v1} ${'task name'.padEnd(COMM_WIDTH)}  wait time  sch delay   run time${state ? '  state' : ''}`,
    `                       ${v2} ${'[tid/pid]'.padEnd(COMM_WIDTH)}     (msec)     (msec)     (msec)${state ? '       ' : ''}`,
    `--------------- ------ ${v3} ${'-'.repeat(COMM_WIDTH)}  ---------  ---------  ---------${state ? '  -----' : ''}`,
  ];
}

/**
 * One row of the timehist report.
 * @param row - a switch row or a wakeup / migration line
 * @param format - see {@link TimehistFormat}
 * @returns the line
 * @throws {@link SchedacctError} `invalid-argument` for a row that is not a timehist or info row, or a format that is not an object
 * @example
 * ```ts
 * const row = { timeNs: 706_383_245_000, cpu: 1, tid: 42, name: 'sh', waitNs: 250_000, delayNs: 12_345, runNs: 2_357_999 };
 * timehistLine({ ...row, stolenNs: 0, state: 'S', line: 1 }, { state: true });
 * // '     706.383245 [0001]  sh[42]                              0.250      0.012      2.357      S '
 * ```
 */
export function timehistLine(row: TimehistRow | InfoRow, format: TimehistFormat = {}): string {
  checkRow('row', row);
  checkFormat(format);
  const visual = format.cpuVisual === undefined ? '' : visualColumn(format.cpuVisual, row);
  const head = `${timestamp(row.timeNs).padStart(15)} [${String(row.cpu).padStart(4, '0')}] ${visual} `;
  const name = row.tid === 0 ? row.name : taskLabel(row.name, row.tid, row.pid);
  if ('kind' in row) {
    const what =
      row.kind === 'wakeup'
        ? `awakened: ${row.target}`
        : `migrated: ${row.target} cpu ${String(row.fromCpu)} => ${String(row.toCpu)}`;
    return `${head}${name.padEnd(COMM_WIDTH)}${' '.repeat(35)}${what}`;
  }
  // perf: ` %-30s ` then `%6lu.%03lu ` per number (the space after each is the separator)
  let line = `${head}${name.padEnd(COMM_WIDTH)} ${msec(row.waitNs)} ${msec(row.delayNs)} ${msec(row.runNs)} `;
  if (format.state === true) line += ` ${row.state.padStart(5)} `;
  if (format.next === true) line += nextColumn(row.next);
  else if (format.info === true) line += ' '.repeat(COMM_WIDTH + 2);
  return line;
}

/** Options of the summary report. */
export interface SummaryFormat {
  /** The `--state -s` summary (run, sleep, iowait, preempt, delay) instead of the run-time one. */
  readonly state?: boolean;
  /** Append the stolen-time section (what perf does not print; default false, so the report stays perf's). */
  readonly stolen?: boolean;
  /**
   * Only these tasks, by tid (perf's `-t`, `-p`). As perf does, when it leaves a task out the summary ends after
   * the tasks: perf tracks no idle stats once a filter skipped a sample.
   */
  readonly tids?: ReadonlySet<number>;
}

/**
 * The summary report (`-s`, or `--state -s`), with idle stats and totals.
 * @param replay - a replay that has read the whole trace
 * @param format - see {@link SummaryFormat}
 * @returns the lines
 * @throws {@link SchedacctError} `invalid-argument` for a replay that is not a Replay, or a format that is not an object
 * @example
 * ```ts
 * const { replay } = await readTrace([
 *   'swapper 0 [000] 1.000000000: sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=sh next_pid=42 next_prio=120',
 *   'sh 42 [000] 1.010000000: sched:sched_stat_runtime: comm=sh pid=42 runtime=8000000 [ns] vruntime=1 [ns]',
 *   'sh 42 [000] 1.010000000: sched:sched_switch: prev_comm=sh prev_pid=42 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
 * ]);
 * summaryLines(replay).find((line) => line.includes('sh[42]'))?.trim();
 * // 'sh[42]      -1          1       10.000     10.000      10.000      10.000    0.00       0'
 * ```
 */
export function summaryLines(replay: Replay, format: SummaryFormat = {}): string[] {
  return Array.from(eachSummaryLine(replay, format));
}

/**
 * The lines of {@link summaryLines}, one at a time: a summary of millions of tasks written out without holding its
 * lines (or its task records) all at once.
 * @param replay - a replay that has read the whole trace
 * @param format - see {@link SummaryFormat}
 * @returns the lines, in order, one at a time
 * @throws {@link SchedacctError} `invalid-argument` for a replay that is not a Replay, or a format that is not an object
 * @example
 * ```ts
 * const { replay } = await readTrace([
 *   'swapper 0 [000] 1.000000000: sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=sh next_pid=42 next_prio=120',
 *   'sh 42 [000] 1.010000000: sched:sched_switch: prev_comm=sh prev_pid=42 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
 * ]);
 * let bytes = 0;
 * for (const line of eachSummaryLine(replay)) bytes += line.length + 1;
 * bytes > 0; // true
 * ```
 */
export function eachSummaryLine(replay: Replay, format: SummaryFormat = {}): Generator<string, void, undefined> {
  checkReplay(replay); // here, not in the generator: misuse throws at the call, not at the first line
  checkOptions('format', format);
  const tids: unknown = format.tids;
  if (tids !== undefined && !(tids instanceof Set))
    throw argError('invalid-argument', 'format.tids', 'a Set of tids', tids);
  return summaryGenerator(replay, format);
}

function* summaryGenerator(replay: Replay, format: SummaryFormat): Generator<string, void, undefined> {
  const state = format.state === true;
  const { tids } = format;
  // perf's -I: each task's line gives the idle time booked to it (the columns are the run-time ones, renamed)
  const idleHist = (replay as { readonly idleHist?: boolean }).idleHist === true;
  let skipped = false;
  yield '';
  yield idleHist ? 'Idle-time summary' : state ? 'Wait-time summary' : 'Runtime summary';
  yield `${'comm'.padStart(COMM_WIDTH)}  parent  ${idleHist ? 'sched-out    idle-time   min-idle    avg-idle    max-idle  stddev  migrations' : state ? ' sched-in     run-time      sleep      iowait     preempt       delay' : ' sched-in     run-time    min-run     avg-run     max-run  stddev  migrations'}`;
  yield `${''.padStart(COMM_WIDTH)}            (count)       (msec)     (msec)      (msec)      (msec)       ${state ? '(msec)' : '%'}`;
  yield '-'.repeat(117);
  const totals = { tasks: 0, schedCount: 0, runNs: 0 };
  const idle: TaskRecord[] = [];
  // perf lists the live tasks, then the terminated ones: two walks of the tasks, in thread order each time
  for (const dead of [false, true]) {
    if (dead) yield* ['', 'Terminated tasks:'];
    const before = totals.tasks;
    for (const t of replay.eachTask()) {
      if (t.tid === 0 && !dead) idle.push(t);
      if (tids !== undefined && !tids.has(t.tid)) skipped = true;
      const c = idleHist ? t.idleTotals : t.totals;
      if (t.tid === 0 || c === undefined || c.slices === 0 || t.dead !== dead || tids?.has(t.tid) === false) continue;
      totals.tasks++;
      totals.schedCount += c.slices;
      totals.runNs += c.runNs;
      yield summaryRow(t, c, state);
    }
    if (totals.tasks === before) yield dead ? '<no terminated tasks>' : '<no still running tasks>';
  }
  // (perf tracks no idle stats once a filter skipped a sample, except under -I)
  if (skipped && !idleHist) return;
  yield* idleLines(replay, idle, totals);
  yield '';
  yield `    Total number of unique tasks: ${String(totals.tasks)}`;
  yield `Total number of context switches: ${String(totals.schedCount)}`;
  yield `           Total run time (msec): ${msec(totals.runNs, 2)} `; // (perf's print_sched_time ends in a space)
  yield `    Total scheduling time (msec): ${msec(replay.schedulingNs, 2)}  (x ${String(replay.cpus)})`;
  if (format.stolen === true) yield* eachStolenLine(replay);
}

// One task's line of the summary, from its totals (or, under -I, its idle totals).
function summaryRow(t: TaskRecord, c: TaskTotals, state: boolean): string {
  const head = `${taskLabel(t.comm, t.tid, t.pid).padStart(COMM_WIDTH)}   ${String(t.parent).padStart(5)}  ${String(c.slices).padStart(9)} ${msec(c.runNs, 8)}`;
  if (state) {
    // (perf's print_sched_time ends in a space, the line's last too)
    return `${head} ${msec(c.sleepNs)}  ${msec(c.iowaitNs)}  ${msec(c.preemptNs)}  ${msec(c.delayNs)} `;
  }
  const mean = c.meanSliceNs;
  // perf's stddev_stats: the standard error of the mean, relative to the mean, printed from a float.
  const stddev = c.slices < 2 ? 0 : Math.sqrt(c.sliceVarianceNs2 / c.slices);
  const rel = Math.fround(mean !== 0 ? (100 * stddev) / mean : 0);
  // perf: each print_sched_time ends in a space, then ` ` after min and mean, `   ` before the stddev
  return `${head} ${msec(c.minSliceNs)}  ${msec(Math.trunc(mean))}  ${msec(c.maxSliceNs)}   ${rel.toFixed(2).padStart(5)}   ${String(t.migrations).padStart(5)}`;
}

// The idle stats, one line per CPU; idle switches count among the context switches.
function* idleLines(
  replay: Replay,
  idle: readonly TaskRecord[],
  totals: { schedCount: number },
): Generator<string, void, undefined> {
  const byCpu = new Map(idle.map((t) => [t.cpu, t]));
  yield '';
  yield 'Idle stats:';
  for (let cpu = 0; cpu < replay.cpus; cpu++) {
    const t = byCpu.get(cpu);
    if (t !== undefined && t.totals.slices > 0) {
      totals.schedCount += t.totals.slices;
      const share = percent((100 * t.totals.runNs) / replay.schedulingNs);
      yield `    CPU ${String(cpu).padStart(2)} idle for ${msec(t.totals.runNs)}  msec  (${share}%)`;
    } else yield `    CPU ${String(cpu).padStart(2)} idle entire time window`;
  }
}

// C's `%6.2f` as perf prints it: 0/0 (every switch at one time) is glibc's `-nan` on x86-64, x/0 is `inf`.
function percent(value: number): string {
  const text = Number.isNaN(value) ? '-nan' : value === Number.POSITIVE_INFINITY ? 'inf' : value.toFixed(2);
  return text.padStart(6);
}

/**
 * The stolen-time section: per task, steal estimated from `sched_stat_runtime` and what was charged.
 * @param replay - a replay that has read the whole trace
 * @returns the lines
 * @throws {@link SchedacctError} `invalid-argument` for a replay that is not a Replay
 * @example
 * ```ts
 * const { replay } = await readTrace([
 *   'swapper 0 [000] 1.000000000: sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=sh next_pid=42 next_prio=120',
 *   'sh 42 [000] 1.010000000: sched:sched_stat_runtime: comm=sh pid=42 runtime=8000000 [ns] vruntime=1 [ns]',
 *   'sh 42 [000] 1.010000000: sched:sched_switch: prev_comm=sh prev_pid=42 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
 * ]);
 * stolenLines(replay)[4]?.trim(); // 'sh[42]       10.000       2.000       8.000': run, stolen, charged
 * ```
 */
export function stolenLines(replay: Replay): string[] {
  checkReplay(replay);
  return Array.from(eachStolenLine(replay));
}

// The lines of stolenLines, one at a time.
function* eachStolenLine(replay: Replay): Generator<string, void, undefined> {
  yield '';
  yield 'Stolen time (wall run time minus the task clock of sched_stat_runtime, per slice; schedacct)';
  if (replay.steal.slices === 0) {
    yield '  the trace has no sched_stat_runtime events: steal cannot be estimated';
    return;
  }
  yield `${'comm'.padStart(COMM_WIDTH)}   run-time      stolen     charged`;
  yield `${''.padStart(COMM_WIDTH)}     (msec)      (msec)      (msec)`;
  for (const t of replay.eachTask()) {
    const c = t.totals;
    if (t.tid === 0 || c.stolenNs === 0) continue;
    yield `${taskLabel(t.comm, t.tid, t.pid).padStart(COMM_WIDTH)} ${msec(c.runNs, 8)}  ${msec(c.stolenNs, 6)}  ${msec(c.chargedNs, 6)}`;
  }
  const s = replay.steal;
  yield '';
  yield `  slices estimated: ${String(s.slices)}; steal charged (msec): ${msec(s.clampedNs, 2)}; signed sum (msec): ${(s.signedNs / 1e6).toFixed(3)}`;
}
