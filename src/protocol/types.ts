/**
 * The protocol's messages, v1: what another simulator's host sends `schedacct serve` (one JSON value per line) or an
 * in-process caller gives `createSession().request(message)`, and what comes back (the replies are in `replies.ts`, re-exported here). The host owns time: every request
 * carries `now`; every 64-bit value (ns, counters, stolen totals) travels as a string of decimal digits ({@link U64}).
 * The JSON Schema of these messages (`schema/protocol.schema.json`) is generated from this file. Runtime-neutral.
 * @module
 */
import type { Abi } from '../host/emulated-writer.js';
import type { TaskId } from '../accounting/anomaly.js';
import type { StealPolicy } from '../accounting/steal.js';
import type { Reply, SessionSnapshot } from './replies.js';

export type * from './replies.js';

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
 * The longest reply a line gets, characters (64 Mi): a request (or batch) whose reply would be longer is answered with
 * `reply-too-long` and not applied. JSON text past a few hundred MB cannot even be built in JavaScript.
 * @example
 * ```ts
 * MAX_REPLY_CHARS; // 67108864
 * ```
 */
export const MAX_REPLY_CHARS: number = 1 << 26;

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
