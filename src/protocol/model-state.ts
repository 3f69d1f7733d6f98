/**
 * Model mode's state and its plain-JSON form: the accounts in the order they were opened (live tasks with their
 * machines, ended ones as the ledger filed them), the vCPUs with their machines and ABI bytes, the anomalies. The
 * same form serves `snapshot.get`/`snapshot.set` and a failed batch's rollback. Runtime-neutral.
 * @module
 * @internal
 */
import type { AccountRecord } from '../accounting/account.js';
import { ANOMALY_KINDS, type Anomaly, type AnomalyKind, type TaskId } from '../accounting/anomaly.js';
import { EMULATED_LAYOUT, memoryViews, type EmulatedMemory } from '../host/emulated-writer.js';
import { compileVcpuMachine, type VcpuBucket, type VcpuContext } from '../host/vcpu.js';
import { ProtocolError } from './errors.js';
import { ProtocolLedger } from './model-ledger.js';
import type { TaskContext } from '../machines/task.js';
import { decodeContext, encodeContext, resumeRun, type TaskRun } from './model-task.js';
import { ModelVcpu } from './model-vcpu.js';
import type { ModelOpenResult } from './types.js';

/** A live task of a model session. */
export interface TaskEntry {
  /** The task. */
  readonly task: TaskId;
  /** The order its account was opened in (its index in {@link ModelParts.accounts}). */
  readonly seq: number;
  /** Its machine. */
  run: TaskRun;
  /** The vCPU it runs on, or was last placed on. */
  vcpu: number;
  /**
   * Its stolen total as its machine's readings carry it: the vCPU steal of its slices (below 0 where a host lowered
   * a vCPU's total mid-slice).
   */
  stolenTotalNs: number;
  /** The vCPU's stolen total (as the guest read it) at the task's dispatch. */
  dispatchReadNs: number;
  /** Host time of its dispatch, ns. */
  sliceStartNs: number;
}

/** An ended task's account, as the ledger filed it. */
export interface FinishedEntry {
  /** The task. */
  readonly task: TaskId;
  /** Its row in the ledger's finished accounts. */
  readonly row: number;
  /** Its figures, for snapshots. */
  readonly record: AccountRecord;
  /** Migrations its machine counted. */
  readonly migrations: number;
}

/** The state of a model session. */
export interface ModelParts {
  /** The configuration. */
  readonly config: ModelOpenResult;
  /** The one ledger. */
  readonly ledger: ProtocolLedger;
  /** The vCPUs, by index. */
  readonly vcpus: ModelVcpu[];
  /** Every account, in the order opened. */
  readonly accounts: (TaskEntry | FinishedEntry)[];
  /** Live tasks by id. */
  readonly live: Map<TaskId, TaskEntry>;
}

/**
 * Whether a slot is a live task.
 * @param slot - a slot of {@link ModelParts.accounts}
 * @returns true for a live task
 */
export function isLive(slot: TaskEntry | FinishedEntry): slot is TaskEntry {
  return 'run' in slot;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A live task's figures, as a snapshot holds them. */
export interface TaskFigures {
  /** The task. */
  readonly task: TaskId;
  /** Its machine's state path. */
  readonly path: readonly string[];
  /** Its machine's context. */
  readonly context: TaskContext;
  /** Its account's figures. */
  readonly record: AccountRecord;
  /** See {@link TaskEntry.vcpu}. */
  readonly vcpu: number;
  /** See {@link TaskEntry.stolenTotalNs}. */
  readonly stolenTotalNs: number;
  /** See {@link TaskEntry.dispatchReadNs}. */
  readonly dispatchReadNs: number;
  /** See {@link TaskEntry.sliceStartNs}. */
  readonly sliceStartNs: number;
}

/**
 * A live task's figures in plain JSON.
 * @param f - the figures
 * @returns the JSON
 */
export function encodeFigures(f: TaskFigures): Record<string, unknown> {
  return {
    task: f.task,
    record: f.record,
    state: f.path.join('.'),
    context: encodeContext(f.context),
    vcpu: f.vcpu,
    stolenTotalNs: f.stolenTotalNs,
    dispatchReadNs: f.dispatchReadNs,
    sliceStartNs: f.sliceStartNs,
  };
}

/**
 * A live task's figures now (copies: the task may change afterwards).
 * @param entry - the task
 * @returns its figures
 */
export function taskFigures(entry: TaskEntry): TaskFigures {
  const { task, run, vcpu, stolenTotalNs, dispatchReadNs, sliceStartNs } = entry;
  const context = { ...run.context };
  return {
    task,
    path: run.path,
    context,
    record: context.account.toRecord(),
    vcpu,
    stolenTotalNs,
    dispatchReadNs,
    sliceStartNs,
  };
}

/**
 * A vCPU in plain JSON.
 * @param v - the vCPU
 * @returns the JSON
 */
export function encodeVcpu(v: ModelVcpu): Record<string, unknown> {
  const c = v.context;
  return {
    state: v.state,
    nowNs: c.nowNs,
    enteredNs: c.enteredNs,
    stolenTotalNs: c.stolenTotalNs.toString(),
    runningNs: c.runningNs,
    runnableNs: c.runnableNs,
    pausedNs: c.pausedNs,
    offlineNs: c.offlineNs,
    offsetNs: v.offsetNs.toString(),
    memory: hex(new Uint8Array(v.memory.buffer)),
  };
}

/**
 * The state in plain JSON, with some parts replaced (a rollback gives the state of the accounts and vCPUs as they
 * were before the batch touched them).
 * @param parts - the state
 * @param accounts - the accounts' JSON (default: each encoded as it is)
 * @param vcpus - the vCPUs' JSON (default: each encoded as it is)
 * @param anomalies - the anomalies' details and counts (default: the ledger's)
 * @param anomalies.details - the details, oldest first
 * @param anomalies.counts - counts per kind
 * @returns the JSON
 */
export function encodeParts(
  parts: ModelParts,
  accounts: unknown[] = parts.accounts.map(encodeSlot),
  vcpus: unknown[] = parts.vcpus.map(encodeVcpu),
  anomalies: { details: readonly Anomaly[]; counts: Record<AnomalyKind, number> } = {
    details: parts.ledger.anomalies(),
    counts: parts.ledger.anomalyCounts(),
  },
): Record<string, unknown> {
  const counts: Partial<Record<AnomalyKind, number>> = {};
  for (const kind of ANOMALY_KINDS) if (anomalies.counts[kind] > 0) counts[kind] = anomalies.counts[kind];
  return { config: { ...parts.config }, vcpus, accounts, anomalies: { counts, details: [...anomalies.details] } };
}

/**
 * A slot in plain JSON.
 * @param slot - a live task or an ended account
 * @returns the JSON
 */
export function encodeSlot(slot: TaskEntry | FinishedEntry): Record<string, unknown> {
  if (isLive(slot)) return encodeFigures(taskFigures(slot));
  return { task: slot.task, record: slot.record, migrations: slot.migrations, state: 'exited' };
}

// ─── decoding ─────────────────────────────────────────────────────────────────────────────────────────────────────

type Json = Record<string, unknown>;

function bad(path: string, why: string): never {
  throw new ProtocolError('invalid-params', `${path}: ${why}; give snapshot.set what snapshot.get gave`, path);
}

function obj(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad(path, 'not an object');
  return value as Json;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) return bad(path, 'not an array');
  return value;
}

function num(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return bad(path, 'not a whole number');
  return value;
}

function int(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return bad(path, 'not a whole number');
  return value;
}

function big(value: unknown, path: string): bigint {
  if (typeof value !== 'string' || !/^-?\d{1,20}$/.test(value)) return bad(path, 'not a decimal string');
  return BigInt(value);
}

function decodeVcpu(json: unknown, index: number, config: ModelOpenResult, ledger: ProtocolLedger, path: string) {
  const j = obj(json, path);
  const state = j.state;
  if (state !== 'running' && state !== 'runnable' && state !== 'paused' && state !== 'offline')
    return bad(`${path}.state`, 'not a vCPU state');
  const context: VcpuContext = {
    vcpu: index,
    offlineIsSteal: config.offlineIsSteal,
    ledger,
    nowNs: num(j.nowNs, `${path}.nowNs`),
    enteredNs: num(j.enteredNs, `${path}.enteredNs`),
    stolenTotalNs: big(j.stolenTotalNs, `${path}.stolenTotalNs`),
    runningNs: num(j.runningNs, `${path}.runningNs`),
    runnableNs: num(j.runnableNs, `${path}.runnableNs`),
    pausedNs: num(j.pausedNs, `${path}.pausedNs`),
    offlineNs: num(j.offlineNs, `${path}.offlineNs`),
  };
  const text = j.memory;
  if (typeof text !== 'string' || !/^[0-9a-f]*$/.test(text) || text.length !== EMULATED_LAYOUT.size * 2)
    return bad(`${path}.memory`, `not ${EMULATED_LAYOUT.size} bytes of hex`);
  const buffer = new SharedArrayBuffer(EMULATED_LAYOUT.size);
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  const memory: EmulatedMemory = memoryViews(buffer);
  const machine = compileVcpuMachine().resume(state satisfies VcpuBucket, context);
  return new ModelVcpu(index, config.abi, machine, big(j.offsetNs, `${path}.offsetNs`), memory);
}

function decodeSlot(json: unknown, parts: ModelParts, engine: 'compiled' | 'xstate', path: string): void {
  const j = obj(json, path);
  const seq = parts.accounts.length;
  const account = parts.ledger.restore(obj(j.record, `${path}.record`) as unknown as AccountRecord);
  if (j.task !== account.task) bad(`${path}.task`, 'not its record’s task');
  if (j.state === 'exited') {
    const row = parts.ledger.finish(account);
    const migrations = num(j.migrations, `${path}.migrations`);
    parts.accounts.push({ task: account.task, row, record: account.toRecord(), migrations });
    return;
  }
  if (typeof j.state !== 'string') return bad(`${path}.state`, 'not a task state');
  const context = decodeContext(j.context, parts.ledger, account, `${path}.context`);
  const statePath = j.state.split('.');
  const run = resumeRun(engine, statePath, context);
  if (parts.live.has(account.task)) bad(`${path}.task`, 'a second live task with this id');
  const vcpu = num(j.vcpu, `${path}.vcpu`);
  if (vcpu >= parts.vcpus.length) bad(`${path}.vcpu`, 'no such vCPU');
  const entry: TaskEntry = {
    task: account.task,
    seq,
    run,
    vcpu,
    stolenTotalNs: int(j.stolenTotalNs, `${path}.stolenTotalNs`),
    dispatchReadNs: num(j.dispatchReadNs, `${path}.dispatchReadNs`),
    sliceStartNs: num(j.sliceStartNs, `${path}.sliceStartNs`),
  };
  parts.accounts.push(entry);
  parts.live.set(entry.task, entry);
  if (run.path[0] === 'running') {
    const v = parts.vcpus[vcpu] as ModelVcpu;
    if (v.running !== undefined) bad(`${path}.vcpu`, 'two tasks running on one vCPU');
    v.running = entry.task;
  }
}

function decodeAnomalies(json: unknown, ledger: ProtocolLedger, path: string): void {
  const j = obj(json, path);
  const counts = obj(j.counts, `${path}.counts`);
  const out: Partial<Record<AnomalyKind, number>> = {};
  for (const [kind, n] of Object.entries(counts)) {
    if (!(ANOMALY_KINDS as readonly string[]).includes(kind)) bad(`${path}.counts.${kind}`, 'not an anomaly kind');
    out[kind as AnomalyKind] = num(n, `${path}.counts.${kind}`);
  }
  const details = list(j.details, `${path}.details`).map((a, i) => {
    const d = obj(a, `${path}.details[${i}]`);
    if (!(ANOMALY_KINDS as readonly unknown[]).includes(d.kind) || typeof d.message !== 'string')
      bad(`${path}.details[${i}]`, 'not an anomaly');
    return d as unknown as Anomaly;
  });
  ledger.loadAnomalies(details, out);
}

/**
 * A model session's state from {@link encodeParts}'s JSON.
 * @param json - the JSON
 * @param config - the configuration it was taken with (checked by the caller)
 * @param engine - how the task machines run
 * @param path - where in the request, for errors
 * @returns the state
 * @throws {@link ProtocolError} `invalid-params` for JSON that is not such a state
 */
export function decodeParts(
  json: unknown,
  config: ModelOpenResult,
  engine: 'compiled' | 'xstate',
  path: string,
): ModelParts {
  const j = obj(json, path);
  const at = (key: string): string => (path === '' ? key : `${path}.${key}`);
  const ledger = new ProtocolLedger();
  const vcpuJson = list(j.vcpus, at('vcpus'));
  if (vcpuJson.length !== config.vcpus) bad(at('vcpus'), `not ${config.vcpus} vCPUs`);
  const vcpus = vcpuJson.map((v, i) => decodeVcpu(v, i, config, ledger, `${at('vcpus')}[${i}]`));
  const parts: ModelParts = { config, ledger, vcpus, accounts: [], live: new Map() };
  list(j.accounts, at('accounts')).forEach((a, i) => {
    decodeSlot(a, parts, engine, `${at('accounts')}[${i}]`);
  });
  decodeAnomalies(j.anomalies, ledger, at('anomalies'));
  return parts;
}
