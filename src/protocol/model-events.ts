/**
 * Model mode's `task.event`: the checks (every one before anything changes), the readings (the counter from `now`,
 * the vCPU's stolen total read through the ABI and mapped per task as the kernel does per run queue), the send, and
 * the charge of the slice it closed. Runtime-neutral.
 * @module
 * @internal
 */
import type { TaskId } from '../accounting/anomaly.js';
import { MAX_SAFE_WHOLE, type ReadingValue } from '../accounting/reading.js';
import { TASK_EVENT_TYPES, type TaskEvent, type TaskReading } from '../machines/task.js';
import { bool, fieldError, isObject, oneOf, onlyKnown, taskId, u64, u64Ns, whole } from './decode.js';
import { ProtocolError } from './errors.js';
import { checkHandled, startRun, wireState } from './model-task.js';
import { type ModelParts, type TaskEntry } from './model-state.js';
import type { ModelVcpu } from './model-vcpu.js';
import type { Charge, TaskEventResult, TaskEventType, WireAnomaly } from './types.js';
import { u64Of, wireAnomaly } from './wire.js';

/** What model mode needs to know of the session. */
export interface ModelFeatures {
  /** How task machines run. */
  readonly engine: 'compiled' | 'xstate';
  /** Feature `readings` granted. */
  readonly readings: boolean;
  /** Feature `abi-bytes` granted. */
  readonly abiBytes: boolean;
}

/** A reading as a request gave it. */
interface GivenReading {
  readonly counter: ReadingValue;
  readonly stolenTotalNs: number;
  readonly consistent: boolean;
}

/** A checked `task.event`. */
interface Checked {
  readonly task: TaskId;
  readonly type: TaskEventType;
  readonly vcpu: ModelVcpu;
  readonly entry: TaskEntry | undefined;
  readonly running: boolean;
  readonly state: string;
  readonly to: ModelVcpu | undefined;
  readonly reading: GivenReading | undefined;
}

const SWITCH_OUTS: readonly string[] = ['preempt', 'block', 'exit'];
// (one frozen empty list for every reply without charges or anomalies)
const NONE: readonly never[] = Object.freeze([]);

function readingOf(value: unknown, features: ModelFeatures): GivenReading | undefined {
  if (value === undefined) return undefined;
  if (!features.readings)
    throw new ProtocolError('wrong-mode', "reading needs the feature 'readings' (ask for it in hello)", 'reading');
  if (!isObject(value)) throw fieldError('reading', 'an object {counter, stolenTotalNs, consistent?}', value);
  onlyKnown(value, 'reading', ['counter', 'stolenTotalNs', 'consistent']);
  const big = u64(value.counter, 'reading.counter');
  return {
    counter: big > BigInt(MAX_SAFE_WHOLE) ? big : Number(big),
    stolenTotalNs: u64Ns(value.stolenTotalNs, 'reading.stolenTotalNs'),
    consistent: bool(value.consistent, 'reading.consistent', true),
  };
}

function vcpuOf(p: ModelParts, value: unknown, path: string): ModelVcpu {
  return p.vcpus[whole(value, path, 0, p.vcpus.length - 1)] as ModelVcpu;
}

function notRunning(v: ModelVcpu, path: string): ProtocolError {
  return new ProtocolError(
    'vcpu-not-running',
    `vCPU ${v.index} is ${v.state}: the guest cannot act on it until it runs (vcpu.state running)`,
    path,
  );
}

// Every check of a task event, in a fixed order, before anything changes.
function check(p: ModelParts, params: Readonly<Record<string, unknown>>, features: ModelFeatures): Checked {
  onlyKnown(params, '', ['task', 'type', 'vcpu', 'state', 'toVcpu', 'reading']);
  const task = taskId(params.task, 'task');
  if (params.type === undefined) throw fieldError('type', `one of ${TASK_EVENT_TYPES.join(', ')}`, undefined);
  const type = oneOf(params.type, 'type', TASK_EVENT_TYPES, 'create');
  const vcpu = vcpuOf(p, params.vcpu, 'vcpu');
  if (params.state !== undefined && type !== 'block') throw fieldError('state', 'absent but for block', params.state);
  if (params.toVcpu !== undefined && type !== 'migrate')
    throw fieldError('toVcpu', 'absent but for migrate', params.toVcpu);
  const given = params.state;
  if (given !== undefined && (typeof given !== 'string' || !/^[A-Za-z+]{1,8}$/.test(given)))
    throw fieldError('state', "a kernel state letter such as 'S' or 'D'", given);
  const state = typeof given === 'string' ? given : 'S';
  const to = type === 'migrate' ? vcpuOf(p, params.toVcpu, 'toVcpu') : undefined;
  const reading = readingOf(params.reading, features);
  const entry = p.live.get(task);
  if (type === 'create' && entry !== undefined)
    throw new ProtocolError('invalid-params', `task ${String(task)} is live: create it again after its exit`, 'task');
  if (type !== 'create' && entry === undefined)
    throw new ProtocolError('unknown-task', `task ${String(task)} is not live: create it first`, 'task');
  if (vcpu.state !== 'running') throw notRunning(vcpu, 'vcpu');
  const path = entry?.run.path ?? ['unknown'];
  checkHandled(path, type);
  const running = path[0] === 'running';
  if (type === 'dispatch' && vcpu.running !== undefined)
    throw new ProtocolError(
      'vcpu-busy',
      `vCPU ${vcpu.index} runs task ${String(vcpu.running)}: switch it out first`,
      'vcpu',
    );
  if (running && entry !== undefined && entry.vcpu !== vcpu.index && (SWITCH_OUTS.includes(type) || type === 'migrate'))
    throw new ProtocolError(
      'invalid-params',
      `task ${String(task)} runs on vCPU ${entry.vcpu}: name that vCPU`,
      'vcpu',
    );
  if (running && to !== undefined && to !== vcpu) {
    if (to.state !== 'running') throw notRunning(to, 'toVcpu');
    if (to.running !== undefined)
      throw new ProtocolError('vcpu-busy', `vCPU ${to.index} runs task ${String(to.running)}`, 'toVcpu');
  }
  return { task, type, vcpu, entry, running, state, to, reading };
}

// A task's mapped total follows its vCPUs' totals exactly, so it goes down (even below 0) where a host's vcpu.steal
// lowered one mid-slice: the task machine's guard then sees steal-backwards, whatever the task's total was before.
// Clamping at 0 instead hid that when the total was still 0, and charged the next slice against a moved base.
const clampNs = (ns: number): number =>
  ns < -MAX_SAFE_WHOLE ? -MAX_SAFE_WHOLE : ns > MAX_SAFE_WHOLE ? MAX_SAFE_WHOLE : ns;

function counterAt(p: ModelParts, nowNs: number): ReadingValue {
  const hz = p.config.counterHz;
  if (hz === 1e9) return nowNs;
  const ticks = (BigInt(nowNs) * BigInt(hz)) / 1_000_000_000n;
  return ticks > BigInt(MAX_SAFE_WHOLE) ? ticks : Number(ticks);
}

function eventOf(c: Checked, reading: TaskReading): TaskEvent {
  if (c.type === 'block') return { type: 'block', reading, state: c.state };
  if (c.type === 'migrate') return { type: 'migrate', reading, toCpu: (c.to as ModelVcpu).index };
  return { type: c.type, reading };
}

function create(p: ModelParts, c: Checked, nowNs: number, engine: 'compiled' | 'xstate'): TaskEntry {
  const run = startRun(engine, {
    task: c.task,
    counterHz: p.config.counterHz,
    widthBits: 64,
    policy: p.config.stealPolicy,
    delayAfterPreempt: p.config.delayAfterPreempt,
    ledger: p.ledger,
  });
  const entry: TaskEntry = {
    task: c.task,
    seq: p.accounts.length,
    run,
    vcpu: c.vcpu.index,
    stolenTotalNs: 0,
    dispatchReadNs: 0,
    sliceStartNs: nowNs,
  };
  p.accounts.push(entry);
  p.live.set(c.task, entry);
  return entry;
}

// The session's marks before the send: where the task is, and its stolen total as its reading carries it.
function move(c: Checked, entry: TaskEntry, vcpuReadNs: number, nowNs: number): void {
  const v = c.vcpu;
  if (c.type === 'dispatch') {
    entry.dispatchReadNs = vcpuReadNs;
    entry.sliceStartNs = nowNs;
    entry.vcpu = v.index;
    v.running = entry.task;
  } else if (c.running && (SWITCH_OUTS.includes(c.type) || c.type === 'migrate')) {
    // As the kernel per run queue: the slice's steal is the vCPU's total now less at its dispatch.
    entry.stolenTotalNs = clampNs(entry.stolenTotalNs + vcpuReadNs - entry.dispatchReadNs);
    v.running = undefined;
    if (c.type === 'migrate') {
      const to = c.to as ModelVcpu;
      entry.dispatchReadNs = to.readStolenNs();
      entry.vcpu = to.index;
      to.running = entry.task;
    }
  } else if (c.type === 'migrate') entry.vcpu = (c.to as ModelVcpu).index;
  else if (!c.running && (c.type === 'wakeup' || c.type === 'create')) entry.vcpu = v.index; // a running task stays put
}

/**
 * Handles `task.event`.
 * @param p - the session's state
 * @param params - the params
 * @param nowNs - the request's time
 * @param features - the engine and the granted features
 * @param touch - called before a live task changes (the rollback journal)
 * @returns the result
 * @throws {@link ProtocolError} for a bad event (nothing changed)
 */
export function taskEvent(
  p: ModelParts,
  params: Readonly<Record<string, unknown>>,
  nowNs: number,
  features: ModelFeatures,
  touch: (entry: TaskEntry) => void,
): TaskEventResult {
  const c = check(p, params, features);
  if (c.entry !== undefined) touch(c.entry);
  const entry = c.entry ?? create(p, c, nowNs, features.engine);
  const account = entry.run.context.account;
  const startNs = entry.sliceStartNs;
  const runBefore = account.runNs;
  const stolenBefore = account.stolenNs;
  const chargedBefore = account.chargedNs;
  const vcpuReadNs = c.reading?.stolenTotalNs ?? c.vcpu.readStolenNs();
  move(c, entry, vcpuReadNs, nowNs);
  const reading: TaskReading = {
    counter: c.reading?.counter ?? counterAt(p, nowNs),
    stolenTotalNs: entry.stolenTotalNs,
    cpu: c.vcpu.index,
    atNs: nowNs,
    ...(c.reading?.consistent === false ? { consistent: false } : {}),
  };
  const pending = p.ledger.pending;
  pending.length = 0;
  entry.run.send(eventOf(c, reading));
  const recorded = pending.length === 0 ? NONE : pending.map(wireAnomaly);
  pending.length = 0;
  const state = wireState(entry.run.path);
  let charges: readonly Charge[] = NONE;
  let anomalies: readonly WireAnomaly[] = recorded;
  if (c.running && SWITCH_OUTS.includes(c.type)) {
    const [first, ...rest] = recorded;
    charges = [
      {
        task: c.task,
        vcpu: c.vcpu.index,
        startNs: u64Of(startNs),
        endNs: u64Of(nowNs),
        runNs: u64Of(account.runNs - runBefore),
        stolenNs: u64Of(account.stolenNs - stolenBefore),
        chargedNs: u64Of(account.chargedNs - chargedBefore),
        ...(first === undefined ? {} : { anomaly: first }),
      },
    ];
    anomalies = rest;
  }
  if (c.type === 'exit') finish(p, entry);
  return { state, charges, anomalies };
}

// An exited task's account is filed by the ledger; the id may be created again.
function finish(p: ModelParts, entry: TaskEntry): void {
  const account = entry.run.context.account;
  const migrations = entry.run.context.migrations;
  const row = p.ledger.finish(account);
  p.accounts[entry.seq] = { task: entry.task, row, record: account.toRecord(), migrations };
  p.live.delete(entry.task);
}
