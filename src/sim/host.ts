/**
 * The simulated hypervisor: per vCPU the steal intervals its {@link StealSpec} gives (host ns), merged with the
 * whole-VM pauses into the vCPU machine's events, and the vCPU machine itself (src/host/vcpu.ts), whose buckets say
 * where the vCPU's host time went. Like KVM at `vcpu_load`, the host writes the machine's published stolen total into
 * the real ABI structure (emulated shared memory) when the vCPU runs again; the guest reads it back with the ABI's
 * own reader, so the bytes and the protocol are the real ones. A pause takes the part of a steal interval it covers
 * (the VM is stopped either way) and is not steal. {@link TimeMap} converts host time to guest time (host time minus pauses).
 * @module
 */
import { createActor } from 'xstate';
import { ABIS, createEmulatedMemory, hostWriteStolen, type EmulatedMemory } from '../host/emulated-writer.js';
import {
  compileVcpuMachine,
  createVcpuContext,
  vcpuMachine,
  type VcpuBucket,
  type VcpuContext,
  type VcpuEvent,
} from '../host/vcpu.js';
import { emulatedStolen } from '../sources/emulated.js';
import type { StolenSource } from '../sources/types.js';
import { SchedacctError } from '../errors.js';
import { exponentialNs, stream } from './random.js';
import type { MsInterval, NsInterval, SimAbi, SimInputs, StealSpec } from './types.js';

/**
 * ms (fractions allowed) as whole ns.
 * @param ms - milliseconds
 * @returns ns
 * @internal
 */
export const msToNs = (ms: number): number => Math.round(ms * 1e6);

/**
 * µs as whole ns.
 * @param us - microseconds
 * @returns ns
 * @internal
 */
export const usToNs = (us: number): number => Math.round(us * 1e3);

/**
 * A scenario's intervals in ms as ns intervals, empty ones left out.
 * @param intervals - the intervals, ms
 * @returns them in ns
 * @internal
 */
export function nsIntervals(intervals: readonly MsInterval[]): NsInterval[] {
  return intervals
    .map((i) => ({ startNs: msToNs(i.startMs), endNs: msToNs(i.endMs) }))
    .filter((i) => i.endNs > i.startNs);
}

/**
 * The steal intervals of one vCPU, host ns, in order, endless for the repeating kinds.
 * @param spec - the vCPU's steal
 * @param vcpu - its index (seeds its `host` stream; finds its trace intervals)
 * @param seed - the scenario's seed
 * @param inputs - the loaded host trace, for `trace`
 * @yields {NsInterval} each interval
 * @throws {@link SchedacctError} `invalid-argument` for `trace` steal without its loaded intervals
 * @internal
 */
export function* stealIntervals(
  spec: StealSpec,
  vcpu: number,
  seed: number,
  inputs: SimInputs | undefined,
): Generator<NsInterval> {
  switch (spec.kind) {
    case 'none':
      return;
    case 'constant': {
      const period = usToNs(spec.periodUs ?? 1000);
      const steal = Math.round(period * spec.share);
      if (steal <= 0 || period <= 0) return;
      for (let start = period - steal; ; start += period) yield { startNs: start, endNs: start + steal };
    }
    case 'periodic': {
      const period = usToNs(spec.periodUs);
      const steal = usToNs(spec.stealUs);
      if (steal <= 0 || period <= 0) return;
      for (let start = usToNs(spec.phaseUs ?? 0) + period - steal; ; start += period)
        yield { startNs: start, endNs: start + steal };
    }
    case 'random': {
      const next = stream(seed, 'host', vcpu);
      for (let t = 0; ;) {
        const start = t + exponentialNs(next, spec.meanRunUs * 1e3);
        t = start + exponentialNs(next, spec.meanStealUs * 1e3);
        yield { startNs: start, endNs: t };
      }
    }
    case 'intervals':
      yield* nsIntervals(spec.intervals);
      return;
    case 'trace': {
      const intervals = inputs?.hostSteal.get(vcpu);
      if (intervals === undefined) {
        throw new SchedacctError(
          'invalid-argument',
          `host.steal[${vcpu}] is a host trace: pass its loaded intervals as options.inputs.hostSteal (loadInputs)`,
        );
      }
      yield* intervals;
    }
  }
}

/**
 * The vCPU machine's events for steal intervals and pauses, host ns, in time order: steal is what its intervals hold
 * outside the pauses (the VM is stopped either way, and a pause is not steal); empty intervals give no events.
 * @param steals - the vCPU's steal intervals, in order, not overlapping
 * @param pauses - the VM's pauses, in order, not overlapping
 * @yields {VcpuEvent} each event
 * @internal
 */
export function* vcpuEvents(steals: Iterable<NsInterval>, pauses: readonly NsInterval[]): Generator<VcpuEvent> {
  let p = 0;
  let last = 0; // host time up to which events were given
  for (const s of steals) {
    let start = Math.max(s.startNs, last);
    while (start < s.endNs) {
      const pause = pauses[p];
      if (pause !== undefined && pause.startNs <= start) {
        yield { type: 'pause', atNs: pause.startNs };
        yield { type: 'resume', atNs: pause.endNs };
        last = pause.endNs;
        start = Math.max(start, last);
        p++;
        continue;
      }
      const end = pause !== undefined && pause.startNs < s.endNs ? pause.startNs : s.endNs;
      yield { type: 'deschedule', atNs: start };
      yield { type: 'schedule', atNs: end };
      last = end;
      start = end;
    }
  }
  for (; p < pauses.length; p++) {
    const pause = pauses[p] as NsInterval;
    yield { type: 'pause', atNs: pause.startNs };
    yield { type: 'resume', atNs: pause.endNs };
  }
}

/**
 * Host time and guest time: guest time is host time minus the pauses before it (the guest's clock stops).
 * @internal
 */
export class TimeMap {
  readonly #starts: readonly number[];
  readonly #ends: readonly number[];
  // Paused ns before each pause.
  readonly #before: readonly number[];
  readonly #total: number;

  /** @param pauses - the pauses, host ns, sorted and not overlapping */
  constructor(pauses: readonly NsInterval[]) {
    this.#starts = pauses.map((p) => p.startNs);
    this.#ends = pauses.map((p) => p.endNs);
    let sum = 0;
    this.#before = pauses.map((p) => {
      const before = sum;
      sum += p.endNs - p.startNs;
      return before;
    });
    this.#total = sum;
  }

  /**
   * Guest ns at host ns `h`.
   * @param h - host ns
   * @returns guest ns
   */
  guest(h: number): number {
    const n = this.#starts.length;
    for (let k = 0; k < n; k++) {
      const start = this.#starts[k] as number;
      if (h <= start) return h - (this.#before[k] as number);
      if (h < (this.#ends[k] as number)) return start - (this.#before[k] as number);
    }
    return h - this.#total;
  }

  /**
   * The earliest host ns at which the guest's clock shows `g` (before a pause that starts then).
   * @param g - guest ns
   * @returns host ns
   */
  host(g: number): number {
    const n = this.#starts.length;
    for (let k = 0; k < n; k++) {
      const before = this.#before[k] as number;
      if (g <= (this.#starts[k] as number) - before) return g + before;
    }
    return g + this.#total;
  }
}

/** A vCPU machine, compiled or an XState actor. */
interface VcpuRunner {
  send(event: VcpuEvent): void;
  readonly context: VcpuContext;
  readonly state: VcpuBucket;
}

function startVcpu(vcpu: number, engine: 'compiled' | 'xstate', offlineIsSteal: boolean): VcpuRunner {
  if (engine === 'compiled') {
    const m = compileVcpuMachine().start(createVcpuContext({ vcpu, offlineIsSteal }));
    return {
      send: (e) => m.send(e),
      get context() {
        return m.context;
      },
      get state() {
        return m.path[0] as VcpuBucket;
      },
    };
  }
  const actor = createActor(vcpuMachine, { input: { vcpu, offlineIsSteal } }).start();
  return {
    send: (e) => actor.send(e),
    get context() {
      return actor.getSnapshot().context;
    },
    get state() {
      return actor.getSnapshot().value;
    },
  };
}

/** Where one vCPU's host time went. */
export interface VcpuBuckets {
  /** Host ns running (guest busy or idle). */
  readonly runningNs: number;
  /** Host ns runnable: stolen. */
  readonly stolenNs: number;
  /** Host ns paused. */
  readonly pausedNs: number;
}

/**
 * One vCPU on the host: its machine, its pending host events, and the ABI structure the guest reads steal from.
 * @internal
 */
export class VcpuHost {
  readonly #machine: VcpuRunner;
  readonly #events: Iterator<VcpuEvent>;
  readonly #memory: EmulatedMemory;
  readonly #reader: StolenSource;
  readonly #abi: number;
  /** The next host event, if any. */
  pending: VcpuEvent | undefined;

  /**
   * @param vcpu - its index
   * @param events - its host events, in order
   * @param abi - the ABI the guest reads steal through
   * @param engine - how its machine runs
   */
  constructor(vcpu: number, events: Iterator<VcpuEvent>, abi: SimAbi, engine: 'compiled' | 'xstate') {
    this.#machine = startVcpu(vcpu, engine, abi === 'xen'); // Xen's steal is runnable + offline time
    this.#events = events;
    this.#memory = createEmulatedMemory(abi);
    this.#reader = emulatedStolen(this.#memory, abi);
    this.#abi = ABIS.indexOf(abi);
    this.pending = this.#next();
  }

  #next(): VcpuEvent | undefined {
    const r = this.#events.next();
    return r.done === true ? undefined : r.value;
  }

  /**
   * Makes `event` the pending one (a host-driven vCPU, whose events the host sends as they happen).
   * @param event - the event, at or after the last one
   * @throws {@link SchedacctError} `invalid-argument` when an event is pending already or the time goes backwards
   */
  push(event: VcpuEvent): void {
    if (this.pending !== undefined || event.atNs < this.#machine.context.nowNs) {
      throw new SchedacctError(
        'invalid-argument',
        `vCPU ${String(this.#machine.context.vcpu)}: push one event at a time, at or after ${String(this.#machine.context.nowNs)} ns`,
      );
    }
    this.pending = event;
  }

  /** The vCPU machine's state: where its host time goes now. */
  get state(): VcpuBucket {
    return this.#machine.state;
  }

  /** The vCPU machine's context: its buckets and the stolen total it published. */
  get context(): Readonly<VcpuContext> {
    return this.#machine.context;
  }

  /** Applies the pending event to the machine (publishing steal when the vCPU runs again) and fetches the next. */
  apply(): void {
    const event = this.pending;
    if (event === undefined) return;
    this.#machine.send(event);
    if (event.type === 'schedule' || event.type === 'resume' || event.type === 'online') {
      const c = this.#machine.context;
      hostWriteStolen(this.#memory.i32, this.#memory.u64, this.#abi, c.stolenTotalNs, false, BigInt(c.nowNs));
    }
    this.pending = this.#next();
  }

  /**
   * The stolen total as the guest reads it through the ABI (its protocol included).
   * @returns ns
   */
  readStolenNs(): number {
    return Number(this.#reader.readStolen());
  }

  /**
   * Where the vCPU's host time went up to `endNs` (the open interval included).
   * @param endNs - host ns, ≥ the last event's
   * @returns the buckets
   */
  buckets(endNs: number): VcpuBuckets {
    const c = this.#machine.context;
    const open = Math.max(0, endNs - c.enteredNs);
    const state = this.#machine.state;
    return {
      runningNs: c.runningNs + (state === 'running' ? open : 0),
      stolenNs: c.runnableNs + (state === 'runnable' ? open : 0),
      pausedNs: c.pausedNs + (state === 'paused' ? open : 0),
    };
  }
}
