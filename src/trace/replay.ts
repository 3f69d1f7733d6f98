/**
 * Replay: the domain path from a trace's events to charged slices. Normalized scheduler events drive one task
 * machine per task (and one per CPU's idle task), with perf's `sched timehist` semantics; the machines book into the
 * ledger, and the reports read the ledger.
 *
 * perf charges the task switched out at `t` on CPU `c` for `t − tprev`, `tprev` being the previous switch on `c`,
 * even where the trace lost the switch that put it there. The replay therefore dispatches lazily: at a switch-out it
 * sends the task's machine `dispatch` at `tprev` and then the switch-out at `t` (at the CPU's first switch both at
 * `t`: a zero-length slice that still counts, as perf counts it). Wakeups and migrations of a task the trace shows on
 * a CPU do not reach its machine (perf ignores them too). A dispatch after lost events says so (`lost`), so an
 * inconsistency it causes is recorded as `lost-event`.
 * @module
 */
import { Ledger } from '../accounting/ledger.js';
import { stealState } from '../accounting/steal.js';
import { checkReplayOptions, checkTraceEvent } from './check-trace.js';
import type { TaskEvent, TaskInput } from '../machines/task.js';
import { checkEngine, startTask, TaskSender, type Engine, type TaskRunner } from './engine.js';
import type {
  ExitEvent,
  ForkEvent,
  MigrateEvent,
  RuntimeEvent,
  SwitchEvent,
  TraceEvent,
  WakeupEvent,
} from './events.js';
import { FinishedTasks } from './finished-tasks.js';
import { checkCompat, switchOutOf, type Compat } from './perf-compat.js';
import { infoRow, markAccount, rowFrom, type AccountMark, type InfoRow, type TimehistRow } from './rows.js';
import { anomaliesOf, TaskOrder, type AnomalyReport, type TaskRecord } from './records.js';
import { checkPlace, CpuSlot, ReadingClock, TaskSlot } from './slots.js';
import { addRuntime, sliceSteal, type StealEstimate } from './steal-estimate.js';
import { IdleHist } from './idle-hist.js';
import type { ReplayOptions } from './replay-options.js';

export type { ReplayOptions } from './replay-options.js';

// (a Replay's #apply, for applyChecked below: set by the class's static block)
let applyOf: (replay: Replay, event: TraceEvent, rows: boolean) => TimehistRow | InfoRow | undefined;

/**
 * Replays normalized events into a ledger.
 * @example
 * ```ts
 * const replay = new Replay({ compat: 'perf-6.1' });
 * const line = 'sh 42 [000] 1.000000000: sched:sched_switch: prev_comm=sh prev_pid=42 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120';
 * const parsed = parsePerfScriptLine(line, 1);
 * if (parsed.type === 'event') replay.push(parsed.event); // the row perf prints for the switch
 * replay.ledger.tasks().length; // 1: task 42's account
 * ```
 */
export class Replay {
  /** Where every task's totals and every anomaly are booked. */
  readonly ledger: Ledger;
  readonly #engine: Engine;
  readonly #compat: Compat;
  readonly #input: Omit<TaskInput, 'task'>;
  readonly #countMigrations: boolean;
  readonly #next: boolean;
  readonly #idleHist: IdleHist | undefined;
  readonly #tasks = new Map<number, TaskSlot>();
  readonly #cpus: CpuSlot[] = [];
  readonly #finished = new FinishedTasks();
  // perf's thread order, kept until the next event or finished task
  #order: TaskOrder | undefined = undefined;
  readonly #mark: AccountMark = { waitNs: 0, delayNs: 0, runNs: 0, stolenNs: 0 };
  /** Steal estimated from `sched_stat_runtime`: slices that had runtime events, and the signed and clamped sums. */
  readonly steal: StealEstimate = { slices: 0, signedNs: 0, clampedNs: 0 };
  #sawWaking = false;
  /** Time of the first switch, ns (−1 before any). */
  firstSwitchNs = -1;
  /** Time of the last switch, ns. */
  lastSwitchNs = -1;
  // The earliest and latest switch as readings: the window the summary's scheduling time spans.
  #minSwitch = Number.POSITIVE_INFINITY;
  #maxSwitch = Number.NEGATIVE_INFINITY;
  /** Events read, by kind. */
  // prettier-ignore
  readonly counts: Record<TraceEvent['kind'], number> = { switch: 0, wakeup: 0, migrate: 0, fork: 0, exit: 0, runtime: 0 };
  /** Events whose time is before the previous event's (perf sorts; a text trace may not be). */
  outOfOrder = 0;
  /** Switches whose outgoing task is not the one the CPU last switched in: lost events (perf's "context switch bugs"). */
  switchBugs = 0;
  #lastTime = -1;
  #now = 0; // the reading of the event #sample took last
  // The machines' readings: ns since a base, safe integers however long the machine was up, time jumps left out.
  readonly #clock = new ReadingClock();
  readonly #sender: TaskSender;

  /**
   * @param options - see {@link ReplayOptions}
   * @throws {@link SchedacctError} `invalid-argument` for options that are not an object, an unknown compat, engine or
   *   policy, a `strict` or `migrations` that is not a boolean, or a `ledger` that is not a Ledger
   */
  constructor(options: ReplayOptions = {}) {
    checkReplayOptions(options);
    this.#compat = checkCompat(options.compat);
    this.#engine = checkEngine(options.engine);
    this.ledger = options.ledger ?? new Ledger({ strict: options.strict ?? false });
    this.#input = {
      counterHz: 1_000_000_000,
      widthBits: 64,
      delayAfterPreempt: this.#compat === 'current',
      policy: options.policy ?? 'drop',
      ledger: this.ledger,
    };
    stealState(this.#input.policy ?? 'drop', 0); // validates the policy now, not at the first event
    this.#countMigrations = options.migrations ?? false;
    this.#next = options.next ?? false;
    this.#idleHist = options.idleHist === true ? new IdleHist() : undefined;
    this.#sender = new TaskSender(this.#engine);
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
    // (cpu < MAX_CPUS, checked by #sample: the table never grows past it)
    while (this.#cpus.length <= cpu) this.#cpus.push(new CpuSlot());
    return this.#cpus[cpu] as CpuSlot;
  }

  // The task's live machine, started at its first event (after an exit, a new task under the same tid).
  #runnerOf(slot: TaskSlot): TaskRunner {
    let runner = slot.runner;
    if (runner === undefined) {
      runner = startTask(this.#engine, { ...this.#input, task: slot.tid });
      slot.runner = runner;
    }
    return runner;
  }

  // An ended task keeps a compact row (its account in the ledger); its machine and slot go, its tid starts afresh.
  #finish(slot: TaskSlot, runner: TaskRunner): void {
    const { tid } = slot;
    const row = this.ledger.finish(runner.context.account);
    this.#finished.add(tid, slot.comm ?? ':' + String(tid), slot.parent, slot.migrations, row, slot.pid);
    this.#idleHist?.finish(slot);
    runner.stop?.();
    slot.runner = undefined;
    slot.finished = true;
    if (this.#tasks.get(tid) === slot) this.#tasks.delete(tid);
  }

  // A new task under a tid whose task the trace never showed ending (its last switch lost): that one ended first.
  #reused(tid: number): void {
    const old = this.#tasks.get(tid);
    if (old?.runner !== undefined) this.#finish(old, old.runner);
  }

  #idleRunner(slot: CpuSlot, cpu: number): TaskRunner {
    slot.idle ??= startTask(this.#engine, { ...this.#input, task: `idle/${String(cpu)}` });
    return slot.idle;
  }

  // Sends a task event at a reading (see ReadingClock): a number, no BigInt arithmetic.
  #send(
    runner: TaskRunner,
    type: TaskEvent['type'],
    at: number,
    stolenTotalNs: number,
    cpu: number,
    line: number,
    state = '',
    toCpu = -1,
    untracked = false,
    lost = false,
  ): void {
    const atNs = this.#clock.timeOf(at);
    this.#sender.send(runner, type, at, stolenTotalNs, cpu, atNs, line, state, toCpu, untracked, lost);
  }

  /**
   * Applies one event.
   * @param event - the event
   * @returns the timehist row for a switch, the info row for a wakeup or migration, else undefined
   * @throws {@link SchedacctError} `invalid-argument` or `out-of-range` for an event that is not one (an unknown kind,
   *   a time that is not a whole number of ns, a CPU at or above `MAX_CPUS`, a tid or comm of the wrong type);
   *   `strict-anomaly` at the first anomaly of a strict ledger
   */
  push(event: TraceEvent): TimehistRow | InfoRow | undefined {
    checkTraceEvent('event', event);
    return this.#apply(event, true);
  }

  /**
   * Applies one event without building its row: the same totals as {@link Replay.push}, for summaries.
   * @param event - the event
   * @throws {@link SchedacctError} as {@link Replay.push}
   */
  apply(event: TraceEvent): void {
    checkTraceEvent('event', event);
    this.#apply(event, false);
  }

  static {
    applyOf = (replay, event, rows) => replay.#apply(event, rows);
  }

  // Each kind's method reads only its own kind's events (one shape each, from a reader that fills one object per
  // kind): their property reads, and #sample's arguments, stay monomorphic.
  #apply(e: TraceEvent, rows: boolean): TimehistRow | InfoRow | undefined {
    this.#order = undefined;
    const kind = e.kind;
    if (kind === 'switch') return this.#switch(e, rows);
    if (kind === 'runtime') this.#runtime(e);
    else if (kind === 'wakeup') return this.#wakeup(e, rows);
    else if (kind === 'migrate') return this.#migrate(e, rows);
    else if (kind === 'fork') this.#fork(e);
    else this.#exit(e);
    return undefined;
  }

  // What every event says of its sample (time, reading, CPU, comm); mostly the CPU's current task: no lookup then.
  #sample(timeNs: number, cpu: number, tid: number, line: number, comm: string, pid?: number, ppid?: number): TaskSlot {
    checkPlace(cpu, timeNs);
    if (timeNs < this.#lastTime) this.outOfOrder++;
    this.#lastTime = timeNs;
    this.#now = this.#clock.reading(timeNs, this.ledger, cpu, line);
    const cpus = this.#cpus;
    const current = cpu < cpus.length ? (cpus[cpu] as CpuSlot).currentSlot : this.#cpu(cpu).currentSlot;
    const sample = current !== undefined && current.tid === tid && !current.finished ? current : this.#slot(tid);
    if (tid !== 0) sample.comm = comm;
    sample.process(pid, ppid);
    return sample;
  }

  #runtime(e: RuntimeEvent): void {
    this.counts.runtime++;
    const sample = this.#sample(e.timeNs, e.cpu, e.tid, e.line, e.comm, e.pid, e.ppid);
    addRuntime(sample.tid === e.targetTid ? sample : this.#slot(e.targetTid), e.runtimeNs);
  }

  #fork(e: ForkEvent): void {
    this.counts.fork++;
    this.#sample(e.timeNs, e.cpu, e.tid, e.line, e.comm, e.pid, e.ppid);
    this.#reused(e.childTid);
    const child = this.#slot(e.childTid);
    if (e.childComm !== '') child.comm = e.childComm;
    child.parent = e.parentTid;
  }

  #exit(e: ExitEvent): void {
    this.counts.exit++;
    this.#sample(e.timeNs, e.cpu, e.tid, e.line, e.comm, e.pid, e.ppid);
    this.#slot(e.targetTid).exited = true;
  }

  #wakeup(e: WakeupEvent, rows: boolean): InfoRow | undefined {
    this.counts.wakeup++;
    this.#sample(e.timeNs, e.cpu, e.tid, e.line, e.comm, e.pid, e.ppid);
    if (e.variant === 'waking') this.#sawWaking = true;
    else if (e.variant === 'wakeup' && this.#sawWaking) return undefined; // perf ignores wakeup when waking exists
    if (e.variant === 'wakeup_new') this.#reused(e.targetTid);
    const target = this.#slot(e.targetTid);
    if (e.targetComm !== '') target.comm = e.targetComm;
    target.process(e.targetPid);
    if (target.onCpu < 0 && e.targetTid !== 0) {
      this.#send(this.#runnerOf(target), 'wakeup', this.#now, target.stolenTotalNs, e.cpu, e.line);
    }
    this.#idleHist?.woken(target, this.#now);
    if (!rows || this.#idleHist !== undefined) return undefined;
    return infoRow(e, this.#name(e.tid), this.#label(e.targetTid));
  }

  #migrate(e: MigrateEvent, rows: boolean): InfoRow | undefined {
    this.counts.migrate++;
    this.#sample(e.timeNs, e.cpu, e.tid, e.line, e.comm, e.pid, e.ppid);
    const target = this.#slot(e.targetTid);
    if (e.targetComm !== '') target.comm = e.targetComm;
    target.process(e.targetPid);
    if (this.#countMigrations) target.migrations++;
    if (target.onCpu < 0) {
      const runner = this.#runnerOf(target);
      this.#send(runner, 'migrate', this.#now, target.stolenTotalNs, e.origCpu, e.line, '', e.destCpu);
    }
    if (!rows || this.#idleHist !== undefined) return undefined;
    return infoRow(e, this.#name(e.tid), this.#label(e.targetTid));
  }

  // Names on wakeup and migration lines: the waker's (#name), the target's `comm[tid]` (#label, made anew on a change).
  #name(tid: number): string {
    return tid === 0 ? 'swapper' : (this.#tasks.get(tid)?.comm ?? ':' + String(tid));
  }

  #label(tid: number): string {
    return this.#slot(tid).labelText();
  }

  #switch(e: SwitchEvent, rows: boolean): TimehistRow | undefined {
    const { timeNs, cpu, line, prevTid, nextTid } = e;
    this.counts.switch++;
    const prevSlot = this.#sample(e.timeNs, e.cpu, e.tid, e.line, e.comm, e.pid, e.ppid);
    const t = this.#now;
    const slot = this.#cpus[cpu] as CpuSlot;
    const prev = e.tid; // perf attributes the row to the sample's thread (prevSlot is its record)
    const nextSlot = this.#slot(nextTid);
    if (prev !== 0 && e.prevComm !== '') prevSlot.comm = e.prevComm;
    if (nextTid !== 0 && e.nextComm !== '') nextSlot.comm = e.nextComm;
    const tprev = slot.tprev;
    const lost = slot.hasCurrent && slot.current !== prevTid;
    if (lost) this.switchBugs++;
    slot.hasCurrent = true;
    slot.current = nextTid;
    const runner = prev === 0 ? this.#idleRunner(slot, cpu) : this.#runnerOf(prevSlot);
    const account = runner.context.account;
    if (rows) markAccount(account, this.#mark);
    // The stolen total a task's readings carry is the steal it has suffered so far: its own clock, monotonic across
    // CPUs; this slice adds what the trace's runtime events say was stolen in it.
    const stolenBefore = prev === 0 ? slot.idleStolenTotalNs : prevSlot.stolenTotalNs;
    const stolenSlice = sliceSteal(this.steal, prevSlot, nextSlot, cpu, tprev, t);
    if (prev === 0) slot.idleStolenTotalNs = stolenBefore + stolenSlice;
    else prevSlot.stolenTotalNs = stolenBefore + stolenSlice;
    // perf: at a CPU's first switch the switch-in time is unknown; the row counts, with every delta 0.
    if (tprev === 0) this.#send(runner, 'dispatch', t, stolenBefore, cpu, line, '', -1, true);
    else this.#send(runner, 'dispatch', tprev, stolenBefore, cpu, line, '', -1, false, lost);
    const out = switchOutOf(this.#compat, e.prevState, prev);
    this.#send(runner, out.type, t, stolenBefore + stolenSlice, cpu, line, out.blockState);
    if (out.dead && prevTid > 0) this.#slot(prevTid).exited = true;
    if (this.firstSwitchNs < 0) this.firstSwitchNs = timeNs;
    this.lastSwitchNs = timeNs;
    if (t < this.#minSwitch) this.#minSwitch = t;
    if (t > this.#maxSwitch) this.#maxSwitch = t;
    slot.tprev = t;
    if (prevSlot.onCpu === cpu) prevSlot.onCpu = -1;
    if (nextTid !== 0) nextSlot.onCpu = cpu;
    slot.currentSlot = nextSlot;
    const idle = this.#idleHist?.switched(cpu, prev === 0 ? undefined : prevSlot, prevTid, nextTid, t, tprev, out);
    const name = prev === 0 ? '<idle>' : (prevSlot.comm ?? ':' + String(prev));
    if (prev !== 0 && runner.done) this.#finish(prevSlot, runner);
    // perf's exit handling: a dead task's last switch on another thread's sample (perf's −1) still ends it
    else if (out.dead && prevTid > 0 && prevTid !== prev) this.#reused(prevTid);
    if (!rows || idle === false) return undefined;
    const state = prev === 0 ? 'I' : out.stateChar;
    // (-I: a task's row shows no deltas)
    if (idle === true && prev !== 0) markAccount(account, this.#mark);
    const row = rowFrom(account, this.#mark, timeNs, cpu, prev, name, state, line, prevSlot.pid);
    return this.#next ? { ...row, next: `${e.nextTracepointComm ?? e.nextComm}[${String(nextTid)}]` } : row;
  }

  /** A replay with `idleHist` (perf's `-I`): its rows and records are that report's. */
  get idleHist(): boolean {
    return this.#idleHist !== undefined;
  }

  /** Highest CPU number seen, plus one. */
  get cpus(): number {
    return this.#cpus.length;
  }

  /** The time the switches span, ns: earliest to latest, in any order given, time jumps left out; 0 before two. */
  get schedulingNs(): number {
    return this.#maxSwitch > this.#minSwitch ? this.#maxSwitch - this.#minSwitch : 0;
  }

  /** @returns every task a machine ran for, idle tasks included, in perf's thread order */
  tasks(): TaskRecord[] {
    return Array.from(this.eachTask());
  }

  /**
   * Every task as {@link Replay.tasks} lists them, one record at a time: what a report over millions of tasks reads,
   * as each record is made when it is reached and not held.
   * @yields {TaskRecord} the tasks, in perf's thread order
   */
  *eachTask(): Generator<TaskRecord, void, undefined> {
    const order = this.#taskOrder();
    for (let k = 0; k < order.length; k++) yield order.at(k);
  }

  #taskOrder(): TaskOrder {
    this.#order ??= new TaskOrder(this.#finished, this.ledger, this.#tasks, this.#cpus, this.#idleHist);
    return this.#order;
  }

  /** @returns the anomalies the machines recorded (malformed lines are the reader's: see `ReadResult.malformed`) */
  anomalies(): AnomalyReport {
    return anomaliesOf(this.ledger, (kind) => kind !== 'malformed-line');
  }
}

/**
 * As {@link Replay.push} (`rows`) or {@link Replay.apply}, for an event its reader checked (perf.data's): no second check.
 * @param replay - the replay
 * @param event - the event
 * @param rows - make its row
 * @returns its row, with `rows`
 * @internal
 */
export function applyChecked(replay: Replay, event: TraceEvent, rows: boolean): TimehistRow | InfoRow | undefined {
  return applyOf(replay, event, rows);
}
