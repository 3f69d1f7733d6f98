/**
 * The protocol's messages, v1: what another simulator's host sends `schedacct serve` (one JSON value per line) or an
 * in-process caller gives `createSession().request(message)`, and what comes back. The host owns time: every request
 * carries `now`; every 64-bit value (ns, counters, stolen totals) travels as a string of decimal digits ({@link U64}).
 * The JSON Schema of these messages (`schema/protocol.schema.json`) is generated from this file. Runtime-neutral.
 * @module
 */
import type { Abi } from '../host/emulated-writer.js';
import type { AnomalyKind, TaskId } from '../accounting/anomaly.js';
import type { StealPolicy } from '../accounting/steal.js';

/**
 * The protocol's name, as `hello` gives and takes it.
 * @example
 * ```ts
 * PROTOCOL_NAME; // 'schedacct'
 * ```
 */
export const PROTOCOL_NAME = 'schedacct';
/**
 * The protocol version this server speaks: `major.minor`; a client's major must equal it.
 * @example
 * ```ts
 * PROTOCOL_VERSION.split('.')[0]; // '1', the major a client's hello must name
 * ```
 */
export const PROTOCOL_VERSION = '1.0';
/**
 * The longest line a transport reads, bytes (1 MiB): a longer one is answered with `line-too-long` and skipped.
 * @example
 * ```ts
 * MAX_LINE_BYTES; // 1048576
 * ```
 */
export const MAX_LINE_BYTES: number = 1 << 20;
/**
 * The most requests one batch (a JSON array on one line) may hold.
 * @example
 * ```ts
 * MAX_BATCH; // 100000
 * ```
 */
export const MAX_BATCH = 100_000;

/**
 * A 64-bit unsigned value as decimal digits, e.g. `"1500000"` (JSON numbers lose precision past 2^53). Times and
 * durations are ns; inside a session times must stay below 2^53 ns (104 days) and counters below 2^64.
 */
export type U64 = string;

/** A request's id, echoed in its reply: a number or a string, chosen by the client. */
export type RequestId = number | string;

/** Protocol features a side can want and the server offers (`hello`): only those both name are on. */
export type Feature = 'model' | 'step' | 'snapshot' | 'batch' | 'readings' | 'abi-bytes';

/**
 * Every {@link Feature} this server offers.
 * @example
 * ```ts
 * FEATURES.includes('snapshot'); // true
 * ```
 */
export const FEATURES: readonly Feature[] = ['model', 'step', 'snapshot', 'batch', 'readings', 'abi-bytes'];

/** A vCPU's state as the host sets it: runnable time is steal; paused is a whole-VM stop (not steal); offline. */
export type VcpuState = 'running' | 'runnable' | 'paused' | 'offline';

/** A task event's type: the task machine's events. */
export type TaskEventType = 'create' | 'wakeup' | 'dispatch' | 'preempt' | 'block' | 'migrate' | 'exit';

// ─── requests ───────────────────────────────────────────────────────────────────────────────────────────────────────

/** What every request has. */
export interface RequestBase {
  /** Echoed in the reply; without one, an error reply names the input line instead. */
  readonly id?: RequestId;
  /** The host's time now, ns: never below the previous request's (except after `snapshot.set`). */
  readonly now: U64;
}

/** Opens the session: protocol name, version and wanted features. Must come first. */
export interface HelloRequest extends RequestBase {
  /** Method. */
  readonly method: 'hello';
  /** Parameters. */
  readonly params: {
    /** Must be `"schedacct"`. */
    readonly protocol: string;
    /** `major` or `major.minor`; major 1. */
    readonly version: string;
    /** The client's name, for logs. */
    readonly client?: string;
    /** Features wanted (default: every one offered). Unknown ones are not an error: they are not granted. */
    readonly features?: readonly string[];
  };
}

/** Model mode: the host runs the guest too, and sends vCPU states and task events; schedacct charges. */
export interface ModelOpenRequest extends RequestBase {
  /** Method. */
  readonly method: 'model.open';
  /** Parameters. */
  readonly params: {
    /** vCPUs, 1–8192; numbered from 0. Each starts `running` with a stolen total of 0 at this request's `now`. */
    readonly vcpus: number;
    /** The structure the guest reads steal through (default `x86`: KVM's `kvm_steal_time`). */
    readonly abi?: Abi;
    /** Steal beyond a slice: `drop` (default, current kernels) or `carry`. */
    readonly stealPolicy?: StealPolicy;
    /** Counter frequency of readings, Hz (default 1e9: the counter is ns, as `now`). */
    readonly counterHz?: number;
    /** Count offline time as steal (default: true for `xen`, whose steal is runnable + offline; false otherwise). */
    readonly offlineIsSteal?: boolean;
    /** Count the time from a preemption to the next run as scheduling delay (default true, as current perf). */
    readonly delayAfterPreempt?: boolean;
  };
}

/** A vCPU's state changes at `now` (both modes). */
export interface VcpuStateRequest extends RequestBase {
  /** Method. */
  readonly method: 'vcpu.state';
  /** Parameters. */
  readonly params: {
    /** The vCPU. */
    readonly vcpu: number;
    /** Its new state. */
    readonly state: VcpuState;
  };
}

/**
 * Model mode: the host publishes a vCPU's stolen total itself, written into the ABI structure by the ABI's own
 * protocol (a host that keeps its own steal accounting). Later `vcpu.state` steal adds to it.
 */
export interface VcpuStealRequest extends RequestBase {
  /** Method. */
  readonly method: 'vcpu.steal';
  /** Parameters: `stolenTotalNs`, or (feature `abi-bytes`) the structure's bytes as the host wrote them. */
  readonly params: {
    /** The vCPU. */
    readonly vcpu: number;
    /** The new stolen total, ns (any value: a total going backwards is the guest's anomaly to find). */
    readonly stolenTotalNs?: U64;
    /** The ABI structure as hex (64 bytes for x86, 64 for arm64, 48 for xen), decoded by the ABI's decoder. */
    readonly bytes?: string;
  };
}

/** A reading the host took itself (feature `readings`): the vCPU's counter and stolen total as the guest read them. */
export interface WireReading {
  /** Counter, ticks at the session's `counterHz`. */
  readonly counter: U64;
  /** The vCPU's stolen total, ns. */
  readonly stolenTotalNs: U64;
  /** False when the read was not consistent (default true). */
  readonly consistent?: boolean;
}

/** Model mode: something happened to a task at `now`, on a vCPU. */
export interface TaskEventRequest extends RequestBase {
  /** Method. */
  readonly method: 'task.event';
  /** Parameters. */
  readonly params: {
    /** The task: a safe integer ≥ 0 or a non-empty string of at most 256 characters. */
    readonly task: TaskId;
    /** What happened. `create` first; after `exit` the id may be created again (a new account). */
    readonly type: TaskEventType;
    /** Where it happened: the vCPU it runs or ran on (`dispatch`, switch-outs), or is placed on. */
    readonly vcpu: number;
    /** `block`: the kernel's state letter (default `S`; `D` is iowait). */
    readonly state?: string;
    /** `migrate`: the vCPU it moves to. */
    readonly toVcpu?: number;
    /** The reading (default: the session takes it: counter from `now`, stolen total read through the ABI). */
    readonly reading?: WireReading;
  };
}

/** The ledger: every task's totals (or those named) and every vCPU's. */
export interface LedgerGetRequest extends RequestBase {
  /** Method. */
  readonly method: 'ledger.get';
  /** Parameters. */
  readonly params?: {
    /** Only these tasks (current accounts). */
    readonly tasks?: readonly TaskId[];
  };
}

/** The anomalies recorded, from index `since`. */
export interface AnomaliesGetRequest extends RequestBase {
  /** Method. */
  readonly method: 'anomalies.get';
  /** Parameters. */
  readonly params?: {
    /** The first to give (default 0). */
    readonly since?: number;
  };
}

/** The whole session state as one JSON value, for `snapshot.set` later (branch and roll back). */
export interface SnapshotGetRequest extends RequestBase {
  /** Method. */
  readonly method: 'snapshot.get';
  /** Parameters. */
  readonly params?: Record<string, never>;
}

/** Puts the session back to a snapshot: its state and its time (`now` may then be below the previous request's). */
export interface SnapshotSetRequest extends RequestBase {
  /** Method. */
  readonly method: 'snapshot.set';
  /** Parameters. */
  readonly params: {
    /** What `snapshot.get` gave, unchanged. */
    readonly snapshot: SessionSnapshot;
  };
}

/** Step mode: schedacct simulates the guest (a scenario as `schedacct simulate` takes it); the host supplies steal. */
export interface StepOpenRequest extends RequestBase {
  /** Method. */
  readonly method: 'step.open';
  /** Parameters. */
  readonly params: {
    /**
     * The scenario (the simulator's JSON; `host.steal` must be absent or `none`: steal comes from `vcpu.state`;
     * `durationMs` is ignored: the run ends at `bye`). Workload `trace` is not available here.
     */
    readonly scenario: Readonly<Record<string, unknown>>;
  };
}

/** Step mode: run the guest from `now` to `until`, or until the guest needs the host. */
export interface StepRequest extends RequestBase {
  /** Method. */
  readonly method: 'step';
  /** Parameters. */
  readonly params: {
    /** Host time to run to, ns (≥ `now`). */
    readonly until: U64;
    /** Return early when a vCPU goes idle or wakes from idle (default true). */
    readonly earlyReturn?: boolean;
  };
}

/** Ends the session (the stdio server exits 0 after the reply). */
export interface ByeRequest extends RequestBase {
  /** Method. */
  readonly method: 'bye';
  /** Parameters. */
  readonly params?: Record<string, never>;
}

/** Every request. A line may also hold a JSON array of requests: a batch, applied whole or not at all. */
export type Request =
  | HelloRequest
  | ModelOpenRequest
  | VcpuStateRequest
  | VcpuStealRequest
  | TaskEventRequest
  | LedgerGetRequest
  | AnomaliesGetRequest
  | SnapshotGetRequest
  | SnapshotSetRequest
  | StepOpenRequest
  | StepRequest
  | ByeRequest;

/** A method name. */
export type Method = Request['method'];

/**
 * Every method, in the order the docs list them.
 * @example
 * ```ts
 * METHODS[0]; // 'hello'
 * ```
 */
export const METHODS: readonly Method[] = [
  'hello',
  'model.open',
  'step.open',
  'vcpu.state',
  'vcpu.steal',
  'task.event',
  'step',
  'ledger.get',
  'anomalies.get',
  'snapshot.get',
  'snapshot.set',
  'bye',
];

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
  /** A line over {@link MAX_LINE_BYTES}. */
  | 'line-too-long'
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
    /** {@link MAX_LINE_BYTES}. */
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

// ─── the in-process API ─────────────────────────────────────────────────────────────────────────────────────────────

/** Options of `createSession`. */
export interface SessionOptions {
  /** How task machines run: the compiled stepper (default) or XState actors (same results, slower). */
  readonly engine?: 'compiled' | 'xstate';
  /** Where log lines go (the stdio server: stderr). Default: nowhere. */
  readonly log?: (line: string) => void;
}

/**
 * One protocol session: the same messages as `schedacct serve`, in process. A session never throws for a bad
 * message: it answers with an error reply, and its state is as before the message.
 */
export interface Session {
  /**
   * Answers one parsed message: a request object, or an array of them (a batch: every reply applied, or, when one
   * failed, that one's error and `batch-aborted` for the others, nothing applied).
   * @param message - a parsed JSON value
   * @returns the reply (an array for a batch)
   */
  request(message: unknown): Reply | Reply[];
  /**
   * Answers one line of text, as a transport does: counts the line, parses it and answers as
   * {@link Session.request}, as one line of JSON text (without the newline).
   * @param line - the line, without its newline
   * @returns the reply's text
   */
  requestLine(line: string): string;
  /** Whether `bye` was answered: the transport then ends the session. */
  readonly closed: boolean;
}

/**
 * A mode's handlers, which the session dispatches to after checking the envelope (`hello` first, `now` not going
 * backwards, the feature granted). A handler validates everything before it changes anything, and throws a
 * `ProtocolError` (its `path` relative to `params`) with its state unchanged.
 * @internal
 */
export interface SessionMode {
  /** Which mode. */
  readonly kind: 'model' | 'step';
  /**
   * Handles one request of the mode.
   * @param method - the method
   * @param params - its params (an object; `{}` when absent)
   * @param nowNs - the request's `now`, checked: a safe integer ≥ the session's time
   * @returns the result, and the session's time after it (≥ `nowNs`)
   */
  handle(method: Method, params: Readonly<Record<string, unknown>>, nowNs: number): { result: unknown; nowNs: number };
  /**
   * The mode's state as JSON (with {@link U64} strings, no bigints), for `snapshot.get` and batch rollback.
   * @returns the state
   */
  save(): unknown;
}
