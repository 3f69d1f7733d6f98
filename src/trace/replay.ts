/**
 * Replay: normalized scheduler events drive one task machine per task (and one per CPU's idle task), with perf's
 * `sched timehist` semantics, so the per-switch rows and the summaries agree with perf.
 *
 * perf charges the task switched out at `t` on CPU `c` for `t − tprev`, `tprev` being the previous switch on `c`,
 * even where the trace lost the switch that put it there. The driver therefore dispatches lazily: at a switch-out it
 * sends the task's machine `dispatch` at `tprev` and then the switch-out at `t` (at the CPU's first switch both at
 * `t`: a zero-length slice that still counts, as perf counts it). Wakeups and migrations of a task the trace shows on
 * a CPU do not reach its machine (perf ignores them too); a real inconsistency (a reading before the task's last
 * one) takes the machine's anomaly path and is counted.
 * @module
 */
import { createActor } from 'xstate';
import type { Anomaly, TaskId } from '../accounting/anomaly.js';
import { SchedacctError } from '../errors.js';
import {
  compileTaskMachine,
  createTaskContext,
  switchOutType,
  taskMachine,
  type TaskContext,
  type TaskEvent,
  type TaskInput,
  type TaskReading,
} from '../machines/task.js';
import type { StealPolicy } from '../accounting/steal.js';
import type { ReadingValue } from '../accounting/counter.js';
import type { MigrateEvent, TraceEvent, WakeupEvent } from './events.js';

/** Which perf to agree with. */
export type Compat = 'perf-6.1' | 'current';
/** How the machines run. */
export type Engine = 'compiled' | 'xstate';

/** Options of {@link Replay}. */
export interface ReplayOptions {
  /** `'perf-6.1'`: no scheduling delay after a preemption; `'current'` (default): delay counted from it. */
  readonly compat?: Compat;
  /** `'compiled'` (default, fast) or `'xstate'` (real actors, same results). */
  readonly engine?: Engine;
  /** Count migrations (perf's `-M`). */
  readonly migrations?: boolean;
  /** Throw at the first anomaly instead of recording it. */
  readonly strict?: boolean;
  /** What happens to steal beyond a slice (default `'drop'`, as current kernels). */
  readonly policy?: StealPolicy;
}

/** One `sched_switch` row, as `perf sched timehist` prints it. */
export interface TimehistRow {
  /** Switch time, ns. */
  readonly timeNs: number;
  /** CPU. */
  readonly cpu: number;
  /** The task switched out (0 for idle). */
  readonly tid: number;
  /** Its comm, `<idle>` for idle. */
  readonly name: string;
  /** Wait before this run (sleep + iowait + preempt), ns. */
  readonly waitNs: number;
  /** Scheduling delay before this run, ns. */
  readonly delayNs: number;
  /** Run time, ns (`t − tprev`). */
  readonly runNs: number;
  /**
   * Steal inside this slice: its wall time minus the task-clock runtime `sched_stat_runtime` reported in it
   * (clamped to 0 … run); 0 where it cannot be told: no runtime events (RT and idle tasks emit none), or the
   * trace lost the task's switch-in on this CPU.
   */
  readonly stolenNs: number;
  /** State letter it left in (`I` for idle). */
  readonly state: string;
  /** Input line. */
  readonly line: number;
}

/** A wakeup or migration line (`-w`, `-M`). */
export interface InfoRow {
  /** Kind. */
  readonly kind: 'wakeup' | 'migrate';
  /** Time, ns. */
  readonly timeNs: number;
  /** CPU. */
  readonly cpu: number;
  /** The sample's task (waker, or the migration thread). */
  readonly tid: number;
  /** Its name. */
  readonly name: string;
  /** The woken or migrated task's name with tid, e.g. `sh[42]`. */
  readonly target: string;
  /** Migration: from. */
  readonly fromCpu?: number;
  /** Migration: to. */
  readonly toCpu?: number;
}

/** The kernel's TASK_REPORT bit for each state letter `sched_switch` prints (`R+` is TASK_REPORT_MAX: preempted). */
const REPORT_BITS: Readonly<Record<string, number>> = {
  R: 0,
  'R+': 0x100,
  S: 0x1,
  D: 0x2,
  T: 0x4,
  t: 0x8,
  X: 0x10,
  Z: 0x20,
  P: 0x40,
  I: 0x80,
};

/**
 * The state character perf 6.1 shows for a `prev_state` text: it maps the report bit through its old table
 * `RSDTtZXxKWP` (so preempted `R+` shows `W`, idle `I` shows `K`, zombie `Z` shows `X`). Combined letters (old
 * kernels, e.g. `D|K`) use their lowest bit.
 * @param prevState - the letters as printed
 * @returns perf 6.1's character
 */
export function perf61StateChar(prevState: string): string {
  let char = perf61Chars.get(prevState);
  if (char === undefined) {
    char = perf61Char(prevState);
    if (perf61Chars.size < 64) perf61Chars.set(prevState, char);
  }
  return char;
}

// The few state texts a trace holds, each mapped once.
const perf61Chars = new Map<string, string>();

function perf61Char(prevState: string): string {
  let bits = REPORT_BITS[prevState];
  if (bits === undefined) {
    bits = 0;
    for (const part of prevState.split('|')) bits |= REPORT_BITS[part] ?? 0;
  }
  if (bits === 0) return 'R';
  const ffs = 32 - Math.clz32(bits & -bits);
  return 'RSDTtZXxKWP'[ffs] ?? 'R';
}

interface Runner {
  send(event: TaskEvent): void;
  readonly context: TaskContext;
  readonly done: boolean;
}

function createRunner(engine: Engine, input: TaskInput): Runner {
  if (engine === 'xstate') {
    const actor = createActor(taskMachine, { input });
    actor.subscribe({ error: () => undefined });
    actor.start();
    return {
      send: (event) => {
        actor.send(event);
        const snap = actor.getSnapshot();
        if (snap.status === 'error') throw snap.error;
      },
      get context() {
        return actor.getSnapshot().context;
      },
      get done() {
        return actor.getSnapshot().status === 'done';
      },
    };
  }
  return compileTaskMachine().start(createTaskContext(input));
}

/** What the steal estimate rests on. */
export interface StealEstimate {
  /** Slices with at least one `sched_stat_runtime` event (the only ones estimated). */
  slices: number;
  /** Σ (wall − runtime) over those slices: clock skew at slice edges cancels out here. */
  signedNs: number;
  /** Σ max(0, wall − runtime): what was charged as steal (never negative per slice). */
  clampedNs: number;
}

/** Anomalies counted, with the first ones in detail. */
export interface AnomalyReport {
  /** How many. */
  readonly count: number;
  /** The first ones, oldest first. */
  readonly details: readonly Anomaly[];
}

/** A task as the summary sees it. */
export interface TaskRecord {
  /** tid, or 0 with `cpu` for an idle task. */
  readonly tid: number;
  /** CPU, for idle tasks. */
  readonly cpu: number;
  /** Latest comm. */
  readonly comm: string;
  /** The machine's context: totals, steal bookkeeping, anomalies. */
  readonly context: TaskContext;
  /** Exited during the trace. */
  readonly dead: boolean;
  /** Migrations counted (with `migrations: true`). */
  readonly migrations: number;
  /** The forking task, where the trace shows the fork (perf takes its parent column from side-band records). */
  readonly parent: number;
}

// Every task event's fields in one mutable record (see Replay.#send).
interface ScratchEvent {
  type: TaskEvent['type'];
  readonly reading: { counter: ReadingValue; stolenNs: number; cpu: number; atNs: number; line: number };
  state: string;
  toCpu: number;
  untracked: boolean;
}

// What the replay keeps per tid: one record instead of a map per fact, so an event costs one lookup.
class TaskSlot {
  /** The tid. */
  readonly tid: number;
  /** The task's machine, once an event reached it. */
  runner: Runner | undefined = undefined;
  /** Latest comm. */
  comm: string | undefined = undefined;
  /** Steal suffered so far (the stolen total its readings carry). */
  stolenNs = 0;
  /** Σ sched_stat_runtime since its switch-in, −1 when none came. */
  sliceRuntime = -1;
  /** CPU and time of its last switch-in, −1 once it left. */
  inCpu = -1;
  inT = 0;
  /** CPU it is on (−1 when the trace shows it off every CPU). */
  onCpu = -1;
  migrations = 0;
  parent = -1;
  exited = false;
  /** `comm[tid]` for wakeup and migration lines, and the comm it was made from. */
  label: string | undefined = undefined;
  labelComm: string | undefined = undefined;

  constructor(tid: number) {
    this.tid = tid;
  }
}

// Per CPU: the previous switch (perf's tprev), the task it switched in, and the CPU's idle task.
class CpuSlot {
  tprev = 0;
  hasCurrent = false;
  current = 0;
  /** The slot of the task it switched in last: the sample of most of its next events (no lookup for them). */
  currentSlot: TaskSlot | undefined = undefined;
  idle: Runner | undefined = undefined;
  idleStolenNs = 0;
}

/** Replays normalized events. */
export class Replay {
  readonly #engine: Engine;
  readonly #input: Omit<TaskInput, 'task'>;
  readonly #countMigrations: boolean;
  readonly #perf61: boolean;
  readonly #tasks = new Map<number, TaskSlot>();
  readonly #cpus: CpuSlot[] = [];
  readonly #retired: { key: TaskId; runner: Runner }[] = [];
  /** Steal estimated from `sched_stat_runtime`: slices that had runtime events, and the signed and clamped sums. */
  readonly steal: StealEstimate = { slices: 0, signedNs: 0, clampedNs: 0 };
  #sawWaking = false;
  /** Time of the first and last switch, ns (−1 before any). */
  firstSwitchNs = -1;
  /** Time of the last switch, ns. */
  lastSwitchNs = -1;
  /** Events read, by kind. */
  readonly counts: Record<TraceEvent['kind'], number> = {
    switch: 0,
    wakeup: 0,
    migrate: 0,
    fork: 0,
    exit: 0,
    runtime: 0,
  };
  /** Events whose time is before the previous event's (perf sorts; a text trace may not be). */
  outOfOrder = 0;
  /** Switches whose outgoing task is not the one the CPU last switched in: lost events (perf's "context switch bugs"). */
  switchBugs = 0;
  #lastTime = -1;
  // The machines' readings are ns since this base: 0 for every trace of a machine up less than 52 days, else its first
  // event's time less 2^52 ns. So they stay safe integers (numbers, the fast path) past 104 days of uptime too.
  #base = Number.NaN;
  readonly #scratch: ScratchEvent | undefined;

  /** @param options - see {@link ReplayOptions} */
  constructor(options: ReplayOptions = {}) {
    const compat = options.compat ?? 'current';
    if (!(['perf-6.1', 'current'] as const).includes(compat)) {
      throw new SchedacctError('invalid-argument', `compat must be perf-6.1 or current, got ${compat as string}`);
    }
    this.#engine = options.engine ?? 'compiled';
    if (!(['compiled', 'xstate'] as const).includes(this.#engine)) {
      throw new SchedacctError('invalid-argument', `engine must be compiled or xstate, got ${this.#engine as string}`);
    }
    this.#input = {
      counterHz: 1_000_000_000,
      widthBits: 64,
      delayAfterPreempt: compat === 'current',
      policy: options.policy ?? 'drop',
      strict: options.strict ?? false,
    };
    this.#countMigrations = options.migrations ?? false;
    this.#perf61 = compat === 'perf-6.1';
    this.#scratch =
      this.#engine === 'compiled'
        ? {
            type: 'dispatch',
            reading: { counter: 0, stolenNs: 0, cpu: 0, atNs: 0, line: 0 },
            state: '',
            toCpu: -1,
            untracked: false,
          }
        : undefined;
  }

  #slot(tid: number): TaskSlot {
    let slot = this.#tasks.get(tid);
    if (slot === undefined) {
      slot = new TaskSlot(tid);
      this.#tasks.set(tid, slot);
    }
    return slot;
  }

  #cpu(cpu: number): CpuSlot {
    while (this.#cpus.length <= cpu) this.#cpus.push(new CpuSlot());
    return this.#cpus[cpu] as CpuSlot;
  }

  // The task's live machine; a tid seen again after its task exited is a new task (perf starts a new thread), and
  // the old one keeps its totals.
  #runnerOf(slot: TaskSlot, tid: number): Runner {
    let runner = slot.runner;
    if (runner === undefined || runner.done) {
      if (runner !== undefined) this.#retired.push({ key: tid, runner });
      runner = createRunner(this.#engine, { ...this.#input, task: tid });
      slot.runner = runner;
    }
    return runner;
  }

  #idleRunner(slot: CpuSlot, cpu: number): Runner {
    let runner = slot.idle;
    if (runner === undefined || runner.done) {
      const key = `idle/${String(cpu)}` as const;
      if (runner !== undefined) this.#retired.push({ key, runner });
      runner = createRunner(this.#engine, { ...this.#input, task: key });
      slot.idle = runner;
    }
    return runner;
  }

  // Sends a task event. The compiled engine gets one event and one reading refilled every time (the stepper keeps
  // neither, and the machine's memo is keyed by values): no garbage per send. Real actors get fresh objects. The
  // readings are ns since #base, as numbers (no BigInt arithmetic) wherever they are safe integers.
  #send(
    runner: Runner,
    type: TaskEvent['type'],
    counter: number,
    stolenNs: number,
    cpu: number,
    atNs: number,
    line: number,
    state = '',
    toCpu = -1,
    untracked = false,
  ): void {
    const ns = counter - this.#base;
    // beyond 2^53 (a trace over 52 days long), a bigint: exact as the time itself, and slower
    const reading0: ReadingValue = Number.isSafeInteger(ns) ? ns : BigInt(ns);
    const scratch = this.#scratch;
    if (scratch === undefined) {
      const reading: TaskReading = { counter: reading0, stolenNs, cpu, atNs, line };
      runner.send(
        type === 'block'
          ? { type, reading, state }
          : type === 'migrate'
            ? { type, reading, toCpu }
            : type === 'dispatch' && untracked
              ? { type, reading, untracked }
              : { type, reading },
      );
      return;
    }
    const r = scratch.reading;
    r.counter = reading0;
    r.stolenNs = stolenNs;
    r.cpu = cpu;
    r.atNs = atNs;
    r.line = line;
    scratch.type = type;
    scratch.state = state;
    scratch.toCpu = toCpu;
    scratch.untracked = untracked;
    runner.send(scratch);
  }

  /**
   * Applies one event.
   * @param event - the event
   * @returns the timehist row for a switch, the info row for a wakeup or migration, else undefined
   */
  push(event: TraceEvent): TimehistRow | InfoRow | undefined {
    return this.#apply(event, true);
  }

  /**
   * Applies one event without building its row: the same totals as {@link Replay.push}, for summaries (no garbage
   * per event).
   * @param event - the event
   */
  apply(event: TraceEvent): void {
    this.#apply(event, false);
  }

  // Each kind reads its own fields in its own branch, so every access sees one event shape.
  #apply(e: TraceEvent, rows: boolean): TimehistRow | InfoRow | undefined {
    switch (e.kind) {
      case 'switch':
        return this.switchAt(
          e.timeNs,
          e.cpu,
          e.tid,
          e.comm,
          e.line,
          e.prevTid,
          e.prevComm,
          e.prevState,
          e.nextTid,
          e.nextComm,
          rows,
        );
      case 'wakeup':
        return this.wakeupAt(e.timeNs, e.cpu, e.tid, e.comm, e.line, e.variant, e.targetTid, e.targetComm, rows);
      case 'runtime':
        this.runtimeAt(e.timeNs, e.cpu, e.tid, e.comm, e.targetTid, e.runtimeNs);
        return undefined;
      case 'migrate':
        this.counts.migrate++;
        return this.#migrate(e, rows);
      case 'fork': {
        this.counts.fork++;
        this.#sample(e.timeNs, e.cpu, e.tid, e.comm);
        const child = this.#slot(e.childTid);
        if (e.childComm !== '') child.comm = e.childComm;
        child.parent = e.parentTid;
        return undefined;
      }
      case 'exit':
        this.counts.exit++;
        this.#sample(e.timeNs, e.cpu, e.tid, e.comm);
        this.#slot(e.targetTid).exited = true;
        return undefined;
      default:
        return undefined;
    }
  }

  // What every event says about its sample: the time (order check), the CPU, and the current task's comm. The
  // sample is usually the task its CPU switched in last: that slot is at hand, without a lookup.
  #sample(timeNs: number, cpu: number, tid: number, comm: string): TaskSlot {
    if (!(cpu >>> 0 === cpu && Number.isFinite(timeNs))) this.#misuse(timeNs, cpu);
    if (Number.isNaN(this.#base)) this.#base = timeNs > 2 ** 52 ? timeNs - 2 ** 52 : 0;
    if (timeNs < this.#lastTime) this.outOfOrder++;
    this.#lastTime = timeNs;
    const cpus = this.#cpus;
    const current = cpu < cpus.length ? (cpus[cpu] as CpuSlot).currentSlot : this.#cpu(cpu).currentSlot;
    const sample = current !== undefined && current.tid === tid ? current : this.#slot(tid);
    if (tid !== 0) sample.comm = comm;
    return sample;
  }

  #misuse(timeNs: number, cpu: number): never {
    throw new SchedacctError(
      'invalid-argument',
      `an event needs a CPU that is a whole number ≥ 0 and a finite time, got cpu ${String(cpu)}, time ${String(timeNs)}`,
    );
  }

  /**
   * A `sched_stat_runtime` event, from its fields (what {@link Replay.apply} does with a runtime event; for readers
   * that have the fields at hand).
   * @param timeNs - time, ns
   * @param cpu - CPU
   * @param tid - the sample's thread
   * @param comm - its comm
   * @param targetTid - the task the runtime is for
   * @param runtimeNs - task-clock runtime, ns
   * @internal
   */
  runtimeAt(timeNs: number, cpu: number, tid: number, comm: string, targetTid: number, runtimeNs: number): void {
    this.counts.runtime++;
    const sample = this.#sample(timeNs, cpu, tid, comm);
    const target = sample.tid === targetTid ? sample : this.#slot(targetTid);
    target.sliceRuntime = (target.sliceRuntime < 0 ? 0 : target.sliceRuntime) + runtimeNs;
  }

  /**
   * A wakeup event (`sched_waking`, `sched_wakeup`, `sched_wakeup_new`), from its fields.
   * @param timeNs - time, ns
   * @param cpu - CPU
   * @param tid - the sample's thread (the waker)
   * @param comm - its comm
   * @param line - input line
   * @param variant - which tracepoint
   * @param targetTid - the woken task
   * @param targetComm - its comm
   * @param rows - build the info row
   * @returns the info row, when asked for and the wakeup counts
   * @internal
   */
  wakeupAt(
    timeNs: number,
    cpu: number,
    tid: number,
    comm: string,
    line: number,
    variant: WakeupEvent['variant'],
    targetTid: number,
    targetComm: string,
    rows: boolean,
  ): InfoRow | undefined {
    this.counts.wakeup++;
    this.#sample(timeNs, cpu, tid, comm);
    if (variant === 'waking') this.#sawWaking = true;
    else if (variant === 'wakeup' && this.#sawWaking) return undefined; // perf ignores wakeup when waking exists
    const target = this.#slot(targetTid);
    if (targetComm !== '') target.comm = targetComm;
    if (target.onCpu < 0 && targetTid !== 0) {
      const runner = this.#runnerOf(target, targetTid);
      this.#send(runner, 'wakeup', timeNs, target.stolenNs, cpu, timeNs, line);
    }
    if (!rows) return undefined;
    return {
      kind: 'wakeup',
      timeNs,
      cpu,
      tid,
      name: this.#name(tid, 'swapper'),
      target: this.#label(targetTid),
    };
  }

  #migrate(event: MigrateEvent, rows: boolean): InfoRow | undefined {
    this.#sample(event.timeNs, event.cpu, event.tid, event.comm);
    const target = this.#slot(event.targetTid);
    if (this.#countMigrations) target.migrations++;
    if (target.onCpu < 0) {
      const runner = this.#runnerOf(target, event.targetTid);
      this.#send(
        runner,
        'migrate',
        event.timeNs,
        target.stolenNs,
        event.origCpu,
        event.timeNs,
        event.line,
        '',
        event.destCpu,
      );
    }
    if (!rows) return undefined;
    return {
      kind: 'migrate',
      timeNs: event.timeNs,
      cpu: event.cpu,
      tid: event.tid,
      name: this.#name(event.tid, 'swapper'),
      target: this.#label(event.targetTid),
      fromCpu: event.origCpu,
      toCpu: event.destCpu,
    };
  }

  #name(tid: number, idle = '<idle>'): string {
    return tid === 0 ? idle : (this.#tasks.get(tid)?.comm ?? ':' + String(tid));
  }

  // `comm[tid]`, built again only when the comm changed (every wakeup line names its target).
  #label(tid: number): string {
    const slot = this.#slot(tid);
    if (slot.label === undefined || slot.labelComm !== slot.comm) {
      slot.labelComm = slot.comm;
      slot.label = `${slot.comm ?? ':' + String(tid)}[${String(tid)}]`;
    }
    return slot.label;
  }

  /**
   * A `sched_switch` event, from its fields.
   * @param t - time, ns
   * @param cpu - CPU
   * @param tid - the sample's thread (perf attributes the row to it)
   * @param comm - its comm
   * @param line - input line
   * @param prevTid - outgoing task
   * @param prevComm - its comm
   * @param prevState - its state letters
   * @param nextTid - incoming task
   * @param nextComm - its comm
   * @param rows - build the timehist row
   * @returns the row, when asked for
   * @internal
   */
  switchAt(
    t: number,
    cpu: number,
    tid: number,
    comm: string,
    line: number,
    prevTid: number,
    prevComm: string,
    prevState: string,
    nextTid: number,
    nextComm: string,
    rows: boolean,
  ): TimehistRow | undefined {
    this.counts.switch++;
    const prevSlot = this.#sample(t, cpu, tid, comm);
    const slot = this.#cpus[cpu] as CpuSlot;
    const prev = tid; // perf attributes the row to the sample's thread (prevSlot is its record)
    const nextSlot = this.#slot(nextTid);
    if (prev !== 0 && prevComm !== '') prevSlot.comm = prevComm;
    if (nextTid !== 0 && nextComm !== '') nextSlot.comm = nextComm;
    const tprev = slot.tprev;
    if (slot.hasCurrent && slot.current !== prevTid) this.switchBugs++;
    slot.hasCurrent = true;
    slot.current = nextTid;
    const runner = prev === 0 ? this.#idleRunner(slot, cpu) : this.#runnerOf(prevSlot, prev);
    const before = rows ? runner.context : undefined;
    const wait0 = before === undefined ? 0 : before.sleepNs + before.iowaitNs + before.preemptNs;
    const delay0 = before === undefined ? 0 : before.delayNs;
    const run0 = before === undefined ? 0 : before.runNs;
    const stolen0 = before === undefined ? 0 : before.stolenNs;
    // Steal in this slice: wall time the task clock (sched_stat_runtime) did not count. The stolen total a task's
    // readings carry is the steal it has suffered so far: its own clock, monotonic across CPUs.
    const stolenBefore = prev === 0 ? slot.idleStolenNs : prevSlot.stolenNs;
    // Only from the task's own switch-in on this CPU: where the trace lost it, perf's t − tprev includes time the
    // task never ran (typically idle), and steal cannot be told from it.
    const runtime = prevSlot.sliceRuntime;
    let stolenSlice = 0;
    if (runtime >= 0 && tprev !== 0 && prevSlot.inCpu === cpu && prevSlot.inT === tprev) {
      const estimate = t - tprev - runtime;
      this.steal.slices++;
      this.steal.signedNs += estimate;
      stolenSlice = Math.max(0, Math.min(estimate, t - tprev));
      this.steal.clampedNs += stolenSlice;
    }
    prevSlot.sliceRuntime = -1;
    nextSlot.sliceRuntime = -1;
    prevSlot.inCpu = -1;
    nextSlot.inCpu = cpu;
    nextSlot.inT = t;
    if (prev === 0) slot.idleStolenNs = stolenBefore + stolenSlice;
    else prevSlot.stolenNs = stolenBefore + stolenSlice;
    // perf: at a CPU's first switch the switch-in time is unknown; the row counts, with every delta 0.
    if (tprev === 0) this.#send(runner, 'dispatch', t, stolenBefore, cpu, t, line, '', -1, true);
    else this.#send(runner, 'dispatch', tprev, stolenBefore, cpu, tprev, line);
    // perf 6.1 files a wait by its own state character: only 'R' is preempt and 'D' iowait; everything else,
    // including a preempted 'R+' (its 'W'), is sleep. Current perf treats R and R+ alike as preempted.
    const stateChar = this.#perf61 ? perf61StateChar(prevState) : (prevState[0] ?? 'R');
    const first = prevState.charCodeAt(0);
    const dead = first === 88 || first === 90; // X or Z
    let type: TaskEvent['type'] = dead
      ? 'exit'
      : this.#perf61
        ? stateChar === 'R'
          ? 'preempt'
          : 'block'
        : switchOutType(prevState);
    let blockState = this.#perf61 ? stateChar : prevState;
    // perf drops a thread at its EXIT record, so an exiting task's last switch belongs to thread -1, which lives on.
    if (prev < 0 && type === 'exit') {
      type = 'block';
      blockState = prevState;
    }
    this.#send(runner, type, t, stolenBefore + stolenSlice, cpu, t, line, type === 'block' ? blockState : '');
    if (dead && prevTid > 0) this.#slot(prevTid).exited = true;
    if (this.firstSwitchNs < 0) this.firstSwitchNs = t;
    this.lastSwitchNs = t;
    slot.tprev = t;
    if (prevSlot.onCpu === cpu) prevSlot.onCpu = -1;
    if (nextTid !== 0) nextSlot.onCpu = cpu;
    slot.currentSlot = nextSlot;
    if (before === undefined) return undefined;
    const after = runner.context;
    return {
      timeNs: t,
      cpu,
      tid: prev,
      name: prev === 0 ? '<idle>' : (prevSlot.comm ?? ':' + String(prev)),
      waitNs: after.sleepNs + after.iowaitNs + after.preemptNs - wait0,
      delayNs: after.delayNs - delay0,
      runNs: after.runNs - run0,
      stolenNs: after.stolenNs - stolen0,
      state: prev === 0 ? 'I' : stateChar,
      line,
    };
  }

  /** Highest CPU number seen, plus one. */
  get cpus(): number {
    return this.#cpus.length;
  }

  // Every machine with its key: retired ones first, then the live ones.
  #machines(): { key: TaskId; runner: Runner }[] {
    const out = [...this.#retired];
    for (const [tid, slot] of this.#tasks) if (slot.runner !== undefined) out.push({ key: tid, runner: slot.runner });
    this.#cpus.forEach((slot, cpu) => {
      if (slot.idle !== undefined) out.push({ key: `idle/${String(cpu)}`, runner: slot.idle });
    });
    return out;
  }

  /** @returns every task that ran (slices > 0), idle tasks included, in perf's thread order */
  tasks(): TaskRecord[] {
    const out: TaskRecord[] = [];
    const retired = new Set(this.#retired.map((r) => r.runner));
    for (const { key, runner } of this.#machines()) {
      const idle = typeof key === 'string';
      const tid = idle ? 0 : key;
      const slot = idle ? undefined : this.#tasks.get(tid);
      out.push({
        tid,
        cpu: idle ? Number(key.slice(5)) : -1,
        comm: idle ? '<idle>' : (slot?.comm ?? ':' + String(tid)),
        context: runner.context,
        dead: !idle && (runner.done || slot?.exited === true || retired.has(runner)),
        migrations: slot?.migrations ?? 0,
        parent: slot?.parent ?? -1,
      });
    }
    // perf walks its thread table: 256 buckets by tid (as unsigned: thread −1 is in the last), each in tid order.
    const bucket = (tid: number): number => (tid >>> 0) % 256;
    return out.sort((a, b) => bucket(a.tid) - bucket(b.tid) || a.tid - b.tid || a.cpu - b.cpu);
  }

  /** @returns every anomaly the machines recorded (the first ones of each task, in detail) */
  anomalies(): AnomalyReport {
    let count = 0;
    const details: Anomaly[] = [];
    const retired = new Set(this.#retired.map((r) => r.runner));
    for (const { runner } of this.#machines()) {
      if (retired.has(runner)) continue;
      count += runner.context.anomalyCount;
      details.push(...runner.context.anomalies);
    }
    details.sort((a, b) => (a.atNs ?? 0) - (b.atNs ?? 0));
    return { count, details };
  }
}
