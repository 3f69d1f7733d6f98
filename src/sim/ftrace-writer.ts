/**
 * A run as ftrace text (`/sys/kernel/tracing/trace` with the sched events on): what `schedacct replay` reads back to
 * the run's per-task totals and Perfetto opens as CPU tracks. Lines are streamed through a `write` callback in batches.
 * @module
 */
import { argError, checkFunction, checkOptions, checkOptionalWhole } from '../check.js';
import { checkAtNs, checkCpu, checkRef, checkSwitch } from './observer-check.js';
import type { SimObserver, SimTaskRef } from './types.js';

/** Options of {@link FtraceWriter}. */
export interface FtraceWriterOptions {
  /**
   * Added to every time, ns (default 1 s): a trace's clock counts from boot, and a replay (perf's rules) takes a
   * switch at time 0 for a CPU's first, whose slice it cannot know.
   */
  readonly offsetNs?: number;
  /** Lines per `write` (default 4096). */
  readonly batchLines?: number;
}

const HEADER = `# tracer: nop
#
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
`;

// `sec.nnnnnnnnn`, ns kept (ftrace's own clock prints µs; the replay reads up to 9 decimals).
function stamp(ns: number): string {
  const sec = Math.floor(ns / 1e9);
  return `${String(sec).padStart(5)}.${String(ns - sec * 1e9).padStart(9, '0')}`;
}

const cpuField = (cpu: number): string => String(cpu).padStart(3, '0');

/**
 * A {@link SimObserver} that writes the run as ftrace text: `sched_switch` (a preemption as `R+`, as the kernel prints
 * it), `sched_waking`, `sched_wakeup_new`, `sched_migrate_task` and `sched_stat_runtime` with task-clock runtime (so
 * a replay's steal estimate, wall minus runtime, is the steal the guest accounted). Each line names the task running
 * on its CPU then (`<idle>-0` when none), as ftrace does. Call {@link FtraceWriter.end} after the run.
 * @example
 * ```ts
 * let text = '';
 * const writer = new FtraceWriter((chunk) => (text += chunk));
 * const hog = { tid: 1000, name: 'hog', prio: 120 };
 * writer.onCreate(0, 0, hog);
 * writer.onSwitch(0, 0, undefined, 'R', hog);
 * writer.onRuntime(4_000_000, 0, hog, 3_000_000);
 * writer.onSwitch(4_000_000, 0, hog, 'S', undefined);
 * writer.end();
 * text.split('\n').filter((line) => line.includes('sched_stat_runtime')).length; // 1
 * ```
 */
export class FtraceWriter implements SimObserver {
  readonly #write: (chunk: string) => void;
  readonly #offsetNs: number;
  readonly #batchLines: number;
  #lines: string[] = [];
  // The task on each CPU (undefined: idle), for the head of each line.
  readonly #current: (SimTaskRef | undefined)[] = [];
  #started = false;
  /** Lines written (the header's comments not counted). */
  lines = 0;

  /**
   * @param write - takes each batch of text
   * @param options - see {@link FtraceWriterOptions}
   * @throws {@link SchedacctError} `invalid-argument` for a `write` that is not a function or options out of range
   */
  constructor(write: (chunk: string) => void, options: FtraceWriterOptions = {}) {
    checkFunction('write', write);
    checkOptions('options', options);
    checkOptionalWhole('options.offsetNs', options.offsetNs, 0, 2 ** 52);
    checkOptionalWhole('options.batchLines', options.batchLines, 1);
    this.#write = write;
    this.#offsetNs = options.offsetNs ?? 1e9;
    this.#batchLines = options.batchLines ?? 4096;
  }

  #head(atNs: number, cpu: number): string {
    const t = this.#current[cpu];
    const who = t === undefined ? '<idle>-0' : `${t.name}-${String(t.tid)}`;
    return `${who.padStart(22)} [${cpuField(cpu)}] d..2. ${stamp(atNs + this.#offsetNs)}: `;
  }

  #push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length >= this.#batchLines) this.flush();
  }

  /**
   * A task was created: `sched_wakeup_new`.
   * @param atNs - guest time
   * @param cpu - the CPU it will run on
   * @param task - the task
   * @throws {@link SchedacctError} `invalid-argument` naming a parameter that is wrong
   */
  onCreate(atNs: number, cpu: number, task: SimTaskRef): void {
    checkAtNs(atNs);
    checkCpu('cpu', cpu);
    checkRef('task', task);
    this.#push(
      `${this.#head(atNs, cpu)}sched_wakeup_new: comm=${task.name} pid=${String(task.tid)} prio=${String(task.prio)} target_cpu=${cpuField(cpu)}`,
    );
  }

  /**
   * A task was woken: `sched_waking` on the waker's CPU.
   * @param atNs - guest time
   * @param cpu - the waker's CPU
   * @param task - the task
   * @param targetCpu - where it will run
   * @throws {@link SchedacctError} `invalid-argument` naming a parameter that is wrong
   */
  onWakeup(atNs: number, cpu: number, task: SimTaskRef, targetCpu: number): void {
    checkAtNs(atNs);
    checkCpu('cpu', cpu);
    checkRef('task', task);
    checkCpu('targetCpu', targetCpu);
    this.#push(
      `${this.#head(atNs, cpu)}sched_waking: comm=${task.name} pid=${String(task.tid)} prio=${String(task.prio)} target_cpu=${cpuField(targetCpu)}`,
    );
  }

  /**
   * A task moved: `sched_migrate_task`, on the CPU it moves to.
   * @param atNs - guest time
   * @param task - the task
   * @param fromCpu - where it was
   * @param toCpu - where it goes
   * @throws {@link SchedacctError} `invalid-argument` naming a parameter that is wrong
   */
  onMigrate(atNs: number, task: SimTaskRef, fromCpu: number, toCpu: number): void {
    checkAtNs(atNs);
    checkRef('task', task);
    checkCpu('fromCpu', fromCpu);
    checkCpu('toCpu', toCpu);
    this.#push(
      `${this.#head(atNs, toCpu)}sched_migrate_task: comm=${task.name} pid=${String(task.tid)} prio=${String(task.prio)} orig_cpu=${String(fromCpu)} dest_cpu=${String(toCpu)}`,
    );
  }

  /**
   * Runtime charged: `sched_stat_runtime`, task-clock ns.
   * @param atNs - guest time
   * @param cpu - the CPU
   * @param task - the task
   * @param runtimeNs - task-clock ns since its last
   * @throws {@link SchedacctError} `invalid-argument` naming a parameter that is wrong
   */
  onRuntime(atNs: number, cpu: number, task: SimTaskRef, runtimeNs: number): void {
    checkAtNs(atNs);
    checkCpu('cpu', cpu);
    checkRef('task', task);
    if (!(Number.isSafeInteger(runtimeNs) && runtimeNs >= 0))
      throw argError('invalid-argument', 'runtimeNs', 'a whole number of ns ≥ 0', runtimeNs);
    this.#push(
      `${this.#head(atNs, cpu)}sched_stat_runtime: comm=${task.name} pid=${String(task.tid)} runtime=${String(runtimeNs)} [ns]`,
    );
  }

  /**
   * A context switch: `sched_switch`.
   * @param atNs - guest time
   * @param cpu - the CPU
   * @param prev - switched out (undefined: idle)
   * @param prevState - `R` preempted (printed `R+`), `S` asleep, `X` exited
   * @param next - switched in (undefined: idle)
   * @throws {@link SchedacctError} `invalid-argument` naming a parameter that is wrong
   */
  onSwitch(
    atNs: number,
    cpu: number,
    prev: SimTaskRef | undefined,
    prevState: 'R' | 'S' | 'X',
    next: SimTaskRef | undefined,
  ): void {
    checkSwitch(atNs, cpu, prev, prevState, next);
    const idle = `swapper/${String(cpu)}`;
    const state = prev === undefined ? 'R' : prevState === 'R' ? 'R+' : prevState;
    const from = prev === undefined ? `prev_comm=${idle} prev_pid=0 prev_prio=120` : refFields('prev', prev);
    const to = next === undefined ? `next_comm=${idle} next_pid=0 next_prio=120` : refFields('next', next);
    this.#push(`${this.#head(atNs, cpu)}sched_switch: ${from} prev_state=${state} ==> ${to}`);
    this.#current[cpu] = next;
  }

  /** Writes the lines held (the header first, once). */
  flush(): void {
    if (!this.#started) {
      this.#started = true;
      this.#write(HEADER);
    }
    if (this.#lines.length === 0) return;
    this.lines += this.#lines.length;
    this.#write(`${this.#lines.join('\n')}\n`);
    this.#lines = [];
  }

  /** Writes what is left: call it once the run is over. */
  end(): void {
    this.flush();
  }
}

const refFields = (side: 'prev' | 'next', t: SimTaskRef): string =>
  `${side}_comm=${t.name} ${side}_pid=${String(t.tid)} ${side}_prio=${String(t.prio)}`;
