/**
 * The worked example `npm start` runs until the trace replayer lands: one task's run slices from a real perf
 * recording, charged by the accounting core from per-CPU readings (counter = trace clock at 1 GHz, stolen =
 * the steal the kernel's own task clock left out, estimated from `sched_stat_runtime`, REFERENCE §4).
 * @module
 */
import { Ledger } from '../accounting/ledger.js';
import { SliceAccountant } from '../accounting/slice.js';
import type { Reading } from '../accounting/snapshot.js';
import type { StealPolicy } from '../accounting/steal.js';

/** One slice of the demo table, all times in ns. */
export interface DemoSlice {
  /** CPU the slice ran on. */
  readonly cpu: number;
  /** Switch-in time, ns on the trace clock. */
  readonly startNs: number;
  /** Wall time of the slice. */
  readonly wallNs: number;
  /** Steal inside the slice, as the core accounted it. */
  readonly stolenNs: number;
  /** What the core charged: wall minus steal. */
  readonly chargedNs: number;
  /** What the kernel's task clock said: Σ `sched_stat_runtime` inside the slice. */
  readonly kernelRuntimeNs: number;
}

/** The demo's result. */
export interface DemoResult {
  /** The task shown. */
  readonly tid: number;
  /** Its name. */
  readonly comm: string;
  /** Its slices. */
  readonly slices: readonly DemoSlice[];
  /** The core's ledger for every task in the trace. */
  readonly ledger: Ledger;
  /** Lines that were not scheduler events this demo reads. */
  readonly skippedLines: number;
}

const LINE = /^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+(\d+)\.(\d+):\s+sched:(sched_switch|sched_stat_runtime):\s+(.*)$/;
const PREV_PID = /prev_pid=(\d+)/;
const NEXT_PID = /next_pid=(\d+)/;
const NEXT_COMM = /next_comm=(.*?) next_pid=/;
const RUNTIME = /comm=(.*?) pid=(\d+) runtime=(\d+)/;

interface CpuState {
  tid: number;
  inAt: Reading | null;
  lastUpdateNs: number;
  stolenNs: bigint;
  runtimeNs: number;
}

function timestampNs(sec: string, frac: string): number {
  return Number(sec) * 1e9 + Number(frac.padEnd(9, '0').slice(0, 9));
}

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The task to show (default: the one with the most run time). */
  readonly tid?: number;
  /** Steal policy (default `'drop'`). */
  readonly policy?: StealPolicy;
}

/**
 * Runs the worked example over `perf script --ns` text.
 * @param text - the trace
 * @param options - see {@link DemoOptions}
 * @returns the chosen task's slices and the ledger of every task
 */
export function runDemo(text: string, options: DemoOptions = {}): DemoResult {
  const policy = options.policy ?? 'drop';
  const ledger = new Ledger();
  const cpus = new Map<number, CpuState>();
  const accountants = new Map<number, SliceAccountant>();
  const comms = new Map<number, string>();
  const runningOn = new Map<number, number>();
  const slicesByTid = new Map<number, DemoSlice[]>();
  let skippedLines = 0;

  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m === null) {
      if (line.trim() !== '') skippedLines++;
      continue;
    }
    const [, , , cpuText = '0', sec = '0', frac = '0', event, fields = ''] = m;
    const cpu = Number(cpuText);
    const now = timestampNs(sec, frac);
    let state = cpus.get(cpu);
    if (state === undefined) {
      state = { tid: -1, inAt: null, lastUpdateNs: now, stolenNs: 0n, runtimeNs: 0 };
      cpus.set(cpu, state);
    }
    if (event === 'sched_stat_runtime') {
      const r = RUNTIME.exec(fields);
      if (r === null) continue;
      const runtime = Number(r[3]);
      // The event may fire on another CPU (a remote wakeup updates the target's clock): file it where the task runs.
      const target = cpus.get(runningOn.get(Number(r[2])) ?? cpu) ?? state;
      // Wall time since that CPU's last clock update that the task clock did not count: steal (plus skew).
      const gap = now - target.lastUpdateNs - runtime;
      if (gap > 0) target.stolenNs += BigInt(gap);
      target.lastUpdateNs = now;
      if (Number(r[2]) === target.tid) target.runtimeNs += runtime;
      continue;
    }
    const prev = Number(PREV_PID.exec(fields)?.[1] ?? -1);
    const next = Number(NEXT_PID.exec(fields)?.[1] ?? -1);
    comms.set(next, NEXT_COMM.exec(fields)?.[1] ?? '');
    const reading: Reading = { counter: BigInt(now), stolenNs: state.stolenNs };
    if (state.inAt !== null && state.tid === prev && prev !== 0) {
      let acct = accountants.get(cpu);
      if (acct === undefined) {
        acct = new SliceAccountant({
          counterHz: 1_000_000_000,
          widthBits: 64,
          policy,
          initialStolenNs: state.inAt.stolenNs,
        });
        accountants.set(cpu, acct);
      }
      const charged = acct.charge(state.inAt, reading);
      ledger.account(prev).addSlice(acct.elapsedNs, acct.stolenNs);
      const list = slicesByTid.get(prev) ?? [];
      list.push({
        cpu,
        startNs: Number(state.inAt.counter),
        wallNs: acct.elapsedNs,
        stolenNs: acct.stolenNs,
        chargedNs: charged,
        kernelRuntimeNs: state.runtimeNs,
      });
      slicesByTid.set(prev, list);
    }
    if (runningOn.get(prev) === cpu) runningOn.delete(prev);
    runningOn.set(next, cpu);
    state.tid = next;
    state.inAt = reading;
    state.lastUpdateNs = now;
    state.runtimeNs = 0;
  }

  let tid = options.tid;
  if (tid === undefined) {
    let best = -1;
    for (const t of ledger.tasks()) {
      if (t.runNs > best) {
        best = t.runNs;
        tid = Number(t.task);
      }
    }
  }
  const chosen = tid ?? -1;
  return { tid: chosen, comm: comms.get(chosen) ?? '?', slices: slicesByTid.get(chosen) ?? [], ledger, skippedLines };
}

function ms(ns: number): string {
  return (ns / 1e6).toFixed(3).padStart(10);
}

/**
 * Renders the demo as a table.
 * @param result - what {@link runDemo} returned
 * @param source - the trace's name, for the heading
 * @returns the text to print
 */
export function formatDemo(result: DemoResult, source: string): string {
  const out: string[] = [];
  out.push(`schedacct worked example: ${source}`);
  out.push(
    `task ${result.comm}[${String(result.tid)}], every run slice; ms. Steal = wall time the kernel's task clock`,
  );
  out.push('(sched_stat_runtime) left out, fed to the core as a per-CPU stolen total; the core charges wall − steal.');
  out.push('');
  out.push('  cpu   start (s)          wall    stolen   charged   kernel');
  let wall = 0;
  let stolen = 0;
  let charged = 0;
  let kernel = 0;
  for (const s of result.slices) {
    out.push(
      `  ${String(s.cpu).padStart(3)}   ${(s.startNs / 1e9).toFixed(6).padStart(14)}${ms(s.wallNs)}${ms(s.stolenNs)}${ms(s.chargedNs)}${ms(s.kernelRuntimeNs)}`,
    );
    wall += s.wallNs;
    stolen += s.stolenNs;
    charged += s.chargedNs;
    kernel += s.kernelRuntimeNs;
  }
  out.push(`  total${' '.repeat(15)}${ms(wall)}${ms(stolen)}${ms(charged)}${ms(kernel)}`);
  out.push('');
  const all = result.ledger.totals();
  out.push(
    `all ${String(result.ledger.size)} tasks: ${String(all.slices)} slices, run ${ms(all.runNs).trim()} ms, stolen ${ms(all.stolenNs).trim()} ms, charged ${ms(all.chargedNs).trim()} ms; anomalies ${String(result.ledger.anomalyCount())}`,
  );
  out.push('The estimate includes the few µs between the kernel reading its clock and the tracepoint firing.');
  return out.join('\n');
}
