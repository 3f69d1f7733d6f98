/**
 * Model mode: the host runs the guest too. It sends vCPU states (through the vCPU machine and the emulated ABI
 * structure) and task events (through the task machine, booking into one ledger); schedacct answers with each closed
 * slice's charge. Every handler checks the whole request before it changes anything; a batch's rollback restores the
 * state the accounts and vCPUs it touched had before it (copied on first touch: an all-valid batch copies each touched
 * task once). Runtime-neutral.
 * @module
 * @internal
 */
import { ABIS } from '../host/emulated-writer.js';
import { STEAL_POLICIES } from '../accounting/steal.js';
import { bool, fieldError, isObject, oneOf, onlyKnown, whole } from './decode.js';
import { joinPath, ProtocolError } from './errors.js';
import { ProtocolLedger } from './model-ledger.js';
import { taskEvent, type ModelFeatures } from './model-events.js';
import { anomaliesResult, ledgerResult, vcpuState, vcpuSteal } from './model-queries.js';
import {
  decodeParts,
  encodeFigures,
  encodeParts,
  encodeSlot,
  encodeVcpu,
  taskFigures,
  type ModelParts,
  type TaskEntry,
  type TaskFigures,
} from './model-state.js';
import { ModelVcpu } from './model-vcpu.js';
import type { Method, ModelOpenResult, SessionMode } from './types.js';

export type { ModelFeatures } from './model-events.js';

/** What a rollback needs: the sizes before, and each touched task's and vCPU's state before its first touch. */
interface Journal {
  readonly accounts: number;
  readonly details: number;
  tasks: Map<number, TaskFigures> | undefined;
  vcpus: Map<number, unknown> | undefined;
}

/**
 * Reads `model.open`'s params.
 * @param params - the params
 * @returns the configuration, every default resolved
 * @throws {@link ProtocolError} `invalid-params` naming the field
 */
export function modelConfig(params: Readonly<Record<string, unknown>>): ModelOpenResult {
  onlyKnown(params, '', ['vcpus', 'abi', 'stealPolicy', 'counterHz', 'offlineIsSteal', 'delayAfterPreempt']);
  const vcpus = whole(params.vcpus, 'vcpus', 1, 8192);
  const abi = oneOf(params.abi, 'abi', ABIS, 'x86');
  const stealPolicy = oneOf(params.stealPolicy, 'stealPolicy', STEAL_POLICIES, 'drop');
  const counterHz = params.counterHz === undefined ? 1e9 : whole(params.counterHz, 'counterHz', 1, 1e12);
  const offlineIsSteal = bool(params.offlineIsSteal, 'offlineIsSteal', abi === 'xen');
  const delayAfterPreempt = bool(params.delayAfterPreempt, 'delayAfterPreempt', true);
  return { vcpus, abi, stealPolicy, counterHz, offlineIsSteal, delayAfterPreempt };
}

/**
 * Model mode's {@link SessionMode}.
 * @internal
 */
export class ModelMode implements SessionMode {
  /** Which mode. */
  readonly kind = 'model' as const;
  readonly #features: ModelFeatures;
  #parts: ModelParts;
  #journal: Journal | undefined;

  /**
   * @param parts - its state
   * @param features - the engine and the granted features it checks
   */
  constructor(parts: ModelParts, features: ModelFeatures) {
    this.#parts = parts;
    this.#features = features;
  }

  /**
   * Opens model mode at `nowNs`: every vCPU running with a stolen total of 0.
   * @param params - `model.open`'s params
   * @param nowNs - the request's time
   * @param features - the engine and the granted features
   * @returns the mode and `model.open`'s result
   * @throws {@link ProtocolError} `invalid-params` naming the field
   */
  static open(
    params: Readonly<Record<string, unknown>>,
    nowNs: number,
    features: ModelFeatures,
  ): { mode: ModelMode; result: ModelOpenResult } {
    const config = modelConfig(params);
    const ledger = new ProtocolLedger();
    const vcpus: ModelVcpu[] = [];
    for (let i = 0; i < config.vcpus; i++)
      vcpus.push(ModelVcpu.start(i, config.abi, nowNs, config.offlineIsSteal, ledger));
    const parts: ModelParts = { config, ledger, vcpus, accounts: [], live: new Map() };
    return { mode: new ModelMode(parts, features), result: config };
  }

  /**
   * Restores model mode from what {@link ModelMode.save} gave.
   * @param state - the saved state
   * @param features - the engine and the granted features
   * @returns the mode
   * @throws {@link ProtocolError} `invalid-params` for a state that is not one
   */
  static restore(state: unknown, features: ModelFeatures): ModelMode {
    if (!isObject(state)) throw fieldError('', 'a model-mode state (what snapshot.get gave)', state);
    let config: ModelOpenResult;
    try {
      config = modelConfig(isObject(state.config) ? state.config : {});
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      throw new ProtocolError(e.code, e.message, joinPath('config', e.path));
    }
    return new ModelMode(decodeParts(state, config, features.engine, ''), features);
  }

  /**
   * Handles one request of model mode.
   * @param method - the method
   * @param params - its params
   * @param nowNs - the request's time
   * @returns the result and the session's time after it
   * @throws {@link ProtocolError} for a bad request (the state unchanged)
   */
  handle(method: Method, params: Readonly<Record<string, unknown>>, nowNs: number): { result: unknown; nowNs: number } {
    const p = this.#parts;
    switch (method) {
      case 'task.event':
        return { result: taskEvent(p, params, nowNs, this.#features, this.#touch), nowNs };
      case 'vcpu.state':
        return { result: vcpuState(p, params, nowNs, this.#touchVcpu), nowNs };
      case 'vcpu.steal':
        return { result: vcpuSteal(p, params, this.#features, this.#touchVcpu), nowNs };
      case 'ledger.get':
        return { result: ledgerResult(p, params, nowNs), nowNs };
      case 'anomalies.get':
        return { result: anomaliesResult(p, params), nowNs };
      default:
        throw new ProtocolError('wrong-mode', `${method} is not a method of model mode`, '');
    }
  }

  /**
   * The whole state as plain JSON.
   * @returns the state
   */
  save(): unknown {
    return encodeParts(this.#parts);
  }

  /** Starts a transaction: from now on the first touch of each account or vCPU keeps its state before. */
  begin(): void {
    const ledger = this.#parts.ledger;
    ledger.mark();
    this.#journal = {
      accounts: this.#parts.accounts.length,
      details: ledger.anomalies().length,
      tasks: undefined,
      vcpus: undefined,
    };
  }

  /** Ends the transaction, keeping what it did. */
  commit(): void {
    this.#journal = undefined;
  }

  /** Ends the transaction, undoing what it did. */
  rollback(): void {
    const j = this.#journal;
    this.#journal = undefined;
    const p = this.#parts;
    // (a request refused before it changed anything, as handlers check first: nothing to undo)
    if (j === undefined) return;
    if (j.tasks === undefined && j.vcpus === undefined && p.accounts.length === j.accounts && p.ledger.sinceMark === 0)
      return;
    const accounts = p.accounts.slice(0, j.accounts).map((slot, seq) => {
      const before = j.tasks?.get(seq);
      return before === undefined ? encodeSlot(slot) : encodeFigures(before);
    });
    const vcpus = p.vcpus.map((v, i) => j.vcpus?.get(i) ?? encodeVcpu(v));
    const details = p.ledger.anomalies().slice(0, j.details);
    const state = encodeParts(p, accounts, vcpus, { details, counts: p.ledger.countsAtMark() });
    this.#parts = decodeParts(state, p.config, this.#features.engine, 'rollback');
  }

  // Before a live task changes: keep its state (once per transaction).
  readonly #touch = (entry: TaskEntry): void => {
    const j = this.#journal;
    if (j === undefined || entry.seq >= j.accounts) return;
    const tasks = (j.tasks ??= new Map());
    if (!tasks.has(entry.seq)) tasks.set(entry.seq, taskFigures(entry));
  };

  readonly #touchVcpu = (v: ModelVcpu): void => {
    const j = this.#journal;
    if (j === undefined) return;
    const vcpus = (j.vcpus ??= new Map());
    if (!vcpus.has(v.index)) vcpus.set(v.index, encodeVcpu(v));
  };
}
