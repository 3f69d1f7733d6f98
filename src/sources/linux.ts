/**
 * The real backend on Linux: the counter is `CLOCK_MONOTONIC` (`process.hrtime.bigint()`, ns, 64-bit) and the stolen
 * total is the steal column of `/proc/stat` for one CPU or all of them. `/proc/stat` counts in USER_HZ ticks
 * (100 per second), so steal moves in 10 ms steps: fine over seconds, too coarse for one run slice. A per-thread
 * estimate comes from `/proc/thread-self/schedstat`. Node only.
 * @module
 */
import { checkBigint, checkObject, checkOptions, checkString, checkWhole } from '../check.js';
import { existsSync, readFileSync } from 'node:fs';
import { SchedacctError } from '../errors.js';
import type { ClockSource } from './types.js';

/**
 * Ticks per second of `/proc/stat` (USER_HZ, fixed at 100 on every Linux architecture's ABI).
 * @example
 * ```ts
 * USER_HZ; // 100
 * ```
 */
export const USER_HZ = 100;
/**
 * ns per USER_HZ tick.
 * @example
 * ```ts
 * const [all] = parseProcStat('cpu  753832 171 183461 562495 951 0 4508 250 0 0\n');
 * (all?.steal ?? 0) * NS_PER_TICK; // 2_500_000_000: 250 ticks of 10 ms
 * ```
 */
export const NS_PER_TICK: number = 1_000_000_000 / USER_HZ;

/** One `cpu` line of `/proc/stat`, in USER_HZ ticks. */
export interface ProcStatCpu {
  /** CPU number, or `'all'` for the summary line. */
  readonly cpu: number | 'all';
  /** Time in user mode. */
  readonly user: number;
  /** Time in user mode at low priority. */
  readonly nice: number;
  /** Time in kernel mode. */
  readonly system: number;
  /** Idle time. */
  readonly idle: number;
  /** Idle time waiting for I/O. */
  readonly iowait: number;
  /** Time servicing interrupts. */
  readonly irq: number;
  /** Time servicing softirqs. */
  readonly softirq: number;
  /** Stolen time: the 8th number. */
  readonly steal: number;
}

/**
 * Parses the `cpu` lines of `/proc/stat` text.
 * @param text - the file's contents
 * @returns one entry per `cpu` line
 * @throws {@link SchedacctError} `invalid-argument` when there is no `cpu` line with a steal column
 * @example
 * ```ts
 * const text = 'cpu  753832 171 183461 562495 951 0 4508 250 0 0\ncpu0 376263 78 89038 284776 265 0 2223 120 0 0\nintr 1\n';
 * parseProcStat(text).map((c) => [c.cpu, c.steal]); // [['all', 250], [0, 120]]
 * ```
 */
export function parseProcStat(text: string): ProcStatCpu[] {
  checkString('text', text);
  const out: ProcStatCpu[] = [];
  for (const line of text.split('\n')) {
    const m = /^cpu(\d*)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const n = (m[2] ?? '').trim().split(/\s+/).map(Number);
    if (n.length < 8 || n.some((x) => !Number.isFinite(x))) continue;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = n;
    out.push({ cpu: m[1] === '' ? 'all' : Number(m[1]), user, nice, system, idle, iowait, irq, softirq, steal });
  }
  if (out.length === 0)
    throw new SchedacctError(
      'invalid-argument',
      '/proc/stat: no cpu line with a steal column (Linux ≥ 2.6.11 has one)',
    );
  return out;
}

function readProcFile(path: string, what: string): string {
  if (!existsSync(path)) {
    throw new SchedacctError(
      'unavailable',
      `${path} not found: ${what} needs Linux procfs. On other systems use the simulated or emulated backend.`,
    );
  }
  return readFileSync(path, 'utf8');
}

/**
 * Reads and parses `/proc/stat`.
 * @param path - the file (default `/proc/stat`)
 * @returns one entry per `cpu` line
 * @throws {@link SchedacctError} `unavailable` when the file does not exist; `invalid-argument` for a path that is not a
 *   string
 * @example
 * ```ts
 * const all = readProcStat().find((c) => c.cpu === 'all');
 * all?.steal; // ticks stolen since boot, summed over CPUs (0 on bare metal)
 * ```
 */
export function readProcStat(path = '/proc/stat'): ProcStatCpu[] {
  checkString('path', path);
  return parseProcStat(readProcFile(path, 'the real backend'));
}

/** Options of {@link createLinuxSource}. */
export interface LinuxSourceOptions {
  /** Which CPU's steal (default `'all'`, the summary line: the sum over CPUs). */
  readonly cpu?: number | 'all';
  /** The stat file (default `/proc/stat`; a test may point elsewhere). */
  readonly procStat?: string;
}

/**
 * The real backend: `CLOCK_MONOTONIC` and `/proc/stat` steal.
 * @param options - see {@link LinuxSourceOptions}
 * @returns a backend (no `advance`: real time passes by itself)
 * @throws {@link SchedacctError} `unavailable` without `/proc/stat`; `invalid-argument` for a CPU it does not list, or
 *   options that are not an object with a whole-number or `'all'` CPU and a string path
 * @example
 * ```ts
 * const linux = createLinuxSource(); // CLOCK_MONOTONIC and the summary line of /proc/stat
 * linux.counter.counterHz; // 1_000_000_000: the counter is ns
 * consistentReadOf(linux); // { counter: <monotonic ns>n, stolenTotalNs: <steal ticks × 10 ms>n, retries: 0, consistent: true }
 * ```
 */
export function createLinuxSource(options: LinuxSourceOptions = {}): ClockSource {
  checkOptions('options', options);
  if (options.procStat !== undefined) checkString('options.procStat', options.procStat);
  if (options.cpu !== undefined && options.cpu !== 'all') checkWhole('options.cpu', options.cpu);
  const path = options.procStat ?? '/proc/stat';
  const cpu = options.cpu ?? 'all';
  const find = (): ProcStatCpu => {
    const entry = readProcStat(path).find((c) => c.cpu === cpu);
    if (entry === undefined) throw new SchedacctError('invalid-argument', `${path} has no line for cpu ${String(cpu)}`);
    return entry;
  };
  find();
  return {
    name: 'linux',
    counter: { counterHz: 1_000_000_000, widthBits: 64, readCounter: () => process.hrtime.bigint() },
    stolen: { protocol: 'stable-read', readStolen: () => BigInt(find().steal) * BigInt(NS_PER_TICK) },
  };
}

/** `/proc/<pid>/task/<tid>/schedstat`: what the scheduler measured for one thread. */
export interface ThreadSchedstat {
  /** Time on a CPU (`sum_exec_runtime`, task clock: steal excluded on a paravirt guest), ns. */
  readonly runNs: bigint;
  /** Time runnable but waiting for a CPU (`run_delay`, run-queue clock: steal included), ns. */
  readonly runDelayNs: bigint;
  /** Times it was switched in. */
  readonly timeslices: number;
}

/**
 * Reads the calling thread's schedstat.
 * @param path - the file (default `/proc/thread-self/schedstat`)
 * @returns the three numbers
 * @throws {@link SchedacctError} `unavailable` when the file does not exist (no procfs, or CONFIG_SCHEDSTATS off);
 *   `invalid-argument` for a path that is not a string
 * @example
 * ```ts
 * const before = readThreadSchedstat();
 * before; // e.g. { runNs: 512_744_361n, runDelayNs: 138_722_030n, timeslices: 357 }
 * ```
 */
export function readThreadSchedstat(path = '/proc/thread-self/schedstat'): ThreadSchedstat {
  checkString('path', path);
  const fields = readProcFile(path, 'the per-thread estimate').trim().split(/\s+/);
  if (fields.length < 3 || !fields.every((f) => /^\d+$/.test(f)))
    throw new SchedacctError('invalid-argument', `${path}: expected three numbers`);
  return { runNs: BigInt(fields[0] ?? 0), runDelayNs: BigInt(fields[1] ?? 0), timeslices: Number(fields[2]) };
}

function checkSchedstat(param: string, stat: unknown): void {
  checkObject(param, stat);
  checkBigint(`${param}.runNs`, stat.runNs, 0n);
  checkBigint(`${param}.runDelayNs`, stat.runDelayNs, 0n);
}

/**
 * Estimates the steal a thread suffered over an interval in which it always wanted the CPU (a busy thread):
 * wall time minus time on the CPU minus time waiting in the run queue. An estimate: interrupts and anything else the
 * task clock leaves out count too.
 * @param wallNs - wall time of the interval, ns
 * @param before - schedstat at the start
 * @param after - schedstat at the end
 * @returns estimated steal, ns (never negative)
 * @throws {@link SchedacctError} `invalid-argument` for a wall time that is not a whole number of ns ≥ 0, or schedstats whose times are not bigints ≥ 0
 * @example
 * ```ts
 * const before = { runNs: 0n, runDelayNs: 0n, timeslices: 0 };
 * const after = { runNs: 7_000_000n, runDelayNs: 1_000_000n, timeslices: 3 };
 * estimateThreadSteal(10_000_000, before, after); // 2_000_000: 10 ms wall, 7 ms on a CPU, 1 ms in the run queue
 * ```
 */
export function estimateThreadSteal(wallNs: number, before: ThreadSchedstat, after: ThreadSchedstat): number {
  checkWhole('wallNs', wallNs);
  checkSchedstat('before', before);
  checkSchedstat('after', after);
  const accounted = Number(after.runNs - before.runNs + (after.runDelayNs - before.runDelayNs));
  return Math.max(0, wallNs - accounted);
}
