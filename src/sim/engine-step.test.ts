import { describe, expect, it } from 'vitest';
import { Ledger } from '../accounting/ledger.js';
import { SimEngine } from './engine.js';
import { parseKernel, tickNsec } from './kernel.js';
import { builtinPolicy } from './policies/index.js';
import { resolveScenario } from './scenario.js';
import { simulate } from './simulate.js';
import { SimStepper, type SteppedEvent } from './step.js';
import type { PolicyName, ResolvedScenario, Scenario, SimObserver } from './types.js';

// Every observer call, in order, as data.
function recorder(): { calls: unknown[]; observer: SimObserver } {
  const calls: unknown[] = [];
  const observer: SimObserver = {
    onCreate: (...a) => calls.push(['create', ...a]),
    onWakeup: (...a) => calls.push(['wakeup', ...a]),
    onMigrate: (...a) => calls.push(['migrate', ...a]),
    onRuntime: (...a) => calls.push(['runtime', ...a]),
    onSwitch: (...a) => calls.push(['switch', ...a]),
  };
  return { calls, observer };
}

// The engine as simulate() builds it.
function engineOf(scenario: ResolvedScenario, observer: SimObserver): { engine: SimEngine; ledger: Ledger } {
  const kernel = parseKernel(scenario.kernel);
  const policy = builtinPolicy(scenario.policy as PolicyName, kernel);
  const env = { cpus: scenario.cpus, hz: scenario.hz, tickNs: tickNsec(scenario.hz), kernel };
  const ledger = new Ledger();
  const setup = { scenario, policy, env, engine: 'compiled' as const, ledger, inputs: undefined, observer };
  return { engine: new SimEngine(setup), ledger };
}

// What a run leaves: every account's totals, every vCPU's time, the events counted.
function outcome(engine: SimEngine, ledger: Ledger, elapsedNs: number): unknown {
  return {
    tasks: engine.tasks.map((t) => ({ totals: ledger.account(t.ref.tid).toJSON(), realNs: t.realNs, m: t.migrations })),
    vcpus: engine.cpus.map((c) => [c.busyNs, c.idleNs, c.host.buckets(elapsedNs)]),
    events: engine.events,
    anomalies: ledger.anomalyCount(),
  };
}

const STEALING: Scenario = {
  cpus: 2,
  durationMs: 300,
  host: {
    steal: { '0': { kind: 'constant', share: 0.2 }, '1': { kind: 'random', meanRunUs: 3000, meanStealUs: 700 } },
    pauses: [{ startMs: 100, endMs: 130 }],
  },
  tasks: [
    { name: 'hog', count: 3, workload: { kind: 'cpu' } },
    { name: 'per', count: 2, workload: { kind: 'periodic', runUs: 700, sleepUs: 2300, syscallUs: 100 } },
    {
      name: 'b',
      count: 3,
      startMs: 20,
      stopMs: 250,
      workload: {
        kind: 'bursts',
        run: { dist: 'exponential', meanUs: 500 },
        sleep: { dist: 'exponential', meanUs: 3000 },
      },
    },
  ],
};

describe('SimEngine stepped', () => {
  it('run() is begin, advance to the end, finish: simulate() gives what the engine gives', () => {
    const scenario = resolveScenario(STEALING);
    const a = recorder();
    const result = simulate(scenario, { observer: a.observer });
    const b = recorder();
    const { engine, ledger } = engineOf(scenario, b.observer);
    const elapsedNs = engine.run();
    expect(elapsedNs).toBe(result.elapsedNs);
    expect(b.calls).toEqual(a.calls);
    expect(engine.events).toBe(result.events);
    expect(result.tasks.map((t) => t.totals)).toEqual(engine.tasks.map((t) => ledger.account(t.ref.tid).toJSON()));
  });

  it.each([
    ['10 µs', () => 10_000],
    ['an odd 777,777 ns', () => 777_777],
    ['random steps from 1 ns to 3 ms', () => 1 + Math.floor(Math.random() * 3_000_000)],
  ])('advanced in steps of %s (some stopped after an event) gives the same calls and totals as one run', (_, size) => {
    const scenario = resolveScenario(STEALING);
    const whole = recorder();
    const one = engineOf(scenario, whole.observer);
    const endNs = one.engine.run();
    const stepped = recorder();
    const many = engineOf(scenario, stepped.observer);
    many.engine.begin();
    let reached = 0;
    let stops = 0;
    for (let i = 0; reached < endNs; i++) {
      const until = Math.min(endNs, reached + size());
      // every 7th step stops after its third event: the next advance goes on from that event's time
      let seen = 0;
      const got = i % 7 === 3 ? many.engine.advance(until, () => ++seen === 3) : many.engine.advance(until);
      if (got < until) stops++;
      expect(got).toBeGreaterThanOrEqual(reached);
      reached = got;
    }
    expect(stops).toBeGreaterThan(0);
    expect(many.engine.finish()).toBe(endNs);
    expect(stepped.calls).toEqual(whole.calls);
    expect(outcome(many.engine, many.ledger, endNs)).toEqual(outcome(one.engine, one.ledger, endNs));
  });
});

// Steal at odd ns, so no host event falls at the time of a guest event (whose order at equal times is by queueing).
const INTERVALS_NS: readonly (readonly [number, number])[] = [
  [3_123_457, 5_987_653],
  [11_000_001, 11_900_003],
  [40_000_007, 47_000_011],
  [47_500_013, 60_100_017],
];

const GUEST: Scenario = {
  cpus: 2,
  durationMs: 80,
  tasks: [
    { name: 'hog', count: 2, workload: { kind: 'cpu' } },
    { name: 'per', count: 2, workload: { kind: 'periodic', runUs: 1300, sleepUs: 2100 } },
  ],
};

describe('SimStepper: host-driven steal', () => {
  it('deschedule/schedule pushed at the same ns as an intervals spec: the same totals and calls', () => {
    const intervals = INTERVALS_NS.map(([s, e]) => ({ startMs: s / 1e6, endMs: e / 1e6 }));
    const planned = resolveScenario({ ...GUEST, host: { steal: { '1': { kind: 'intervals', intervals } } } });
    const result = simulate(planned);
    const stepper = new SimStepper(resolveScenario(GUEST), 'compiled');
    for (const [startNs, endNs] of INTERVALS_NS) {
      stepper.advance(startNs, false, Infinity);
      stepper.hostEvent(1, 'deschedule', startNs);
      expect(stepper.vcpuState(1)).toBe('runnable');
      stepper.advance(endNs, false, Infinity);
      stepper.hostEvent(1, 'schedule', endNs);
    }
    stepper.advance(80_000_000, false, Infinity);
    const totals = stepper.tasks().map((t) => stepper.ledger.account(t.tid).toJSON());
    expect(totals).toEqual(result.tasks.map((t) => t.totals));
    const stolen = totals.reduce((sum, t) => sum + t.stolenNs, 0);
    expect(stolen).toBeGreaterThan(0); // the steal was charged, not only published
    expect(stepper.readStolenNs(1)).toBe(INTERVALS_NS.reduce((sum, [s, e]) => sum + e - s, 0));
  });

  it('a host event must come at the time the guest reached', () => {
    const stepper = new SimStepper(resolveScenario(GUEST), 'compiled');
    stepper.advance(10_000_000, false, Infinity);
    expect(() => stepper.hostEvent(0, 'deschedule', 9_999_999)).toThrow(/time reached/);
    expect(() => stepper.hostEvent(5, 'deschedule', 10_000_000)).toThrow(/vCPU 5/);
    expect(() => stepper.advance(9_000_000, false, Infinity)).toThrow(/before the time reached/);
    expect(stepper.vcpuState(0)).toBe('running');
  });
});

describe('SimStepper: early return', () => {
  const scenario = resolveScenario({
    cpus: 3,
    durationMs: 100,
    tasks: [
      { name: 'per', count: 2, workload: { kind: 'periodic', runUs: 900, sleepUs: 2500 } },
      { name: 'late', startMs: 30, stopMs: 60, workload: { kind: 'cpu' } },
    ],
  });
  const idleSwitch = (e: SteppedEvent): boolean =>
    e.type === 'switch' && (e.prev === undefined) !== (e.next === undefined);

  it('returns right after each event that makes a vCPU go idle or leave idle, and only then', () => {
    const whole = new SimStepper(scenario, 'compiled').advance(50_000_000, false, Infinity);
    const stepper = new SimStepper(scenario, 'compiled');
    const events: SteppedEvent[] = [];
    let returns = 0;
    for (let r = stepper.advance(50_000_000, true, Infinity); ; r = stepper.advance(50_000_000, true, Infinity)) {
      events.push(...r.events);
      if (r.reason === 'until') {
        expect(r.events.some(idleSwitch)).toBe(false);
        break;
      }
      returns++;
      const last = r.events.filter((e) => e.atNs === r.reachedNs);
      // the stopping event's switches, and nothing of that kind before it in this step
      const flips = last.filter(idleSwitch).map((e) => (e.type === 'switch' ? e.vcpu : -1));
      expect([...new Set(flips)].sort((a, b) => a - b)).toEqual(r.vcpus);
      expect(r.events.filter((e) => e.atNs < r.reachedNs).some(idleSwitch)).toBe(false);
      const idleNow = last.some((e) => e.type === 'switch' && e.next === undefined);
      expect(r.reason).toBe(idleNow ? 'vcpu-idle' : 'vcpu-busy');
    }
    expect(returns).toBeGreaterThan(10);
    expect(returns).toBeLessThanOrEqual(whole.events.filter(idleSwitch).length);
    expect(events).toEqual(whole.events); // early returns split the events, they do not change them
  });

  it('stops after its most events with reason event-limit, and goes on from there', () => {
    const stepper = new SimStepper(scenario, 'compiled');
    const r = stepper.advance(50_000_000, false, 10);
    expect(r.reason).toBe('event-limit');
    expect(r.reachedNs).toBeLessThan(50_000_000);
    const rest = stepper.advance(50_000_000, false, Infinity);
    const whole = new SimStepper(scenario, 'compiled').advance(50_000_000, false, Infinity);
    expect([...r.events, ...rest.events]).toEqual(whole.events);
  });
});
