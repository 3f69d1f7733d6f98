// The simulator's speed, side by side in one run: (a) simulated scheduling events per second of `simulate` against the
// plain loop of sim-reference.ts doing the same event-queue work and kernel arithmetic without machines or ledger
// (goal: within 3×, 1.5× hoped for), on the same tasks; (b) simulated seconds per wall second for 2 vCPUs × 100 tasks,
// the first run (start-up: module load, JIT) on its own line; (c) peak RSS of a child process simulating 10 s and
// 100 s of that scenario (bounded: nothing kept per event). Until the engine is in the tree, only the reference runs.
// `node --import tsx bench/simulate.ts` (all), `… rss MS` (one child's measurement, JSON).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import type { ResolvedScenario, Scenario, SimResult, SimulateOptions, TaskSpec } from '../src/sim/types.ts';
import { runReference, type ReferenceTask } from './sim-reference.ts';

type Simulate = (scenario: ResolvedScenario, options?: SimulateOptions) => SimResult;
type Resolve = (input: unknown) => ResolvedScenario;

const SIMULATE = new URL('../src/sim/simulate.ts', import.meta.url);
const SCENARIO = new URL('../src/sim/scenario.ts', import.meta.url);

/** The engine's entry points, or undefined while they are not in the tree. */
async function engine(): Promise<{ simulate: Simulate; resolve: Resolve } | undefined> {
  if (!existsSync(SIMULATE) || !existsSync(SCENARIO)) return undefined;
  const { simulate } = (await import(SIMULATE.href)) as { simulate: Simulate };
  const { resolveScenario } = (await import(SCENARIO.href)) as { resolveScenario: Resolve };
  return { simulate, resolve: resolveScenario };
}

// (a): per CPU two hogs (nice 0 and 5) and two periodic tasks (1 ms of 5 ms, 2 ms of 10 ms), pinned, 2 s
const RATE_TASKS: readonly ReferenceTask[] = [0, 1].flatMap((cpu) => [
  { nice: 0, cpu, runUs: 0, sleepUs: 0 },
  { nice: 5, cpu, runUs: 0, sleepUs: 0 },
  { nice: 0, cpu, runUs: 1000, sleepUs: 4000 },
  { nice: -3, cpu, runUs: 2000, sleepUs: 8000 },
]);
const RATE_MS = 2000;

/** The same tasks as a scenario. */
function scenarioOf(tasks: readonly ReferenceTask[], durationMs: number): Scenario {
  const specs: TaskSpec[] = tasks.map((t, i) => ({
    name: `t${String(i)}`,
    nice: t.nice,
    cpus: [t.cpu],
    workload: t.runUs === 0 ? { kind: 'cpu' } : { kind: 'periodic', runUs: t.runUs, sleepUs: t.sleepUs },
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

/** (a): events per second, engine and reference in one tinybench run. */
async function eventRate(sim: { simulate: Simulate; resolve: Resolve } | undefined): Promise<void> {
  const durationNs = RATE_MS * 1_000_000;
  const refEvents = runReference(2, 250, durationNs, RATE_TASKS).events;
  const resolved = sim?.resolve(scenarioOf(RATE_TASKS, RATE_MS));
  const simEvents = sim !== undefined && resolved !== undefined ? sim.simulate(resolved).events : 0;
  const bench = new Bench({ name: 'simulate', time: 2000, warmupTime: 500 });
  bench.add('reference loop (sim-reference.ts)', () => {
    runReference(2, 250, durationNs, RATE_TASKS);
  });
  if (sim !== undefined && resolved !== undefined)
    bench.add('simulate (machines, ledger)', () => {
      sim.simulate(resolved);
    });
  await bench.run();
  const rate = (name: string, events: number): number => {
    const result = bench.tasks.find((t) => t.name === name)?.result;
    if (result === undefined || !('period' in result)) throw new Error(`benchmark ${name} did not complete`);
    return (events * 1000) / result.period;
  };
  const ref = rate('reference loop (sim-reference.ts)', refEvents);
  line(
    'reference loop, 2 CPUs × 4 pinned tasks, 2 s',
    `${fmtRate(ref).padStart(10)} events/s (${String(refEvents)} per run)`,
  );
  if (sim === undefined) return;
  const engineRate = rate('simulate (machines, ledger)', simEvents);
  line('simulate, the same tasks', `${fmtRate(engineRate).padStart(10)} events/s (${String(simEvents)} per run)`);
  const ratio = ref / engineRate;
  const verdict = ratio <= 1.5 ? 'MET (goal 1.5×)' : ratio <= 3 ? 'MET (within 3×; goal 1.5× not met)' : 'NOT MET';
  console.log(`→ the reference is ${ratio.toFixed(2)}× simulate (within 3×, goal 1.5×) ${verdict}`);
}

/** (b): simulated seconds per wall second, 2 vCPUs × 100 tasks; the first run on its own line. */
function simulatedPerWall(sim: { simulate: Simulate; resolve: Resolve }): void {
  const durationMs = 10_000;
  const resolved = sim.resolve(hundredTasks(durationMs));
  const runs: number[] = [];
  let events = 0;
  for (let i = 0; i < 4; i++) {
    const start = process.hrtime.bigint();
    events = sim.simulate(resolved).events;
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

/** Runs the simulate group: every measurement, or the reference alone while the engine is not there. */
export async function runSimulateBench(): Promise<void> {
  const sim = await engine();
  if (sim === undefined)
    console.log('simulate: engine not present (src/sim/simulate.ts, src/sim/scenario.ts): the reference loop alone');
  await eventRate(sim);
  if (sim === undefined) return;
  simulatedPerWall(sim);
  const ten = childRss(10_000);
  const hundred = childRss(100_000);
  line('peak RSS, 2 vCPUs × 100 tasks, 10 s simulated', `${ten.rssMiB.toFixed(1)} MiB (${ten.seconds.toFixed(2)} s)`);
  line('peak RSS, the same, 100 s simulated', `${hundred.rssMiB.toFixed(1)} MiB (${hundred.seconds.toFixed(2)} s)`);
  const ratio = hundred.rssMiB / ten.rssMiB;
  console.log(
    `→ 100 s takes ${ratio.toFixed(2)}× the memory of 10 s (bounded: ≤ 1.2×) ${ratio <= 1.2 ? 'MET' : 'NOT MET'}`,
  );
}

if (process.argv[2] === 'rss') {
  const sim = await engine();
  if (sim === undefined) throw new Error('engine not present');
  const resolved = sim.resolve(hundredTasks(Number(process.argv[3])));
  const start = process.hrtime.bigint();
  sim.simulate(resolved);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ rssMiB: process.resourceUsage().maxRSS / 1024, seconds }));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runSimulateBench();
}
