// `npm run bench`: each measured task side by side with its reference in one run, reported as a ratio.
// Every group runs in a fresh Node process, so the JIT state one group leaves cannot slow another.
import { spawnSync } from 'node:child_process';
import { Bench } from 'tinybench';
import { addAccountingBench, SLICES } from './accounting.ts';
import { runLinesBench } from './lines.ts';
import { addMachineBench, EVENTS } from './machines.ts';
import { runMemoryBench } from './memory.ts';
import { runProtocolBench } from './protocol.ts';
import { runReplayBench } from './replay.ts';
import { runSimulateBench } from './simulate.ts';

const GROUPS = ['accounting', 'machines', 'replay', 'lines', 'memory', 'simulate', 'protocol'] as const;
type Group = (typeof GROUPS)[number];

interface Rate {
  readonly rate: number;
  readonly rme: number;
}

async function measure(add: (bench: Bench) => void): Promise<(name: string, units: number) => Rate> {
  const bench = new Bench({ name: 'schedacct', time: 2000, warmupTime: 500 });
  add(bench);
  await bench.run();
  const byName = new Map(bench.tasks.map((t) => [t.name, t]));
  return (name, units) => {
    const result = byName.get(name)?.result;
    if (result === undefined || !('period' in result)) throw new Error(`benchmark ${name} did not complete`);
    return { rate: (units * 1000) / result.period, rme: result.latency.rme };
  };
}

function row(name: string, unit: string, r: Rate): void {
  const rate = r.rate >= 1e6 ? `${(r.rate / 1e6).toFixed(2)} M` : `${(r.rate / 1e3).toFixed(1)} k`;
  console.log(`${name.padEnd(52)} ${rate.padStart(10)} ${unit}/s  ±${r.rme.toFixed(1)}%`);
}
const verdict = (met: boolean): string => (met ? 'MET' : 'NOT MET');

async function run(group: Group): Promise<void> {
  if (group === 'replay') {
    await runReplayBench();
    return;
  }
  if (group === 'memory') {
    runMemoryBench();
    return;
  }
  if (group === 'simulate') {
    runSimulateBench();
    return;
  }
  if (group === 'protocol') {
    await runProtocolBench();
    return;
  }
  if (group === 'lines') {
    runLinesBench();
    return;
  }
  if (group === 'accounting') {
    let names = { core: '', reference: '' };
    const rate = await measure((b) => (names = addAccountingBench(b)));
    const core = rate(names.core, SLICES);
    const ref = rate(names.reference, SLICES);
    row(names.core, 'slices', core);
    row(names.reference, 'slices', ref);
    const ratio = ref.rate / core.rate;
    console.log(`→ the plain loop is ${ratio.toFixed(2)}× the core (goal: core within 3×) ${verdict(ratio <= 3)}`);
    return;
  }
  let names = { bare: '', actor: '', inPlace: '', stepper: '' };
  const rate = await measure((b) => (names = addMachineBench(b)));
  const bare = rate(names.bare, EVENTS);
  const actor = rate(names.actor, EVENTS);
  const inPlace = rate(names.inPlace, EVENTS);
  const stepper = rate(names.stepper, EVENTS);
  row(names.bare, 'events', bare);
  row(names.actor, 'events', actor);
  row(names.inPlace, 'events', inPlace);
  row(names.stepper, 'events', stepper);
  const actorRatio = bare.rate / actor.rate;
  const stepperRatio = stepper.rate / actor.rate;
  console.log(
    `→ the bare machine is ${actorRatio.toFixed(2)}× the task actor (goal: within 1.5×) ${verdict(actorRatio <= 1.5)}`,
  );
  console.log(`  (with opt-in in-place actions: ${(bare.rate / inPlace.rate).toFixed(2)}×)`);
  console.log(
    `→ the stepper is ${stepperRatio.toFixed(1)}× the task actor (goal: at least 30×) ${verdict(stepperRatio >= 30)}`,
  );
}

const only = process.argv[2];
if (only !== undefined) {
  await run(only as Group);
} else {
  console.log(`schedacct benchmarks (node ${process.version}, ${new Date().toISOString()})`);
  for (const group of GROUPS) {
    console.log(`\n${group}`);
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1] ?? 'bench/index.ts', group], {
      stdio: 'inherit',
    });
    if (child.status !== 0) process.exitCode = 1;
  }
}
