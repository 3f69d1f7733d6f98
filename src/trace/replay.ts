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
  switchOutEvent,
  taskMachine,
  type TaskContext,
  type TaskEvent,
  type TaskInput,
  type TaskReading,
} from '../machines/task.js';
import type { StealPolicy } from '../accounting/steal.js';
import type { TraceEvent } from './events.js';

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

/** Replays normalized events. */
export class Replay {
  readonly #engine: Engine;
  readonly #input: Omit<TaskInput, 'task'>;
  readonly #countMigrations: boolean;
  readonly #perf61: boolean;
  readonly #runners = new Map<TaskId, Runner>();
  readonly #retired: { key: TaskId; runner: Runner }[] = [];
  readonly #sliceRuntime = new Map<number, number>();
  readonly #switchedIn = new Map<number, { cpu: number; t: number }>();
  readonly #stolen = new Map<TaskId, number>();
  /** Steal estimated from `sched_stat_runtime`: slices that had runtime events, and the signed and clamped sums. */
  readonly steal: StealEstimate = { slices: 0, signedNs: 0, clampedNs: 0 };
  readonly #tprev = new Map<number, number>();
  readonly #onCpu = new Map<number, number>();
  readonly #comms = new Map<number, string>();
  readonly #exited = new Set<number>();
  readonly #parents = new Map<number, number>();
  readonly #migrations = new Map<number, number>();
  #sawWaking = false;
  #maxCpu = -1;
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
  readonly #current = new Map<number, number>();
  #lastTime = -1;

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
  }

  #runner(key: TaskId): Runner {
    let runner = this.#runners.get(key);
    if (runner === undefined || runner.done) {
      // A tid seen again after its task exited is a new task (perf starts a new thread); keep the old one's totals.
      if (runner !== undefined) this.#retired.push({ key, runner });
      runner = createRunner(this.#engine, { ...this.#input, task: key });
      this.#runners.set(key, runner);
    }
    return runner;
  }

  static #reading(ns: number, cpu: number, line: number, stolenNs = 0): TaskReading {
    return { counter: BigInt(ns), stolenNs: BigInt(stolenNs), cpu, atNs: ns, line };
  }

  /**
   * Applies one event.
   * @param event - the event
   * @returns the timehist row for a switch, the info row for a wakeup or migration, else undefined
   */
  push(event: TraceEvent): TimehistRow | InfoRow | undefined {
    this.counts[event.kind]++;
    if (event.timeNs < this.#lastTime) this.outOfOrder++;
    this.#lastTime = event.timeNs;
    if (event.cpu > this.#maxCpu) this.#maxCpu = event.cpu;
    if (event.tid !== 0 && this.#comms.get(event.tid) !== event.comm) this.#comms.set(event.tid, event.comm);
    switch (event.kind) {
      case 'switch':
        return this.#switch(event);
      case 'wakeup': {
        if (event.variant === 'waking') this.#sawWaking = true;
        else if (event.variant === 'wakeup' && this.#sawWaking) return undefined; // perf ignores wakeup when waking exists
        if (event.targetComm !== '') this.#comms.set(event.targetTid, event.targetComm);
        if (!this.#onCpu.has(event.targetTid) && event.targetTid !== 0) {
          this.#runner(event.targetTid).send({
            type: 'wakeup',
            reading: Replay.#reading(event.timeNs, event.cpu, event.line, this.#stolen.get(event.targetTid) ?? 0),
          });
        }
        return {
          kind: 'wakeup',
          timeNs: event.timeNs,
          cpu: event.cpu,
          tid: event.tid,
          name: this.#name(event.tid, 'swapper'),
          target: this.#label(event.targetTid),
        };
      }
      case 'migrate': {
        if (this.#countMigrations)
          this.#migrations.set(event.targetTid, (this.#migrations.get(event.targetTid) ?? 0) + 1);
        if (!this.#onCpu.has(event.targetTid)) {
          this.#runner(event.targetTid).send({
            type: 'migrate',
            reading: Replay.#reading(event.timeNs, event.origCpu, event.line, this.#stolen.get(event.targetTid) ?? 0),
            toCpu: event.destCpu,
          });
        }
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
      case 'fork':
        if (event.childComm !== '') this.#comms.set(event.childTid, event.childComm);
        this.#parents.set(event.childTid, event.parentTid);
        return undefined;
      case 'exit':
        this.#exited.add(event.targetTid);
        return undefined;
      case 'runtime':
        this.#sliceRuntime.set(event.targetTid, (this.#sliceRuntime.get(event.targetTid) ?? 0) + event.runtimeNs);
        return undefined;
      default:
        return undefined;
    }
  }

  #name(tid: number, idle = '<idle>'): string {
    return tid === 0 ? idle : (this.#comms.get(tid) ?? ':' + String(tid));
  }

  #label(tid: number): string {
    return `${this.#comms.get(tid) ?? ':' + String(tid)}[${String(tid)}]`;
  }

  #switch(event: Extract<TraceEvent, { kind: 'switch' }>): TimehistRow {
    const t = event.timeNs;
    const cpu = event.cpu;
    const prev = event.tid; // perf attributes the row to the sample's thread
    if (prev !== 0 && event.prevComm !== '') this.#comms.set(prev, event.prevComm);
    if (event.nextTid !== 0 && event.nextComm !== '') this.#comms.set(event.nextTid, event.nextComm);
    const tprev = this.#tprev.get(cpu) ?? 0;
    const current = this.#current.get(cpu);
    if (current !== undefined && current !== event.prevTid) this.switchBugs++;
    this.#current.set(cpu, event.nextTid);
    const key: TaskId = prev === 0 ? `idle/${String(cpu)}` : prev;
    const runner = this.#runner(key);
    const before = runner.context;
    const wait0 = before.sleepNs + before.iowaitNs + before.preemptNs;
    const delay0 = before.delayNs;
    const run0 = before.runNs;
    const stolen0 = before.stolenNs;
    // Steal in this slice: wall time the task clock (sched_stat_runtime) did not count. The stolen total a task's
    // readings carry is the steal it has suffered so far: its own clock, monotonic across CPUs.
    const stolenBefore = this.#stolen.get(key) ?? 0;
    // Only from the task's own switch-in on this CPU: where the trace lost it, perf's t − tprev includes time the
    // task never ran (typically idle), and steal cannot be told from it.
    const runtime = this.#sliceRuntime.get(prev);
    const switchedIn = this.#switchedIn.get(prev);
    let slice = 0;
    if (
      runtime !== undefined &&
      tprev !== 0 &&
      switchedIn !== undefined &&
      switchedIn.cpu === cpu &&
      switchedIn.t === tprev
    ) {
      const estimate = t - tprev - runtime;
      this.steal.slices++;
      this.steal.signedNs += estimate;
      slice = Math.max(0, Math.min(estimate, t - tprev));
      this.steal.clampedNs += slice;
    }
    this.#sliceRuntime.delete(prev);
    this.#sliceRuntime.delete(event.nextTid);
    this.#switchedIn.delete(prev);
    this.#switchedIn.set(event.nextTid, { cpu, t });
    this.#stolen.set(key, stolenBefore + slice);
    // perf: at a CPU's first switch the switch-in time is unknown; the row counts, with every delta 0.
    runner.send(
      tprev === 0
        ? { type: 'dispatch', reading: Replay.#reading(t, cpu, event.line, stolenBefore), untracked: true }
        : { type: 'dispatch', reading: Replay.#reading(tprev, cpu, event.line, stolenBefore) },
    );
    // perf 6.1 files a wait by its own state character: only 'R' is preempt and 'D' iowait; everything else,
    // including a preempted 'R+' (its 'W'), is sleep. Current perf treats R and R+ alike as preempted.
    const stateChar = this.#perf61 ? perf61StateChar(event.prevState) : (event.prevState[0] ?? 'R');
    const reading = Replay.#reading(t, cpu, event.line, stolenBefore + slice);
    const dead = /^[XZ]/.test(event.prevState);
    const out: TaskEvent = dead
      ? { type: 'exit', reading }
      : this.#perf61
        ? stateChar === 'R'
          ? { type: 'preempt', reading }
          : { type: 'block', reading, state: stateChar }
        : switchOutEvent(event.prevState, reading);
    // perf drops a thread at its EXIT record, so an exiting task's last switch belongs to thread -1, which lives on.
    runner.send(
      prev < 0 && out.type === 'exit' ? { type: 'block', reading: out.reading, state: event.prevState } : out,
    );
    if (/^[XZ]/.test(event.prevState) && event.prevTid > 0) this.#exited.add(event.prevTid);
    const after = runner.context;
    if (this.firstSwitchNs < 0) this.firstSwitchNs = t;
    this.lastSwitchNs = t;
    this.#tprev.set(cpu, t);
    if (this.#onCpu.get(prev) === cpu) this.#onCpu.delete(prev);
    if (event.nextTid !== 0) this.#onCpu.set(event.nextTid, cpu);
    return {
      timeNs: t,
      cpu,
      tid: prev,
      name: this.#name(prev),
      waitNs: after.sleepNs + after.iowaitNs + after.preemptNs - wait0,
      delayNs: after.delayNs - delay0,
      runNs: after.runNs - run0,
      stolenNs: after.stolenNs - stolen0,
      state: prev === 0 ? 'I' : stateChar,
      line: event.line,
    };
  }

  /** Highest CPU number seen, plus one. */
  get cpus(): number {
    return this.#maxCpu + 1;
  }

  /** @returns every task that ran (slices > 0), idle tasks included, in perf's thread order */
  tasks(): TaskRecord[] {
    const out: TaskRecord[] = [];
    for (const [key, runner] of [...this.#retired.map((r) => [r.key, r.runner] as const), ...this.#runners]) {
      const idle = typeof key === 'string';
      const tid = idle ? 0 : key;
      const cpu = idle ? Number(key.slice(5)) : -1;
      out.push({
        tid,
        cpu,
        comm: idle ? '<idle>' : (this.#comms.get(tid) ?? ':' + String(tid)),
        context: runner.context,
        dead: !idle && (runner.done || this.#exited.has(tid) || this.#retired.some((r) => r.runner === runner)),
        migrations: this.#migrations.get(tid) ?? 0,
        parent: this.#parents.get(tid) ?? -1,
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
    for (const runner of this.#runners.values()) {
      count += runner.context.anomalyCount;
      details.push(...runner.context.anomalies);
    }
    details.sort((a, b) => (a.atNs ?? 0) - (b.atNs ?? 0));
    return { count, details };
  }
}
