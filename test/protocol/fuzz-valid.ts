// Valid requests for the shadow's state: the moves of a host that obeys the task machine and the vCPU rules (tasks
// created, woken, dispatched on a free running vCPU, switched out where they run, migrated while off a CPU, exited;
// vCPUs stolen, paused, taken offline while idle), sometimes with explicit readings, and the reads.
import type { TaskId } from '../../src/accounting/anomaly.js';
import type { VcpuState } from '../../src/protocol/types.js';
import { below, chance, pick, type Rng } from '../fuzz/draft.js';
import { VCPU_MOVES, type Req, type Shadow, type ShadowTask } from './fuzz-model.js';

/** Request ids: numbers mostly, strings sometimes, none now and then. */
export class Ids {
  #next = 1;
  /**
   * @param rng - the stream
   * @returns the next id, or undefined (a request without one)
   */
  next(rng: Rng): number | string | undefined {
    const n = this.#next++;
    const r = rng();
    return r < 0.04 ? undefined : r < 0.15 ? `r-${String(n)}` : n;
  }
}

const withId = (id: number | string | undefined, r: Req): Req => (id === undefined ? r : { id, ...r });

/**
 * The next request's time: the same ns often, a few µs or ms mostly, up to a second now and then.
 * @param rng - the stream
 * @param s - the shadow
 * @returns `now`, ns
 */
export function nextNow(rng: Rng, s: Shadow): number {
  const r = rng();
  const dt = r < 0.2 ? 0 : r < 0.7 ? 1 + below(rng, 50_000) : r < 0.95 ? below(rng, 10_000_000) : below(rng, 1e9);
  return s.nowNs + dt;
}

const running = (s: Shadow): number[] => s.vcpus.flatMap((st, v) => (st === 'running' ? [v] : []));

/**
 * A fresh task id: a number, or a string (some not ASCII), or an exited id used again.
 * @param rng - the stream
 * @param s - the shadow (its counter moves on)
 * @returns the id
 */
export function freshId(rng: Rng, s: Shadow): TaskId {
  if (s.gone.length > 0 && chance(rng, 0.2)) return pick(rng, s.gone);
  const n = s.nextTask++;
  const r = rng();
  return r < 0.7 ? n : r < 0.9 ? `t-${String(n)}` : `wörker/${String(n)} ✓`;
}

function reading(rng: Rng, s: Shadow, nowNs: number): Record<string, unknown> | undefined {
  if (!s.features.includes('readings') || !chance(rng, 0.15)) return undefined;
  const exact = (BigInt(nowNs) * BigInt(s.counterHz)) / 1_000_000_000n;
  const jitter = chance(rng, 0.1) ? BigInt(below(rng, 2_000_000)) - 1_000_000n : 0n;
  const counter = exact + jitter < 0n ? 0n : exact + jitter;
  const out: Record<string, unknown> = { counter: String(counter), stolenTotalNs: String(below(rng, nowNs + 1)) };
  if (chance(rng, 0.1)) out.consistent = chance(rng, 0.5);
  return out;
}

/**
 * A task event valid in the shadow's state, or undefined when the move drawn is not possible now.
 * @param rng - the stream
 * @param s - the shadow
 * @param nowNs - the request's time
 * @returns the params
 */
export function taskMove(rng: Rng, s: Shadow, nowNs: number): Record<string, unknown> | undefined {
  const free = running(s);
  const live = [...s.tasks.values()];
  const withReading = (p: Record<string, unknown>): Record<string, unknown> => {
    const r = reading(rng, s, nowNs);
    return r === undefined ? p : { ...p, reading: r };
  };
  if (live.length < 2 || chance(rng, live.length > 40 ? 0.03 : 0.12)) {
    if (free.length === 0) return undefined;
    return withReading({ task: freshId(rng, s), type: 'create', vcpu: pick(rng, free) });
  }
  // a few draws: most tasks wait on a busy or stolen vCPU, and a host acts on one that can move
  let t = pick(rng, live);
  let type = pickType(rng, t);
  for (
    let i = 0;
    i < 8 && (s.vcpus[t.vcpu] !== 'running' || (type === 'dispatch' && s.runner[t.vcpu] !== undefined));
    i++
  ) {
    t = pick(rng, live);
    type = pickType(rng, t);
  }
  if (s.vcpus[t.vcpu] !== 'running') return undefined;
  const p: Record<string, unknown> = { task: t.id, type, vcpu: t.vcpu };
  if (type === 'dispatch' && s.runner[t.vcpu] !== undefined) return undefined;
  if (type === 'block' && chance(rng, 0.7)) p.state = chance(rng, 0.3) ? 'D' : 'S';
  if (type === 'migrate') {
    const to = free.filter((v) => v !== t.vcpu);
    if (to.length === 0) return undefined;
    p.toVcpu = pick(rng, to);
  }
  return withReading(p);
}

function pickType(rng: Rng, t: ShadowTask): string {
  const r = rng();
  switch (t.state) {
    case 'running':
      return r < 0.5 ? 'preempt' : r < 0.93 ? 'block' : r < 0.97 ? 'wakeup' : 'exit';
    case 'blocked.sleep':
    case 'blocked.iowait':
      return r < 0.78 ? 'wakeup' : r < 0.88 ? 'dispatch' : r < 0.98 ? 'migrate' : 'exit';
    default:
      return r < 0.85 ? 'dispatch' : r < 0.94 ? 'migrate' : r < 0.98 ? 'wakeup' : 'exit';
  }
}

/**
 * A vCPU state change the vCPU machine allows (offline only while no task runs on it), or the same state again.
 * @param rng - the stream
 * @param s - the shadow
 * @returns the params
 */
export function vcpuMove(rng: Rng, s: Shadow): Record<string, unknown> {
  const v = below(rng, s.vcpus.length);
  const from = s.vcpus[v] as VcpuState;
  let to: VcpuState = from;
  if (!chance(rng, 0.05)) {
    const options = VCPU_MOVES[from].filter((x) => x !== 'offline' || s.runner[v] === undefined);
    const r = rng();
    if (from === 'running') to = r < 0.8 ? 'runnable' : pick(rng, options);
    else if (from === 'runnable') to = r < 0.85 ? 'running' : pick(rng, options);
    else to = 'running';
  }
  return { vcpu: v, state: to };
}

/**
 * One valid request of model mode after `model.open` (no snapshots: those are the stream's, which needs replies).
 * @param rng - the stream
 * @param s - the shadow
 * @param ids - request ids
 * @returns the request
 */
export function validRequest(rng: Rng, s: Shadow, ids: Ids): Req {
  if (s.phase === 'step') return stepModeRequest(rng, s, ids);
  for (;;) {
    const nowNs = nextNow(rng, s);
    const now = String(nowNs);
    const r = rng();
    let params: Record<string, unknown> | undefined;
    let method = 'task.event';
    if (r < 0.78) params = taskMove(rng, s, nowNs);
    else if (r < 0.9) [method, params] = ['vcpu.state', vcpuMove(rng, s)];
    else if (r < 0.93) {
      method = 'vcpu.steal';
      params = { vcpu: below(rng, s.vcpus.length), stolenTotalNs: String(below(rng, nowNs + 1)) };
    } else if (r < 0.97) {
      method = 'ledger.get';
      const live = [...s.tasks.values()].map((t) => t.id);
      params = chance(rng, 0.3) && live.length > 0 ? { tasks: live.filter(() => chance(rng, 0.5)) } : undefined;
    } else {
      method = 'anomalies.get';
      params = chance(rng, 0.5) ? { since: below(rng, 5) } : undefined;
    }
    if (method === 'task.event' && params === undefined) continue;
    return withId(ids.next(rng), params === undefined ? { now, method } : { now, method, params });
  }
}

/**
 * `hello` as a client writes it: every feature by default, or a list (perhaps naming one the server lacks).
 * @param rng - the stream
 * @param nowNs - its time
 * @param ids - request ids
 * @returns the request
 */
export function helloRequest(rng: Rng, nowNs: number, ids: Ids): Req {
  const params: Record<string, unknown> = { protocol: 'schedacct', version: pick(rng, ['1', '1.0', '1.7']) };
  if (chance(rng, 0.5)) params.client = pick(rng, ['fuzz', 'py-host/0.1', 'höst ✓']);
  if (chance(rng, 0.25)) {
    const options = ['snapshot', 'batch', 'readings', 'abi-bytes', 'teleport'];
    params.features = ['model', ...options.filter(() => chance(rng, 0.6))];
  }
  return withId(ids.next(rng), { now: String(nowNs), method: 'hello', params });
}

/**
 * `model.open` with 1–8 vCPUs (64 now and then) and the options drawn.
 * @param rng - the stream
 * @param nowNs - its time
 * @param ids - request ids
 * @returns the request
 */
export function openRequest(rng: Rng, nowNs: number, ids: Ids): Req {
  const params: Record<string, unknown> = { vcpus: chance(rng, 0.05) ? 64 : 1 + below(rng, 8) };
  if (chance(rng, 0.6)) params.abi = pick(rng, ['x86', 'arm64', 'xen']);
  if (chance(rng, 0.4)) params.stealPolicy = pick(rng, ['drop', 'carry']);
  if (chance(rng, 0.3)) params.counterHz = pick(rng, [1e9, 24_000_000, 19_200_000, 1_000_000]);
  if (chance(rng, 0.2)) params.offlineIsSteal = chance(rng, 0.5);
  if (chance(rng, 0.2)) params.delayAfterPreempt = chance(rng, 0.5);
  return withId(ids.next(rng), { now: String(nowNs), method: 'model.open', params });
}

/**
 * A step-mode request: a step to a later time without early return (so the guest reaches it and the next request may
 * be at it), a vCPU state change, or a read, each at the time the last step reached.
 * @param rng - the stream
 * @param s - the shadow
 * @param ids - request ids
 * @returns the request
 */
function stepModeRequest(rng: Rng, s: Shadow, ids: Ids): Req {
  const now = String(s.nowNs);
  const r = rng();
  let req: Req;
  if (r < 0.5) {
    const until = String(s.nowNs + (chance(rng, 0.1) ? 0 : 1 + below(rng, 20_000_000)));
    req = { now, method: 'step', params: { until, earlyReturn: false } };
  } else if (r < 0.8) {
    const v = below(rng, s.vcpus.length);
    const from = s.vcpus[v] as VcpuState;
    const to = chance(rng, 0.1)
      ? from
      : pick(
          rng,
          VCPU_MOVES[from].filter((x) => x !== 'offline'),
        );
    req = { now, method: 'vcpu.state', params: { vcpu: v, state: to } };
  } else req = { now, method: r < 0.9 ? 'ledger.get' : 'anomalies.get' };
  return withId(ids.next(rng), req);
}

/**
 * `step.open` with a small scenario: a CPU hog and a periodic task on 1–2 vCPUs.
 * @param rng - the stream
 * @param nowNs - its time
 * @param ids - request ids
 * @returns the request
 */
export function stepOpenRequest(rng: Rng, nowNs: number, ids: Ids): Req {
  const scenario = {
    cpus: 1 + below(rng, 2),
    seed: below(rng, 1000),
    tasks: [
      { name: 'hog', workload: { kind: 'cpu' } },
      { name: 'io', workload: { kind: 'periodic', runUs: 200 + below(rng, 2000), sleepUs: 500 + below(rng, 5000) } },
    ],
  };
  return withId(ids.next(rng), { now: String(nowNs), method: 'step.open', params: { scenario } });
}
