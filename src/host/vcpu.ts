/**
 * The host's view of one vCPU: `running`, `runnable` (the vCPU thread waits for a physical CPU: steal accrues),
 * `paused` (the whole VM is stopped for migration or suspend: not steal, the guest's timeline has a gap) and
 * `offline`. The machine produces the stolen-time total a hypervisor publishes; like KVM, which adds the run-queue
 * delay at `vcpu_load`, the published total grows when the vCPU leaves `runnable` (and `offline`, for Xen, whose
 * steal is `time[runnable] + time[offline]`).
 * @module
 */
import { checkBigint, checkInstance, checkObject, checkOneOf, checkOptionalBoolean, checkWhole } from '../check.js';
import { not, setup } from 'xstate';
import type { Anomaly } from '../accounting/anomaly.js';
import { Ledger } from '../accounting/ledger.js';
import { SchedacctError } from '../errors.js';
import {
  compileMachine,
  toXStateActions,
  toXStateGuards,
  type CompiledMachine,
  type MachineImplementations,
} from '../machines/compile.js';
import type { Machine, MachineSetup, TransitionOf } from '../machines/machine-type.js';

/** An event of the vCPU machine. */
export interface VcpuEvent {
  /** What happened: the host scheduled or descheduled the vCPU thread, paused or resumed the VM, or took the vCPU offline or online. */
  readonly type: 'schedule' | 'deschedule' | 'pause' | 'resume' | 'offline' | 'online';
  /** Host time, ns. */
  readonly atNs: number;
}

/**
 * Every vCPU event type.
 * @example
 * ```ts
 * VCPU_EVENT_TYPES; // ['schedule', 'deschedule', 'pause', 'resume', 'offline', 'online']
 * ```
 */
export const VCPU_EVENT_TYPES: readonly VcpuEvent['type'][] = [
  'schedule',
  'deschedule',
  'pause',
  'resume',
  'offline',
  'online',
];

/** Configuration of a vCPU machine. */
export interface VcpuInput {
  /** The vCPU's index. */
  readonly vcpu: number;
  /** Host time the vCPU starts running, ns (default 0). */
  readonly startNs?: number;
  /** Count time offline as steal (Xen: yes; KVM and Arm PV time: no, the default). */
  readonly offlineIsSteal?: boolean;
  /** Where anomalies are recorded (default: a ledger of its own); `strict` is the ledger's. */
  readonly ledger?: Ledger;
}

/** Where a vCPU's host time went. */
export type VcpuBucket = 'running' | 'runnable' | 'paused' | 'offline';

const VCPU_BUCKETS: readonly VcpuBucket[] = ['running', 'runnable', 'paused', 'offline'];

/** The vCPU machine's context (flat). */
export interface VcpuContext {
  /** The vCPU's index. */
  readonly vcpu: number;
  /** See {@link VcpuInput.offlineIsSteal}. */
  readonly offlineIsSteal: boolean;
  /** Where its anomalies are recorded. */
  readonly ledger: Ledger;
  /** Host time of the last event. */
  nowNs: number;
  /** Host time the current state was entered. */
  enteredNs: number;
  /** The stolen total as published to the guest (what the ABI structure holds). */
  stolenTotalNs: bigint;
  /** Host time spent running. */
  runningNs: number;
  /** Host time spent runnable (steal). */
  runnableNs: number;
  /** Host time paused (not steal). */
  pausedNs: number;
  /** Host time offline. */
  offlineNs: number;
}

/**
 * The initial context.
 * @param input - the configuration
 * @returns a fresh context
 * @throws {@link SchedacctError} `invalid-argument` when `startNs` is not a whole number ≥ 0
 * @example
 * ```ts
 * createVcpuContext({ vcpu: 0, startNs: 1_000_000 }).enteredNs; // 1_000_000
 * ```
 */
export function createVcpuContext(input: VcpuInput): VcpuContext {
  checkObject('input', input);
  checkWhole('input.vcpu', input.vcpu);
  checkOptionalBoolean('input.offlineIsSteal', input.offlineIsSteal);
  if (input.ledger !== undefined) checkInstance('input.ledger', input.ledger, Ledger, 'a Ledger');
  const startNs = input.startNs ?? 0;
  if (!Number.isSafeInteger(startNs) || startNs < 0) {
    throw new SchedacctError('invalid-argument', `startNs must be a whole number ≥ 0, got ${String(startNs)}`);
  }
  return {
    vcpu: input.vcpu,
    offlineIsSteal: input.offlineIsSteal ?? false,
    ledger: input.ledger ?? new Ledger(),
    nowNs: startNs,
    enteredNs: startNs,
    stolenTotalNs: 0n,
    runningNs: 0,
    runnableNs: 0,
    pausedNs: 0,
    offlineNs: 0,
  };
}

/**
 * The stolen total a continuously updating hypervisor would show at `atNs` (Xen updates its runstate area on every
 * state change; KVM only at `vcpu_load`, which is {@link VcpuContext.stolenTotalNs}).
 * @param context - the vCPU's context
 * @param state - the vCPU's current state
 * @param atNs - host time, ns (≥ the last event's)
 * @returns the stolen total including the interval still in progress
 * @throws {@link SchedacctError} `invalid-argument` for a context that is not a vCPU's, an unknown state, or an `atNs` that is not a whole number ≥ 0
 * @example
 * ```ts
 * const vcpu = compileVcpuMachine().start(createVcpuContext({ vcpu: 0 }));
 * vcpu.send({ type: 'deschedule', atNs: 1_000_000 });
 * vcpu.context.stolenTotalNs; // 0n: KVM has not published yet
 * stolenAt(vcpu.context, 'runnable', 3_000_000); // 2_000_000n: what Xen would show
 * ```
 */
export function stolenAt(context: VcpuContext, state: VcpuBucket, atNs: number): bigint {
  checkObject('context', context);
  checkBigint('context.stolenTotalNs', context.stolenTotalNs);
  checkWhole('context.enteredNs', context.enteredNs);
  checkOneOf('state', state, VCPU_BUCKETS);
  checkWhole('atNs', atNs);
  const open = Math.max(0, atNs - context.enteredNs);
  const accruing = state === 'runnable' || (state === 'offline' && context.offlineIsSteal);
  return context.stolenTotalNs + (accruing ? BigInt(open) : 0n);
}

/** The vCPU machine's guards, by name, and the params each takes (none). */
export type VcpuGuardParams = {
  /** Host time did not go backwards. */
  monotonic: undefined;
};

/** The vCPU machine's actions, by name, and the params each takes. */
export type VcpuActionParams = {
  /** Adds the time since the state was entered to its bucket. */
  accrue: {
    /** The state left. */
    readonly from: VcpuBucket;
  };
  /** Starts the new state's interval. */
  enter: undefined;
  /** Records an anomaly. */
  recordAnomaly: {
    /** Which. */
    readonly kind: 'counter-backwards' | 'impossible-transition';
  };
};

/**
 * Guard and action implementations, shared by the XState machine and the compiled stepper.
 * @example
 * ```ts
 * const context = createVcpuContext({ vcpu: 0 });
 * vcpuImplementations.actions.accrue(context, { type: 'schedule', atNs: 2_000_000 }, { from: 'runnable' });
 * context.stolenTotalNs; // 2_000_000n
 * ```
 */
export const vcpuImplementations: MachineImplementations<VcpuContext, VcpuEvent, VcpuGuardParams, VcpuActionParams> = {
  guards: {
    // Host time did not go backwards.
    monotonic: (c, e) => e.atNs >= c.nowNs,
  },
  actions: {
    // Adds the time since the state was entered to its bucket (and to the published steal where it is steal).
    accrue: (c, e, params) => {
      const from = params.from;
      const ns = Math.max(0, e.atNs - c.enteredNs);
      if (from === 'running') c.runningNs += ns;
      else if (from === 'runnable') c.runnableNs += ns;
      else if (from === 'paused') c.pausedNs += ns;
      else c.offlineNs += ns;
      if (from === 'runnable' || (from === 'offline' && c.offlineIsSteal)) c.stolenTotalNs += BigInt(ns);
    },
    // Starts the new state's interval.
    enter: (c, e) => {
      const at = Math.max(e.atNs, c.nowNs);
      c.nowNs = at;
      c.enteredNs = at;
    },
    // Records an anomaly (host time backwards, or an event the state does not allow).
    recordAnomaly: (c, e, params) => {
      const kind = params.kind;
      const anomaly: Anomaly = {
        kind,
        message:
          kind === 'counter-backwards'
            ? `host time went backwards (${String(e.atNs)} < ${String(c.nowNs)} ns); the interval counts as 0`
            : `'${e.type}' is not possible in this state; ignored`,
        cpu: c.vcpu,
        atNs: e.atNs,
      };
      c.ledger.recordAnomaly(anomaly);
    },
  },
};

/** The vCPU machine's type (its state value is the bucket its host time goes to). */
export type VcpuMachine = Machine<VcpuContext, VcpuEvent, VcpuInput, VcpuGuardParams, VcpuActionParams, VcpuBucket>;

/** The vCPU machine's setup: its `createMachine` checks the guards and actions a definition names, and their params. */
export const vcpuSetup: MachineSetup<VcpuContext, VcpuEvent, VcpuInput, VcpuGuardParams, VcpuActionParams> = setup({
  types: { context: {} as VcpuContext, events: {} as VcpuEvent, input: {} as VcpuInput },
  guards: toXStateGuards(vcpuImplementations),
  actions: toXStateActions(vcpuImplementations),
});

type VcpuTransition = TransitionOf<VcpuContext, VcpuEvent, VcpuGuardParams, VcpuActionParams, VcpuBucket>;

function move(from: VcpuBucket, target: VcpuBucket): VcpuTransition[] {
  return [
    {
      guard: not('monotonic'),
      target,
      actions: [{ type: 'recordAnomaly', params: { kind: 'counter-backwards' } }, 'enter'],
    },
    { target, actions: [{ type: 'accrue', params: { from } }, 'enter'] },
  ];
}

const impossible: VcpuTransition = {
  actions: [{ type: 'recordAnomaly', params: { kind: 'impossible-transition' } }],
};

/**
 * The host view of a vCPU.
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { vcpuMachine } from 'schedacct';
 *
 * const actor = createActor(vcpuMachine, { input: { vcpu: 0 } }).start();
 * actor.send({ type: 'deschedule', atNs: 1_000_000 });
 * actor.send({ type: 'schedule', atNs: 3_000_000 });
 * actor.getSnapshot().context.stolenTotalNs; // 2_000_000n
 * ```
 */
export const vcpuMachine: VcpuMachine = vcpuSetup.createMachine({
  id: 'vcpu',
  context: ({ input }) => createVcpuContext(input),
  initial: 'running',
  // Events a state does not handle: recorded and ignored.
  on: {
    schedule: impossible,
    deschedule: impossible,
    pause: impossible,
    resume: impossible,
    offline: impossible,
    online: impossible,
  },
  states: {
    running: {
      description: 'The vCPU thread is on a physical CPU.',
      on: {
        deschedule: move('running', 'runnable'),
        pause: move('running', 'paused'),
        offline: move('running', 'offline'),
      },
    },
    runnable: {
      description: 'Waiting for a physical CPU: steal accrues.',
      on: {
        schedule: move('runnable', 'running'),
        pause: move('runnable', 'paused'),
        offline: move('runnable', 'offline'),
      },
    },
    paused: {
      description: 'The whole VM is stopped (migration, suspend): not steal; the guest timeline has a gap.',
      on: { resume: move('paused', 'running') },
    },
    offline: {
      description: 'The vCPU is down (hotplug); steal only where the ABI counts it (Xen).',
      on: { online: move('offline', 'running') },
    },
  },
});

/**
 * The vCPU machine compiled to a table-driven stepper.
 * @returns the compiled machine: `compileVcpuMachine().start(createVcpuContext(input))`
 * @example
 * ```ts
 * const vcpu = compileVcpuMachine().start(createVcpuContext({ vcpu: 0 }));
 * vcpu.send({ type: 'deschedule', atNs: 1_000_000 });
 * vcpu.send({ type: 'schedule', atNs: 3_000_000 }); // KVM publishes the wait at vcpu_load
 * vcpu.context.stolenTotalNs; // 2_000_000n
 * ```
 */
export function compileVcpuMachine(): CompiledMachine<VcpuContext, VcpuEvent> {
  // Compiled once: the tables are immutable and every start() makes an independent instance.
  compiledVcpuMachine ??= compileMachine(vcpuMachine, vcpuImplementations);
  return compiledVcpuMachine;
}

let compiledVcpuMachine: CompiledMachine<VcpuContext, VcpuEvent> | undefined;
