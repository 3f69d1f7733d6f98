// A seeded random host for model-mode tests: it sends vCPU states, steal and task events, mostly valid (it tracks
// what the replies said), some not; and a helper that runs it against a session, recording every request and reply.
import { mulberry32 } from '../../src/host/prng.ts';
import { createSession } from '../../src/protocol/session.ts';
import type { Session } from '../../src/protocol/types.ts';

export type Req = Record<string, unknown>;

const VCPU_STATES = ['running', 'runnable', 'paused', 'offline'] as const;
const TYPES = ['create', 'wakeup', 'dispatch', 'preempt', 'block', 'migrate', 'exit'] as const;

export interface HostOptions {
  readonly tasks?: number;
  readonly vcpus?: number;
  /** Sometimes send explicit readings (feature `readings`). */
  readonly readings?: boolean;
  /** Sometimes send `vcpu.steal`. */
  readonly steal?: boolean;
  /** Sometimes send queries. */
  readonly queries?: boolean;
}

export class RandomHost {
  readonly #r: () => number;
  readonly #o: Required<HostOptions>;
  now = 0;
  #id = 100;
  readonly tasks = new Map<number, { state: string; vcpu: number }>();
  readonly vcpus: string[];

  constructor(seed: number, options: HostOptions = {}) {
    this.#r = mulberry32(seed);
    this.#o = { tasks: 5, vcpus: 3, readings: false, steal: true, queries: true, ...options };
    this.vcpus = Array.from({ length: this.#o.vcpus }, () => 'running');
  }

  #int(n: number): number {
    return Math.floor(this.#r() * n);
  }

  #pick<T>(xs: readonly T[]): T {
    return xs[this.#int(xs.length)] as T;
  }

  #idle(): number | undefined {
    const busy = new Set([...this.tasks.values()].filter((t) => t.state === 'running').map((t) => t.vcpu));
    const free = this.vcpus.map((s, i) => (s === 'running' && !busy.has(i) ? i : -1)).filter((i) => i >= 0);
    return free.length === 0 ? undefined : this.#pick(free);
  }

  next(): Req {
    if (this.#r() < 0.7) this.now += this.#int(this.#r() < 0.1 ? 5_000_000 : 400_000);
    const now = String(this.now);
    const id = this.#id++;
    const roll = this.#r();
    if (roll < 0.14) {
      const vcpu = this.#int(this.vcpus.length);
      const state = this.#r() < 0.5 ? 'running' : this.#pick(VCPU_STATES);
      return { id, method: 'vcpu.state', now, params: { vcpu, state } };
    }
    if (this.#o.steal && roll < 0.17) {
      const total = this.#int(this.now + 1);
      return {
        id,
        method: 'vcpu.steal',
        now,
        params: { vcpu: this.#int(this.vcpus.length), stolenTotalNs: String(total) },
      };
    }
    if (this.#o.queries && roll < 0.2)
      return this.#r() < 0.5
        ? { id, method: 'ledger.get', now }
        : { id, method: 'anomalies.get', now, params: { since: this.#int(3) } };
    return this.#taskEvent(id, now);
  }

  #taskEvent(id: number, now: string): Req {
    const task = this.#int(this.#o.tasks);
    const known = this.tasks.get(task);
    let type: string = known === undefined ? (this.#r() < 0.9 ? 'create' : this.#pick(TYPES)) : this.#pick(TYPES);
    if (known?.state === 'running' && this.#r() < 0.5) type = this.#pick(['preempt', 'block', 'exit']);
    if (known !== undefined && known.state !== 'running' && this.#r() < 0.4) type = 'dispatch';
    let vcpu = known?.vcpu ?? this.#int(this.vcpus.length);
    if (type === 'dispatch') vcpu = this.#r() < 0.9 ? (this.#idle() ?? vcpu) : this.#int(this.vcpus.length);
    if (this.#r() < 0.05) vcpu = this.#int(this.vcpus.length);
    const params: Req = { task, type, vcpu };
    if (type === 'block' && this.#r() < 0.3) params.state = 'D';
    if (type === 'migrate') params.toVcpu = this.#r() < 0.7 ? (this.#idle() ?? 0) : this.#int(this.vcpus.length);
    if (this.#o.readings && this.#r() < 0.15) {
      const back = this.#r() < 0.2;
      params.reading = {
        counter: String(Math.max(0, this.now - (back ? 1_000_000 : 0))),
        stolenTotalNs: String(this.#int(this.now + 1)),
        ...(this.#r() < 0.1 ? { consistent: false } : {}),
      };
    }
    return { id, method: 'task.event', now, params };
  }

  /** Learns from a reply what the request did. */
  observe(req: Req, reply: unknown): void {
    if (typeof reply !== 'object' || reply === null || !('result' in reply)) return;
    const p = req.params as Req;
    if (req.method === 'vcpu.state') this.vcpus[p.vcpu as number] = p.state as string;
    if (req.method !== 'task.event') return;
    const result = reply.result as { state: string };
    const task = p.task as number;
    if (result.state === 'exited') {
      this.tasks.delete(task);
      return;
    }
    const before = this.tasks.get(task);
    const vcpu =
      p.type === 'migrate'
        ? (p.toVcpu as number)
        : p.type === 'dispatch' || before === undefined
          ? (p.vcpu as number)
          : before.vcpu;
    this.tasks.set(task, { state: result.state, vcpu });
  }
}

export const HELLO: Req = { id: 'h', method: 'hello', now: '0', params: { protocol: 'schedacct', version: '1.0' } };

/** Opens a model session and runs a random host against it; every request and reply line kept. */
export function runRandom(
  seed: number,
  n: number,
  open: Req = { vcpus: 3 },
  options: HostOptions & { engine?: 'compiled' | 'xstate' } = {},
): { session: Session; requests: Req[]; replies: string[]; host: RandomHost } {
  const session = createSession(options.engine === undefined ? {} : { engine: options.engine });
  const requests: Req[] = [HELLO, { id: 'o', method: 'model.open', now: '0', params: open }];
  const replies = requests.map((r) => session.requestLine(JSON.stringify(r)));
  const host = new RandomHost(seed, { vcpus: (open.vcpus as number | undefined) ?? 3, ...options });
  for (let i = 0; i < n; i++) {
    const req = host.next();
    const line = session.requestLine(JSON.stringify(req));
    host.observe(req, JSON.parse(line));
    requests.push(req);
    replies.push(line);
  }
  return { session, requests, replies, host };
}

/**
 * A reply as the tests read it: every field they look at, each itself readable the same way (JSON has no types a test
 * could check statically; a wrong field fails the assertion, as it should).
 */
export interface W {
  readonly id: W;
  readonly now: W;
  readonly line: W;
  readonly result: W;
  readonly error: W;
  readonly code: W;
  readonly kind: W;
  readonly path: W;
  readonly message: W;
  readonly state: W;
  readonly features: W;
  readonly charges: W;
  readonly anomaly: W;
  readonly anomalies: W;
  readonly counts: W;
  readonly tasks: W;
  readonly vcpus: W;
  readonly vcpu: W;
  readonly snapshot: W;
  readonly stolenTotalNs: W;
  readonly stolenNs: W;
  readonly runNs: W;
  readonly chargedNs: W;
  readonly 0: W;
  readonly 1: W;
  readonly 4: W;
  readonly length: number;
  some(f: (x: W) => boolean): boolean;
  filter(f: (x: W) => boolean): W[];
  forEach(f: (x: W, i: number) => void): void;
}

/** A reply line, or a reply, as a {@link W}. */
export const w = (reply: unknown): W => (typeof reply === 'string' ? JSON.parse(reply) : reply) as W;
