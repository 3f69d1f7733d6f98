// The session: the envelope and every error code with its path, the state exactly as before every kind of error,
// batches whole or not at all, snapshots that give back byte-identical replies, and the two engines alike.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { ExactConversion, KernelConversion } from '../../src/accounting/conversion.ts';
import { fc, test as fcTest } from '@fast-check/vitest';
import { SchedacctError } from '../../src/errors.ts';
import { createSession } from '../../src/protocol/session.ts';
import { MAX_LINE_BYTES, type Session } from '../../src/protocol/types.ts';
import { HELLO, RandomHost, runRandom, w, type Req, type W } from './model-random.ts';

const line = (s: Session, req: unknown): W => w(s.requestLine(JSON.stringify(req)));
const hello = (features?: string[]): Req => ({
  ...HELLO,
  params: { protocol: 'schedacct', version: '1', ...(features ? { features } : {}) },
});
function model(features?: string[]): Session {
  const s = createSession();
  line(s, hello(features));
  line(s, { id: 'o', method: 'model.open', now: '0', params: { vcpus: 3 } });
  return s;
}
const state = (s: Session, now = '0'): string =>
  JSON.stringify(line(s, { id: 'snap', method: 'snapshot.get', now }).result.snapshot.state);

describe('the envelope', () => {
  const s = createSession();
  const cases: [string, unknown, string, string][] = [
    ['not an object', 5, 'invalid-request', ''],
    ['id of the wrong type', { id: {}, method: 'hello', now: '0' }, 'invalid-request', 'id'],
    ['no method', { id: 1, now: '0' }, 'invalid-request', 'method'],
    ['now a number', { id: 1, method: 'hello', now: 0 }, 'invalid-request', 'now'],
    ['now with a sign', { id: 1, method: 'hello', now: '-1' }, 'invalid-request', 'now'],
    ['now past 2^53', { id: 1, method: 'hello', now: '9007199254740992' }, 'invalid-request', 'now'],
    ['now with leading zero', { id: 1, method: 'hello', now: '01' }, 'invalid-request', 'now'],
    ['unknown method', { id: 1, method: 'frobnicate', now: '0' }, 'unknown-method', 'method'],
    ['params an array', { id: 1, method: 'hello', now: '0', params: [] }, 'invalid-params', 'params'],
    ['a method before hello', { id: 1, method: 'model.open', now: '0', params: { vcpus: 1 } }, 'no-hello', 'method'],
    [
      'another protocol',
      { id: 1, method: 'hello', now: '0', params: { protocol: 'x', version: '1' } },
      'unsupported-version',
      'params.protocol',
    ],
    [
      'major 2',
      { id: 1, method: 'hello', now: '0', params: { protocol: 'schedacct', version: '2.0' } },
      'unsupported-version',
      'params.version',
    ],
    [
      'a bad version',
      { id: 1, method: 'hello', now: '0', params: { protocol: 'schedacct', version: 'v1' } },
      'invalid-params',
      'params.version',
    ],
    [
      'features not a list',
      { id: 1, method: 'hello', now: '0', params: { protocol: 'schedacct', version: '1', features: 'model' } },
      'invalid-params',
      'params.features',
    ],
    [
      'an unknown hello field',
      { id: 1, method: 'hello', now: '0', params: { protocol: 'schedacct', version: '1', x: 1 } },
      'invalid-params',
      'params.x',
    ],
  ];
  for (const [name, req, code, path] of cases) {
    it(`${name}: ${code} at '${path}'`, () => {
      const r = line(s, req);
      expect(r.error).toMatchObject({ code, path });
      expect(r.error.message.length).toBeGreaterThan(10);
    });
  }

  it('a line that is not JSON, or too long: the line number and no id', () => {
    const t = createSession();
    expect(JSON.parse(t.requestLine('{"id":1,'))).toMatchObject({
      id: null,
      line: 1,
      error: { code: 'parse-error', path: '' },
    });
    expect(JSON.parse(t.requestLine('x'.repeat(MAX_LINE_BYTES + 1)))).toMatchObject({
      line: 2,
      error: { code: 'line-too-long' },
    });
    expect(JSON.parse(t.requestLine('"é'.padEnd(MAX_LINE_BYTES / 2 + 1, 'é')))).toMatchObject({
      line: 3,
      error: { code: 'line-too-long' },
    });
    // in process, requests count as lines; an error reply without id names it
    expect(t.request({ method: 'hello', now: 'x' })).toMatchObject({
      id: null,
      line: 4,
      error: { code: 'invalid-request' },
    });
    expect(t.requestLine('{"method":"hello","now":"0","params":{"protocol":"schedacct","version":"1"}}')).toMatch(
      /^\{"id":null,"now":"0","result":/,
    );
  });

  it('key order is fixed: id, now, result / id, line, error', () => {
    const t = createSession();
    expect(
      t.requestLine('{"now":"0","params":{"version":"1","protocol":"schedacct"},"method":"hello","id":7}'),
    ).toMatch(/^\{"id":7,"now":"0","result":\{"protocol":"schedacct","version":"1.0",/);
    expect(t.requestLine('{"method":"bye"}')).toMatch(
      /^\{"id":null,"line":2,"error":\{"code":"invalid-request","message":".*","path":"now"\}\}$/,
    );
  });

  it('hello: a second one is no-hello; features are wanted ∩ offered; bye closes', () => {
    const t = createSession();
    expect(line(t, hello(['model', 'snapshot', 'teleport'])).result.features).toEqual(['model', 'snapshot']);
    expect(line(t, hello()).error).toMatchObject({ code: 'no-hello', path: 'method' });
    expect(line(t, { id: 2, method: 'step.open', now: '0', params: { scenario: {} } }).error).toMatchObject({
      code: 'wrong-mode',
      path: 'method',
    });
    expect(line(t, [{ id: 3, method: 'bye', now: '0' }]).error).toMatchObject({ code: 'wrong-mode', path: '' });
    expect(t.closed).toBe(false);
    expect(line(t, { id: 4, method: 'bye', now: '0' })).toEqual({ id: 4, now: '0', result: {} });
    expect(t.closed).toBe(true);
  });

  it('misuse of createSession throws SchedacctError', () => {
    expect(() => createSession({ engine: 'fast' as never })).toThrow(SchedacctError);
    expect(() => createSession({ log: 5 as never })).toThrow(SchedacctError);
    expect(() => createSession(7 as never)).toThrow(SchedacctError);
  });
});

describe('every error leaves the state exactly as it was', () => {
  // each: a request that fails with its code and path, after a setup that gives the session some state
  const cases: [string, Req, string, string][] = [
    [
      'time-backwards',
      { method: 'task.event', now: '1', params: { task: 1, type: 'preempt', vcpu: 0 } },
      'time-backwards',
      'now',
    ],
    ['not-open: a second open', { method: 'model.open', now: '9', params: { vcpus: 1 } }, 'not-open', 'method'],
    ['wrong-mode: step in model mode', { method: 'step', now: '9', params: { until: '10' } }, 'wrong-mode', 'method'],
    [
      'unknown-task',
      { method: 'task.event', now: '9', params: { task: 42, type: 'dispatch', vcpu: 1 } },
      'unknown-task',
      'params.task',
    ],
    [
      'impossible-event',
      { method: 'task.event', now: '9', params: { task: 1, type: 'dispatch', vcpu: 0 } },
      'impossible-event',
      'params.type',
    ],
    [
      'vcpu-busy',
      { method: 'task.event', now: '9', params: { task: 2, type: 'dispatch', vcpu: 0 } },
      'vcpu-busy',
      'params.vcpu',
    ],
    [
      'vcpu-not-running',
      { method: 'task.event', now: '9', params: { task: 2, type: 'dispatch', vcpu: 1 } },
      'vcpu-not-running',
      'params.vcpu',
    ],
    [
      'switch-out on another vCPU',
      { method: 'task.event', now: '9', params: { task: 1, type: 'preempt', vcpu: 2 } },
      'invalid-params',
      'params.vcpu',
    ],
    [
      'migrate without toVcpu',
      { method: 'task.event', now: '9', params: { task: 2, type: 'migrate', vcpu: 0 } },
      'invalid-params',
      'params.toVcpu',
    ],
    [
      'create of a live task',
      { method: 'task.event', now: '9', params: { task: 2, type: 'create', vcpu: 0 } },
      'invalid-params',
      'params.task',
    ],
    [
      'a vCPU out of range',
      { method: 'vcpu.state', now: '9', params: { vcpu: 3, state: 'paused' } },
      'invalid-params',
      'params.vcpu',
    ],
    [
      'impossible vCPU change',
      { method: 'vcpu.state', now: '9', params: { vcpu: 1, state: 'runnable' } },
      'impossible-event',
      'params.state',
    ],
    [
      'a bad reading',
      { method: 'task.event', now: '9', params: { task: 1, type: 'preempt', vcpu: 0, reading: { counter: 5 } } },
      'invalid-params',
      'params.reading.counter',
    ],
    [
      'an unknown field',
      { method: 'task.event', now: '9', params: { task: 1, type: 'preempt', vcpu: 0, toCPU: 1 } },
      'invalid-params',
      'params.toCPU',
    ],
    [
      'a bad snapshot',
      {
        method: 'snapshot.set',
        now: '9',
        params: {
          snapshot: {
            format: 'schedacct-snapshot/1',
            now: '5',
            mode: 'model',
            state: { config: { vcpus: 2 }, vcpus: [] },
          },
        },
      },
      'invalid-params',
      'params.snapshot.state.vcpus',
    ],
    ['a second hello', hello(), 'no-hello', 'method'],
    [
      'a task the ledger never saw',
      { method: 'ledger.get', now: '9', params: { tasks: [1, 77] } },
      'unknown-task',
      'params.tasks[1]',
    ],
  ];
  for (const [name, req, code, path] of cases) {
    it(`${name}: ${code} at '${path}'`, () => {
      const s = model();
      for (const r of [
        { method: 'task.event', now: '5', params: { task: 1, type: 'create', vcpu: 0 } },
        { method: 'task.event', now: '5', params: { task: 1, type: 'dispatch', vcpu: 0 } },
        { method: 'task.event', now: '5', params: { task: 2, type: 'create', vcpu: 0 } },
        { method: 'vcpu.state', now: '5', params: { vcpu: 1, state: 'paused' } },
      ])
        expect(line(s, { id: 0, ...r })).toHaveProperty('result');
      const before = state(s, '5');
      expect(line(s, { id: 'x', ...req }).error).toMatchObject({ code, path });
      expect(state(s, '5')).toBe(before);
      // and the time too: a request at the session's time still goes
      expect(line(s, { id: 'y', method: 'ledger.get', now: '5' })).toHaveProperty('result');
    });
  }
});

describe('batches', () => {
  const events = (n: number): Req[] => {
    const out: Req[] = [{ id: 'c', method: 'task.event', now: '0', params: { task: 1, type: 'create', vcpu: 0 } }];
    for (let i = 0; i < n; i++) {
      const now = String(1000 * (i + 1));
      out.push({ id: `d${i}`, method: 'task.event', now, params: { task: 1, type: 'dispatch', vcpu: 0 } });
      out.push({
        id: `p${i}`,
        method: 'task.event',
        now: String(1000 * (i + 1) + 500),
        params: { task: 1, type: 'preempt', vcpu: 0 },
      });
    }
    return out;
  };

  it('an all-valid batch answers as the same requests one by one', () => {
    const one = model();
    const singly = events(50).map((r) => one.requestLine(JSON.stringify(r)));
    const all = model();
    expect(all.requestLine(JSON.stringify(events(50)))).toBe(`[${singly.join(',')}]`);
    expect(state(all, '60000')).toBe(state(one, '60000'));
  });

  it('one failure: its error with the index, batch-aborted for the rest, nothing applied (time included)', () => {
    const s = model();
    const before = state(s);
    const batch: unknown[] = events(3);
    batch.splice(4, 0, { method: 'task.event', now: '2600', params: { task: 9, type: 'preempt', vcpu: 0 } });
    const replies = line(s, batch);
    expect(replies).toHaveLength(8);
    expect(replies[4]).toMatchObject({ id: null, line: 4, error: { code: 'unknown-task', path: '[4].params.task' } });
    replies.forEach((r: W, i: number) => {
      if (i !== 4) expect(r.error).toMatchObject({ code: 'batch-aborted', path: `[${i}]` });
      if (i !== 4) expect(r.error.message).toContain('[4]');
    });
    expect(replies[0].id).toBe('c');
    expect(state(s)).toBe(before);
    expect(
      line(s, { id: 1, method: 'task.event', now: '0', params: { task: 1, type: 'create', vcpu: 0 } }),
    ).toHaveProperty('result');
  });

  it('an open inside a failed batch is undone; hello, snapshot.set and bye are refused inside one', () => {
    const s = createSession();
    line(s, hello());
    const r = line(s, [
      { id: 1, method: 'model.open', now: '0', params: { vcpus: 1 } },
      { id: 2, method: 'task.event', now: '0', params: { task: 1, type: 'dispatch', vcpu: 0 } },
    ]);
    expect(r[1].error.code).toBe('unknown-task');
    expect(line(s, { id: 3, method: 'ledger.get', now: '0' }).error.code).toBe('not-open');
    expect(line(s, [{ id: 4, method: 'bye', now: '0' }])[0].error).toMatchObject({
      code: 'invalid-request',
      path: '[0].method',
    });
    expect(s.closed).toBe(false);
    expect(line(s, []).error.code).toBe('invalid-request');
  });

  fcTest.prop([fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 60 }), fc.nat()], { numRuns: 25 })(
    'a random batch with one bad request changes nothing',
    (seed, size, at) => {
      const { session, host } = runRandom(seed, 150, { vcpus: 3 }, { readings: true });
      const now = String(host.now);
      const before = state(session, now);
      const batch: unknown[] = Array.from({ length: size }, () => host.next());
      batch.splice(at % (size + 1), 0, {
        id: 'bad',
        method: 'vcpu.state',
        now: String(host.now),
        params: { vcpu: 9, state: 'running' },
      });
      const replies = line(session, batch);
      expect(replies.filter((r: W) => (r.error.code as unknown) !== 'batch-aborted')).toHaveLength(1);
      expect(state(session, now)).toBe(before);
    },
    60_000,
  );
});

describe('snapshots', () => {
  fcTest.prop(
    [
      fc.integer({ min: 1, max: 2 ** 31 }),
      fc.integer({ min: 0, max: 300 }),
      fc.constantFrom('compiled', 'xstate'),
      fc.constantFrom('x86', 'arm64', 'xen'),
    ],
    { numRuns: 12 },
  )(
    'after snapshot.set, the same requests give byte-identical replies',
    (seed, k, engine, abi) => {
      const { session: a, host } = runRandom(
        seed,
        k,
        { vcpus: 3, abi, stealPolicy: seed % 2 ? 'carry' : 'drop' },
        { readings: true, engine },
      );
      const snap = line(a, { id: 's', method: 'snapshot.get', now: String(host.now) }).result.snapshot;
      const rest: Req[] = [];
      const want: string[] = [];
      for (let i = 0; i < 200; i++) {
        const req = host.next();
        const reply = a.requestLine(JSON.stringify(req));
        host.observe(req, JSON.parse(reply));
        rest.push(req);
        want.push(reply);
      }
      const end = { id: 'e', method: 'snapshot.get', now: String(host.now) };
      want.push(a.requestLine(JSON.stringify(end)));
      const b = createSession({ engine });
      line(b, hello());
      expect(line(b, { id: 'set', method: 'snapshot.set', now: '0', params: { snapshot: snap } })).toEqual({
        id: 'set',
        now: snap.now,
        result: {},
      });
      const got = [...rest, end].map((r) => b.requestLine(JSON.stringify(r)));
      expect(got).toEqual(want);
      expect(want.filter((r) => r.includes('"charges":[{')).length).toBeGreaterThan(0);
    },
    60_000,
  );

  it('snapshot.set takes the session back in time; snapshot needs its feature', () => {
    const s = model();
    line(s, { id: 1, method: 'task.event', now: '10', params: { task: 1, type: 'create', vcpu: 0 } });
    const snap = line(s, { id: 2, method: 'snapshot.get', now: '10' }).result.snapshot;
    line(s, { id: 3, method: 'task.event', now: '50', params: { task: 1, type: 'dispatch', vcpu: 0 } });
    expect(line(s, { id: 4, method: 'snapshot.set', now: '50', params: { snapshot: snap } }).now).toBe('10');
    expect(
      line(s, { id: 5, method: 'task.event', now: '20', params: { task: 1, type: 'dispatch', vcpu: 0 } }).result.state,
    ).toBe('running');
    const t = model(['model']);
    expect(line(t, { id: 6, method: 'snapshot.get', now: '0' }).error).toMatchObject({
      code: 'wrong-mode',
      path: 'method',
    });
  });
});

it('the XState engine gives the compiled engine’s replies, byte for byte', () => {
  for (const seed of [1, 2, 3]) {
    const a = runRandom(seed, 300, { vcpus: 3 }, { readings: true });
    const b = createSession({ engine: 'xstate' });
    expect(a.requests.map((r) => b.requestLine(JSON.stringify(r)))).toEqual(a.replies);
  }
}, 60_000);

it('a random host meets every reply kind it should', () => {
  const { replies } = runRandom(5, 2000, { vcpus: 3 }, { readings: true });
  const codes = new Set(
    replies.map((r) => {
      const e = w(r).error as W | undefined;
      return e === undefined ? 'ok' : e.code;
    }),
  );
  for (const c of ['ok', 'impossible-event', 'vcpu-not-running', 'unknown-task']) expect(codes).toContain(c);
  expect(new RandomHost(1).next()).toHaveProperty('now');
}, 60_000);

describe('the model-mode conformance transcripts', () => {
  const dir = new URL('../../conformance/', import.meta.url);
  const names = readdirSync(dir).filter((f) => f.startsWith('model-') && f.endsWith('.in.jsonl'));
  it('are there', () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
  });
  for (const name of names) {
    it(`${name} replays byte for byte`, () => {
      const lines = (file: string) => readFileSync(new URL(file, dir), 'utf8').split('\n').slice(0, -1);
      const want = lines(name.replace('.in.', '.out.'));
      const s = createSession();
      expect(lines(name).map((l) => s.requestLine(l))).toEqual(want);
    });
  }
});

describe('a bug inside a request', () => {
  it('is the error internal, and the state is as before it (alone or in a batch)', () => {
    const s = model();
    line(s, { id: 1, method: 'task.event', now: '0', params: { task: 1, type: 'create', vcpu: 0 } });
    line(s, { id: 2, method: 'task.event', now: '0', params: { task: 1, type: 'dispatch', vcpu: 0 } });
    const before = state(s, '5');
    // (a bug in the accounting core: the counter conversion the slice is charged through throws)
    const boom = (): never => {
      throw new Error('boom');
    };
    const spies = [
      vi.spyOn(ExactConversion.prototype, 'elapsedNs').mockImplementation(boom),
      vi.spyOn(KernelConversion.prototype, 'elapsedNs').mockImplementation(boom),
    ];
    try {
      const preempt = { id: 3, method: 'task.event', now: '5', params: { task: 1, type: 'preempt', vcpu: 0 } };
      expect(line(s, preempt).error).toMatchObject({ code: 'internal', path: '' });
      expect(state(s, '5')).toBe(before);
      const create = { id: 4, method: 'task.event', now: '5', params: { task: 2, type: 'create', vcpu: 1 } };
      const replies = line(s, [create, preempt]);
      expect(replies[1].error.code).toBe('internal');
      expect(replies[0].error.code).toBe('batch-aborted');
      expect(state(s, '5')).toBe(before);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(
      line(s, { id: 5, method: 'task.event', now: '5', params: { task: 1, type: 'preempt', vcpu: 0 } }).result.state,
    ).toBe('preempted');
  });
});
