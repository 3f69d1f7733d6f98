// The fuzz's own picture of a model-mode session (what the common brief says the session keeps: the time, the vCPUs'
// states, which task runs where, the live tasks' machine states), written from the spec and the machine definitions,
// not from the session's code: the generator uses it to make requests it knows are valid, and requests that break
// exactly one rule (with the error code that rule gives), so a session that disagrees with the spec is found.
import type { TaskId } from '../../src/accounting/anomaly.js';
import { taskMachine } from '../../src/machines/task.js';
import type {
  ErrorCode,
  Feature,
  RequestId,
  TaskEventType,
  VcpuState,
  WireTaskState,
} from '../../src/protocol/types.js';

/** A request as the fuzz writes it (JSON-ready; `params` untyped so mutations can damage it). */
export interface Req {
  id?: RequestId;
  now: string;
  method: string;
  params?: Record<string, unknown>;
}

/** A live task. */
export interface ShadowTask {
  readonly id: TaskId;
  state: WireTaskState;
  /** The vCPU it runs on, or is placed on. */
  vcpu: number;
}

/** The session as the spec says it should be. */
export interface Shadow {
  nowNs: number;
  phase: 'start' | 'hello' | 'open' | 'step';
  features: readonly Feature[];
  counterHz: number;
  vcpus: VcpuState[];
  /** Per vCPU: the key of the task running on it. */
  runner: (string | undefined)[];
  tasks: Map<string, ShadowTask>;
  /** Ids that exited (they may be created again). */
  gone: TaskId[];
  nextTask: number;
}

/** @returns a fresh shadow, before `hello` */
export const newShadow = (): Shadow => ({
  nowNs: 0,
  phase: 'start',
  features: [],
  counterHz: 1e9,
  vcpus: [],
  runner: [],
  tasks: new Map(),
  gone: [],
  nextTask: 0,
});

/** @returns a copy that shares nothing mutable with `s` */
export const cloneShadow = (s: Shadow): Shadow => ({
  ...s,
  vcpus: [...s.vcpus],
  runner: [...s.runner],
  tasks: new Map([...s.tasks].map(([k, t]) => [k, { ...t }])),
  gone: [...s.gone],
});

/** @returns the key of a task id (1 and "1" are different ids) */
export const keyOf = (id: TaskId): string => `${typeof id}:${String(id)}`;

// The task machine's handled events per state, read from its definition (an event a state's own `on` lacks falls to
// the root's `impossible`): the same table the session must check against.
const HANDLED: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const out = new Map<string, Set<string>>();
  const states = taskMachine.root.states;
  for (const [name, node] of Object.entries(states)) {
    const own = new Set(Object.keys(node.config.on ?? {}));
    if (Object.keys(node.states).length > 0) {
      for (const child of Object.keys(node.states)) out.set(`${name}.${child}`, own);
    }
    out.set(name, own);
  }
  return out;
})();

/**
 * @param state - a live task's state
 * @param type - an event
 * @returns whether the task machine handles it there (else: impossible-event)
 */
export const handles = (state: WireTaskState, type: TaskEventType): boolean => HANDLED.get(state)?.has(type) ?? false;

/** vCPU transitions the vCPU machine allows (src/host/vcpu.ts), by state; the same state again is a no-op. */
export const VCPU_MOVES: Readonly<Record<VcpuState, readonly VcpuState[]>> = {
  running: ['runnable', 'paused', 'offline'],
  runnable: ['running', 'paused', 'offline'],
  paused: ['running'],
  offline: ['running'],
};

const SWITCH_OUTS: readonly TaskEventType[] = ['preempt', 'block', 'exit'];

/**
 * Every rule of the spec a request breaks in the shadow's state, each with its code (empty: the request is valid).
 * Field-shape checks are the mutator's business; this judges well-formed requests of the methods the generator makes.
 * @param s - the shadow
 * @param r - the request
 * @returns the codes of the rules broken
 */
export function broken(s: Shadow, r: Req): ErrorCode[] {
  const out: ErrorCode[] = [];
  const now = Number(r.now);
  if (r.method === 'hello') return s.phase === 'start' ? [] : ['no-hello'];
  if (s.phase === 'start') return ['no-hello'];
  if (now < s.nowNs) out.push('time-backwards');
  const p = r.params ?? {};
  if (r.method === 'model.open' || r.method === 'step.open') {
    return s.phase === 'hello' ? out : [...out, 'not-open', 'wrong-mode'];
  }
  if (s.phase === 'hello') return [...out, 'not-open'];
  const other = s.phase === 'step' ? ['task.event', 'vcpu.steal'] : ['step'];
  if (other.includes(r.method)) return [...out, 'wrong-mode', 'not-open'];
  if (r.method === 'step' && !(typeof p.until === 'string' && Number(p.until) >= now)) out.push('invalid-params');
  const inRange = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < s.vcpus.length;
  if (r.method === 'vcpu.state') {
    const v = p.vcpu as number;
    if (!inRange(v)) return [...out, 'invalid-params'];
    const from = s.vcpus[v] as VcpuState;
    if (p.state !== from && !VCPU_MOVES[from].includes(p.state as VcpuState)) out.push('impossible-event');
    return out;
  }
  if (r.method === 'task.event') return [...out, ...brokenTask(s, p, inRange)];
  if (r.method === 'snapshot.get' || r.method === 'snapshot.set') {
    if (!s.features.includes('snapshot')) out.push('wrong-mode');
  }
  return out;
}

function brokenTask(s: Shadow, p: Record<string, unknown>, inRange: (v: unknown) => boolean): ErrorCode[] {
  const out: ErrorCode[] = [];
  const type = p.type as TaskEventType;
  const v = p.vcpu as number;
  if (!inRange(v)) return ['invalid-params'];
  if (type === 'migrate' && !inRange(p.toVcpu)) out.push('invalid-params');
  if (p.reading !== undefined && !s.features.includes('readings')) out.push('wrong-mode');
  const t = s.tasks.get(keyOf(p.task as TaskId));
  if (type === 'create') {
    if (t !== undefined) out.push('invalid-params');
  } else if (t === undefined) {
    out.push('unknown-task');
  } else if (!handles(t.state, type)) {
    out.push('impossible-event');
  } else if (t.state === 'running' && SWITCH_OUTS.includes(type) && t.vcpu !== v) {
    out.push('invalid-params');
  }
  if (s.vcpus[v] !== 'running') out.push('vcpu-not-running');
  const busy = s.runner[v];
  if (type === 'dispatch' && busy !== undefined && (t === undefined || busy !== keyOf(t.id))) out.push('vcpu-busy');
  return out;
}

/**
 * Applies a valid request to the shadow.
 * @param s - the shadow (changed)
 * @param r - a request {@link broken} found no fault in
 */
export function apply(s: Shadow, r: Req): void {
  s.nowNs = Math.max(s.nowNs, Number(r.now));
  const p = r.params ?? {};
  if (r.method === 'hello') {
    s.phase = 'hello';
    const wanted = p.features as readonly string[] | undefined;
    const all: readonly Feature[] = ['model', 'step', 'snapshot', 'batch', 'readings', 'abi-bytes'];
    s.features = wanted === undefined ? all : all.filter((f) => wanted.includes(f));
  } else if (r.method === 'step.open') {
    s.phase = 'step';
    const n = (p.scenario as { cpus: number }).cpus;
    s.vcpus = Array.from({ length: n }, () => 'running');
    s.runner = Array.from({ length: n }, () => undefined);
  } else if (r.method === 'step') {
    s.nowNs = Math.max(s.nowNs, Number(p.until));
  } else if (r.method === 'model.open') {
    s.phase = 'open';
    const n = p.vcpus as number;
    s.vcpus = Array.from({ length: n }, () => 'running');
    s.runner = Array.from({ length: n }, () => undefined);
    s.counterHz = (p.counterHz as number | undefined) ?? 1e9;
  } else if (r.method === 'vcpu.state') {
    s.vcpus[p.vcpu as number] = p.state as VcpuState;
  } else if (r.method === 'task.event') {
    applyTask(s, p);
  }
}

function applyTask(s: Shadow, p: Record<string, unknown>): void {
  const id = p.task as TaskId;
  const key = keyOf(id);
  const v = p.vcpu as number;
  const type = p.type as TaskEventType;
  if (type === 'create') {
    s.tasks.set(key, { id, state: 'scheduled', vcpu: v });
    s.gone = s.gone.filter((g) => keyOf(g) !== key);
    return;
  }
  const t = s.tasks.get(key);
  if (t === undefined) return;
  const wasRunning = t.state === 'running';
  if (type === 'wakeup') {
    if (t.state === 'blocked.sleep' || t.state === 'blocked.iowait') t.state = 'scheduled';
  } else if (type === 'dispatch') {
    t.state = 'running';
    t.vcpu = v;
    s.runner[v] = key;
  } else if (type === 'preempt') {
    t.state = 'preempted';
  } else if (type === 'block') {
    t.state = typeof p.state === 'string' && p.state.startsWith('D') ? 'blocked.iowait' : 'blocked.sleep';
  } else if (type === 'migrate') {
    t.vcpu = p.toVcpu as number;
  } else {
    s.tasks.delete(key);
    s.gone.push(id);
  }
  if (wasRunning && type !== 'wakeup' && type !== 'migrate') s.runner[v] = undefined;
}
