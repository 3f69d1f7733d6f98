// The same task machine and accounting on the simulated, emulated (x86 kvm_steal_time) and real Linux backends:
// a task that runs 4 ms slices and waits 1 ms between them, for 50 slices, ledgers side by side.
import {
  compileTaskMachine,
  createEmulatedSource,
  createSimulatedSource,
  createTaskContext,
  consistentReadOf,
  taskTotals,
  type ClockSource,
  type TaskReading,
} from 'schedacct';
import { createLinuxSource } from 'schedacct/linux';

function pass(source: ClockSource, ns: number): void {
  if (source.advance !== undefined) {
    source.advance(ns);
    return;
  }
  const end = process.hrtime.bigint() + BigInt(ns); // real time: busy, as a running task would be
  while (process.hrtime.bigint() < end);
}

function run(source: ClockSource) {
  const task = compileTaskMachine().start(
    createTaskContext({
      task: 1,
      counterHz: source.counter.counterHz,
      widthBits: source.counter.widthBits,
      policy: 'carry',
    }),
  );
  const reading = (): TaskReading => ({ ...consistentReadOf(source), cpu: 0 });
  task.send({ type: 'wakeup', reading: reading() });
  for (let i = 0; i < 50; i++) {
    task.send({ type: 'dispatch', reading: reading() });
    pass(source, 4_000_000);
    task.send({ type: 'preempt', reading: reading() });
    pass(source, 1_000_000);
  }
  return { name: source.name, ...taskTotals(task.context), anomalies: task.context.ledger.anomalyCount() };
}

const pattern = { kind: 'constant', share: 0.2, periodNs: 2_000_000 } as const;
const rows = [run(createSimulatedSource({ pattern })), run(createEmulatedSource({ abi: 'x86', pattern, torn: true }))];
try {
  rows.push(run(createLinuxSource()));
} catch (error) {
  console.log(`linux: ${(error as Error).message}`); // not Linux: the other two still run
}
const ms = (ns: number) => (ns / 1e6).toFixed(3).padStart(10);
console.log('backend          slices    run (ms)  stolen (ms) charged (ms)  preempt wait (ms)  anomalies');
for (const r of rows) {
  console.log(
    `${r.name.padEnd(16)} ${String(r.slices).padStart(6)} ${ms(r.runNs)} ${ms(r.stolenNs)}   ${ms(r.chargedNs)} ${ms(r.preemptNs)}         ${String(r.anomalies).padStart(2)}`,
  );
  if (r.runNs !== r.chargedNs + r.stolenNs || r.slices !== 50) throw new Error(`${r.name}: ledger not conserved`);
}
console.log('(simulated and emulated steal 20 % by design; /proc/stat counts steal in 10 ms ticks)');
