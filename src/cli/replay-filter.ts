/**
 * perf sched timehist's filters on `schedacct replay`: `-C/--cpu LIST`, `-p/--pid LIST`, `-t/--tid LIST` and
 * `--time START,STOP`, parsed with perf's syntax and applied to the rows as perf applies them.
 * @module
 */
import { MAX_CPUS } from '../trace/events.js';
import type { InfoRow, TimehistRow } from '../trace/rows.js';
import { UsageError } from './args.js';

/** perf's time window (`--time START,STOP`), ns; a side left empty is undefined. */
export interface TimeWindow {
  /** Rows before it are left out; a slice that began before it is cut there. */
  readonly startNs?: number;
  /** Rows after it are left out; the slice running at it is cut there. */
  readonly endNs?: number;
}

/** The filters of a replay's rows. */
export interface RowFilters {
  /** `-C`: the CPUs whose switch rows are shown. */
  readonly cpus?: ReadonlySet<number>;
  /** `-t` (and `-p`, by tid: perf script text does not give a thread's process): the tasks shown. */
  readonly tids?: ReadonlySet<number>;
  /** `--time`. */
  readonly window?: TimeWindow;
}

const PID_MAX = 2 ** 31 - 1;

/**
 * perf's CPU list (`0-2,5`), as `-C` takes it.
 * @param option - the option, for messages
 * @param text - the list
 * @returns the CPUs
 * @throws {@link UsageError} for anything but CPU numbers and ranges below `MAX_CPUS`
 * @internal
 */
export function parseCpuList(option: string, text: string): ReadonlySet<number> {
  const cpus = new Set<number>();
  for (const part of text.split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    const first = Number(range?.[1]);
    const last = range?.[2] === undefined ? first : Number(range[2]);
    if (range === null || !(first <= last && last < MAX_CPUS)) {
      throw new UsageError('replay', `${option} takes CPUs as perf does (0-2,5), below ${String(MAX_CPUS)}: '${text}'`);
    }
    for (let cpu = first; cpu <= last; cpu++) cpus.add(cpu);
  }
  return cpus;
}

/**
 * perf's pid or tid list (`42,43`), as `-p` and `-t` take it.
 * @param option - the option, for messages
 * @param text - the list
 * @returns the ids
 * @throws {@link UsageError} for anything but whole numbers from 0 to 2^31 − 1, comma-separated
 * @internal
 */
export function parseIdList(option: string, text: string): ReadonlySet<number> {
  const ids = new Set<number>();
  for (const part of text.split(',')) {
    const id = /^\d+$/.test(part.trim()) ? Number(part) : Number.NaN;
    if (!(id <= PID_MAX)) throw new UsageError('replay', `${option} takes ids as perf does (42,43): '${text}'`);
    ids.add(id);
  }
  return ids;
}

// perf's parse_nsec_time: seconds, and up to 9 decimals, as whole ns (exactly: no float arithmetic on the fraction).
function secondsToNs(text: string, whole: string): number | undefined {
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (m === null) return undefined;
  const ns = Number(m[1]) * 1e9 + Number((m[2] ?? '').padEnd(9, '0'));
  if (!Number.isSafeInteger(ns)) throw new UsageError('replay', `--time ${whole}: past 2^53 - 1 ns`);
  return ns;
}

/**
 * perf's `--time START,STOP`: seconds with up to 9 decimals, either side may be empty.
 * @param text - the option's value
 * @returns the window
 * @throws {@link UsageError} for another syntax, or a start after the stop
 * @internal
 */
export function parseTimeWindow(text: string): TimeWindow {
  const sides = text.split(',');
  const bad = (): UsageError =>
    new UsageError(
      'replay',
      `--time takes START,STOP in seconds as perf does (706.39,706.41; ,706.41; 706.39,): '${text}'`,
    );
  if (sides.length !== 2) throw bad();
  const [start, end] = sides.map((side) => (side.trim() === '' ? undefined : (secondsToNs(side.trim(), text) ?? -1)));
  if (start === -1 || end === -1) throw bad();
  if (start !== undefined && end !== undefined && start > end) {
    throw new UsageError('replay', `--time ${text}: the start is after the stop`);
  }
  return { ...(start === undefined ? {} : { startNs: start }), ...(end === undefined ? {} : { endNs: end }) };
}

// The tid in an info row's target, `comm[tid]`.
const targetTid = (target: string): number => Number(/\[(-?\d+)\]$/.exec(target)?.[1]);

/**
 * The row as perf prints it under the filters, or undefined when perf leaves it out. perf's rules
 * (builtin-sched.c): a switch row shows when its task passes `-p`/`-t` and its CPU `-C`; a wakeup or migration line
 * unless both its tasks are filtered out, whatever its CPU, and inside the window only. Under `--time` the switch
 * whose previous switch on the CPU came before the start is charged from the start (its wait and delay reach to it),
 * and the one running at the stop is cut there; later ones on that CPU are left out.
 * @param row - a row of the replay
 * @param filters - see {@link RowFilters}
 * @returns the row to print, or undefined
 * @internal
 */
export function filterRow<R extends TimehistRow | InfoRow>(row: R, filters: RowFilters): R | undefined {
  const { cpus, tids, window } = filters;
  if ('kind' in row) {
    if (tids !== undefined && !tids.has(row.tid) && !tids.has(targetTid(row.target))) return undefined;
    if (window?.startNs !== undefined && row.timeNs < window.startNs) return undefined;
    if (window?.endNs !== undefined && row.timeNs > window.endNs) return undefined;
    return row;
  }
  if (tids !== undefined && !tids.has(row.tid)) return undefined;
  const windowed = window === undefined ? row : windowRow(row, window);
  if (windowed === undefined || (cpus !== undefined && !cpus.has(row.cpu))) return undefined;
  return windowed as R;
}

// perf's window on a switch: tprev is moved up to the start, t down to the stop (a tprev of 0, a CPU's first
// switch, is left as it is); the row's wait and delay ran to tprev, so they reach to the moved one.
function windowRow(row: TimehistRow, window: TimeWindow): TimehistRow | undefined {
  const { startNs, endNs } = window;
  if (startNs !== undefined && row.timeNs < startNs) return undefined;
  // a CPU's first switch: perf's tprev is 0, so every delta is 0 (the replay gives 0s there too)
  const first = row.runNs === 0 && row.waitNs === 0 && row.delayNs === 0;
  const tprevNs = row.timeNs - row.runNs;
  if (!first && endNs !== undefined && tprevNs > endNs) return undefined;
  const shiftNs = !first && startNs !== undefined && startNs > tprevNs ? startNs - tprevNs : 0;
  const timeNs = endNs !== undefined && row.timeNs > endNs ? endNs : row.timeNs;
  if (shiftNs === 0 && timeNs === row.timeNs) return row;
  return {
    ...row,
    timeNs,
    runNs: first ? 0 : timeNs - tprevNs - shiftNs,
    waitNs: row.waitNs > 0 ? row.waitNs + shiftNs : 0,
    delayNs: row.delayNs > 0 ? row.delayNs + shiftNs : 0,
  };
}
