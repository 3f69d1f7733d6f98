/**
 * The protocol's replies, v1: what a session answers (errors, each method's result). Part of the messages of
 * {@link "protocol/types"}, which re-exports them; the JSON Schema is generated from both. Runtime-neutral.
 * @module
 */
import type { Abi } from '../host/emulated-writer.js';
import type { AnomalyKind, TaskId } from '../accounting/anomaly.js';
import type { StealPolicy } from '../accounting/steal.js';
import type { Feature, Method, RequestId, U64, VcpuState } from './types.js';
// ─── replies ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** Why a request failed. Stable across v1. */
export type ErrorCode =
  /** The line is not JSON. */
  | 'parse-error'
  /** Not a request: not an object, no `method`, no `now`. */
  | 'invalid-request'
  /** A method this server does not know. */
  | 'unknown-method'
  /** A field missing, of the wrong type or out of range (`path` names it). */
  | 'invalid-params'
  /** `hello` with another protocol or major version. */
  | 'unsupported-version'
  /** A method before `hello`, or a second `hello`. */
  | 'no-hello'
  /** A mode's method before its `open`, or a second `open`. */
  | 'not-open'
  /** A method of the other mode, or of a feature not granted. */
  | 'wrong-mode'
  /** `now` below the previous request's. */
  | 'time-backwards'
  /** A task event for a task not created (or exited). */
  | 'unknown-task'
  /** An event the task's state does not allow (e.g. `dispatch` while running), or a vCPU state change its state does not. */
  | 'impossible-event'
  /** `dispatch` on a vCPU another task runs on. */
  | 'vcpu-busy'
  /** A task event on a vCPU that is not `running` (the guest cannot act while stolen, paused or offline). */
  | 'vcpu-not-running'
  /** A line over `MAX_LINE_BYTES` (1 MiB). */
  | 'line-too-long'
  /** A request whose reply would be over `MAX_REPLY_CHARS` (64 Mi characters): not applied; send fewer per line. */
  | 'reply-too-long'
  /** A batch's other requests when one failed: none was applied. */
  | 'batch-aborted'
  /** A bug in schedacct: the state is as before the request; please report it. */
  | 'internal';

/** An error reply's `error`. */
export interface WireError {
  /** Why. */
  readonly code: ErrorCode;
  /** A sentence for people: what was wrong and what to do. */
  readonly message: string;
  /** Where in the request, dotted (`params.reading.counter`, `[3].params.task` in a batch); `""` for the whole line. */
  readonly path: string;
}

/** A reply to a request that failed. The session's state is exactly as before that request. */
export interface ErrorReply {
  /** The request's id; null when it had none (or the line was not a request). */
  readonly id: RequestId | null;
  /** The input line (1-based), when the request had no id (transports count lines; in-process: the request's ordinal). */
  readonly line?: number;
  /** What went wrong. */
  readonly error: WireError;
}

/** A reply to a request that was applied. */
export interface OkReply<R = unknown> {
  /** The request's id; null when it had none. */
  readonly id: RequestId | null;
  /** The session's time after the request, ns (≥ the request's `now`). */
  readonly now: U64;
  /** The method's result. */
  readonly result: R;
}

/** A reply. A batch's reply is a JSON array of these, one per request, in order. */
export type Reply<R = unknown> = OkReply<R> | ErrorReply;

/** `hello`'s result. */
export interface HelloResult {
  /** `"schedacct"`. */
  readonly protocol: string;
  /** {@link PROTOCOL_VERSION}. */
  readonly version: string;
  /** The server. */
  readonly server: {
    /** `"schedacct"`. */
    readonly name: string;
    /** The package version. */
    readonly version: string;
  };
  /** The features now on: those the client wanted that the server offers. */
  readonly features: readonly Feature[];
  /** What the server can do. */
  readonly offers: {
    /** Every feature. */
    readonly features: readonly Feature[];
    /** Every method. */
    readonly methods: readonly Method[];
    /** ABIs of `model.open` (and of step-mode scenarios). */
    readonly abis: readonly Abi[];
    /** Steal policies. */
    readonly stealPolicies: readonly StealPolicy[];
    /** Scheduler policies of step mode. */
    readonly policies: readonly string[];
    /** Kernel versions of step mode: the oldest and newest modelled (`major.minor`). */
    readonly kernelVersions: {
      /** The oldest, `major.minor`. */
      readonly oldest: string;
      /** The newest, `major.minor`. */
      readonly newest: string;
    };
    /** `MAX_LINE_BYTES` (1 MiB). */
    readonly maxLineBytes: number;
    /** {@link MAX_BATCH}. */
    readonly maxBatch: number;
  };
}

/** `model.open`'s result: the configuration as resolved. */
export interface ModelOpenResult {
  /** vCPUs. */
  readonly vcpus: number;
  /** ABI. */
  readonly abi: Abi;
  /** Steal policy. */
  readonly stealPolicy: StealPolicy;
  /** Counter frequency, Hz. */
  readonly counterHz: number;
  /** Whether offline time is steal. */
  readonly offlineIsSteal: boolean;
  /** Whether time after a preemption counts as delay. */
  readonly delayAfterPreempt: boolean;
}

/** An anomaly on the wire. */
export interface WireAnomaly {
  /** What went wrong. */
  readonly kind: AnomalyKind;
  /** A sentence for people. */
  readonly message: string;
  /** The task, if any. */
  readonly task?: TaskId;
  /** When, ns. */
  readonly atNs?: U64;
  /** The vCPU, if any. */
  readonly vcpu?: number;
}

/** One closed slice's charge: `runNs = chargedNs + stolenNs`. */
export interface Charge {
  /** The task. */
  readonly task: TaskId;
  /** The vCPU it ran on. */
  readonly vcpu: number;
  /** When the slice began (its dispatch), ns. */
  readonly startNs: U64;
  /** When it ended, ns. */
  readonly endNs: U64;
  /** Wall time on the vCPU (`to_ns(Δcounter)`), ns. */
  readonly runNs: U64;
  /** Steal subtracted from it, ns. */
  readonly stolenNs: U64;
  /** What the task is charged, ns. */
  readonly chargedNs: U64;
  /** The anomaly its readings raised, if any (the charge is the clamped value). */
  readonly anomaly?: WireAnomaly;
}

/** `vcpu.state`'s and `vcpu.steal`'s result. */
export interface VcpuResult {
  /** The vCPU. */
  readonly vcpu: number;
  /** Its state now. */
  readonly state: VcpuState;
  /** The stolen total the guest reads now, ns. */
  readonly stolenTotalNs: U64;
}

/** The task machine's state, flattened: `blocked.sleep` and `blocked.iowait` for the nested one. */
export type WireTaskState =
  'unknown' | 'scheduled' | 'running' | 'preempted' | 'blocked.sleep' | 'blocked.iowait' | 'exited';

/** `task.event`'s result. */
export interface TaskEventResult {
  /** The task's state after the event. */
  readonly state: WireTaskState;
  /** The slice the event closed, if it closed one (`preempt`, `block`, `exit` while running). */
  readonly charges: readonly Charge[];
  /** Anomalies the event recorded (besides a charge's). */
  readonly anomalies: readonly WireAnomaly[];
}

/** One task's totals (the ledger's `TaskTotals`, times as {@link U64}). */
export interface WireTotals {
  /** The task. */
  readonly task: TaskId;
  /** Its machine's state (`exited` for an ended account). */
  readonly state: WireTaskState;
  /** Wall time on a vCPU. */
  readonly runNs: U64;
  /** Charged: run minus steal. */
  readonly chargedNs: U64;
  /** Steal subtracted. */
  readonly stolenNs: U64;
  /** Asleep. */
  readonly sleepNs: U64;
  /** In uninterruptible wait. */
  readonly iowaitNs: U64;
  /** Runnable after a preemption. */
  readonly preemptNs: U64;
  /** Scheduling delay. */
  readonly delayNs: U64;
  /** Slices. */
  readonly slices: number;
  /** Shortest slice. */
  readonly minSliceNs: U64;
  /** Longest slice. */
  readonly maxSliceNs: U64;
  /** Mean slice (rounded down to whole ns). */
  readonly meanSliceNs: U64;
  /** Migrations. */
  readonly migrations: number;
}

/** One vCPU's host time, by state, and its published stolen total. */
export interface WireVcpu {
  /** The vCPU. */
  readonly vcpu: number;
  /** Its state now. */
  readonly state: VcpuState;
  /** The stolen total the guest reads, ns. */
  readonly stolenTotalNs: U64;
  /** Host ns running, up to `now`. */
  readonly runningNs: U64;
  /** Host ns runnable (stolen). */
  readonly runnableNs: U64;
  /** Host ns paused. */
  readonly pausedNs: U64;
  /** Host ns offline. */
  readonly offlineNs: U64;
}

/** `ledger.get`'s result. */
export interface LedgerResult {
  /** Tasks, in the order they were created (an id created again after exit appears once per account). */
  readonly tasks: readonly WireTotals[];
  /** vCPUs. */
  readonly vcpus: readonly WireVcpu[];
}

/** `anomalies.get`'s result. */
export interface AnomaliesResult {
  /** How many were recorded in all. */
  readonly total: number;
  /** Recorded, by kind (kinds with none left out). */
  readonly counts: Readonly<Partial<Record<AnomalyKind, number>>>;
  /** Those from `since` on (the ledger keeps the first 1000 in detail). */
  readonly anomalies: readonly WireAnomaly[];
}

/** A session's state, opaque to the client: give it back to `snapshot.set` unchanged. */
export interface SessionSnapshot {
  /** `"schedacct-snapshot/1"`. */
  readonly format: string;
  /** The session's time, ns. */
  readonly now: U64;
  /** The mode and its state. */
  readonly [key: string]: unknown;
}

/** `snapshot.get`'s result. */
export interface SnapshotResult {
  /** The state. */
  readonly snapshot: SessionSnapshot;
}

/** `step.open`'s result. */
export interface StepOpenResult {
  /** The guest's vCPUs. */
  readonly vcpus: number;
  /** The scenario's tasks: name and tid. */
  readonly tasks: readonly {
    /** Its name in the scenario. */
    readonly name: string;
    /** Its tid: the `task` of its events. */
    readonly task: number;
  }[];
  /** The scheduler policy it runs. */
  readonly policy: string;
  /** The kernel version it models. */
  readonly kernel: string;
  /** The time of the guest's first event, ns. */
  readonly nextEventAt: U64 | null;
}

/** Something the simulated guest did, at `at` (host ns). */
export type StepEvent =
  | {
      /** A vCPU switched tasks (`prev` left, `next` came in; either may be absent: idle). */
      readonly type: 'switch';
      /** When. */
      readonly at: U64;
      /** The vCPU. */
      readonly vcpu: number;
      /** The task that left and how (`R` preempted, `S` asleep, `X` exited). */
      readonly prev?: {
        /** The task. */
        readonly task: number;
        /** How it left: `R` preempted, `S` asleep, `X` exited. */
        readonly state: 'R' | 'S' | 'X';
      };
      /** The task that came in. */
      readonly next?: number;
      /** The slice `prev` closed. */
      readonly charge?: Charge;
    }
  | {
      /** A task woke (or was created) and was placed on a vCPU. */
      readonly type: 'wakeup' | 'create';
      /** When. */
      readonly at: U64;
      /** The task. */
      readonly task: number;
      /** Where it was placed. */
      readonly vcpu: number;
    }
  | {
      /** A task moved between vCPUs. */
      readonly type: 'migrate';
      /** When. */
      readonly at: U64;
      /** The task. */
      readonly task: number;
      /** From. */
      readonly vcpu: number;
      /** To. */
      readonly toVcpu: number;
    };

/** Why a `step` returned (`event-limit`: it ran the most guest events one step runs; step again). */
export type StepReason = 'until' | 'vcpu-idle' | 'vcpu-busy' | 'event-limit';

/** `step`'s result. */
export interface StepResult {
  /** Host time reached, ns: `until`, or earlier on an early return. The session's time is then this. */
  readonly reached: U64;
  /** What happened, in time order. */
  readonly events: readonly StepEvent[];
  /** The time of the guest's next event, ns (null when none is planned). */
  readonly nextEventAt: U64 | null;
  /** Why it returned: it reached `until`, or a vCPU went idle or woke from idle (the host may reuse or must run it). */
  readonly reason: StepReason;
  /** The vCPUs whose idle state changed, on an early return. */
  readonly vcpus?: readonly number[];
}
