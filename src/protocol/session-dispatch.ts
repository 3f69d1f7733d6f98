/**
 * The session's state (hello, features, time, the open mode) and the dispatch of a checked request to it, inside a
 * transaction: a request, or a whole batch, either is applied or leaves everything as it was. Runtime-neutral.
 * @module
 * @internal
 */
import { u64Ns, isObject, onlyKnown } from './decode.js';
import { joinPath, ProtocolError } from './errors.js';
import { ModelMode, type ModelFeatures } from './model.js';
import type { Envelope } from './session-envelope.js';
import { createStepMode, restoreStepMode } from './step.js';
import type { Feature, Method, SessionMode, SnapshotResult } from './types.js';

/** The snapshot format `snapshot.get` gives and `snapshot.set` takes. */
export const SNAPSHOT_FORMAT = 'schedacct-snapshot/1';

/** A mode that undoes its own changes cheaply (model mode); others are saved and restored whole. */
interface Transactional {
  begin(): void;
  commit(): void;
  rollback(): void;
}

function transactional(mode: SessionMode | undefined): (SessionMode & Transactional) | undefined {
  return mode !== undefined && 'rollback' in mode ? (mode as SessionMode & Transactional) : undefined;
}

/** What a transaction restores. */
export interface Tx {
  readonly helloDone: boolean;
  readonly features: readonly Feature[];
  readonly nowNs: number;
  readonly closed: boolean;
  readonly mode: SessionMode | undefined;
  // a mode without its own rollback: its state before, when the transaction may change it
  readonly saved: unknown;
}

const QUERIES: readonly string[] = ['ledger.get', 'anomalies.get', 'snapshot.get'];
const MODE_METHODS: readonly Method[] = [
  'vcpu.state',
  'vcpu.steal',
  'task.event',
  'step',
  'ledger.get',
  'anomalies.get',
];

// A mode's error, its path relative to params, as the request's (a method the mode lacks names the method).
function inParams(e: unknown): unknown {
  if (!(e instanceof ProtocolError)) return e;
  if ((e.code === 'wrong-mode' || e.code === 'not-open') && e.path === '')
    return new ProtocolError(e.code, e.message, 'method');
  return new ProtocolError(e.code, e.message, joinPath('params', e.path));
}

/**
 * The session's state and its dispatch.
 * @internal
 */
export class Dispatcher {
  /** Whether `hello` was answered. */
  helloDone = false;
  /** The features granted. */
  features: readonly Feature[] = [];
  /** The session's time, ns. */
  nowNs = 0;
  /** Whether `bye` was answered. */
  closed = false;
  #mode: SessionMode | undefined;
  readonly #engine: 'compiled' | 'xstate';

  /**
   * @param engine - how task machines run
   */
  constructor(engine: 'compiled' | 'xstate') {
    this.#engine = engine;
  }

  /**
   * Sets the session's time at `hello`.
   * @param nowNs - the request's time
   */
  startAt(nowNs: number): void {
    this.nowNs = nowNs;
  }

  /**
   * Starts a transaction.
   * @param method - the request's method, or `batch`
   * @returns what {@link Dispatcher.rollback} restores
   */
  begin(method: string): Tx {
    const mode = this.#mode;
    const t = transactional(mode);
    t?.begin();
    const saved = mode !== undefined && t === undefined && !QUERIES.includes(method) ? mode.save() : undefined;
    const { helloDone, features, nowNs, closed } = this;
    return { helloDone, features, nowNs, closed, mode, saved };
  }

  /**
   * Keeps what the transaction did.
   * @param tx - the transaction
   */
  commit(tx: Tx): void {
    transactional(tx.mode)?.commit();
  }

  /**
   * Undoes what the transaction did.
   * @param tx - the transaction
   */
  rollback(tx: Tx): void {
    this.helloDone = tx.helloDone;
    this.features = tx.features;
    this.nowNs = tx.nowNs;
    this.closed = tx.closed;
    const t = transactional(tx.mode);
    if (t !== undefined) t.rollback();
    this.#mode =
      t === undefined && tx.mode !== undefined && tx.saved !== undefined
        ? restoreStepMode(tx.saved, { engine: this.#engine })
        : tx.mode;
  }

  #need(feature: Feature, method: string): void {
    if (!this.features.includes(feature))
      throw new ProtocolError('wrong-mode', `${method} needs the feature '${feature}' (ask for it in hello)`, 'method');
  }

  #modelFeatures(): ModelFeatures {
    return {
      engine: this.#engine,
      readings: this.features.includes('readings'),
      abiBytes: this.features.includes('abi-bytes'),
    };
  }

  /**
   * Applies a checked request (not `hello`).
   * @param env - the request
   * @returns its result and the session's time after it
   * @throws {@link ProtocolError} for a bad request
   */
  apply(env: Envelope): { result: unknown; nowNs: number } {
    if (!this.helloDone) throw new ProtocolError('no-hello', `send hello before ${env.method}`, 'method');
    if (env.method !== 'snapshot.set' && env.nowNs < this.nowNs)
      throw new ProtocolError(
        'time-backwards',
        `now ${env.nowNs} is before the session's time ${this.nowNs}: the host's time only goes forward`,
        'now',
      );
    const out = this.#dispatch(env);
    // (snapshot.set puts the session's time to the snapshot's, which may be earlier)
    this.nowNs = env.method === 'snapshot.set' ? out.nowNs : Math.max(env.nowNs, out.nowNs);
    return { result: out.result, nowNs: this.nowNs };
  }

  #dispatch(env: Envelope): { result: unknown; nowNs: number } {
    const { method, params, nowNs } = env;
    if (method === 'bye') {
      onlyKnown(params, 'params', []);
      this.closed = true;
      return { result: {}, nowNs };
    }
    if (method === 'model.open' || method === 'step.open') return this.#open(env);
    if (method === 'snapshot.get' || method === 'snapshot.set') return this.#snapshot(env);
    const mode = this.#mode;
    if (mode === undefined || !MODE_METHODS.includes(method))
      throw new ProtocolError('not-open', `${method} needs model.open or step.open first`, 'method');
    try {
      return mode.handle(method, params, nowNs);
    } catch (e) {
      throw inParams(e);
    }
  }

  #open(env: Envelope): { result: unknown; nowNs: number } {
    const kind = env.method === 'model.open' ? 'model' : 'step';
    this.#need(kind, env.method);
    if (this.#mode !== undefined)
      throw new ProtocolError('not-open', `${this.#mode.kind} mode is open already: one open per session`, 'method');
    try {
      const opened =
        kind === 'model'
          ? ModelMode.open(env.params, env.nowNs, this.#modelFeatures())
          : createStepMode(env.params, env.nowNs, { engine: this.#engine });
      this.#mode = opened.mode;
      return { result: opened.result, nowNs: env.nowNs };
    } catch (e) {
      throw inParams(e);
    }
  }

  #snapshot(env: Envelope): { result: unknown; nowNs: number } {
    this.#need('snapshot', env.method);
    if (env.method === 'snapshot.get') {
      onlyKnown(env.params, 'params', []);
      const mode = this.#mode;
      if (mode === undefined) throw new ProtocolError('not-open', 'snapshot.get needs an open mode', 'method');
      const snapshot = {
        format: SNAPSHOT_FORMAT,
        now: String(env.nowNs),
        features: [...this.features],
        mode: mode.kind,
        state: mode.save(),
      };
      // (a copy: the caller may keep and change it; the session's state stays its own)
      const result: SnapshotResult = { snapshot: JSON.parse(JSON.stringify(snapshot)) as SnapshotResult['snapshot'] };
      return { result, nowNs: env.nowNs };
    }
    onlyKnown(env.params, 'params', ['snapshot']);
    const given: unknown = env.params.snapshot;
    if (!isObject(given))
      throw new ProtocolError('invalid-params', 'params.snapshot must be what snapshot.get gave', 'params.snapshot');
    let snap: Record<string, unknown>;
    try {
      snap = JSON.parse(JSON.stringify(given)) as Record<string, unknown>; // (a copy: restoring never keeps the caller's)
    } catch {
      throw new ProtocolError('invalid-params', 'params.snapshot is nested too deeply to be one', 'params.snapshot');
    }
    if (snap.format !== SNAPSHOT_FORMAT)
      throw new ProtocolError(
        'invalid-params',
        `params.snapshot.format must be "${SNAPSHOT_FORMAT}"`,
        'params.snapshot.format',
      );
    const nowNs = u64Ns(snap.now, 'params.snapshot.now');
    if (snap.mode !== 'model' && snap.mode !== 'step')
      throw new ProtocolError('invalid-params', 'params.snapshot.mode must be model or step', 'params.snapshot.mode');
    this.#need(snap.mode, 'a snapshot of that mode');
    try {
      this.#mode =
        snap.mode === 'model'
          ? ModelMode.restore(snap.state, this.#modelFeatures())
          : restoreStepMode(snap.state, { engine: this.#engine });
    } catch (e) {
      // (a value the restore's own checks refuse is the snapshot's fault, not a bug: invalid-params, not internal)
      if (!(e instanceof ProtocolError)) {
        const why = e instanceof Error ? e.message : String(e);
        throw new ProtocolError(
          'invalid-params',
          `params.snapshot is not one snapshot.get gave: ${why}`,
          'params.snapshot.state',
        );
      }
      throw new ProtocolError(e.code, e.message, joinPath('params.snapshot.state', e.path));
    }
    this.nowNs = nowNs;
    return { result: {}, nowNs };
  }
}
