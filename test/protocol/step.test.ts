// Step mode through the session, as a host sends it: open, step with early return, vcpu.state, the ledger, errors
// that change nothing, snapshots replayed byte for byte, and host-driven steal against the simulator's own.
import { describe, expect, it } from 'vitest';
import { createSession } from '../../src/protocol/session.ts';
import type {
  LedgerResult,
  Session,
  SnapshotResult,
  StepOpenResult,
  StepResult,
  VcpuResult,
} from '../../src/protocol/types.ts';
import { resolveScenario } from '../../src/sim/scenario.ts';
import { simulate } from '../../src/sim/simulate.ts';
import type { Scenario } from '../../src/sim/types.ts';

const OPEN_NS = 5_000_000; // the guest's time 0, on the host's clock

// One hog and two periodic tasks on two vCPUs: a vCPU goes idle and busy again and again.
const SPARSE: Scenario = {
  cpus: 2,
  tasks: [
    { name: 'hog', cpus: [0], workload: { kind: 'cpu' } },
    { name: 'per', count: 2, workload: { kind: 'periodic', runUs: 900, sleepUs: 2600 } },
  ],
};

const GUEST: Scenario = {
  cpus: 2,
  tasks: [
    { name: 'hog', count: 2, workload: { kind: 'cpu' } },
    { name: 'per', count: 2, workload: { kind: 'periodic', runUs: 1300, sleepUs: 2100 } },
  ],
};

let ids = 0;
const req = (method: string, now: number, params?: unknown): string =>
  JSON.stringify({ id: ++ids, now: String(now), method, ...(params === undefined ? {} : { params }) });

function opened(scenario: Scenario = GUEST, engine: 'compiled' | 'xstate' = 'compiled'): Session {
  const s = createSession({ engine });
  s.requestLine(req('hello', 0, { protocol: 'schedacct', version: '1' }));
  const reply = JSON.parse(s.requestLine(req('step.open', OPEN_NS, { scenario }))) as { result?: unknown };
  expect(reply.result).toBeDefined();
  return s;
}

interface Results {
  'step.open': StepOpenResult;
  step: StepResult;
  'vcpu.state': VcpuResult;
  'ledger.get': LedgerResult;
  'snapshot.get': SnapshotResult;
}
const result = <M extends keyof Results>(method: M, line: string): Results[M] =>
  (JSON.parse(line) as { result: Results[M] }).result;
const error = (line: string): { code: string; path: string; message: string } =>
  (JSON.parse(line) as { error: { code: string; path: string; message: string } }).error;
const snapshot = (s: Session, now: number): string => s.requestLine(req('snapshot.get', now)).replace(/"id":\d+,/, '');

describe('step.open', () => {
  it('gives the tasks, the policy, the kernel and the first event on the host clock', () => {
    const s = createSession();
    s.requestLine(req('hello', 0, { protocol: 'schedacct', version: '1' }));
    const r = result('step.open', s.requestLine(req('step.open', OPEN_NS, { scenario: GUEST })));
    expect(r).toEqual({
      vcpus: 2,
      tasks: [
        { name: 'hog', task: 1000 },
        { name: 'hog', task: 1001 },
        { name: 'per', task: 1002 },
        { name: 'per', task: 1003 },
      ],
      policy: 'eevdf',
      kernel: '6.18',
      nextEventAt: String(OPEN_NS),
    });
  });

  it.each([
    [
      { cpus: 2, tasks: [{ name: 'x', cpus: [5], workload: { kind: 'cpu' } }] },
      'params.scenario.tasks[0].cpus[0]',
      /vCPU index/,
    ],
    [{ tasks: [{ name: 'x', workload: { kind: 'cpu' } }], hz: 7 }, 'params.scenario.hz', /hz/],
    [
      { host: { steal: { '0': { kind: 'constant', share: 0.1 } } }, tasks: GUEST.tasks },
      'params.scenario.host.steal.0',
      /vcpu\.state/,
    ],
    [
      { host: { steal: { '*': { kind: 'none' } }, pauses: [{ startMs: 1, endMs: 2 }] }, tasks: GUEST.tasks },
      'params.scenario.host.pauses',
      /pauses/,
    ],
    [
      { tasks: [{ name: 't', workload: { kind: 'trace', file: 'a.txt', tid: 3 } }] },
      'params.scenario.tasks[0].workload.kind',
      /trace/,
    ],
    [{ policy: './mine.js', tasks: GUEST.tasks }, 'params.scenario.policy', /shipped/],
    ['fast', 'params.scenario', /scenario object/],
  ])('refuses %j at %s', (scenario, path, message) => {
    const s = createSession();
    s.requestLine(req('hello', 0, { protocol: 'schedacct', version: '1' }));
    const e = error(s.requestLine(req('step.open', 0, { scenario })));
    expect(e.code).toBe('invalid-params');
    expect(e.path).toBe(path);
    expect(e.message).toMatch(message);
    // nothing was opened: a good open still works
    expect(result('step.open', s.requestLine(req('step.open', 0, { scenario: GUEST })))).toBeDefined();
  });

  it('ignores durationMs: the run goes on past it', () => {
    const s = opened({ ...GUEST, durationMs: 1 });
    const r = result(
      'step',
      s.requestLine(req('step', OPEN_NS, { until: String(OPEN_NS + 50_000_000), earlyReturn: false })),
    );
    expect(r.reason).toBe('until');
    expect(r.events.some((e) => BigInt(e.at) > BigInt(OPEN_NS + 1_000_000))).toBe(true);
  });
});

describe('step', () => {
  it('returns early right after a vCPU leaves idle or goes idle, with the charge of each closed slice', () => {
    const s = opened();
    const r = result('step', s.requestLine(req('step', OPEN_NS, { until: String(OPEN_NS + 100_000_000) })));
    expect(r).toMatchObject({ reached: String(OPEN_NS), reason: 'vcpu-busy', vcpus: [0] });
    expect(r.events.at(-1)).toEqual({ type: 'switch', at: String(OPEN_NS), vcpu: 0, next: 1000 });
    // without early return: up to until, every switch-out charged (run = charged + stolen)
    const all = result(
      'step',
      s.requestLine(req('step', OPEN_NS, { until: String(OPEN_NS + 20_000_000), earlyReturn: false })),
    );
    expect(all.reason).toBe('until');
    expect(all.reached).toBe(String(OPEN_NS + 20_000_000));
    const charges = all.events.flatMap((e) => (e.type === 'switch' && e.charge !== undefined ? [e.charge] : []));
    expect(charges.length).toBeGreaterThan(5);
    for (const c of charges) expect(BigInt(c.runNs)).toBe(BigInt(c.chargedNs) + BigInt(c.stolenNs));
    const ats = all.events.map((e) => BigInt(e.at));
    expect(ats).toEqual([...ats].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(BigInt(all.nextEventAt ?? '0')).toBeGreaterThanOrEqual(BigInt(all.reached));
  });

  it('a vCPU stolen at now freezes its CPU: its steal is charged to the task it ran, as the ledger shows', () => {
    const s = opened({
      cpus: 1,
      tasks: [
        { name: 'hog', workload: { kind: 'cpu' } },
        { name: 'hog2', workload: { kind: 'cpu' } },
      ],
    });
    s.requestLine(req('step', OPEN_NS, { until: String(OPEN_NS + 2_000_000), earlyReturn: false }));
    const v = result(
      'vcpu.state',
      s.requestLine(req('vcpu.state', OPEN_NS + 2_000_000, { vcpu: 0, state: 'runnable' })),
    );
    expect(v).toEqual({ vcpu: 0, state: 'runnable', stolenTotalNs: '0' }); // KVM publishes when it runs again
    const frozen = result(
      'step',
      s.requestLine(req('step', OPEN_NS + 2_000_000, { until: String(OPEN_NS + 5_000_000), earlyReturn: false })),
    );
    expect(frozen.events).toEqual([]); // nothing runs on a stolen vCPU
    const back = result(
      'vcpu.state',
      s.requestLine(req('vcpu.state', OPEN_NS + 5_000_000, { vcpu: 0, state: 'running' })),
    );
    expect(back.stolenTotalNs).toBe('3000000');
    s.requestLine(req('step', OPEN_NS + 5_000_000, { until: String(OPEN_NS + 60_000_000), earlyReturn: false }));
    const ledger = result('ledger.get', s.requestLine(req('ledger.get', OPEN_NS + 60_000_000)));
    expect(ledger.tasks.reduce((sum, t) => sum + BigInt(t.stolenNs), 0n)).toBe(3_000_000n);
    expect(ledger.vcpus[0]?.runnableNs).toBe('3000000');
  });
});

describe('a vCPU that runs again', () => {
  it('does what it deferred at once, and the next step returns with it (vcpu-busy at the time reached)', () => {
    const s = opened({ cpus: 1, tasks: [{ name: 'io', workload: { kind: 'periodic', runUs: 500, sleepUs: 1500 } }] });
    const at = (ms: number): string => String(OPEN_NS + ms * 1_000_000);
    s.requestLine(req('step', OPEN_NS, { until: at(1), earlyReturn: false }));
    s.requestLine(req('vcpu.state', OPEN_NS + 1_000_000, { vcpu: 0, state: 'paused' }));
    const paused = result(
      'step',
      s.requestLine(req('step', OPEN_NS + 1_000_000, { until: at(4), earlyReturn: false })),
    );
    expect(paused.events).toEqual([]); // its timer fell due while paused
    s.requestLine(req('vcpu.state', OPEN_NS + 4_000_000, { vcpu: 0, state: 'running' }));
    const r = result('step', s.requestLine(req('step', OPEN_NS + 4_000_000, { until: at(10) })));
    expect(r).toEqual({
      reached: at(4),
      events: [
        { type: 'wakeup', at: at(4), task: 1000, vcpu: 0 },
        { type: 'switch', at: at(4), vcpu: 0, next: 1000 },
      ],
      nextEventAt: at(4), // (its old tick, queued still: the next step runs it and it does nothing)
      reason: 'vcpu-busy',
      vcpus: [0],
    });
  });
});

// The same steal pushed through vcpu.state as a scenario's intervals spec gives simulate(): per task the same totals.
describe('host-driven steal against the scenario intervals spec', () => {
  it('charged and stolen totals equal to the ns', () => {
    const steal: [number, number][] = [
      [3_123_457, 5_987_653],
      [11_000_001, 11_900_003],
      [40_000_007, 47_000_011],
    ];
    const intervals = steal.map(([a, b]) => ({ startMs: a / 1e6, endMs: b / 1e6 }));
    const planned = simulate(
      resolveScenario({ ...GUEST, durationMs: 70, host: { steal: { '1': { kind: 'intervals', intervals } } } }),
    );
    const s = opened();
    let now = OPEN_NS;
    const step = (untilNs: number): void => {
      for (;;) {
        const r = result('step', s.requestLine(req('step', now, { until: String(OPEN_NS + untilNs) })));
        now = Number(r.reached);
        if (r.reason === 'until') return;
      }
    };
    for (const [a, b] of steal) {
      step(a);
      s.requestLine(req('vcpu.state', OPEN_NS + a, { vcpu: 1, state: 'runnable' }));
      step(b);
      s.requestLine(req('vcpu.state', OPEN_NS + b, { vcpu: 1, state: 'running' }));
    }
    step(70_000_000);
    const wire = result('ledger.get', s.requestLine(req('ledger.get', OPEN_NS + 70_000_000)));
    const got = wire.tasks.map((t) => [t.task, t.runNs, t.chargedNs, t.stolenNs]);
    const want = planned.tasks.map((t) => [
      t.tid,
      String(t.totals.runNs),
      String(t.totals.chargedNs),
      String(t.totals.stolenNs),
    ]);
    expect(got).toEqual(want);
    expect(planned.tasks.some((t) => t.totals.stolenNs > 0)).toBe(true);
  });
});

describe('errors change nothing', () => {
  const bad: [string, (now: number) => string, string, string][] = [
    ['until below now', (n) => req('step', n, { until: String(n - 1) }), 'invalid-params', 'params.until'],
    ['until not a U64', (n) => req('step', n, { until: 12 }), 'invalid-params', 'params.until'],
    [
      'earlyReturn not a boolean',
      (n) => req('step', n, { until: String(n), earlyReturn: 'no' }),
      'invalid-params',
      'params.earlyReturn',
    ],
    ['an unknown step param', (n) => req('step', n, { until: String(n), fast: true }), 'invalid-params', 'params.fast'],
    ['an unknown vCPU', (n) => req('vcpu.state', n, { vcpu: 2, state: 'runnable' }), 'invalid-params', 'params.vcpu'],
    [
      'an unknown vCPU state',
      (n) => req('vcpu.state', n, { vcpu: 0, state: 'gone' }),
      'invalid-params',
      'params.state',
    ],
    [
      'running → paused → runnable',
      (n) => req('vcpu.state', n, { vcpu: 1, state: 'runnable' }),
      'impossible-event',
      'params.state',
    ],
    [
      'a state change with guest events before now',
      (n) => req('vcpu.state', n + 9_000_000, { vcpu: 0, state: 'runnable' }),
      'invalid-params',
      'params',
    ],
    ['task.event', (n) => req('task.event', n, { task: 1, type: 'create', vcpu: 0 }), 'wrong-mode', 'method'],
    ['vcpu.steal', (n) => req('vcpu.steal', n, { vcpu: 0, stolenTotalNs: '5' }), 'wrong-mode', 'method'],
    [
      'ledger.get of a task not in the scenario',
      (n) => req('ledger.get', n, { tasks: [7] }),
      'unknown-task',
      'params.tasks[0]',
    ],
    [
      'a batch whose second request fails',
      (n) =>
        `[${req('step', n, { until: String(n + 3_000_000), earlyReturn: false })},${req('vcpu.state', n, { vcpu: 9, state: 'paused' })}]`,
      'batch-aborted',
      '',
    ],
  ];

  // A session in the middle of a run: vCPU 1 paused, events queued.
  function midway(): { s: Session; now: number } {
    const s = opened();
    s.requestLine(req('step', OPEN_NS, { until: String(OPEN_NS + 7_000_000), earlyReturn: false }));
    s.requestLine(req('vcpu.state', OPEN_NS + 7_000_000, { vcpu: 1, state: 'paused' }));
    return { s, now: OPEN_NS + 7_000_000 };
  }
  const after = (s: Session, now: number): string[] => [
    s.requestLine(req('step', now, { until: String(now + 4_000_000), earlyReturn: false })).replace(/"id":\d+,/, ''),
    s.requestLine(req('vcpu.state', now + 4_000_000, { vcpu: 1, state: 'running' })).replace(/"id":\d+,/, ''),
    s.requestLine(req('step', now + 4_000_000, { until: String(now + 9_000_000) })).replace(/"id":\d+,/, ''),
    s.requestLine(req('ledger.get', now + 9_000_000)).replace(/"id":\d+,/, ''),
  ];

  it.each(bad)(
    '%s: the error names its code and path; the replies after are the same as without it',
    (_, line, code, path) => {
      const twin = midway();
      const { s, now } = midway();
      const before = snapshot(s, now);
      const reply = JSON.parse(s.requestLine(line(now))) as unknown;
      const first = Array.isArray(reply)
        ? (reply as { error: { code: string; path: string } }[])
        : [reply as { error: { code: string; path: string } }];
      expect(first.some((r) => r.error.code === code && (code === 'batch-aborted' || r.error.path === path))).toBe(
        true,
      );
      expect(snapshot(s, now)).toBe(before);
      expect(after(s, now)).toEqual(after(twin.s, twin.now));
    },
  );
});

describe('snapshots', () => {
  const TOGGLES: [number, string][] = [
    [0, 'runnable'],
    [1, 'runnable'],
    [0, 'running'],
    [1, 'running'],
    [0, 'runnable'],
  ];
  // 25 steps with early return, a vCPU stolen or given back every fifth; the replies without their ids.
  const run = (s: Session, from: number): { lines: string[]; now: number } => {
    const lines: string[] = [];
    const keep = (line: string): string => {
      lines.push(line.replace(/"id":\d+,/, ''));
      return line;
    };
    let now = from;
    for (let i = 0; i < 25; i++) {
      now = Number(result('step', keep(s.requestLine(req('step', now, { until: String(now + 3_000_000) })))).reached);
      const [vcpu, state] = TOGGLES[Math.floor(i / 5)] ?? [0, 'running'];
      if (i % 5 === 2) keep(s.requestLine(req('vcpu.state', now, { vcpu, state })));
    }
    keep(s.requestLine(req('ledger.get', now)));
    keep(s.requestLine(req('anomalies.get', now)));
    return { lines, now };
  };

  it.each(['compiled', 'xstate'] as const)(
    '%s: get, more steps, set, the same steps: byte-identical replies',
    (engine) => {
      const s = opened(SPARSE, engine);
      const prefix = run(s, OPEN_NS).now;
      s.requestLine(req('vcpu.state', prefix, { vcpu: 0, state: 'running' }));
      const now = prefix + 10_000_000;
      s.requestLine(req('step', prefix, { until: String(now), earlyReturn: false }));
      const snap = result('snapshot.get', s.requestLine(req('snapshot.get', now))).snapshot;
      const first = run(s, now).lines;
      expect(first.some((l) => l.includes('"reason":"vcpu-idle"') || l.includes('"reason":"vcpu-busy"'))).toBe(true);
      const set = JSON.parse(s.requestLine(req('snapshot.set', now + 500_000_000, { snapshot: snap }))) as {
        now: string;
      };
      expect(set.now).toBe(String(now));
      expect(run(s, now).lines).toEqual(first);
      // and in a new session
      const fresh = createSession({ engine });
      fresh.requestLine(req('hello', 0, { protocol: 'schedacct', version: '1' }));
      fresh.requestLine(req('snapshot.set', 0, { snapshot: snap }));
      expect(run(fresh, now).lines).toEqual(first);
    },
  );

  it('the two engines give the same replies', () => {
    expect(run(opened(SPARSE, 'xstate'), OPEN_NS).lines).toEqual(run(opened(SPARSE, 'compiled'), OPEN_NS).lines);
  });

  it('a snapshot whose log was tampered with is refused with its path, and the session goes on', () => {
    const s = opened();
    s.requestLine(req('step', OPEN_NS, { until: String(OPEN_NS + 1_000_000) }));
    const snap = result('snapshot.get', s.requestLine(req('snapshot.get', OPEN_NS + 1_000_000))).snapshot;
    const before = snapshot(s, OPEN_NS + 1_000_000);
    const broken = structuredClone(snap) as unknown as { state: { log: unknown[][] } };
    expect(broken.state.log.length).toBe(1);
    (broken.state.log[0] as unknown[])[1] = { until: 'soon' };
    const e = error(s.requestLine(req('snapshot.set', OPEN_NS + 1_000_000, { snapshot: broken })));
    expect(e).toMatchObject({ code: 'invalid-params', path: 'params.snapshot.state.log[0][1].until' });
    const wrongShape = structuredClone(snap);
    (wrongShape.state as Record<string, unknown>).log = [['task.event', {}, '0']];
    expect(error(s.requestLine(req('snapshot.set', OPEN_NS + 1_000_000, { snapshot: wrongShape }))).path).toBe(
      'params.snapshot.state.log[0]',
    );
    // a forged log that would run far longer than the state saved: stopped after its first entry past the count
    const forged = structuredClone(snap) as unknown as { state: { log: unknown[][]; events: string } };
    const long = ['step', { until: String(OPEN_NS + 900_000_000_000), earlyReturn: false }, String(OPEN_NS)];
    forged.state.log = Array.from({ length: 1000 }, () => long);
    const e2 = error(s.requestLine(req('snapshot.set', OPEN_NS + 1_000_000, { snapshot: forged })));
    expect(e2).toMatchObject({ code: 'invalid-params', path: 'params.snapshot.state.log[0]' });
    expect(e2.message).toMatch(/runs past the \d+ events saved/);
    expect(snapshot(s, OPEN_NS + 1_000_000)).toBe(before);
  });
});
