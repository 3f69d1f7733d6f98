// The simulator's speed, side by side in one run: (a) simulated scheduling events per second of `simulate` against the
// plain loop of sim-reference.ts, which makes the same scheduling decisions (the same events, kind by kind, and the
// same run time per task: test/sim/e2e-reference.test.ts) with the same event-queue work and kernel arithmetic but
// without machines, ledger, observer, host or balancer (goal: within 3×, 1.5× hoped for); (b) simulated seconds per
// wall second for 2 vCPUs × 100 tasks; (c) peak RSS of a child process simulating 10 s and 100 s of that scenario
// (bounded: nothing kept per event). Start-up (a run's setup, a cold first run) is timed on its own lines; the rates
// come from runs long enough (tens of thousands of events) that the work dominates. The two sides of (a) run in turn,
// round by round, and are compared by medians, so load that comes and goes on a shared machine slows both alike.
// `node --import tsx bench/simulate.ts` (all), `… rss MS` (one child's measurement, JSON).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolveScenario } from '../src/sim/scenario.ts';
import { simulate } from '../src/sim/simulate.ts';
import type { Scenario, TaskSpec } from '../src/sim/types.ts';
import { runReference, type ReferenceTask } from './sim-reference.ts';

// (a): per CPU two hogs (nice 0 and 5) and two periodic tasks (1 ms of 5 ms, 2 ms of 10 ms), pinned, 20 s
const RATE_TASKS: readonly ReferenceTask[] = [0, 1].flatMap((cpu) => [
  { nice: 0, cpu, runUs: 0, sleepUs: 0 },
  { nice: 5, cpu, runUs: 0, sleepUs: 0 },
  { nice: 0, cpu, runUs: 1000, sleepUs: 4000 },
  { nice: -3, cpu, runUs: 2000, sleepUs: 8000 },
]);
const RATE_MS = 20_000;
const ROUNDS = 15;

/** The same tasks as a scenario. */
function scenarioOf(tasks: readonly ReferenceTask[], durationMs: number): Scenario {
  const specs: TaskSpec[] = tasks.map((t, i) => ({
    name: `t${String(i)}`,
    nice: t.nice,
    cpus: [t.cpu],
    workload: t.runUs === 0 ? { kind: 'cpu' } : { kind: 'periodic', runUs: t.runUs, sleepUs: t.sleepUs, syscallUs: 0 },
  }));
  return { kernel: '6.18', policy: 'eevdf', hz: 250, cpus: 2, durationMs, seed: 1, accounting: 'drop', tasks: specs };
}

/** (b), (c): 2 vCPUs, 100 tasks free to run on either: 50 hogs at nice −2..2, 50 periodic with random bursts. */
function hundredTasks(durationMs: number): Scenario {
  return {
    kernel: '6.18',
    hz: 250,
    cpus: 2,
    durationMs,
    seed: 1,
    tasks: [
      ...[-2, -1, 0, 1, 2].map((nice) => ({ name: 'hog', nice, count: 10, workload: { kind: 'cpu' as const } })),
      {
        name: 'bursty',
        count: 50,
        workload: {
          kind: 'bursts',
          run: { dist: 'exponential', meanUs: 500 },
          sleep: { dist: 'exponential', meanUs: 5000 },
        },
      },
    ],
  };
}

const fmtRate = (perSecond: number): string =>
  perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M` : `${(perSecond / 1e3).toFixed(1)} k`;
const line = (name: string, value: string): void => console.log(`${name.padEnd(52)} ${value}`);

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};
const seconds = (f: () => void): number => {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e9;
};

/** (a): events per second, engine and reference in turn, {@link ROUNDS} rounds after a warm-up, by medians. */
function eventRate(): void {
  const durationNs = RATE_MS * 1_000_000;
  const reference = (): number => runReference(2, 250, durationNs, RATE_TASKS).events;
  const resolved = resolveScenario(scenarioOf(RATE_TASKS, RATE_MS));
  const idle = resolveScenario(scenarioOf(RATE_TASKS, 0.001));
  let simEvents = 0;
  const engine = (): void => {
    simEvents = simulate(resolved).events;
  };
  const cold = seconds(engine);
  line(`simulate, the first run (cold: JIT, machine compilation)`, `${(cold * 1e3).toFixed(1)} ms`);
  const setups = Array.from({ length: 20 }, () => seconds(() => simulate(idle)));
  line('simulate, the setup of a run (1 µs simulated, warm)', `${(median(setups) * 1e6).toFixed(0)} µs`);
  const refEvents = reference();
  for (let i = 0; i < 3; i++) {
    reference();
    engine();
  }
  const refTimes: number[] = [];
  const simTimes: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    refTimes.push(seconds(reference));
    simTimes.push(seconds(engine));
  }
  const ref = refEvents / median(refTimes);
  line(
    `reference loop, 2 CPUs × 4 pinned tasks, ${String(RATE_MS / 1000)} s`,
    `${fmtRate(ref).padStart(10)} events/s (${String(refEvents)} per run, median of ${String(ROUNDS)})`,
  );
  const engineRate = simEvents / median(simTimes);
  line('simulate, the same tasks', `${fmtRate(engineRate).padStart(10)} events/s (${String(simEvents)} per run)`);
  if (simEvents !== refEvents) console.log(`→ NOT THE SAME WORK: ${String(simEvents)} ≠ ${String(refEvents)} events`);
  const ratio = median(simTimes) / median(refTimes);
  const best = Math.min(...simTimes) / Math.min(...refTimes);
  const verdict = ratio <= 1.5 ? 'MET (goal 1.5×)' : ratio <= 3 ? 'MET (within 3×; goal 1.5× not met)' : 'NOT MET';
  console.log(
    `→ the reference is ${ratio.toFixed(2)}× simulate by medians, ${best.toFixed(2)}× best against best ` +
      `(within 3×, goal 1.5×) ${verdict}`,
  );
}

/** (b): simulated seconds per wall second, 2 vCPUs × 100 tasks; the first run on its own line. */
function simulatedPerWall(): void {
  const durationMs = 10_000;
  const resolved = resolveScenario(hundredTasks(durationMs));
  const runs: number[] = [];
  let events = 0;
  for (let i = 0; i < 4; i++) {
    const start = process.hrtime.bigint();
    events = simulate(resolved).events;
    runs.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const [first = NaN, ...warm] = runs;
  const best = Math.min(...warm);
  line('2 vCPUs × 100 tasks, 10 s simulated: first run', `${first.toFixed(3)} s wall (start-up and JIT included)`);
  line(
    '  best of 3 after it',
    `${best.toFixed(3)} s wall → ${(durationMs / 1000 / best).toFixed(1)} simulated s per wall s`,
  );
  line('  events', `${String(events)} (${fmtRate(events / best)} events/s)`);
}

/** (c): peak RSS of a fresh process simulating `durationMs`. */
function childRss(durationMs: number): { rssMiB: number; seconds: number } {
  const script = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, 'rss', String(durationMs)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`rss child failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { rssMiB: number; seconds: number };
}

/** Runs the simulate group. */
export function runSimulateBench(): void {
  eventRate();
  simulatedPerWall();
  const base = childRss(0.001);
  const ten = childRss(10_000);
  const hundred = childRss(100_000);
  line('peak RSS of a child, 1 µs simulated (modules loaded)', `${base.rssMiB.toFixed(1)} MiB`);
  line('peak RSS, 2 vCPUs × 100 tasks, 10 s simulated', `${ten.rssMiB.toFixed(1)} MiB (${ten.seconds.toFixed(2)} s)`);
  line('peak RSS, the same, 100 s simulated', `${hundred.rssMiB.toFixed(1)} MiB (${hundred.seconds.toFixed(2)} s)`);
  const ratio = hundred.rssMiB / ten.rssMiB;
  console.log(
    `→ 100 s takes ${ratio.toFixed(2)}× the memory of 10 s (bounded: ≤ 1.2×) ${ratio <= 1.2 ? 'MET' : 'NOT MET'}`,
  );
}

if (process.argv[2] === 'rss') {
  const resolved = resolveScenario(hundredTasks(Number(process.argv[3])));
  const start = process.hrtime.bigint();
  simulate(resolved);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ rssMiB: process.resourceUsage().maxRSS / 1024, seconds: wall }));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runSimulateBench();
}
