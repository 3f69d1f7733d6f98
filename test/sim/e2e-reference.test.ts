// The benchmark's reference loop (bench/sim-reference.ts) makes the same scheduling decisions as `simulate` with
// EEVDF on Linux 6.18 for pinned hogs and periodic tasks on a quiet host: the same events of each kind and the same run
// time per task, so the benchmark's ratio compares the same work (events per second on both sides). Checked on the
// benchmark's own scenario and on random ones.
import { fc, test } from '@fast-check/vitest';
import { expect, it } from 'vitest';
import { runReference, type ReferenceTask } from '../../bench/sim-reference.ts';
import { resolveScenario } from '../../src/sim/scenario.ts';
import { simulate } from '../../src/sim/simulate.ts';

/** What simulate did, in the reference's terms: events by kind and each task's CPU time from the switches. */
function simulated(cpus: number, hz: number, durationMs: number, tasks: readonly ReferenceTask[]) {
  const scenario = resolveScenario({
    kernel: '6.18',
    policy: 'eevdf',
    hz,
    cpus,
    durationMs,
    seed: 1,
    accounting: 'drop',
    tasks: tasks.map((t, i) => ({
      name: `t${String(i)}`,
      nice: t.nice,
      cpus: [t.cpu],
      workload:
        t.runUs === 0 ? { kind: 'cpu' } : { kind: 'periodic', runUs: t.runUs, sleepUs: t.sleepUs, syscallUs: 0 },
    })),
  });
  const counts = { starts: 0, ticks: 0, wakeups: 0, sleeps: 0, switches: 0 };
  const closedNs = tasks.map(() => 0);
  const onSince = tasks.map(() => -1); // when the task was switched in, −1 while it is off the CPU
  const result = simulate(scenario, {
    observer: {
      onCreate: () => counts.starts++,
      onWakeup: () => counts.wakeups++,
      onSwitch: (atNs, _cpu, prev, state, next) => {
        counts.switches++;
        if (state === 'S') counts.sleeps++;
        if (prev !== undefined) {
          const i = prev.tid - 1000;
          closedNs[i] = (closedNs[i] ?? 0) + atNs - (onSince[i] ?? 0);
          onSince[i] = -1;
        }
        if (next !== undefined) onSince[next.tid - 1000] = atNs;
      },
    },
  });
  counts.ticks = result.events - counts.starts - counts.wakeups - counts.sleeps - counts.switches;
  // a quiet host: real CPU is time on the CPU, over the closed slices (the result leaves the open ones out, as perf)
  expect(result.tasks.map((t) => t.realNs)).toEqual(closedNs);
  const endNs = durationMs * 1e6;
  const runNs = closedNs.map((ns, i) => ns + ((onSince[i] ?? -1) >= 0 ? endNs - (onSince[i] ?? 0) : 0));
  return { events: result.events, counts, runNs };
}

/** Both sides on one scenario: the same events of each kind, the same CPU time per task to the ns. */
function compare(cpus: number, hz: number, durationMs: number, tasks: readonly ReferenceTask[]) {
  const sim = simulated(cpus, hz, durationMs, tasks);
  const ref = runReference(cpus, hz, durationMs * 1e6, tasks);
  expect(ref.counts).toEqual(sim.counts);
  expect(ref.events).toBe(sim.events);
  expect(ref.runNs).toEqual(sim.runNs);
  return sim;
}

const RATE_TASKS: readonly ReferenceTask[] = [0, 1].flatMap((cpu) => [
  { nice: 0, cpu, runUs: 0, sleepUs: 0 },
  { nice: 5, cpu, runUs: 0, sleepUs: 0 },
  { nice: 0, cpu, runUs: 1000, sleepUs: 4000 },
  { nice: -3, cpu, runUs: 2000, sleepUs: 8000 },
]);

it('counts the events of the benchmark scenario as simulate does, kind by kind, with the same run times', () => {
  const sim = compare(2, 250, 2000, RATE_TASKS);
  expect(sim.counts.sleeps).toBeGreaterThan(900); // the periodic tasks sleep and wake, not just the hogs' ticks
  expect(sim.runNs.reduce((a, b) => a + b, 0)).toBe(2 * 2000e6); // both CPUs always busy
});

const task: fc.Arbitrary<(cpus: number) => fc.Arbitrary<ReferenceTask>> = fc.constant((cpus: number) =>
  fc.record({
    nice: fc.integer({ min: -10, max: 15 }),
    cpu: fc.integer({ min: 0, max: cpus - 1 }),
    runUs: fc.oneof(fc.constant(0), fc.integer({ min: 50, max: 6000 })),
    sleepUs: fc.integer({ min: 50, max: 12_000 }),
  }),
);
const scenario = fc.integer({ min: 1, max: 3 }).chain((cpus) =>
  fc.record({
    cpus: fc.constant(cpus),
    hz: fc.constantFrom(100, 250, 1000),
    durationMs: fc.integer({ min: 20, max: 400 }),
    tasks: task.chain((mk) => fc.array(mk(cpus), { minLength: 1, maxLength: 6 })),
  }),
);

test.prop([scenario], { numRuns: 60 })(
  'random pinned hogs and periodic tasks: the same events and run times',
  ({ cpus, hz, durationMs, tasks }) => {
    compare(cpus, hz, durationMs, tasks);
  },
);
