// A task's own system calls (update_curr at each, so an EEVDF slice ends at its deadline, not at the next tick) and
// nanosleep's timer slack: the policy hooks that say when, the engine's one planned event, and the sleeps' lengths.
import { describe, expect, it } from 'vitest';
import { parseKernel } from '../../src/sim/kernel.ts';
import { CfsRunQueue } from '../../src/sim/policies/cfs.ts';
import { EevdfRunQueue } from '../../src/sim/policies/eevdf.ts';
import { weightOfNice } from '../../src/sim/policies/weights.ts';
import { resolveScenario } from '../../src/sim/scenario.ts';
import { simulate } from '../../src/sim/simulate.ts';
import type { RunQueue, SchedTask, Scenario, Workload } from '../../src/sim/types.ts';

const env = (kernel: string) => ({ cpus: 2, hz: 250, tickNs: 4_000_000, kernel: parseKernel(kernel) });
const task = (tid: number, nice: number): SchedTask => ({
  tid,
  name: `t${String(tid)}`,
  nice,
  priority: 50,
  weight: weightOfNice(nice),
  sched: undefined,
});
const NEW = { wakeup: false, initial: true, migrated: false };

// Two tasks queued, one picked at 1 ms: the run queue with its current task and when it last charged it.
function twoQueued(rq: RunQueue, nice: number): number {
  rq.enqueue(task(1, nice), 0, NEW);
  rq.enqueue(task(2, 0), 0, NEW);
  expect(rq.pickNext(1_000_000)).toBeDefined();
  return 1_000_000;
}

describe('RunQueue.update and reschedAfterNs (EEVDF)', () => {
  it.each([0, 5, -3])('nice %i: update asks to reschedule exactly when reschedAfterNs said', (nice) => {
    const rq = new EevdfRunQueue(1, env('6.18'));
    const t0 = twoQueued(rq, nice);
    const after = rq.reschedAfterNs(t0);
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThan(10_000_000);
    expect(rq.reschedAfterNs(t0 + 1000)).toBe(after - 1000); // time run but not yet charged counts
    expect(rq.update(t0 + after - 1)).toBe(false);
    // charged in two pieces, __calc_delta may round the rest up by a ns
    const rest = rq.reschedAfterNs(t0 + after - 1);
    expect(rest).toBeGreaterThanOrEqual(1);
    expect(rest).toBeLessThanOrEqual(3);
    expect(rq.update(t0 + after - 1 + rest)).toBe(true);
    expect(rq.reschedAfterNs(t0 + after - 1 + rest)).toBe(0);
  });

  it('is never asked for alone (no other task: Infinity), and an idle CPU has nothing to update', () => {
    const rq = new EevdfRunQueue(0, env('6.18'));
    expect(rq.update(0)).toBe(false);
    rq.enqueue(task(1, 0), 0, NEW);
    rq.pickNext(0);
    expect(rq.reschedAfterNs(1000)).toBe(Infinity);
    expect(rq.update(50_000_000)).toBe(false);
  });

  it('CFS charges at a system call but reschedules only at the tick (check_preempt_tick)', () => {
    const rq = new CfsRunQueue(1, env('6.5'));
    const t0 = twoQueued(rq, 0);
    for (let ns = t0; ns <= t0 + 20_000_000; ns += 500_000) expect(rq.update(ns)).toBe(false);
    expect(rq.tick(t0 + 20_000_000)).toBe(true);
  });
});

const scenario = (workload: Workload, policy = 'eevdf', durationMs = 400): Scenario => ({
  kernel: policy === 'cfs' ? '6.5' : '6.18',
  policy,
  hz: 250,
  cpus: 1,
  durationMs,
  tasks: [
    { name: 'hog', workload: { kind: 'cpu' } },
    { name: 'periodic', workload },
  ],
});

// Where the periodic task (tid 1001) was switched out while still runnable, guest ns.
function preemptions(s: Scenario): number[] {
  const at: number[] = [];
  simulate(resolveScenario(s), {
    observer: {
      onSwitch: (ns, _cpu, prev, state) => {
        if (prev?.tid === 1001 && state === 'R') at.push(ns);
      },
    },
  });
  return at;
}

describe('a task that makes system calls, in the engine', () => {
  const periodic = { kind: 'periodic', runUs: 2000, sleepUs: 3000 } as const;

  it('periodic (2 µs by default, as periodic.c): its slice ends at its deadline, between ticks', () => {
    const at = preemptions(scenario(periodic));
    expect(at.length).toBeGreaterThan(20);
    expect(at.filter((ns) => ns % 4_000_000 !== 0).length).toBeGreaterThan(at.length / 2);
  });

  it('syscallUs 0 (no system calls): preempted only at ticks, as a hog is', () => {
    const at = preemptions(scenario({ ...periodic, syscallUs: 0 }));
    expect(at.length).toBeGreaterThan(10);
    expect(at.every((ns) => ns % 4_000_000 === 0)).toBe(true);
  });

  it('under CFS the system calls change nothing: the same run as without them', () => {
    const a = simulate(resolveScenario(scenario(periodic, 'cfs')));
    const b = simulate(resolveScenario(scenario({ ...periodic, syscallUs: 0 }, 'cfs')));
    expect(a.tasks.map((t) => [t.totals.runNs, t.totals.slices])).toEqual(
      b.tasks.map((t) => [t.totals.runNs, t.totals.slices]),
    );
  });
});

describe("nanosleep's timer slack (timer_slack_ns, 50 µs)", () => {
  // Sleep lengths of a periodic task alone on its CPU: from its switch-out asleep to its wakeup.
  function sleeps(policy: string): number[] {
    const out: number[] = [];
    let asleep = -1;
    simulate(
      resolveScenario({
        policy,
        cpus: 1,
        durationMs: 50,
        tasks: [{ name: 'p', priority: 10, workload: { kind: 'periodic', runUs: 100, sleepUs: 1000 } }],
      }),
      {
        observer: {
          onSwitch: (ns, _cpu, prev, state) => {
            if (prev !== undefined && state === 'S') asleep = ns;
          },
          onWakeup: (ns) => {
            if (asleep >= 0) out.push(ns - asleep);
          },
        },
      },
    );
    return out;
  }

  it('a fair task sleeps what it asked plus its slack', () => {
    const s = sleeps('eevdf');
    expect(s.length).toBeGreaterThan(30);
    expect(new Set(s)).toEqual(new Set([1_050_000]));
  });

  it('a real-time task has no slack (hrtimer_nanosleep)', () => {
    expect(new Set(sleeps('fifo'))).toEqual(new Set([1_000_000]));
  });
});
