// What a review of the protocol found, each a case that failed before its fix: a reply too long to write (the batch
// was committed, then JSON.stringify threw out of requestLine and serve died), a batch of steps each with its own
// 200 000-event budget (hours of CPU from one line), step mode's ledger.get echoing a task id whole, and a leading
// byte-order mark that serve stripped and requestLine did not.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createSession, MAX_REPLY_CHARS } from '../../src/protocol.ts';
import { LineFramer } from '../../src/protocol/framing.ts';
import { serveStdio } from '../../src/protocol/node.ts';
import { MAX_STEP_EVENTS } from '../../src/protocol/step.ts';

type Json = Record<string, unknown>;
type Failed = { error: { code: string; path: string } };
const line = (id: number | null, now: number, method: string, params?: Json): string =>
  JSON.stringify({
    ...(id === null ? {} : { id }),
    now: String(now),
    method,
    ...(params === undefined ? {} : { params }),
  });
const HELLO = line(1, 0, 'hello', { protocol: 'schedacct', version: '1' });

describe('a reply too long to write', () => {
  it('is refused whole, nothing applied, and the session goes on', () => {
    const s = createSession();
    s.requestLine(HELLO);
    s.requestLine(line(2, 0, 'model.open', { vcpus: 8192 }));
    const create = JSON.parse(line(3, 5, 'task.event', { task: 'x', type: 'create', vcpu: 0 })) as Json;
    // each ledger.get lists 8192 vCPUs (about 0.9 MB): 100 of them are over MAX_REPLY_CHARS
    const batch = JSON.stringify([create, ...Array.from({ length: 100 }, () => ({ now: '5', method: 'ledger.get' }))]);
    const reply = JSON.parse(s.requestLine(batch)) as { error: { code: string } };
    expect(reply.error.code).toBe('reply-too-long');
    expect(MAX_REPLY_CHARS).toBe(1 << 26);
    // nothing applied: not the create, not the time
    const again = JSON.parse(s.requestLine(line(4, 0, 'task.event', { task: 'x', type: 'create', vcpu: 0 }))) as Json;
    expect(again).toEqual({ id: 4, now: '0', result: { state: 'scheduled', charges: [], anomalies: [] } });
  });

  it('through serve: answered, and serve goes on to the next line', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const served = serveStdio({ input, output });
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const big = JSON.stringify(Array.from({ length: 100 }, () => ({ now: '0', method: 'ledger.get' })));
    input.end([HELLO, line(2, 0, 'model.open', { vcpus: 8192 }), big, line(4, 0, 'bye')].join('\n') + '\n');
    expect(await served).toEqual({ end: 'bye', lines: 4 });
    const replies = text.trim().split('\n');
    expect(replies.map((r) => (JSON.parse(r) as { error?: { code: string } }).error?.code)).toEqual([
      undefined,
      undefined,
      'reply-too-long',
      undefined,
    ]);
  });
});

describe("step mode's budget is per line", () => {
  const open = (): ReturnType<typeof createSession> => {
    const s = createSession();
    s.requestLine(HELLO);
    const scenario = {
      cpus: 4,
      hz: 1000,
      tasks: [{ name: 'io', count: 64, workload: { kind: 'periodic', runUs: 1, sleepUs: 1 } }],
    };
    s.requestLine(line(2, 0, 'step.open', { scenario }));
    return s;
  };
  const steps = (from: number, n: number): string =>
    JSON.stringify(
      Array.from(
        { length: n },
        (_, k) =>
          JSON.parse(
            line(10 + k, from + k * 1e8, 'step', { until: String(from + (k + 1) * 1e8), earlyReturn: false }),
          ) as Json,
      ),
    );
  type Step = { result: { events: unknown[]; reason: string } };

  it('the steps of one batch share MAX_STEP_EVENTS; the next line gets a new budget; a snapshot replays them', () => {
    const s = open();
    const before = JSON.parse(s.requestLine(line(3, 0, 'snapshot.get'))) as { result: { snapshot: unknown } };
    const first = JSON.parse(s.requestLine(steps(0, 4))) as Step[];
    expect(first.map((r) => r.result.reason)).toEqual(['event-limit', 'event-limit', 'event-limit', 'event-limit']);
    // after the first step used the budget, the others ran next to nothing (the engine stops after the event that
    // crosses it): the line ran MAX_STEP_EVENTS and a few more, not 4 × MAX_STEP_EVENTS
    expect(first.slice(1).every((r) => r.result.events.length <= 10)).toBe(true);
    const next = JSON.parse(s.requestLine(line(20, 4e8, 'step', { until: '400000001', earlyReturn: false }))) as Step;
    expect(next.result.events.length).toBeGreaterThan(0);
    const after = s.requestLine(line(21, 4e8, 'ledger.get'));
    // the same lines after snapshot.set give the same ledger: the budget each step had is in the log
    s.requestLine(JSON.stringify({ id: 22, now: '0', method: 'snapshot.set', params: before.result }));
    s.requestLine(steps(0, 4));
    s.requestLine(line(20, 4e8, 'step', { until: '400000001', earlyReturn: false }));
    expect(s.requestLine(line(21, 4e8, 'ledger.get'))).toBe(after);
    const saved = JSON.parse(s.requestLine(line(23, 4e8, 'snapshot.get'))) as { result: unknown };
    const twin = createSession();
    twin.requestLine(HELLO);
    twin.requestLine(JSON.stringify({ id: 24, now: '0', method: 'snapshot.set', params: saved.result }));
    expect(twin.requestLine(line(21, 4e8, 'ledger.get'))).toBe(after);
    expect(MAX_STEP_EVENTS).toBe(200_000);
  }, 60_000);

  it('ledger.get checks each task id before it looks for it, and never echoes one whole', () => {
    const s = open();
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    const nested = JSON.parse(
      s.requestLine(`{"id":3,"now":"0","method":"ledger.get","params":{"tasks":[${deep}]}}`),
    ) as Failed;
    expect(nested.error).toMatchObject({ code: 'invalid-params', path: 'params.tasks[0]' });
    const long = JSON.parse(s.requestLine(line(4, 0, 'ledger.get', { tasks: ['x'.repeat(900_000)] }))) as Failed;
    expect(long.error.code).toMatch(/invalid-params|unknown-task/);
    expect(JSON.stringify(long).length).toBeLessThan(2000);
  });
});

describe('a byte-order mark', () => {
  it('is kept by the transport, so serve answers as requestLine does', () => {
    const framer = new LineFramer(1 << 20);
    const frames = framer.push(new TextEncoder().encode('\uFEFF{"id":2,"now":"0","method":"nope"}\n'));
    expect(frames).toEqual([{ kind: 'line', text: '\uFEFF{"id":2,"now":"0","method":"nope"}' }]);
    const s = createSession();
    s.requestLine(HELLO);
    const reply = JSON.parse(s.requestLine(frames[0]?.kind === 'line' ? frames[0].text : '')) as Failed;
    expect(reply.error.code).toBe('parse-error');
  });
});

describe('snapshot.set checks the values it restores', () => {
  const running = (): { s: ReturnType<typeof createSession>; snapshot: { state: { accounts: Json[] } } } => {
    const s = createSession();
    s.requestLine(HELLO);
    s.requestLine(line(2, 0, 'model.open', { vcpus: 1 }));
    s.requestLine(line(3, 0, 'task.event', { task: 'a', type: 'create', vcpu: 0 }));
    s.requestLine(line(4, 0, 'task.event', { task: 'a', type: 'dispatch', vcpu: 0 }));
    const got = JSON.parse(s.requestLine(line(5, 0, 'snapshot.get'))) as {
      result: { snapshot: { state: { accounts: Json[] } } };
    };
    return { s, snapshot: got.result.snapshot };
  };
  it.each([
    ['counterHz', 0],
    ['policy', 'bogus'],
    ['accountedNs', -1e18],
    ['offKind', 'nap'],
  ])('a context whose %s is %s is invalid-params, never internal later', (key, value) => {
    const { s, snapshot } = running();
    const before = s.requestLine(line(6, 0, 'ledger.get'));
    const context = snapshot.state.accounts[0]?.context as Json;
    context[key] = value;
    const reply = JSON.parse(
      s.requestLine(JSON.stringify({ id: 7, now: '0', method: 'snapshot.set', params: { snapshot } })),
    ) as Failed;
    expect(reply.error).toMatchObject({ code: 'invalid-params' });
    expect(reply.error.path).toMatch(/^params\.snapshot/);
    expect(s.requestLine(line(6, 0, 'ledger.get'))).toBe(before);
    const preempt = JSON.parse(
      s.requestLine(line(8, 1000, 'task.event', { task: 'a', type: 'preempt', vcpu: 0 })),
    ) as Json;
    expect(preempt).toMatchObject({ id: 8, result: { state: 'preempted' } });
  });
  it('a snapshot nested too deeply is invalid-params', () => {
    const { s } = running();
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    const text = `{"id":9,"now":"0","method":"snapshot.set","params":{"snapshot":{"format":"schedacct-snapshot/1","now":"0","mode":"model","state":${deep}}}}`;
    const reply = JSON.parse(s.requestLine(text)) as Failed;
    expect(reply.error.code).toBe('invalid-params');
  });
});
