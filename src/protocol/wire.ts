/**
 * The library's figures in wire form: times as {@link U64} strings, anomalies with `vcpu` for `cpu`. Runtime-neutral.
 * @module
 * @internal
 */
import type { TaskTotals } from '../accounting/account.js';
import type { Anomaly } from '../accounting/anomaly.js';
import type { VcpuContext } from '../host/vcpu.js';
import type { U64, VcpuState, WireAnomaly, WireTaskState, WireTotals, WireVcpu } from './types.js';

/**
 * A whole number of ns as a U64 string.
 * @param ns - ns (a number or a bigint ≥ 0)
 * @returns its decimal digits
 */
export function u64Of(ns: number | bigint): U64 {
  return typeof ns === 'bigint' ? ns.toString() : String(Math.max(0, Math.floor(ns)));
}

/**
 * A task's totals in wire form.
 * @param totals - the ledger's totals of one account
 * @param state - the task machine's state (`exited` for an ended account)
 * @param migrations - migrations the task machine counted
 * @returns the wire totals
 */
export function wireTotals(totals: TaskTotals, state: WireTaskState, migrations: number): WireTotals {
  return {
    task: totals.task,
    state,
    runNs: u64Of(totals.runNs),
    chargedNs: u64Of(totals.chargedNs),
    stolenNs: u64Of(totals.stolenNs),
    sleepNs: u64Of(totals.sleepNs),
    iowaitNs: u64Of(totals.iowaitNs),
    preemptNs: u64Of(totals.preemptNs),
    delayNs: u64Of(totals.delayNs),
    slices: totals.slices,
    minSliceNs: u64Of(totals.minSliceNs),
    maxSliceNs: u64Of(totals.maxSliceNs),
    meanSliceNs: u64Of(totals.meanSliceNs),
    migrations,
  };
}

/**
 * An anomaly in wire form (fields in one order: kind, message, task, atNs, vcpu; the input line is left out).
 * @param anomaly - as the ledger recorded it
 * @returns the wire anomaly
 */
export function wireAnomaly(anomaly: Anomaly): WireAnomaly {
  return {
    kind: anomaly.kind,
    message: anomaly.message,
    ...(anomaly.task === undefined ? {} : { task: anomaly.task }),
    ...(anomaly.atNs === undefined ? {} : { atNs: u64Of(anomaly.atNs) }),
    ...(anomaly.cpu === undefined ? {} : { vcpu: anomaly.cpu }),
  };
}

/**
 * A vCPU's host time by state, up to `nowNs` (the interval in progress included), in wire form.
 * @param context - the vCPU machine's context
 * @param state - its state
 * @param stolenTotalNs - the stolen total the guest reads
 * @param nowNs - host time, ns (≥ the machine's last event)
 * @returns the wire vCPU
 */
export function wireVcpu(context: VcpuContext, state: VcpuState, stolenTotalNs: bigint, nowNs: number): WireVcpu {
  const open = Math.max(0, nowNs - context.enteredNs);
  return {
    vcpu: context.vcpu,
    state,
    stolenTotalNs: stolenTotalNs.toString(),
    runningNs: u64Of(context.runningNs + (state === 'running' ? open : 0)),
    runnableNs: u64Of(context.runnableNs + (state === 'runnable' ? open : 0)),
    pausedNs: u64Of(context.pausedNs + (state === 'paused' ? open : 0)),
    offlineNs: u64Of(context.offlineNs + (state === 'offline' ? open : 0)),
  };
}
