import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseKernel } from '../../src/sim/kernel.ts';
import { EevdfEntity, EevdfRunQueue, eevdfPolicy } from '../../src/sim/policies/eevdf.ts';
import { weightOfNice } from '../../src/sim/policies/weights.ts';
import { calcDeltaFair } from '../../src/sim/policies/calc-delta.ts';
import type { SchedTask } from '../../src/sim/types.ts';
import { mean, runDriver, shares } from './policy-driver.ts';

const K618 = parseKernel('6.18');
const env = (kernel = K618, cpus = 2) => ({ cpus, hz: 250, tickNs: 4_000_000, kernel });
const task = (tid: number, nice = 0): SchedTask => ({
  tid,
  name: `t${String(tid)}`,
  nice,
  priority: 50,
  weight: weightOfNice(nice),
  sched: undefined,
});
const NEW = { wakeup: false, initial: true, migrated: false };
const WAKE = { wakeup: true, initial: false, migrated: false };
const MOVED = { wakeup: false, initial: false, migrated: true };
const hog = (name: string, nice = 0) => ({ name, nice, workload: { kind: 'cpu' as const } });

// V is the weighted mean of queued vruntimes up to the kernel's left-biased floor: Σ w_i·(V − v_i) ∈ (−W, 0], and
// an entity is eligible exactly when v_i ≤ V.
function checkV(rq: EevdfRunQueue): void {
  const { vNs, entities } = rq.inspect();
  let w = 0;
  let lagSum = 0n;
  for (const e of entities) {
    w += e.weight;
    lagSum += BigInt(e.weight) * BigInt(vNs - e.vruntimeNs);
    expect(e.eligible).toBe(e.vruntimeNs <= vNs);
  }
  if (w === 0) return;
  expect(lagSum <= 0n && lagSum > -BigInt(w)).toBe(true);
  expect(rq.nrRunning).toBe(entities.filter((e) => !e.delayed).length);
}

type Op =
  | { op: 'create'; nice: number }
  | { op: 'tick'; dtNs: number }
  | { op: 'sleep' }
  | { op: 'wake'; pick: number }
  | { op: 'migrate'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), nice: fc.integer({ min: -20, max: 19 }) }),
  fc.record({ op: fc.constant('tick' as const), dtNs: fc.integer({ min: 1, max: 9_000_000 }) }),
  fc.record({ op: fc.constant('tick' as const), dtNs: fc.integer({ min: 1, max: 9_000_000 }) }),
  fc.record({ op: fc.constant('sleep' as const) }),
  fc.record({ op: fc.constant('wake' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('migrate' as const), pick: fc.nat() }),
);

// Two run queues of one kernel, driven by random operations; every law is checked after every operation.
function exercise(kernelText: string, ops: readonly Op[]): void {
  const kernel = parseKernel(kernelText);
  const rqs: readonly [EevdfRunQueue, EevdfRunQueue] = [
    new EevdfRunQueue(0, env(kernel)),
    new EevdfRunQueue(1, env(kernel)),
  ];
  const asleep: SchedTask[] = [];
  let nowNs = 0;
  let tid = 1000;
  const lagOk = (rq: EevdfRunQueue, t: SchedTask) => {
    const se = t.sched as EevdfEntity;
    if (se.delayed) return;
    const limit = rq.lagLimitNs(t.weight);
    expect(Math.abs(se.vlag)).toBeLessThanOrEqual(limit);
  };
  ops.forEach((o, i) => {
    const [rq, other] = i % 2 === 0 ? rqs : [rqs[1], rqs[0]];
    if (o.op === 'create') {
      rq.enqueue(task(tid++, o.nice), nowNs, NEW);
      if (rq.current === undefined || rq.wakeupPreempt(rq.queued().at(-1) ?? task(0), nowNs)) rq.pickNext(nowNs);
    } else if (o.op === 'tick') {
      nowNs += o.dtNs;
      for (const q of rqs) {
        const c = q.current;
        const before = c === undefined ? 0 : (c.sched as EevdfEntity).vruntime;
        const resched = q.tick(nowNs);
        if (c !== undefined) expect((c.sched as EevdfEntity).vruntime).toBeGreaterThanOrEqual(before);
        if (resched) q.pickNext(nowNs);
      }
    } else if (o.op === 'sleep') {
      const c = rq.current;
      if (c !== undefined) {
        rq.dequeue(c, nowNs, true);
        lagOk(rq, c);
        asleep.push(c);
        rq.pickNext(nowNs);
      }
    } else if (o.op === 'wake' && asleep.length > 0) {
      const t = asleep.splice(o.pick % asleep.length, 1)[0] as SchedTask;
      rq.enqueue(t, nowNs, WAKE);
      if (rq.wakeupPreempt(t, nowNs)) rq.pickNext(nowNs);
    } else if (o.op === 'migrate') {
      const queued = rq.queued();
      const t = queued[o.pick % Math.max(1, queued.length)];
      if (t !== undefined) {
        rq.dequeue(t, nowNs, false);
        lagOk(rq, t);
        other.enqueue(t, nowNs, MOVED);
        if (other.wakeupPreempt(t, nowNs)) other.pickNext(nowNs);
      }
    }
    for (const q of rqs) checkV(q);
  });
}

describe('EEVDF laws (random enqueue, dequeue, tick, migrate; random nice)', () => {
  for (const k of ['6.6', '6.12', '6.18']) {
    fcTest.prop([fc.array(op, { minLength: 1, maxLength: 120 })], { numRuns: 150 })(
      `V is the weighted mean up to rounding, lag stays in its clamp, vruntime never goes back (${k})`,
      (ops) => exercise(k, ops),
    );
  }
});

describe('EEVDF shares and slices', () => {
  fcTest.prop([fc.array(fc.integer({ min: -10, max: 10 }), { minLength: 2, maxLength: 4 })], { numRuns: 12 })(
    'always-runnable tasks converge to their weights over 10 s (within 1 point)',
    (nices) => {
      const r = runDriver({
        policy: eevdfPolicy(),
        kernel: K618,
        hz: 250,
        cpus: 2,
        durationNs: 10e9,
        tasks: nices.map((n, i) => hog(`h${String(i)}`, n)),
      });
      const total = nices.reduce((a, n) => a + weightOfNice(n), 0);
      shares(r).forEach((s, i) => {
        expect(Math.abs(s - weightOfNice(nices[i] ?? 0) / total)).toBeLessThan(0.01);
      });
    },
  );

  it('nice 0 against nice 5 at HZ=250 on a 2-vCPU 6.18: near the recording’s 74.97 %', () => {
    const r = runDriver({
      policy: eevdfPolicy(),
      kernel: K618,
      hz: 250,
      cpus: 2,
      durationNs: 3e9,
      tasks: [hog('n0'), hog('n5', 5)],
    });
    const [n0, n5] = r.tasks;
    // recording traces/kernel/nice0v5: 74.97 % and 25.03 %; weights alone 75.35 %
    expect(Math.abs((shares(r)[0] ?? 0) - 0.7497)).toBeLessThan(0.015);
    // every slice ends at a tick: preemption is tick-granular (no HRTICK)
    for (const s of [...(n0?.slices ?? []), ...(n5?.slices ?? [])].slice(1, -1)) expect(s % 4_000_000).toBe(0);
    // the recording's nice 5 slices average 3.808 ms (one tick less scheduling noise)
    expect(Math.abs(mean(n5?.slices ?? []) / 3.808e6 - 1)).toBeLessThan(0.25);
    // nice 0 runs 2–4 ticks a turn here; the recording's 8.8 ms mean is lower because other tasks cut its slices
    expect(mean(n0?.slices ?? [])).toBeGreaterThan(8e6);
    expect(mean(n0?.slices ?? [])).toBeLessThan(16e6);
  });

  it('two nice-0 hogs alternate a tick each', () => {
    const r = runDriver({
      policy: eevdfPolicy(),
      kernel: K618,
      hz: 250,
      cpus: 2,
      durationNs: 2e9,
      tasks: [hog('a'), hog('b')],
    });
    expect(Math.abs((shares(r)[0] ?? 0) - 0.5)).toBeLessThan(0.005);
    for (const t of r.tasks) expect(Math.abs(mean(t.slices) - 4e6)).toBeLessThan(0.1e6);
  });

  it('is deterministic', () => {
    const run = () =>
      runDriver({
        policy: eevdfPolicy(),
        kernel: K618,
        hz: 250,
        cpus: 2,
        durationNs: 1e9,
        tasks: [
          hog('a', -3),
          hog('b', 4),
          { name: 'p', workload: { kind: 'periodic', runNs: 1_300_000, sleepNs: 2_700_000 } },
        ],
      }).tasks;
    expect(run()).toEqual(run());
  });
});

describe('EEVDF wakeups, delayed dequeue and placement', () => {
  it('a sleeper with negative lag stays queued (DELAY_DEQUEUE, 6.12+) but not runnable, and leaves when picked', () => {
    const rq = new EevdfRunQueue(0, env());
    const a = task(1);
    const b = task(2);
    rq.enqueue(a, 0, NEW);
    rq.enqueue(b, 0, NEW);
    expect(rq.pickNext(0)).toBe(a);
    rq.tick(4_000_000);
    rq.dequeue(a, 4_000_000, true); // a ran 4 ms ahead of b: negative lag
    expect((a.sched as EevdfEntity).delayed).toBe(true);
    expect(rq.nrRunning).toBe(1);
    expect(rq.inspect().entities.map((e) => e.tid)).toEqual([1, 2]);
    expect(rq.pickNext(4_000_000)).toBe(b);
    rq.tick(8_000_000);
    rq.tick(12_000_000);
    // b is now behind: a became eligible, is picked, leaves for good with its lag cut to zero (DELAY_ZERO)
    expect(rq.pickNext(12_000_000)).toBe(b);
    expect(rq.inspect().entities.map((e) => e.tid)).toEqual([2]);
    expect((a.sched as EevdfEntity).vlag).toBe(0);
  });

  it('6.6 has no delayed dequeue: the sleeper leaves at once with its negative lag', () => {
    const rq = new EevdfRunQueue(0, env(parseKernel('6.6')));
    const a = task(1);
    rq.enqueue(a, 0, NEW);
    rq.enqueue(task(2), 0, NEW);
    rq.pickNext(0);
    rq.tick(4_000_000);
    rq.dequeue(a, 4_000_000, true);
    expect(rq.nrRunning).toBe(1);
    expect(rq.inspect().entities).toHaveLength(1);
    expect((a.sched as EevdfEntity).vlag).toBeLessThan(0);
  });

  it('delayed dequeue shortens a periodic task’s delays against a hog (6.18 against 6.6)', () => {
    const delays = (k: string) => {
      const r = runDriver({
        policy: eevdfPolicy(),
        kernel: parseKernel(k),
        hz: 250,
        cpus: 2,
        durationNs: 3e9,
        tasks: [hog('hog'), { name: 'periodic', workload: { kind: 'periodic', runNs: 1e6, sleepNs: 4e6 } }],
      });
      return mean(r.tasks[1]?.delays ?? []);
    };
    expect(delays('6.18')).toBeLessThan(delays('6.6') / 4);
  });

  it('a picked task keeps its slice over ticks though ineligible (RUN_TO_PARITY); a woken eligible task preempts it', () => {
    // 8 CPUs at HZ=1000: a 2.8 ms base slice, 1 ms ticks
    const rq = new EevdfRunQueue(0, { cpus: 8, hz: 1000, tickNs: 1_000_000, kernel: K618 });
    const a = task(1);
    const b = task(2);
    rq.enqueue(a, 0, NEW);
    rq.enqueue(b, 0, NEW);
    expect(rq.pickNext(0)).toBe(a);
    // new tasks get half a slice (PLACE_DEADLINE_INITIAL): a's 1.4 ms ends between the ticks at 1 and 2 ms
    expect([rq.tick(1e6), rq.tick(2e6)]).toEqual([false, true]);
    expect(rq.pickNext(2e6)).toBe(b);
    expect([rq.tick(3e6), rq.tick(4e6)]).toEqual([false, true]);
    expect(rq.pickNext(4e6)).toBe(a);
    // a full slice now: 2.8 ms, so the ticks at 5 and 6 ms leave a running though it is ahead of b
    expect([rq.tick(5e6), rq.tick(6e6), rq.tick(7e6)]).toEqual([false, false, true]);
    expect(rq.pickNext(7e6)).toBe(b);
    // b waited, so it is behind V, eligible and protected: a new task placed at V waits for b's slice to end
    const c = task(3);
    rq.enqueue(c, 7_500_000, NEW);
    expect(rq.wakeupPreempt(c, 7_500_000)).toBe(false);
    expect([rq.tick(8e6), rq.tick(9e6), rq.tick(10e6)]).toEqual([false, false, true]);
    expect(rq.pickNext(10e6)).toBe(c);
  });

  it('a sleeper keeps positive lag (PLACE_LAG, scaled by (W + w) / W) and preempts the task that ran meanwhile', () => {
    const rq = new EevdfRunQueue(0, { cpus: 8, hz: 1000, tickNs: 1_000_000, kernel: K618 });
    const a = task(1);
    const b = task(2);
    rq.enqueue(a, 0, NEW);
    rq.enqueue(b, 0, NEW);
    rq.pickNext(0);
    rq.tick(1e6);
    rq.tick(2e6);
    expect(rq.pickNext(2e6)).toBe(b);
    // b leaves before running, 1 ms of virtual time owed to it (V = 1 ms, its vruntime 0)
    rq.dequeue(b, 2e6, true);
    expect((b.sched as EevdfEntity).vlag).toBe(1_000_000);
    expect(rq.pickNext(2e6)).toBe(a);
    rq.tick(6e6);
    rq.enqueue(b, 6e6, WAKE);
    // placed at V − 1 ms · (1024 + 1024) / 1024, behind a, which is now past V
    expect((b.sched as EevdfEntity).vruntime).toBe(6e6 - 2e6);
    expect(rq.wakeupPreempt(b, 6e6)).toBe(true);
    expect(rq.pickNext(6e6)).toBe(b);
  });

  it('places a new task half a slice from V (PLACE_DEADLINE_INITIAL) and keeps a migrated deadline relative', () => {
    const rq = new EevdfRunQueue(0, env());
    const a = task(1, 5);
    rq.enqueue(a, 0, NEW);
    const se = a.sched as EevdfEntity;
    expect(se.deadline - se.vruntime).toBe(Math.floor(calcDeltaFair(1_400_000, 335) / 2));
    const other = new EevdfRunQueue(1, env());
    other.enqueue(task(9), 0, NEW);
    other.pickNext(0);
    other.tick(8_000_000);
    const rel = se.deadline - se.vruntime;
    rq.dequeue(a, 8_000_000, false);
    other.enqueue(a, 8_000_000, MOVED);
    expect(se.deadline - se.vruntime).toBe(rel);
  });

  it('rejects misuse: a task queued twice, a task not on this queue, a clock going back', () => {
    const rq = new EevdfRunQueue(0, env());
    const a = task(1);
    rq.enqueue(a, 10, NEW);
    expect(() => rq.enqueue(a, 10, NEW)).toThrow(/already queued/);
    expect(() => rq.dequeue(task(2), 10, true)).toThrow(/not queued on CPU 0/);
    expect(() => rq.tick(5)).toThrow(/nowNs/);
    expect(() => eevdfPolicy().createRunQueue(0, env(parseKernel('6.5')))).toThrow(/6\.6 or later/);
  });
});
