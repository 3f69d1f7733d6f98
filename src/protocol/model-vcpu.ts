/**
 * Model mode's vCPUs: each the vCPU machine (src/host/vcpu.ts, compiled from its definition) and the emulated ABI
 * structure its host writes and its guest reads back, as the simulator's `VcpuHost` does. Which state change is which
 * machine event, and which ones the machine allows, is read from the machine's definition. Runtime-neutral.
 * @module
 * @internal
 */
import { MAX_SAFE_WHOLE } from '../accounting/reading.js';
import { ABIS, createEmulatedMemory, hostWriteStolen, type Abi, type EmulatedMemory } from '../host/emulated-writer.js';
import { compileVcpuMachine, createVcpuContext, vcpuMachine, type VcpuContext, type VcpuEvent } from '../host/vcpu.js';
import type { StepperInstance } from '../machines/compile.js';
import { emulatedStolen } from '../sources/emulated.js';
import type { StolenSource } from '../sources/types.js';
import type { Ledger } from '../accounting/ledger.js';
import type { VcpuState } from './types.js';

/** The vCPU states, in the order the wire lists them. */
export const VCPU_STATES: readonly VcpuState[] = ['running', 'runnable', 'paused', 'offline'];

// For each state, the state each event the machine handles there leads to (read from the definition).
const MOVES: ReadonlyMap<string, ReadonlyMap<VcpuState, VcpuEvent['type']>> = new Map(
  Object.entries(vcpuMachine.root.states).map(([name, node]) => {
    const out = new Map<VcpuState, VcpuEvent['type']>();
    for (const [event, transitions] of node.transitions) {
      const target = transitions[0]?.target?.[0]?.key;
      if (target !== undefined) out.set(target as VcpuState, event as VcpuEvent['type']);
    }
    return [name, out];
  }),
);

/**
 * The vCPU machine's event taking a vCPU from one state to another, if the machine allows the change.
 * @param from - the state now
 * @param to - the state wanted
 * @returns the event, or undefined when the machine has no such transition
 */
export function vcpuEventFor(from: VcpuState, to: VcpuState): VcpuEvent['type'] | undefined {
  return MOVES.get(from)?.get(to);
}

/** One vCPU of a model session. */
export class ModelVcpu {
  /** Its index. */
  readonly index: number;
  readonly #machine: StepperInstance<VcpuContext, VcpuEvent>;
  /** The shared memory holding the ABI structure. */
  readonly memory: EmulatedMemory;
  readonly #reader: StolenSource;
  readonly #abi: number;
  /** What `vcpu.steal` set beyond the machine's own total (published = machine total + this). */
  offsetNs: bigint;
  // What the guest reads, read through the ABI after each write (only the host's writes change the memory).
  #readNs: number;
  /** The task running on it (a cache of the tasks' states), or undefined. */
  running: string | number | undefined;

  /**
   * @param index - its index
   * @param abi - the structure the guest reads steal through
   * @param machine - its vCPU machine
   * @param offsetNs - see {@link ModelVcpu.offsetNs}
   * @param memory - the memory (default: a fresh, zeroed structure)
   */
  constructor(
    index: number,
    abi: Abi,
    machine: StepperInstance<VcpuContext, VcpuEvent>,
    offsetNs: bigint,
    memory: EmulatedMemory = createEmulatedMemory(abi),
  ) {
    this.index = index;
    this.#machine = machine;
    this.memory = memory;
    this.#reader = emulatedStolen(memory, abi);
    this.#abi = ABIS.indexOf(abi);
    this.offsetNs = offsetNs;
    this.#readNs = this.#readThroughAbi();
  }

  /**
   * A vCPU running from `startNs` with a stolen total of 0.
   * @param index - its index
   * @param abi - the ABI
   * @param startNs - host time, ns
   * @param offlineIsSteal - whether offline time is steal
   * @param ledger - where its machine records anomalies
   * @returns the vCPU
   */
  static start(index: number, abi: Abi, startNs: number, offlineIsSteal: boolean, ledger: Ledger): ModelVcpu {
    const machine = compileVcpuMachine().start(createVcpuContext({ vcpu: index, startNs, offlineIsSteal, ledger }));
    return new ModelVcpu(index, abi, machine, 0n);
  }

  /** Its state. */
  get state(): VcpuState {
    return this.#machine.path[0] as VcpuState;
  }

  /** Its machine's context. */
  get context(): VcpuContext {
    return this.#machine.context;
  }

  /** The total the host publishes: the machine's plus what `vcpu.steal` set. */
  get publishedNs(): bigint {
    return this.#machine.context.stolenTotalNs + this.offsetNs;
  }

  /**
   * The stolen total as the guest reads it through the ABI (its protocol included), ns.
   * @returns ns, at most 2^53 − 1
   */
  readStolenNs(): number {
    return this.#readNs;
  }

  #readThroughAbi(): number {
    const read = this.#reader.readStolen();
    return read > BigInt(MAX_SAFE_WHOLE) ? MAX_SAFE_WHOLE : Number(read);
  }

  /**
   * Sends the machine an event; when the total it publishes changed, the host writes it into the structure.
   * @param type - the event
   * @param atNs - host time, ns
   */
  send(type: VcpuEvent['type'], atNs: number): void {
    const before = this.publishedNs;
    this.#machine.send({ type, atNs });
    if (this.publishedNs !== before) this.publish();
  }

  /** Writes the published total into the structure by the ABI's protocol. */
  publish(): void {
    const c = this.#machine.context;
    hostWriteStolen(this.memory.i32, this.memory.u64, this.#abi, this.publishedNs, false, BigInt(c.nowNs));
    this.#readNs = this.#readThroughAbi();
  }
}
