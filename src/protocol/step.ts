/**
 * Step mode: schedacct simulates the guest (a scenario, as `schedacct simulate` takes it) while the host drives the
 * vCPUs (`vcpu.state`) and the time (`step {until}`, FMI's `doStep` with early return). Guest time 0 is `step.open`'s
 * `now`. The state is a replay log, `{scenario, openNs, log, events}` of every request that changed it: the engine is
 * deterministic, so replaying the log rebuilds it exactly (snapshots, and the rollback of a failed batch). A request
 * is checked whole before anything changes. Runtime-neutral.
 * @module
 * @internal
 */
import { ANOMALY_KINDS, type AnomalyKind } from '../accounting/anomaly.js';
import { MAX_SAFE_WHOLE } from '../accounting/reading.js';
import { SchedacctError } from '../errors.js';
import { POLICY_NAMES } from '../sim/policies/index.js';
import { resolveScenario, scenarioOf } from '../sim/scenario.js';
import { ScenarioError } from '../sim/scenario-check.js';
import { SimStepper, type SliceCharge, type SteppedEvent } from '../sim/step.js';
import type { ResolvedScenario } from '../sim/types.js';
import { bool, fieldError, isObject, oneOf, onlyKnown, taskId, u64Ns, whole, type Fields } from './decode.js';
import { joinPath, ProtocolError } from './errors.js';
import { VCPU_STATES, vcpuEventFor } from './model-vcpu.js';
import type {
  AnomaliesResult,
  Charge,
  LedgerResult,
  Method,
  SessionMode,
  StepEvent,
  StepOpenResult,
  StepResult,
  U64,
  VcpuResult,
  WireTotals,
} from './types.js';
import { u64Of, wireAnomaly, wireTotals, wireVcpu } from './wire.js';

/** The scenario's `durationMs` in step mode (whatever it says): the run goes on until `bye`, up to 2^53 ns. */
const STEP_DURATION_MS = Math.floor(MAX_SAFE_WHOLE / 1e6);
/** The most guest events one `step` runs: past them it returns with reason `event-limit` (step again). */
export const MAX_STEP_EVENTS = 200_000;
/** The most entries a snapshot's replay log may hold. */
const MAX_LOG = 10_000_000;

/** One request that changed the state: method, its params as checked, and its `now`. */
type LogEntry = readonly ['step' | 'vcpu.state', Fields, U64];

/** How task machines run. */
interface StepOptions {
  /** The compiled stepper or XState. */
  readonly engine: 'compiled' | 'xstate';
}

const refuse = (message: string, path: string): ProtocolError => new ProtocolError('invalid-params', message, path);

// What step mode cannot run: steal and pauses of the scenario's own (the host drives the vCPUs), trace workloads
// (no files here), policy modules (no loading here).
function checkStepScenario(raw: Fields, resolved: ResolvedScenario): void {
  const steal = isObject(raw.host) && isObject(raw.host.steal) ? raw.host.steal : {};
  for (const [key, spec] of Object.entries(steal))
    if (!isObject(spec) || spec.kind !== 'none')
      throw refuse('step mode takes steal from vcpu.state: host.steal must be absent or none', `host.steal.${key}`);
  if (resolved.host.pauses.length > 0)
    throw refuse('step mode takes pauses from vcpu.state (paused): host.pauses must be empty', 'host.pauses');
  resolved.tasks.forEach((t, i) => {
    if (t.workload.kind === 'trace')
      throw refuse('workload trace is not available in step mode (no files here)', `tasks[${i}].workload.kind`);
  });
  if (!(POLICY_NAMES as readonly string[]).includes(resolved.policy))
    throw refuse(`policy must be a shipped one in step mode (${POLICY_NAMES.join(', ')})`, 'policy');
}

// The scenario resolved for step mode; its problems as ProtocolErrors with paths under `scenario`.
function resolveForStep(raw: unknown): ResolvedScenario {
  if (!isObject(raw)) throw fieldError('scenario', 'a scenario object {tasks, …}', raw);
  try {
    const resolved = resolveScenario({ ...raw, durationMs: STEP_DURATION_MS });
    checkStepScenario(raw, resolved);
    return resolved;
  } catch (e) {
    if (e instanceof ProtocolError) throw new ProtocolError(e.code, e.message, joinPath('scenario', e.path));
    if (e instanceof ScenarioError) throw refuse(e.message, joinPath('scenario', e.issues[0]?.path ?? ''));
    if (e instanceof SchedacctError) throw refuse(e.message, 'scenario');
    throw e;
  }
}

function wireCharge(c: SliceCharge, openNs: number): Charge {
  return {
    task: c.task,
    vcpu: c.vcpu,
    startNs: u64Of(openNs + c.startNs),
    endNs: u64Of(openNs + c.endNs),
    runNs: u64Of(c.runNs),
    stolenNs: u64Of(c.stolenNs),
    chargedNs: u64Of(c.chargedNs),
    ...(c.anomaly === undefined ? {} : { anomaly: wireAnomaly(c.anomaly) }),
  };
}

function wireEvent(e: SteppedEvent, openNs: number): StepEvent {
  const at = u64Of(openNs + e.atNs);
  if (e.type === 'switch') {
    return {
      type: 'switch',
      at,
      vcpu: e.vcpu,
      ...(e.prev === undefined ? {} : { prev: e.prev }),
      ...(e.next === undefined ? {} : { next: e.next }),
      ...(e.charge === undefined ? {} : { charge: wireCharge(e.charge, openNs) }),
    };
  }
  if (e.type === 'migrate') return { type: 'migrate', at, task: e.task, vcpu: e.vcpu, toVcpu: e.toVcpu };
  return { type: e.type, at, task: e.task, vcpu: e.vcpu };
}

/** Step mode's state and handlers. */
class StepMode implements SessionMode {
  readonly kind = 'step';
  readonly #scenario: ResolvedScenario;
  readonly #openNs: number;
  readonly #options: StepOptions;
  #run: SimStepper;
  #log: LogEntry[] = [];
  #mark = 0;
  // the guest's event count when the session's transaction (one line) began: its steps share one budget
  #eventsAtBegin = 0;
  // a log being replayed: its steps carry the budget they ran with
  #replaying = false;

  constructor(scenario: ResolvedScenario, openNs: number, options: StepOptions) {
    this.#scenario = scenario;
    this.#openNs = openNs;
    this.#options = options;
    this.#run = this.#start();
  }

  #start(): SimStepper {
    try {
      return new SimStepper(this.#scenario, this.#options.engine);
    } catch (e) {
      if (e instanceof SchedacctError) throw refuse(e.message, 'scenario');
      throw e;
    }
  }

  /** Guest scheduling events run so far. */
  get events(): number {
    return this.#run.events;
  }

  #next(): U64 | null {
    const next = this.#run.nextEventNs;
    return next === Infinity ? null : u64Of(this.#openNs + next);
  }

  openResult(): StepOpenResult {
    const s = this.#scenario;
    const tasks = this.#run.tasks().map((t) => ({ name: t.name, task: t.tid }));
    return { vcpus: s.cpus, tasks, policy: s.policy, kernel: s.kernel, nextEventAt: this.#next() };
  }

  handle(method: Method, params: Fields, nowNs: number): { result: unknown; nowNs: number } {
    if (method === 'step' || method === 'vcpu.state') return this.#change(method, params, nowNs);
    if (method === 'ledger.get') return { result: this.#ledger(params, nowNs), nowNs };
    if (method === 'anomalies.get') return { result: this.#anomalies(params), nowNs };
    const why = method === 'task.event' || method === 'vcpu.steal' ? "model mode's" : 'not a step-mode method';
    throw new ProtocolError('wrong-mode', `${method} is ${why}: in step mode the simulated guest makes its events`);
  }

  // A request that changes the state: applied, then logged (a bad one throws before anything changed).
  #change(method: 'step' | 'vcpu.state', params: Fields, nowNs: number): { result: unknown; nowNs: number } {
    const out = method === 'step' ? this.#step(params, nowNs) : this.#vcpuState(params, nowNs);
    if (out.logged !== undefined) this.#log.push([method, out.logged, u64Of(nowNs)]);
    return { result: out.result, nowNs: out.nowNs };
  }

  #step(params: Fields, nowNs: number): { result: StepResult; nowNs: number; logged: Fields } {
    onlyKnown(params, '', this.#replaying ? ['until', 'earlyReturn', 'maxEvents'] : ['until', 'earlyReturn']);
    const untilNs = u64Ns(params.until, 'until');
    if (untilNs < nowNs) throw refuse(`until (${untilNs}) must not be before now (${nowNs})`, 'until');
    const earlyReturn = bool(params.earlyReturn, 'earlyReturn', true);
    // One budget per line: the steps of a batch share MAX_STEP_EVENTS (a replayed step gets the budget it had).
    const maxEvents = this.#replaying
      ? params.maxEvents === undefined
        ? MAX_STEP_EVENTS
        : whole(params.maxEvents, 'maxEvents', 0, MAX_STEP_EVENTS)
      : Math.max(0, MAX_STEP_EVENTS - (this.#run.events - this.#eventsAtBegin));
    const done = this.#run.advance(untilNs - this.#openNs, earlyReturn, maxEvents);
    const reachedNs = this.#openNs + done.reachedNs;
    const result: StepResult = {
      reached: u64Of(reachedNs),
      events: done.events.map((e) => wireEvent(e, this.#openNs)),
      nextEventAt: this.#next(),
      reason: done.reason,
      ...(done.vcpus.length === 0 ? {} : { vcpus: done.vcpus }),
    };
    const logged = { until: u64Of(untilNs), earlyReturn, ...(maxEvents < MAX_STEP_EVENTS ? { maxEvents } : {}) };
    return { result, nowNs: Math.max(nowNs, reachedNs), logged };
  }

  #vcpuState(params: Fields, nowNs: number): { result: VcpuResult; nowNs: number; logged?: Fields } {
    onlyKnown(params, '', ['vcpu', 'state']);
    const vcpu = whole(params.vcpu, 'vcpu', 0, this.#run.vcpus - 1);
    if (params.state === undefined) throw fieldError('state', `one of ${VCPU_STATES.join(', ')}`, undefined);
    const state = oneOf(params.state, 'state', VCPU_STATES, 'running');
    const from = this.#run.vcpuState(vcpu);
    const result = (): VcpuResult => ({ vcpu, state, stolenTotalNs: String(this.#run.readStolenNs(vcpu)) });
    if (state === from) return { result: result(), nowNs };
    const event = vcpuEventFor(from, state);
    if (event === undefined) {
      const can = VCPU_STATES.filter((s) => vcpuEventFor(from, s) !== undefined).join(', ');
      throw new ProtocolError(
        'impossible-event',
        `vCPU ${vcpu} is ${from}: it can go to ${can}, not ${state}`,
        'state',
      );
    }
    const atNs = nowNs - this.#openNs;
    if (this.#run.nextEventNs < atNs) {
      const next = u64Of(this.#openNs + this.#run.nextEventNs);
      throw refuse(`the guest has events due before now (the next at ${next}): step to now first`, '');
    }
    this.#run.hostEvent(vcpu, event, atNs);
    return { result: result(), nowNs, logged: { vcpu, state } };
  }

  #ledger(params: Fields, nowNs: number): LedgerResult {
    onlyKnown(params, '', ['tasks']);
    const run = this.#run;
    const atNs = nowNs - this.#openNs;
    const vcpus = Array.from({ length: run.vcpus }, (_, v) =>
      wireVcpu(run.vcpuContext(v), run.vcpuState(v), BigInt(run.readStolenNs(v)), atNs),
    );
    const all = run.tasks();
    const totals = (t: (typeof all)[number]): WireTotals =>
      wireTotals(run.ledger.account(t.tid).toJSON(), t.state, t.migrations);
    if (params.tasks === undefined) return { tasks: all.map(totals), vcpus };
    if (!Array.isArray(params.tasks) || params.tasks.length > 100_000)
      throw fieldError('tasks', 'an array of task ids (at most 100000)', params.tasks);
    const tasks = (params.tasks as unknown[]).map((id, i) => {
      const tid = taskId(id, `tasks[${i}]`); // (checked and bounded first: a message never echoes a value whole)
      const t = all.find((x) => x.tid === tid);
      if (t === undefined)
        throw new ProtocolError('unknown-task', `no task ${JSON.stringify(tid)} here`, `tasks[${i}]`);
      return totals(t);
    });
    return { tasks, vcpus };
  }

  #anomalies(params: Fields): AnomaliesResult {
    onlyKnown(params, '', ['since']);
    const since = params.since === undefined ? 0 : whole(params.since, 'since', 0, MAX_SAFE_WHOLE);
    const ledger = this.#run.ledger;
    const all = ledger.anomalyCounts();
    const counts: Partial<Record<AnomalyKind, number>> = {};
    let total = 0;
    for (const kind of ANOMALY_KINDS) {
      total += all[kind];
      if (all[kind] > 0) counts[kind] = all[kind];
    }
    return { total, counts, anomalies: ledger.anomalies().slice(since).map(wireAnomaly) };
  }

  save(): unknown {
    const log = this.#log.map((e) => [...e]);
    return { scenario: this.#scenario, openNs: u64Of(this.#openNs), log, events: u64Of(this.#run.events) };
  }

  /** Starts a transaction (the session's): what {@link StepMode.rollback} goes back to. */
  begin(): void {
    this.#mark = this.#log.length;
    this.#eventsAtBegin = this.#run.events;
  }

  /** Keeps what the transaction did. */
  commit(): void {
    this.#mark = this.#log.length;
  }

  /** Undoes what the transaction did: the engine rebuilt from the log before it. */
  rollback(): void {
    if (this.#log.length === this.#mark) return; // (a failed request changes nothing)
    this.replay(this.#log.slice(0, this.#mark));
  }

  /**
   * Rebuilds the run from its start and applies `log` to it.
   * @param log - the entries, checked
   * @param maxEvents - the guest events the log must replay to, at most (a saved state's: no forged log runs longer)
   * @throws {@link ProtocolError} `invalid-params` for an entry its handler refuses (path `log[i]…`), or a log that
   *   runs past `maxEvents`
   */
  replay(log: readonly LogEntry[], maxEvents = Infinity): void {
    this.#run = this.#start();
    this.#log = [];
    this.#replaying = true;
    try {
      let lastNs = this.#openNs;
      log.forEach(([method, params, now], i) => {
        const at = `log[${i}]`;
        const nowNs = u64Ns(now, `${at}[2]`);
        if (nowNs < lastNs) throw refuse(`the log's times must not go back (${nowNs} < ${lastNs})`, `${at}[2]`);
        try {
          lastNs = this.#change(method, params, nowNs).nowNs;
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
          throw refuse(`${method}: ${e.message}`, joinPath(`${at}[1]`, e.path));
        }
        if (this.#run.events > maxEvents) throw refuse(`the log runs past the ${maxEvents} events saved`, at);
      });
    } finally {
      this.#replaying = false;
    }
    this.#mark = this.#log.length;
    this.#eventsAtBegin = this.#run.events;
  }
}

/**
 * Opens step mode (`step.open`): resolves the scenario and starts the guest at `nowNs`.
 * @param params - `step.open`'s params: `{scenario}`
 * @param nowNs - the request's time: the guest's time 0
 * @param options - how task machines run
 * @param options.engine - the compiled stepper or XState
 * @returns the mode, and `step.open`'s result
 * @throws {@link ProtocolError} `invalid-params` for a scenario the resolver refuses (path `scenario.…`, the
 *   resolver's message) or one step mode cannot run (its own steal or pauses, trace workloads, a policy module)
 */
export function createStepMode(
  params: Readonly<Record<string, unknown>>,
  nowNs: number,
  options: { readonly engine: 'compiled' | 'xstate' },
): { mode: SessionMode; result: StepOpenResult } {
  onlyKnown(params, '', ['scenario']);
  const mode = new StepMode(resolveForStep(params.scenario), nowNs, options);
  return { mode, result: mode.openResult() };
}

// The replay log of a saved state, each entry's shape checked (its handler checks the rest).
function logOf(value: unknown): LogEntry[] {
  if (!Array.isArray(value) || value.length > MAX_LOG)
    throw fieldError('log', `an array of at most ${MAX_LOG} [method, params, now] entries`, value);
  return (value as unknown[]).map((entry, i) => {
    const ok = Array.isArray(entry) && entry.length === 3 && (entry[0] === 'step' || entry[0] === 'vcpu.state');
    if (!ok || !isObject(entry[1]) || typeof entry[2] !== 'string')
      throw fieldError(`log[${i}]`, '[method ("step" or "vcpu.state"), params, now]', entry);
    return [entry[0], entry[1], entry[2]] as LogEntry;
  });
}

/**
 * Restores step mode from what its `save()` gave (`snapshot.set`): the scenario resolved again, the log replayed.
 * @param state - the saved state: `{scenario, openNs, log, events}` (`events`: the guest events run, a check)
 * @param options - how task machines run
 * @param options.engine - the compiled stepper or XState
 * @returns the mode, exactly as it was saved
 * @throws {@link ProtocolError} `invalid-params` for a state that is not one step mode saved (the path names the
 *   field, `log[i]…` an entry its handler refuses)
 */
export function restoreStepMode(state: unknown, options: { readonly engine: 'compiled' | 'xstate' }): SessionMode {
  if (!isObject(state)) throw fieldError('', 'the state step mode saved {scenario, openNs, log, events}', state);
  onlyKnown(state, '', ['scenario', 'openNs', 'log', 'events']);
  const openNs = u64Ns(state.openNs, 'openNs');
  const events = u64Ns(state.events, 'events');
  let scenario: unknown;
  try {
    scenario = scenarioOf(state.scenario as ResolvedScenario);
  } catch (e) {
    if (e instanceof SchedacctError) throw refuse(e.message, 'scenario');
    throw e;
  }
  const log = logOf(state.log);
  const mode = new StepMode(resolveForStep(scenario), openNs, options);
  mode.replay(log, events);
  if (mode.events !== events) throw refuse(`the log replays to ${mode.events} guest events, not ${events}`, 'events');
  return mode;
}
