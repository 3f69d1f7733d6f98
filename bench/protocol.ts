// The protocol's speed, side by side in one run: task events per second (a) in process, `createSession().request`
// with batches of 1000 (and the same lines through `requestLine`, JSON text in and out), (b) through `schedacct serve
// --stdio` as a child process, the same batched lines written to its standard input and the replies read from its
// standard output, (c) the same events unbatched through serve, one line each (pipelined, and in lock step: one
// request, then its reply), and (d) the library driven directly, the compiled task machines booking into one Ledger
// with the readings the session would take, no protocol: the floor. Reported: (b)/(a) (goal ≤ 1.5×, limit 3×) and
// (a)/(d); the start-up of serve to its hello reply on its own line; and, with python3 and the client present,
// the Python client's end-to-end rate (clients/python/host_sim.py). Sides run in turn, round by round, compared by
// medians, so load that comes and goes on a shared machine slows each alike.
// `node --import tsx bench/protocol.ts` (after `npm run build`: serve and the in-process session are the same dist/).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileTaskMachine, createTaskContext, Ledger, type TaskEvent } from 'schedacct';
import { createSession, type Reply } from 'schedacct/protocol';

/** vCPUs of the benchmark session. */
const VCPUS = 4;
/** Tasks per vCPU, round-robin on it. */
const TASKS_PER_VCPU = 16;
/** Task events per run: enough that the work dominates. */
export const EVENTS = 240_000;
/** Requests per batch line. */
const BATCH = 1000;
const ROUNDS = 5;
const BIN = fileURLToPath(new URL('../dist/bin/schedacct.js', import.meta.url));
const PYTHON_SIM = fileURLToPath(new URL('../clients/python/host_sim.py', import.meta.url));

interface Ev {
  readonly task: number;
  readonly type: 'create' | 'dispatch' | 'preempt' | 'block' | 'wakeup';
  readonly vcpu: number;
  readonly nowNs: number;
}

/** The events: per vCPU a round robin of its tasks, each slice ended by a preemption or (one in four) a block. */
export function makeEvents(): Ev[] {
  const out: Ev[] = [];
  let nowNs = 1000;
  for (let v = 0; v < VCPUS; v++) {
    for (let i = 0; i < TASKS_PER_VCPU; i++) out.push({ task: v * TASKS_PER_VCPU + i, type: 'create', vcpu: v, nowNs });
  }
  const next = Array.from({ length: VCPUS }, () => 0);
  const current: (number | undefined)[] = Array.from({ length: VCPUS }, () => undefined);
  const blocked: number[][] = Array.from({ length: VCPUS }, () => []);
  for (let step = 0; out.length < EVENTS; step++) {
    nowNs += 25_000;
    const v = step % VCPUS;
    const prev = current[v];
    if (prev !== undefined) {
      const block = (step >> 2) % 4 === 3;
      out.push({ task: prev, type: block ? 'block' : 'preempt', vcpu: v, nowNs });
      if (block) blocked[v]?.push(prev);
    }
    const sleepers = blocked[v] ?? [];
    if (sleepers.length > 2) out.push({ task: sleepers.shift() ?? 0, type: 'wakeup', vcpu: v, nowNs });
    let task = v * TASKS_PER_VCPU + ((next[v] ?? 0) % TASKS_PER_VCPU);
    while (sleepers.includes(task)) task = v * TASKS_PER_VCPU + ((next[v] = (next[v] ?? 0) + 1) % TASKS_PER_VCPU);
    next[v] = (next[v] ?? 0) + 1;
    out.push({ task, type: 'dispatch', vcpu: v, nowNs });
    current[v] = task;
  }
  return out.slice(0, EVENTS);
}

const request = (e: Ev, id: number): object => ({
  id,
  now: String(e.nowNs),
  method: 'task.event',
  params: { task: e.task, type: e.type, vcpu: e.vcpu },
});
const OPENING = [
  { id: 'h', now: '0', method: 'hello', params: { protocol: 'schedacct', version: '1', client: 'bench' } },
  { id: 'o', now: '0', method: 'model.open', params: { vcpus: VCPUS } },
];

const seconds = (f: () => void): number => {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e9;
};
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};
const fmtRate = (perSecond: number): string =>
  perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M` : `${(perSecond / 1e3).toFixed(1)} k`;
const line = (name: string, value: string): void => console.log(`${name.padEnd(60)} ${value}`);

function checkReplies(replies: readonly Reply[], where: string): void {
  const bad = replies.find((r) => 'error' in r);
  if (bad !== undefined) throw new Error(`${where}: a request failed: ${JSON.stringify(bad)}`);
}

/** (a): one session, the batches as parsed arrays. */
export function inProcess(batches: readonly object[][]): void {
  const session = createSession();
  for (const m of OPENING) checkReplies([session.request(m) as Reply], 'in process');
  for (const b of batches) {
    const replies = session.request(b) as Reply[];
    if (replies.length !== b.length || 'error' in (replies[0] ?? { error: 1 })) checkReplies(replies, 'in process');
  }
}

/** (a'): the same as text, as a transport hands lines to the session. */
export function inProcessLines(lines: readonly string[]): void {
  const session = createSession();
  for (const m of OPENING) session.requestLine(JSON.stringify(m));
  for (const l of lines) {
    const reply = session.requestLine(l);
    if (reply.includes('"error"')) throw new Error(`in process (lines): ${reply.slice(0, 300)}`);
  }
}

/** (d): the floor: the same events to compiled task machines and one Ledger, readings as the session takes them. */
export function library(events: readonly Ev[]): void {
  const ledger = new Ledger();
  const machine = compileTaskMachine();
  const tasks = new Map<number, ReturnType<typeof machine.start>>();
  for (const e of events) {
    const reading = { counter: BigInt(e.nowNs), stolenTotalNs: 0n, cpu: e.vcpu };
    let t = tasks.get(e.task);
    if (t === undefined) {
      t = machine.start(createTaskContext({ task: e.task, counterHz: 1e9, ledger }));
      tasks.set(e.task, t);
    }
    const event: TaskEvent = e.type === 'block' ? { type: 'block', reading, state: 'S' } : { type: e.type, reading };
    t.send(event);
  }
  if (ledger.totals().slices === 0) throw new Error('library: no slices charged');
}

/** A serve process, opened (hello, model.open answered), with a reader counting reply lines. */
class Server {
  readonly child = spawn(process.execPath, [BIN, 'serve', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  stderr = '';
  replies = 0;
  errors = 0;
  #waiting: { n: number; resolve: () => void } | undefined;
  #exited = new Promise<number | null>((resolve) => this.child.on('exit', resolve));
  constructor() {
    this.child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    this.child.stdout.on('data', (chunk: Buffer) => {
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) this.replies++;
      if (chunk.includes('"error"')) this.errors++;
      if (this.#waiting !== undefined && this.replies >= this.#waiting.n) this.#waiting.resolve();
    });
  }
  /** @returns once `n` replies in all have come (or the process ended) */
  async until(n: number): Promise<void> {
    if (this.replies >= n) return;
    await Promise.race([new Promise<void>((resolve) => (this.#waiting = { n, resolve })), this.#exited]);
    if (this.replies < n) throw new Error(`serve ended after ${String(this.replies)} of ${String(n)} replies`);
  }
  async write(text: string): Promise<void> {
    if (!this.child.stdin.write(text)) await new Promise((resolve) => this.child.stdin.once('drain', resolve));
  }
  async close(): Promise<void> {
    this.child.stdin.end();
    const status = await this.#exited;
    if (status !== 0) throw new Error(`serve exited ${String(status)}: ${this.stderr}`);
    if (this.errors > 0) throw new Error('serve answered a request with an error');
  }
}

async function openServer(): Promise<Server> {
  const server = new Server();
  await server.write(OPENING.map((m) => `${JSON.stringify(m)}\n`).join(''));
  await server.until(OPENING.length);
  return server;
}

/** (b), (c): seconds from the first line written to the last reply read; the process's start-up is not in it. */
async function throughServe(lines: readonly string[]): Promise<number> {
  const server = await openServer();
  const start = process.hrtime.bigint();
  const chunk: string[] = [];
  let size = 0;
  for (const l of lines) {
    chunk.push(l, '\n');
    size += l.length + 1;
    if (size < 1 << 16) continue;
    await server.write(chunk.join(''));
    chunk.length = 0;
    size = 0;
  }
  await server.write(chunk.join(''));
  await server.until(OPENING.length + lines.length);
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  await server.close();
  return s;
}

/** (c'): one request, then its reply, `lines.length` times: the round trip. */
async function lockStep(lines: readonly string[]): Promise<number> {
  const server = await openServer();
  const start = process.hrtime.bigint();
  for (const [i, l] of lines.entries()) {
    await server.write(`${l}\n`);
    await server.until(OPENING.length + i + 1);
  }
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  await server.close();
  return s;
}

/** Start-up: spawning serve to its hello reply, ms. */
async function startUp(): Promise<number> {
  const start = process.hrtime.bigint();
  const server = new Server();
  await server.write(`${JSON.stringify(OPENING[0])}\n`);
  await server.until(1);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await server.close();
  return ms;
}

function python(events: number, batch: number): { rate: number; wallS: number } | string {
  if (!existsSync(PYTHON_SIM)) return 'clients/python/host_sim.py is not in this tree';
  if (spawnSync('python3', ['--version']).status !== 0) return 'python3 is not installed';
  const start = process.hrtime.bigint();
  const args = [PYTHON_SIM, '--events', String(events), '--batch', String(batch), '--json'];
  const run = spawnSync('python3', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) return `host_sim.py failed: ${run.stderr.slice(-300)}`;
  const result = JSON.parse(run.stdout) as { taskEvents?: number; elapsedS?: number };
  if (typeof result.taskEvents !== 'number' || typeof result.elapsedS !== 'number')
    return 'host_sim.py --json gave no rate';
  return { rate: result.taskEvents / result.elapsedS, wallS };
}

/** Runs the protocol benchmark and prints its lines. */
export async function runProtocolBench(): Promise<void> {
  const events = makeEvents();
  const requests = events.map((e, i) => request(e, i + 1));
  const batches: object[][] = [];
  for (let i = 0; i < requests.length; i += BATCH) batches.push(requests.slice(i, i + BATCH));
  const batchLines = batches.map((b) => JSON.stringify(b));
  const singleLines = requests.map((r) => JSON.stringify(r));
  const n = events.length;
  line(
    `events: ${String(n)} task events, ${String(VCPUS)} vCPUs × ${String(TASKS_PER_VCPU)} tasks`,
    `${String(batches.length)} lines of ${String(BATCH)}`,
  );
  const ups: number[] = [];
  for (let i = 0; i < 5; i++) ups.push(await startUp());
  line(
    'serve --stdio start-up: spawn to the hello reply',
    `${median(ups).toFixed(0)} ms (median of 5; ${Math.min(...ups).toFixed(0)} best)`,
  );
  // warm-up and a check that every side did the same, error-free work
  inProcess(batches);
  inProcessLines(batchLines);
  library(events);
  await throughServe(batchLines);
  const t = { a: [] as number[], a2: [] as number[], b: [] as number[], c: [] as number[], d: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    t.a.push(seconds(() => inProcess(batches)));
    t.a2.push(seconds(() => inProcessLines(batchLines)));
    t.b.push(await throughServe(batchLines));
    t.c.push(await throughServe(singleLines));
    t.d.push(seconds(() => library(events)));
  }
  const rate = (xs: number[]): string => `${fmtRate(n / median(xs)).padStart(9)} events/s`;
  line(`(a) in process: createSession().request, batches of ${String(BATCH)}`, rate(t.a));
  line(`(a') in process: requestLine (JSON text in and out), same lines`, rate(t.a2));
  line(`(b) serve --stdio, the same batched lines`, rate(t.b));
  line(`(c) serve --stdio, unbatched: one line per event, pipelined`, rate(t.c));
  const steps = singleLines.slice(0, 2000);
  const rt = await lockStep(steps);
  line(
    `(c') serve --stdio, lock step: request, reply, ${String(steps.length)} times`,
    `${((rt / steps.length) * 1e6).toFixed(0)} µs per round trip`,
  );
  line(`(d) the library: compiled task machines + Ledger, no protocol`, rate(t.d));
  const ba = median(t.b) / median(t.a);
  const verdict = ba <= 1.5 ? 'MET (goal 1.5×)' : ba <= 3 ? 'MET (within 3×; goal 1.5× not met)' : 'NOT MET';
  console.log(
    `→ (b)/(a): serve takes ${ba.toFixed(2)}× the in-process time by medians (limit 3×, goal 1.5×) ${verdict}`,
  );
  console.log(`  (b)/(a'): serve takes ${(median(t.b) / median(t.a2)).toFixed(2)}× the same lines through requestLine`);
  console.log(`→ (a)/(d): the in-process protocol takes ${(median(t.a) / median(t.d)).toFixed(2)}× the bare library`);
  console.log(
    `  (c)/(b): unbatched lines take ${(median(t.c) / median(t.b)).toFixed(2)}× the batched ones through serve`,
  );
  for (const [batch, count] of [
    [1000, 200_000],
    [1, 20_000],
  ] as const) {
    const py = python(count, batch);
    if (typeof py === 'string')
      line(`python client, host_sim.py --events ${String(count)} --batch ${String(batch)}`, `skipped: ${py}`);
    else
      line(
        `python client, host_sim.py --events ${String(count)} --batch ${String(batch)}`,
        `${fmtRate(py.rate).padStart(9)} events/s end to end (process ${py.wallS.toFixed(2)} s)`,
      );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runProtocolBench();
