// The same events through the task machine as an XState actor and through the compiled stepper: same ledger.
import { createActor } from 'xstate';
import { compileTaskMachine, createTaskContext, taskMachine, taskTotals, type TaskEvent } from 'schedacct';

const input = { task: 42, counterHz: 24_000_000, policy: 'carry' as const };
const at = (counter: number, stolenNs: number) => ({
  counter: BigInt(counter),
  stolenTotalNs: BigInt(stolenNs),
  cpu: 0,
});
const events: TaskEvent[] = [
  { type: 'wakeup', reading: at(0, 0) },
  { type: 'dispatch', reading: at(2_400, 0) }, // 100 µs scheduling delay
  { type: 'preempt', reading: at(242_400, 2_000_000) }, // 10 ms slice, 2 ms stolen
  { type: 'dispatch', reading: at(482_400, 2_000_000) },
  { type: 'block', reading: at(506_400, 2_000_000), state: 'D' }, // 1 ms slice, then I/O
];

const actor = createActor(taskMachine, { input }).start();
const stepper = compileTaskMachine().start(createTaskContext(input));
for (const event of events) {
  actor.send(event);
  stepper.send(event);
}
const a = taskTotals(actor.getSnapshot().context);
const b = taskTotals(stepper.context);
console.log('state:', JSON.stringify(actor.getSnapshot().value), '| stepper:', JSON.stringify(stepper.value));
console.log(
  `charged ${String(a.chargedNs)} ns, stolen ${String(a.stolenNs)} ns, delay ${String(a.delayNs)} ns, preempt wait ${String(a.preemptNs)} ns`,
);
if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('actor and stepper disagree');
if (a.chargedNs !== 9_000_000) throw new Error('expected 9 ms charged');
