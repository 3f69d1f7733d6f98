/**
 * The simulator run piecewise with a host that drives the vCPUs (the protocol's step mode): the engine's vCPUs have
 * no planned steal, the host pushes their events as they happen, and `advance` runs the guest to a host time or
 * returns right after the event that made a vCPU go idle or leave idle (the host may reuse it, or must run it). What
 * the guest did comes back as events in time order, each switch with the charge of the slice it closed, read from
 * the ledger. Times are the engine's host ns (0 at the start). Runtime-neutral.
 * @module
 */
import type { Anomaly } from '../accounting/anomaly.js';
import { Ledger } from '../accounting/ledger.js';
import { SchedacctError } from '../errors.js';
import type { VcpuBucket, VcpuContext, VcpuEvent } from '../host/vcpu.js';
import type { Engine } from '../trace/engine.js';
import { SimEngine } from './engine.js';
import { FIRST_TID, TaskState } from './engine-task.js';
import { parseKernel, tickNsec } from './kernel.js';
import { builtinPolicy } from './policies/index.js';
import type { PolicyName, ResolvedScenario, SimObserver, SimTaskRef } from './types.js';

/** One closed slice's charge, from the ledger: `runNs = chargedNs + stolenNs`. */
export interface SliceCharge {
  /** The task's tid. */
  readonly task: number;
  /** The vCPU it ran on. */
  readonly vcpu: number;
  /** Its dispatch, host ns. */
  readonly startNs: number;
  /** Its end, host ns. */
  readonly endNs: number;
  /** Wall time. */
  readonly runNs: number;
  /** Steal subtracted. */
  readonly stolenNs: number;
  /** Charged. */
  readonly chargedNs: number;
  /** The anomaly its readings raised, if any. */
  readonly anomaly?: Anomaly;
}

/** Something the guest did, at host ns `atNs`. */
export type SteppedEvent =
  | {
      readonly type: 'switch';
      readonly atNs: number;
      readonly vcpu: number;
      readonly prev?: { readonly task: number; readonly state: 'R' | 'S' | 'X' };
      readonly next?: number;
      readonly charge?: SliceCharge;
    }
  | { readonly type: 'wakeup' | 'create'; readonly atNs: number; readonly task: number; readonly vcpu: number }
  | {
      readonly type: 'migrate';
      readonly atNs: number;
      readonly task: number;
      readonly vcpu: number;
      readonly toVcpu: number;
    };

/** A task's state as its task machine has it (its state path joined by dots). */
export type SteppedTaskState =
  'unknown' | 'scheduled' | 'running' | 'preempted' | 'blocked.sleep' | 'blocked.iowait' | 'exited';

/** What {@link SimStepper.advance} did. */
export interface Advanced {
  /** Host ns reached. */
  readonly reachedNs: number;
  /** What happened, in time order. */
  readonly events: readonly SteppedEvent[];
  /** Why it returned: it reached the time, a vCPU went idle or left idle, or it ran its most events. */
  readonly reason: 'until' | 'vcpu-idle' | 'vcpu-busy' | 'event-limit';
  /** The vCPUs that went idle or left idle, on an early return. */
  readonly vcpus: readonly number[];
}

// Per task: its dispatch, and its account's figures then, for the charge of the slice it closes.
interface Slice {
  startNs: number;
  runNs: number;
  stolenNs: number;
  chargedNs: number;
}

const STATE_AFTER: Readonly<Record<'R' | 'S' | 'X', SteppedTaskState>> = {
  R: 'preempted',
  S: 'blocked.sleep',
  X: 'exited',
};

/**
 * A resolved scenario run piecewise, its vCPUs driven by a host.
 * @internal
 */
export class SimStepper {
  /** The run's one ledger. */
  readonly ledger: Ledger = new Ledger();
  readonly #engine: SimEngine;
  readonly #events: SteppedEvent[] = [];
  readonly #changed: number[] = [];
  readonly #slices: Slice[];
  readonly #states: SteppedTaskState[];
  #anomalies = 0;

  /**
   * @param scenario - the run (its steal, pauses and duration are not used: the host drives the vCPUs)
   * @param engine - how the machines run
   * @throws {@link SchedacctError} `invalid-argument` for a policy that is not a shipped one (or not in that kernel)
   */
  constructor(scenario: ResolvedScenario, engine: Engine) {
    const kernel = parseKernel(scenario.kernel);
    const policy = builtinPolicy(scenario.policy as PolicyName, kernel); // (it checks the name)
    const env = { cpus: scenario.cpus, hz: scenario.hz, tickNs: tickNsec(scenario.hz), kernel };
    const observer = this.#observer();
    const setup = { scenario, policy, env, engine, ledger: this.ledger, inputs: undefined, observer };
    this.#engine = new SimEngine({ ...setup, hostDriven: true });
    this.#slices = this.#engine.tasks.map(() => ({ startNs: 0, runNs: 0, stolenNs: 0, chargedNs: 0 }));
    this.#states = this.#engine.tasks.map(() => 'unknown');
    this.#engine.begin();
  }

  #observer(): SimObserver {
    return {
      onCreate: (atNs, cpu, task) => this.#placed('create', atNs, task, cpu),
      onWakeup: (atNs, _waker, task, target) => this.#placed('wakeup', atNs, task, target),
      onMigrate: (atNs, task, from, to) => {
        this.#events.push({ type: 'migrate', atNs, task: task.tid, vcpu: from, toVcpu: to });
      },
      onSwitch: (atNs, cpu, prev, prevState, next) => this.#switched(atNs, cpu, prev, prevState, next),
    };
  }

  #placed(type: 'create' | 'wakeup', atNs: number, task: SimTaskRef, vcpu: number): void {
    this.#states[task.tid - FIRST_TID] = 'scheduled';
    this.#events.push({ type, atNs, task: task.tid, vcpu });
  }

  #switched(
    atNs: number,
    vcpu: number,
    prev: SimTaskRef | undefined,
    prevState: 'R' | 'S' | 'X',
    next: SimTaskRef | undefined,
  ): void {
    if ((prev === undefined) !== (next === undefined) && !this.#changed.includes(vcpu)) this.#changed.push(vcpu);
    let charge: SliceCharge | undefined;
    if (prev !== undefined) {
      charge = this.#close(prev.tid, vcpu, atNs);
      this.#states[prev.tid - FIRST_TID] = STATE_AFTER[prevState];
    }
    if (next !== undefined) {
      const a = this.ledger.account(next.tid);
      const slice = this.#slices[next.tid - FIRST_TID] as Slice;
      slice.startNs = atNs;
      slice.runNs = a.runNs;
      slice.stolenNs = a.stolenNs;
      slice.chargedNs = a.chargedNs;
      this.#states[next.tid - FIRST_TID] = 'running';
    }
    this.#events.push({
      type: 'switch',
      atNs,
      vcpu,
      ...(prev === undefined ? {} : { prev: { task: prev.tid, state: prevState } }),
      ...(next === undefined ? {} : { next: next.tid }),
      ...(charge === undefined ? {} : { charge }),
    });
  }

  // The slice `task` just closed: its account's growth since its dispatch (the machine booked it before the switch).
  #close(task: number, vcpu: number, endNs: number): SliceCharge {
    const a = this.ledger.account(task);
    const s = this.#slices[task - FIRST_TID] as Slice;
    const count = this.ledger.anomalyCount();
    const last = count > this.#anomalies ? this.ledger.anomalies()[count - 1] : undefined;
    this.#anomalies = count;
    return {
      task,
      vcpu,
      startNs: s.startNs,
      endNs,
      runNs: a.runNs - s.runNs,
      stolenNs: a.stolenNs - s.stolenNs,
      chargedNs: a.chargedNs - s.chargedNs,
      ...(last?.task === task ? { anomaly: last } : {}),
    };
  }

  /**
   * Runs the guest's events due before host ns `untilNs`, or (with `earlyReturn`) up to the first after which a vCPU
   * went idle or left idle; at most `maxEvents` events.
   * @param untilNs - host ns, ≥ the time reached
   * @param earlyReturn - return after an event that made a vCPU go idle or leave idle
   * @param maxEvents - the most events to run
   * @returns what happened
   * @throws {@link SchedacctError} `invalid-argument` for a time before the time reached
   */
  advance(untilNs: number, earlyReturn: boolean, maxEvents: number): Advanced {
    if (!(untilNs >= this.reachedNs))
      throw new SchedacctError('invalid-argument', `advance to ${String(untilNs)} ns: before the time reached`);
    // (a host event since the last advance may have switched tasks already: those events come first, and with
    // earlyReturn they are the early return, at the time reached)
    if (!earlyReturn) this.#changed.length = 0;
    const budget = { left: maxEvents, spent: false };
    const stop = (): boolean => {
      if (earlyReturn && this.#changed.length > 0) return true;
      if (this.#changed.length > 0) this.#changed.length = 0;
      budget.spent = --budget.left <= 0;
      return budget.spent;
    };
    const reachedNs = this.#changed.length > 0 ? this.#reachedNs : this.#engine.advance(untilNs, stop);
    this.#reachedNs = reachedNs;
    const vcpus = [...this.#changed].sort((a, b) => a - b);
    const idle = vcpus.some((v) => (this.#engine.cpus[v]?.curr ?? -1) < 0);
    const reason = vcpus.length > 0 ? (idle ? 'vcpu-idle' : 'vcpu-busy') : budget.spent ? 'event-limit' : 'until';
    const events = this.#events.splice(0);
    this.#changed.length = 0;
    return { reachedNs, events, reason, vcpus };
  }

  #reachedNs = 0;

  /** Host ns the guest reached. */
  get reachedNs(): number {
    return this.#reachedNs;
  }

  /** Scheduling events the guest ran (the engine's count). */
  get events(): number {
    return this.#engine.events;
  }

  /** Host ns of the guest's next queued event (Infinity: none). */
  get nextEventNs(): number {
    return this.#engine.nextEventNs;
  }

  /** The vCPUs. */
  get vcpus(): number {
    return this.#engine.cpus.length;
  }

  /**
   * The vCPU machine's state.
   * @param vcpu - the vCPU
   * @returns its state
   */
  vcpuState(vcpu: number): VcpuBucket {
    return this.#cpu(vcpu).host.state;
  }

  /**
   * The vCPU machine's context (its buckets, the total it published).
   * @param vcpu - the vCPU
   * @returns the context
   */
  vcpuContext(vcpu: number): Readonly<VcpuContext> {
    return this.#cpu(vcpu).host.context;
  }

  /**
   * The stolen total the guest reads through the ABI now.
   * @param vcpu - the vCPU
   * @returns ns
   */
  readStolenNs(vcpu: number): number {
    return this.#cpu(vcpu).host.readStolenNs();
  }

  /**
   * Sends a host event to a vCPU at host ns `atNs`: no guest event may be due before it (advance first). A vCPU that
   * runs again does what it deferred now: the tasks it switches come with the next {@link SimStepper.advance}.
   * @param vcpu - the vCPU
   * @param type - the vCPU machine's event
   * @param atNs - host ns, ≥ the time reached, ≤ the next guest event
   * @throws {@link SchedacctError} `invalid-argument` for an unknown vCPU or a time the guest is not at
   */
  hostEvent(vcpu: number, type: VcpuEvent['type'], atNs: number): void {
    this.#engine.hostEvent(vcpu, { type, atNs });
    this.#reachedNs = atNs;
  }

  /**
   * The tasks, in tid order.
   * @returns each task's name, tid, migrations and the state of its machine
   */
  tasks(): { readonly name: string; readonly tid: number; readonly migrations: number; state: SteppedTaskState }[] {
    return this.#engine.tasks.map((t, i) => ({
      name: t.ref.name,
      tid: t.ref.tid,
      migrations: t.migrations,
      // (a task stopped while asleep or waking exits without a switch)
      state: t.state === TaskState.Exited ? 'exited' : (this.#states[i] as SteppedTaskState),
    }));
  }

  #cpu(vcpu: number): SimEngine['cpus'][number] {
    const c = this.#engine.cpus[vcpu];
    if (c === undefined) throw new SchedacctError('invalid-argument', `no vCPU ${String(vcpu)}`);
    return c;
  }
}
