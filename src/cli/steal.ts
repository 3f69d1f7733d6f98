/**
 * `schedacct steal`: live per-CPU stolen time from `/proc/stat`, over an interval.
 * @module
 */
import { NS_PER_TICK, readProcStat, type ProcStatCpu } from '../sources/linux.js';
import { EXIT_STATUS, oneOf, parseCommand, wholeNumber } from './args.js';

const FORMATS = ['text', 'json'] as const;

const OPTIONS = {
  interval: { type: 'string' },
  format: { type: 'string' },
} as const;

/** `schedacct steal --help`. */
export const help: string = `schedacct steal: live per-CPU stolen time, from /proc/stat read twice (Linux)

usage: schedacct steal [options]

options:
  --interval MS    time between the two readings, in ms (default 1000)
  --format FORMAT  text (default) or json: {"intervalMs": MS, "cpus": [{"cpu": "all" or N,
                   "totalNs", "intervalNs", "share"}, ...]}
  -h, --help       this text

/proc/stat counts in USER_HZ ticks (100 a second): the resolution is 10 ms.

${EXIT_STATUS}`;

/**
 * Runs `schedacct steal`.
 * @param args - the arguments after `steal`
 * @returns the exit status
 * @throws a `UsageError` for options, values or arguments it does not take; a `SchedacctError` `unavailable`
 *   without /proc/stat
 */
export async function run(args: readonly string[]): Promise<number> {
  const parsed = parseCommand('steal', args, OPTIONS, help, { max: 0, what: '' });
  if (parsed === undefined) return 0;
  const { values } = parsed;
  const interval = wholeNumber('steal', 'interval', values.interval, 1000, 1, 'a whole number of ms > 0');
  const format = oneOf('steal', 'format', values.format, FORMATS, 'text');
  const rows = await sampleSteal(interval);
  process.stdout.write(
    format === 'json'
      ? `${JSON.stringify({ intervalMs: interval, cpus: rows })}\n`
      : `${formatSteal(rows, interval)}\n`,
  );
  return 0;
}

/** One CPU's steal over the interval. */
export interface StealRow {
  /** CPU, or `'all'`. */
  readonly cpu: number | 'all';
  /** Steal since boot, ns. */
  readonly totalNs: number;
  /** Steal during the interval, ns. */
  readonly intervalNs: number;
  /** Share of the interval stolen (per CPU; the `all` line sums CPUs, so it can exceed 1). */
  readonly share: number;
}

/**
 * Samples `/proc/stat` twice and computes steal per CPU.
 * @param intervalMs - time between the samples
 * @param procStat - the stat file
 * @returns one row per `cpu` line
 */
export async function sampleSteal(intervalMs: number, procStat = '/proc/stat'): Promise<StealRow[]> {
  const before = readProcStat(procStat);
  const start = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
  const after = readProcStat(procStat);
  const wallNs = Number(process.hrtime.bigint() - start);
  const byCpu = new Map<number | 'all', ProcStatCpu>(before.map((c) => [c.cpu, c]));
  return after.map((c) => {
    const intervalNs = (c.steal - (byCpu.get(c.cpu)?.steal ?? c.steal)) * NS_PER_TICK;
    return { cpu: c.cpu, totalNs: c.steal * NS_PER_TICK, intervalNs, share: wallNs > 0 ? intervalNs / wallNs : 0 };
  });
}

/**
 * The rows as text.
 * @param rows - from {@link sampleSteal}
 * @param intervalMs - the interval, for the heading
 * @returns the table
 */
export function formatSteal(rows: readonly StealRow[], intervalMs: number): string {
  const lines = [
    `stolen time from /proc/stat (USER_HZ = 100: 10 ms resolution), over ${String(intervalMs)} ms`,
    '  cpu     since boot (ms)   in interval (ms)   share',
  ];
  for (const r of rows) {
    lines.push(
      `  ${String(r.cpu).padEnd(5)} ${(r.totalNs / 1e6).toFixed(0).padStart(17)} ${(r.intervalNs / 1e6).toFixed(0).padStart(18)}   ${(r.share * 100).toFixed(1).padStart(5)} %`,
    );
  }
  return lines.join('\n');
}
