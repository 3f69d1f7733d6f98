/**
 * Model mode's vCPU methods (`vcpu.state` through the vCPU machine, `vcpu.steal` into the ABI structure) and its
 * queries (`ledger.get`, `anomalies.get`). Runtime-neutral.
 * @module
 * @internal
 */
import { ANOMALY_KINDS, type AnomalyKind, type TaskId } from '../accounting/anomaly.js';
import { MAX_SAFE_WHOLE } from '../accounting/reading.js';
import { decodeArmPvTime } from '../abi/arm-pvtime.js';
import { decodeKvmStealTime, KVM_STEAL_TIME_SIZE } from '../abi/kvm-steal-time.js';
import { decodeXenRunstate, XEN_RUNSTATE_SIZE, XEN_UPDATE_BIT, xenSteal } from '../abi/xen-runstate.js';
import type { Abi } from '../host/emulated-writer.js';
import { AbiError } from '../errors.js';
import { fieldError, oneOf, onlyKnown, taskId, u64Ns, whole } from './decode.js';
import { ProtocolError } from './errors.js';
import type { ModelFeatures } from './model-events.js';
import { isLive, type FinishedEntry, type ModelParts, type TaskEntry } from './model-state.js';
import { wireState } from './model-task.js';
import { VCPU_STATES, vcpuEventFor, type ModelVcpu } from './model-vcpu.js';
import type { AnomaliesResult, LedgerResult, VcpuResult, WireTotals } from './types.js';
import { wireAnomaly, wireTotals, wireVcpu } from './wire.js';

function vcpuResult(v: ModelVcpu): VcpuResult {
  return { vcpu: v.index, state: v.state, stolenTotalNs: String(v.readStolenNs()) };
}

/**
 * Handles `vcpu.state`: the vCPU machine's event for the change (the same state again changes nothing).
 * @param p - the session's state
 * @param params - the params
 * @param nowNs - the request's time
 * @param touch - called before the vCPU changes
 * @returns the result
 * @throws {@link ProtocolError} `invalid-params`, or `impossible-event` for a change the vCPU machine does not allow
 */
export function vcpuState(
  p: ModelParts,
  params: Readonly<Record<string, unknown>>,
  nowNs: number,
  touch: (v: ModelVcpu) => void,
): VcpuResult {
  onlyKnown(params, '', ['vcpu', 'state']);
  const v = p.vcpus[whole(params.vcpu, 'vcpu', 0, p.vcpus.length - 1)] as ModelVcpu;
  if (params.state === undefined) throw fieldError('state', `one of ${VCPU_STATES.join(', ')}`, undefined);
  const state = oneOf(params.state, 'state', VCPU_STATES, 'running');
  if (state === v.state) return vcpuResult(v);
  const event = vcpuEventFor(v.state, state);
  if (event === undefined) {
    const can = VCPU_STATES.filter((s) => vcpuEventFor(v.state, s) !== undefined).join(', ');
    throw new ProtocolError(
      'impossible-event',
      `vCPU ${v.index} is ${v.state}: it can go to ${can}, not ${state}`,
      'state',
    );
  }
  touch(v);
  v.send(event, nowNs);
  return vcpuResult(v);
}

const SIZES: Readonly<Record<Abi, number>> = { arm64: 64, x86: KVM_STEAL_TIME_SIZE, xen: XEN_RUNSTATE_SIZE };

// The stolen total the bytes of the ABI's structure hold, by its decoder.
function totalOfBytes(abi: Abi, text: unknown): bigint {
  const size = SIZES[abi];
  if (typeof text !== 'string' || text.length !== size * 2 || !/^[0-9a-fA-F]*$/.test(text))
    throw fieldError('bytes', `${size} bytes as hex (${size * 2} digits), the ${abi} structure`, text);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  try {
    if (abi === 'arm64') return decodeArmPvTime(bytes).stolenNs;
    if (abi === 'x86') {
      const st = decodeKvmStealTime(bytes);
      if (st.version % 2 === 1) throw new AbiError('kvm-steal-time', 'version', 'is odd: the host was mid-write');
      return st.stealNs;
    }
    const rs = decodeXenRunstate(bytes);
    if ((rs.stateEntryTime & XEN_UPDATE_BIT) !== 0n)
      throw new AbiError('xen-runstate', 'state_entry_time', 'has the update bit set: the host was mid-update');
    return xenSteal(rs);
  } catch (e) {
    if (!(e instanceof AbiError)) throw e;
    throw new ProtocolError('invalid-params', `bytes: ${e.message} (field ${e.field})`, 'bytes');
  }
}

/**
 * Handles `vcpu.steal`: the host's own stolen total, written into the ABI structure by the ABI's protocol; later
 * `vcpu.state` steal adds to it.
 * @param p - the session's state
 * @param params - the params
 * @param features - the granted features (`abi-bytes` for `bytes`)
 * @param touch - called before the vCPU changes
 * @returns the result
 * @throws {@link ProtocolError} `invalid-params` (a decode error names the ABI's field), `wrong-mode` for `bytes`
 *   without the feature
 */
export function vcpuSteal(
  p: ModelParts,
  params: Readonly<Record<string, unknown>>,
  features: ModelFeatures,
  touch: (v: ModelVcpu) => void,
): VcpuResult {
  onlyKnown(params, '', ['vcpu', 'stolenTotalNs', 'bytes']);
  const v = p.vcpus[whole(params.vcpu, 'vcpu', 0, p.vcpus.length - 1)] as ModelVcpu;
  if ((params.stolenTotalNs === undefined) === (params.bytes === undefined))
    throw new ProtocolError('invalid-params', 'give one of stolenTotalNs and bytes', '');
  let total: bigint;
  if (params.bytes !== undefined) {
    if (!features.abiBytes)
      throw new ProtocolError('wrong-mode', "bytes needs the feature 'abi-bytes' (ask for it in hello)", 'bytes');
    total = totalOfBytes(p.config.abi, params.bytes);
    if (total > BigInt(MAX_SAFE_WHOLE)) throw fieldError('bytes', 'a stolen total below 2^53 ns', params.bytes);
  } else total = BigInt(u64Ns(params.stolenTotalNs, 'stolenTotalNs'));
  touch(v);
  v.offsetNs = total - v.context.stolenTotalNs;
  v.publish();
  return vcpuResult(v);
}

function totalsOf(p: ModelParts, slot: TaskEntry | FinishedEntry): WireTotals {
  if (isLive(slot)) {
    const c = slot.run.context;
    return wireTotals(c.account.toJSON(), wireState(slot.run.path), c.migrations);
  }
  return wireTotals(p.ledger.finishedTotals(slot.row), 'exited', slot.migrations);
}

/**
 * Handles `ledger.get`: every account's totals (or the current account of each task named), and every vCPU's.
 * @param p - the session's state
 * @param params - the params
 * @param nowNs - the request's time
 * @returns the result
 * @throws {@link ProtocolError} `invalid-params`, `unknown-task` for a task never created
 */
export function ledgerResult(p: ModelParts, params: Readonly<Record<string, unknown>>, nowNs: number): LedgerResult {
  onlyKnown(params, '', ['tasks']);
  const vcpus = p.vcpus.map((v) => wireVcpu(v.context, v.state, BigInt(v.readStolenNs()), nowNs));
  if (params.tasks === undefined) return { tasks: p.accounts.map((slot) => totalsOf(p, slot)), vcpus };
  if (!Array.isArray(params.tasks) || params.tasks.length > 100_000)
    throw fieldError('tasks', 'an array of task ids (at most 100000)', params.tasks);
  const named: TaskId[] = params.tasks.map((t: unknown, i) => taskId(t, `tasks[${i}]`));
  const tasks = named.map((task, i) => {
    const live = p.live.get(task);
    if (live !== undefined) return totalsOf(p, live);
    for (let seq = p.accounts.length - 1; seq >= 0; seq--) {
      const slot = p.accounts[seq] as TaskEntry | FinishedEntry;
      if (slot.task === task) return totalsOf(p, slot);
    }
    throw new ProtocolError('unknown-task', `task ${String(task)} was never created`, `tasks[${i}]`);
  });
  return { tasks, vcpus };
}

/**
 * Handles `anomalies.get`.
 * @param p - the session's state
 * @param params - the params
 * @returns the result
 * @throws {@link ProtocolError} `invalid-params`
 */
export function anomaliesResult(p: ModelParts, params: Readonly<Record<string, unknown>>): AnomaliesResult {
  onlyKnown(params, '', ['since']);
  const since = params.since === undefined ? 0 : whole(params.since, 'since', 0, MAX_SAFE_WHOLE);
  const all = p.ledger.anomalyCounts();
  const counts: Partial<Record<AnomalyKind, number>> = {};
  let total = 0;
  for (const kind of ANOMALY_KINDS) {
    total += all[kind];
    if (all[kind] > 0) counts[kind] = all[kind];
  }
  return { total, counts, anomalies: p.ledger.anomalies().slice(since).map(wireAnomaly) };
}
