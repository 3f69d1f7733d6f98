// The reference the simulator's speed is measured against: a plain discrete-event loop that makes the same
// scheduling decisions as `simulate` with the EEVDF policy of Linux 6.18 (kernel/sched/fair.c as src/sim/policies/
// eevdf.ts transliterates it), with the same event-queue work and the same kernel arithmetic, and nothing else: no task
// machines, no ledger, no observer, no host (no steal, no pauses), no balancer (tasks are pinned), no argument checks.
// Same events: a task's start, a tick (only while the CPU is busy: NO_HZ), a wakeup at its sleep timer's end, a burst
// end that puts it to sleep, a context switch; counted as `SimResult.events` counts them, and a test
// (test/sim/e2e-reference.test.ts) checks that both count the same events and give each task the same run time.
// Same arithmetic: `update_rq_clock_task`'s steal step, `update_curr` by `calc_delta_fair` (`__calc_delta` exact in
// doubles), V as `avg_vruntime` keeps it (sums over the tree with curr out, `zero_vruntime` following V), eligibility
// without division, deadlines renewed by the base slice, RUN_TO_PARITY, lag clamped at a slice plus a tick and placed
// back scaled by (W + w) / W, half a slice for a new task, DELAY_DEQUEUE with DELAY_ZERO, wakeup preemption. Same
// pick: the tree is an array sorted by deadline (equal deadlines in insertion order), scanned for the first eligible
// entity, as the engine's run queue does. Per-task and per-CPU state in typed arrays and plain fields.

import { Heap } from './sim-reference-heap.ts';
import { Cpu, Eevdf, Tasks, type ReferenceTask } from './sim-reference-eevdf.ts';

// A fair task's nanosleep ends its timer slack late (timer_slack_ns, 50 µs: kernel/time/hrtimer.c), as in the engine.
const TIMER_SLACK_NS = 50_000;
export { calcFactor, mulShr, WEIGHTS, WMULTS, type ReferenceTask } from './sim-reference-eevdf.ts';

/** What a reference run did. */
export interface ReferenceResult {
  /** Scheduling events, counted as `SimResult.events` counts them: the sum of the kinds below. */
  readonly events: number;
  /** The events by kind. */
  readonly counts: { starts: number; ticks: number; wakeups: number; sleeps: number; switches: number };
  /** Each task's CPU time (task clock), ns. */
  readonly runNs: readonly number[];
}

// Event kinds.
const START = 0;
const TICK = 1;
const END = 2;
const TIMER = 3;

/** The reference loop over one scenario: the engine's steps (src/sim/engine.ts) for pinned tasks on a quiet host. */
class Loop extends Eevdf {
  readonly #cpus: Cpu[];
  readonly #heap = new Heap();
  readonly #tickNs: number;
  #g = 0;
  readonly counts = { starts: 0, ticks: 0, wakeups: 0, sleeps: 0, switches: 0 };

  constructor(cpus: number, hz: number, specs: readonly ReferenceTask[]) {
    const tickNs = Math.floor((1e9 + Math.floor(hz / 2)) / hz);
    // sysctl_sched_base_slice (0.70 ms since 6.15) × (1 + ilog2(min(cpus, 8)))
    super(new Tasks(specs), 700_000 * (1 + Math.floor(Math.log2(Math.min(cpus, 8)))), tickNs);
    this.#cpus = Array.from({ length: cpus }, () => new Cpu());
    this.#tickNs = tickNs;
  }

  // update_rq_clock with update_rq_clock_task's steal step (drop), then the task clock of the running task
  #updateRq(c: Cpu): void {
    const delta = this.#g - c.clockNs;
    let steal = c.stolenNs - c.prevStealNs;
    if (steal > delta) steal = delta;
    if (steal < 0) steal = 0;
    c.prevStealNs = c.stolenNs;
    c.clockNs = this.#g;
    c.clockTaskNs += delta - steal;
    const ran = c.clockTaskNs - c.taskExecNs;
    c.taskExecNs = c.clockTaskNs;
    if (ran > 0 && c.running >= 0) this.t.clockNs[c.running] = (this.t.clockNs[c.running] as number) + ran;
  }

  #armTick(c: Cpu, cpu: number): void {
    c.tickSeq = this.#heap.push((Math.floor(this.#g / this.#tickNs) + 1) * this.#tickNs, TICK, cpu);
  }

  #onTick(c: Cpu, cpu: number): void {
    this.counts.ticks++;
    this.#updateRq(c);
    if (this.tick(c)) this.#schedule(c, cpu, c.running, false);
    if (c.running >= 0 && c.tickSeq < 0) this.#armTick(c, cpu);
  }

  // a created or woken task enqueued, then the wakeup-preemption check
  #wake(task: number, initial: boolean): void {
    const cpu = this.t.cpu[task] as number;
    const c = this.#cpus[cpu] as Cpu;
    this.#updateRq(c);
    this.enqueue(c, task, initial);
    if (c.running < 0) this.#schedule(c, cpu, -1, false);
    else if (this.wakeupPreempt(c, task)) this.#schedule(c, cpu, c.running, false);
  }

  #schedule(c: Cpu, cpu: number, prev: number, slept: boolean): void {
    this.#updateRq(c);
    const next = this.pickNext(c);
    if (next === prev && !slept) return;
    this.counts.switches++;
    if (prev >= 0) c.endSeq = -1;
    c.running = next;
    if (next < 0) {
      c.tickSeq = -1; // NO_HZ: an idle CPU's tick stops
      return;
    }
    if (c.tickSeq < 0) this.#armTick(c, cpu);
    this.#planEnd(c, cpu);
  }

  // the running task's burst: its end planned from the work left, or over: it sleeps
  #planEnd(c: Cpu, cpu: number): void {
    const t = this.t;
    const task = c.running;
    if (task < 0 || t.burstEndNs[task] === Infinity) return;
    this.#updateRq(c);
    const left = (t.burstEndNs[task] as number) - (t.clockNs[task] as number);
    if (left > 0) {
      c.endSeq = this.#heap.push(this.#g + left, END, cpu);
      return;
    }
    t.burstEndNs[task] = (t.clockNs[task] as number) + (t.runNs[task] as number);
    const sleep = t.sleepNs[task] as number;
    if (sleep === 0) {
      this.#planEnd(c, cpu);
      return;
    }
    this.counts.sleeps++;
    this.dequeueSleep(c, task);
    this.#heap.push(this.#g + sleep + TIMER_SLACK_NS, TIMER, task);
    this.#schedule(c, cpu, task, true);
  }

  run(durationNs: number): ReferenceResult {
    const heap = this.#heap;
    const t = this.t;
    for (let task = 0; task < t.n; task++) heap.push(0, START, task);
    while (heap.nextTime < durationNs) {
      heap.pop();
      this.#g = heap.timeNs;
      const arg = heap.argOf;
      const kind = heap.kindOf;
      if (kind === TICK || kind === END) {
        const c = this.#cpus[arg] as Cpu;
        if (kind === TICK && heap.seqOf === c.tickSeq) {
          c.tickSeq = -1;
          this.#onTick(c, arg);
        } else if (kind === END && heap.seqOf === c.endSeq) {
          c.endSeq = -1;
          this.#planEnd(c, arg);
        }
      } else if (kind === START) {
        this.counts.starts++;
        t.burstEndNs[arg] = t.runNs[arg] as number;
        this.#wake(arg, true);
      } else {
        this.counts.wakeups++;
        this.#wake(arg, false);
      }
    }
    this.#g = durationNs;
    for (const c of this.#cpus) this.#updateRq(c);
    const k = this.counts;
    const events = k.starts + k.ticks + k.wakeups + k.sleeps + k.switches;
    return { events, counts: { ...k }, runNs: Array.from(t.clockNs) };
  }
}

/**
 * Runs the reference loop.
 * @param cpus - CPUs
 * @param hz - tick rate
 * @param durationNs - simulated time
 * @param tasks - the tasks, each pinned to its CPU
 * @returns the events it processed and each task's CPU time
 */
export function runReference(
  cpus: number,
  hz: number,
  durationNs: number,
  tasks: readonly ReferenceTask[],
): ReferenceResult {
  return new Loop(cpus, hz, tasks).run(durationNs);
}
