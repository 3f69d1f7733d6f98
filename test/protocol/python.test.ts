// The Python client and host simulator (clients/python) against `schedacct serve --stdio`: the simulator's per-task
// totals equal, to the ns, (a) an in-process session fed the lines it logged and (b) the task machines driven
// directly with readings computed as the protocol defines them; step mode replays the same; errors do not end a
// session. Skipped, visibly, where python3 is missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/accounting/ledger.js';
import { compileTaskMachine, createTaskContext, type TaskEvent } from '../../src/machines/task.js';
import { createSession } from '../../src/protocol/session.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'schedacct-python-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface SimTask {
  task: number;
  chargedNs: number;
  stolenNs: number;
  runNs: number;
  slices: number;
  fromCharges: { chargedNs: number; stolenNs: number; runNs: number; slices: number };
}
interface SimResult {
  mode: string;
  chargesMatchLedger: boolean | null;
  taskEvents?: number;
  earlyReturns?: number;
  skippedSteal?: number;
  tasks: SimTask[];
}

/** Runs host_sim.py; gives its JSON result and the request and reply lines it logged. */
function hostSim(name: string, args: string[]): { result: SimResult; lines: string[]; replies: string[] } {
  const log = join(tmp, `${name}.requests.jsonl`);
  const replies = join(tmp, `${name}.replies.jsonl`);
  const run = spawnSync(
    'python3',
    ['clients/python/host_sim.py', ...args, '--json', '--log', log, '--replies', replies],
    { cwd: root, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 26 },
  );
  if (run.status !== 0) throw new Error(`host_sim.py ${args.join(' ')} failed (${String(run.status)}):\n${run.stderr}`);
  const read = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  return { result: JSON.parse(run.stdout) as SimResult, lines: read(log), replies: read(replies) };
}

/** The lines fed to an in-process session: its replies, and the tasks of the last `ledger.get`. */
function inProcess(lines: readonly string[]): { replies: string[]; tasks: Map<number, Record<string, unknown>> } {
  const session = createSession();
  const replies = lines.map((line) => session.requestLine(line));
  const ledgers = lines.flatMap((line, i) => (line.includes('"ledger.get"') ? [replies[i] ?? ''] : []));
  const last = JSON.parse(ledgers.at(-1) ?? 'null') as { result: { tasks: Record<string, unknown>[] } };
  return { replies, tasks: new Map(last.result.tasks.map((t) => [t['task'] as number, t])) };
}

interface WireRequest {
  method: string;
  now: string;
  params?: { vcpu?: number; state?: string; task?: number; type?: string; vcpus?: number };
}

/**
 * The logged requests' task events through task machines and one ledger, with readings as the protocol defines
 * them, computed here from the requests alone: counter = now (ns), a vCPU's stolen total = its runnable time so
 * far, a task's stolen total grown at each switch-out by the vCPU's steal since its dispatch.
 */
function libraryDirect(lines: readonly string[]): Ledger {
  const ledger = new Ledger();
  const machine = compileTaskMachine();
  const tasks = new Map<number, { run: ReturnType<typeof machine.start>; stolen: number; atDispatch: number }>();
  const vcpus: { runnableSince: number | null; stolen: number }[] = [];
  const vcpuStolen = (v: number, now: number) => {
    const c = vcpus[v];
    if (c === undefined) throw new Error(`no vCPU ${String(v)}`);
    return c.stolen + (c.runnableSince === null ? 0 : now - c.runnableSince);
  };
  for (const line of lines) {
    for (const r of [JSON.parse(line) as WireRequest | WireRequest[]].flat()) {
      const now = Number(r.now);
      const p = r.params ?? {};
      if (r.method === 'model.open') {
        for (let v = 0; v < (p.vcpus ?? 0); v++) vcpus.push({ runnableSince: null, stolen: 0 });
      } else if (r.method === 'vcpu.state') {
        const c = vcpus[p.vcpu ?? -1];
        if (c === undefined) throw new Error('bad vcpu');
        if (p.state === 'runnable') c.runnableSince ??= now;
        else if (p.state === 'running' && c.runnableSince !== null) {
          c.stolen += now - c.runnableSince;
          c.runnableSince = null;
        }
      } else if (r.method === 'task.event') {
        const id = p.task ?? -1;
        const vcpu = p.vcpu ?? -1;
        if (p.type === 'create') {
          const run = machine.start(createTaskContext({ task: id, counterHz: 1e9, ledger }));
          tasks.set(id, { run, stolen: 0, atDispatch: 0 });
        }
        const t = tasks.get(id);
        if (t === undefined) throw new Error(`task ${String(id)} not created`);
        const running = t.run.value === 'running';
        if (p.type === 'dispatch') t.atDispatch = vcpuStolen(vcpu, now);
        if (running && (p.type === 'preempt' || p.type === 'block' || p.type === 'exit')) {
          t.stolen += vcpuStolen(vcpu, now) - t.atDispatch;
        }
        const reading = { counter: now, stolenTotalNs: t.stolen, cpu: vcpu, atNs: now };
        const type = p.type as TaskEvent['type'];
        const event = (type === 'block' ? { type, reading, state: p.state ?? 'S' } : { type, reading }) as TaskEvent;
        t.run.send(event);
      }
    }
  }
  return ledger;
}

describe.skipIf(!hasPython)(
  `python client (${hasPython ? python.stdout.trim() : 'python3 missing'})`,
  { timeout: 120_000 },
  () => {
    for (const [label, args] of [
      ['unbatched', ['--seed', '1']],
      ['batched', ['--seed', '7', '--vcpus', '3', '--hogs', '3', '--sleepers', '4', '--batch', '50']],
    ] as const) {
      it(`model mode (${label}): totals equal the in-process session and the library, to the ns`, () => {
        const { result, lines, replies } = hostSim(`model-${label}`, ['--mode', 'model', ...args]);
        expect(result.chargesMatchLedger).toBe(true);
        expect(result.tasks.length).toBeGreaterThan(3);
        // the run had steal to split, and every task ran
        expect(result.tasks.every((t) => t.runNs > 0 && t.stolenNs > 0 && t.chargedNs + t.stolenNs === t.runNs)).toBe(
          true,
        );
        // (a) the same lines in process: the same replies, byte for byte, and so the same ledger
        const session = inProcess(lines);
        expect(session.replies).toEqual(replies);
        // (b) the library driven directly, readings computed here
        const ledger = libraryDirect(lines);
        for (const t of result.tasks) {
          const own = { chargedNs: t.chargedNs, stolenNs: t.stolenNs, runNs: t.runNs, slices: t.slices };
          expect(t.fromCharges).toEqual(own);
          const wire = session.tasks.get(t.task);
          expect(wire).toMatchObject({ chargedNs: String(t.chargedNs), stolenNs: String(t.stolenNs) });
          expect(ledger.get(t.task)).toMatchObject(own);
        }
      });
    }

    it('model mode with readings the host takes (feature readings) books the same totals, to the ns', () => {
      const own = hostSim('model-own', ['--mode', 'model', '--seed', '5']);
      const taken = hostSim('model-readings', ['--mode', 'model', '--seed', '5', '--readings']);
      expect(taken.lines.filter((l) => l.includes('"reading":{"counter"')).length).toBeGreaterThan(100);
      expect(own.lines.some((l) => l.includes('"reading"'))).toBe(false);
      expect(taken.result.chargesMatchLedger).toBe(true);
      expect(taken.result.tasks).toEqual(own.result.tasks);
      // and the library, given the requests without their readings, agrees
      const ledger = libraryDirect(taken.lines);
      for (const t of taken.result.tasks)
        expect(ledger.get(t.task)).toMatchObject({ chargedNs: t.chargedNs, stolenNs: t.stolenNs });
    });

    it('step mode: the host supplies steal between steps; an in-process session fed the same lines agrees', () => {
      const { result, lines, replies } = hostSim('step', ['--mode', 'step', '--seed', '3', '--duration-ms', '100']);
      expect(result.mode).toBe('step');
      // the charges the step replies carried add up to the ledger: no slice closed without being reported
      expect(result.chargesMatchLedger).toBe(true);
      expect(result.tasks.length).toBe(4);
      // the host's steal reached the guest: some task had steal subtracted, and every task ran
      expect(result.tasks.some((t) => t.stolenNs > 0)).toBe(true);
      expect(result.tasks.every((t) => t.runNs > 0 && t.chargedNs + t.stolenNs === t.runNs)).toBe(true);
      expect(lines.some((l) => l.includes('"vcpu.state"'))).toBe(true);
      const session = inProcess(lines);
      expect(session.replies).toEqual(replies);
      for (const t of result.tasks) {
        expect(session.tasks.get(t.task)).toMatchObject({
          chargedNs: String(t.chargedNs),
          stolenNs: String(t.stolenNs),
        });
      }
    });

    it('step mode: the host reacts to early returns, skipping steal on a vCPU the guest left idle', () => {
      const args = ['--mode', 'step', '--seed', '3', '--vcpus', '2', '--hogs', '1', '--sleepers', '2'];
      const { result, lines, replies } = hostSim('step-idle', [...args, '--duration-ms', '100']);
      expect(result.chargesMatchLedger).toBe(true);
      expect(result.earlyReturns).toBeGreaterThan(0);
      expect(result.skippedSteal).toBeGreaterThan(0);
      // not every window was skipped: the sleepers still had steal subtracted
      expect(result.tasks.some((t) => t.stolenNs > 0)).toBe(true);
      expect(inProcess(lines).replies).toEqual(replies);
    });

    it('snapshot_get / snapshot_set: a branch rolled back gives the same charges again', () => {
      const script = `
import sys; sys.path.insert(0, 'clients/python')
from schedacct_client import Client
with Client() as c:
    c.model_open(0, vcpus=1)
    c.task_event(0, task=1, type="create", vcpu=0)
    c.task_event(0, task=1, type="dispatch", vcpu=0)
    snap = c.snapshot_get(1000)
    def branch(steal_until):
        c.vcpu_state(2000, vcpu=0, state="runnable")
        c.vcpu_state(steal_until, vcpu=0, state="running")
        return c.task_event(10000, task=1, type="preempt", vcpu=0)["charges"][0]["chargedNs"]
    a = branch(3000)
    c.snapshot_set(1000, snap)
    b = branch(6000)
    c.snapshot_set(1000, snap)
    print(a, b, branch(3000), c.ledger(10000)["tasks"][0]["slices"])
`;
      const run = spawnSync('python3', ['-c', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      // 10 µs slices less 1 µs and 4 µs stolen; after the second roll back only the last branch's one slice is booked
      expect(run.stdout.trim()).toBe('9000 6000 9000 1');
    });

    it('replays every conformance transcript through serve --stdio, reply lines byte for byte', () => {
      const count = readdirSync(join(root, 'conformance')).filter((f) => f.endsWith('.in.jsonl')).length;
      const run = spawnSync('python3', ['clients/python/schedacct_client.py', '--conformance', 'conformance'], {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(run.stdout.trim()).toBe(`conformance: ${String(count)} transcripts passed, 0 failed`);
      expect(run.status).toBe(0);
      expect(count).toBeGreaterThan(0);
    });

    it('a fixed-size run (--events N --batch K) sends about N task events', () => {
      const { result } = hostSim('fixed', ['--mode', 'model', '--events', '2000', '--batch', '100']);
      expect(result.taskEvents).toBeGreaterThanOrEqual(2000);
      expect(result.taskEvents).toBeLessThan(2000 + 10);
      expect(result.chargesMatchLedger).toBe(true);
    });

    it('an error reply raises ProtocolError with its code and path, and the session goes on', () => {
      const script = `
import sys; sys.path.insert(0, 'clients/python')
from schedacct_client import Client, ProtocolError
with Client() as c:
    c.model_open(0, vcpus=1)
    c.task_event(0, task=1, type="create", vcpu=0)
    out = []
    for bad in (lambda: c.task_event(0, task=1, type="preempt", vcpu=0),
                lambda: c.task_event(0, task=2, type="dispatch", vcpu=0),
                lambda: c.request("no.such", 0),
                lambda: c.vcpu_state(0, vcpu=5, state="running")):
        try:
            bad(); out.append("no error")
        except ProtocolError as e:
            out.append(e.code + " " + e.path)
    c.task_event(0, task=1, type="dispatch", vcpu=0)
    try:
        c.batch([("task.event", 5, {"task": 1, "type": "preempt", "vcpu": 0}),
                 ("task.event", 5, {"task": 1, "type": "preempt", "vcpu": 0})])
    except ProtocolError as e:
        out.append(e.code + " " + e.path)
    charge = c.task_event(8, task=1, type="exit", vcpu=0)["charges"][0]
    out.append("%s %d %d" % (type(charge["chargedNs"]).__name__, charge["runNs"], charge["chargedNs"]))
    print("\\n".join(out))
`;
      const run = spawnSync('python3', ['-c', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      expect(run.stdout.trim().split('\n')).toEqual([
        'impossible-event params.type',
        'unknown-task params.task',
        'unknown-method method',
        'invalid-params params.vcpu',
        'impossible-event [1].params.type',
        // the batch was refused whole: the task still runs from 0, its one slice 8 ns long
        'int 8 8',
      ]);
    });
  },
);
