// Events per second through: a bare 4-state XState machine (the floor XState itself sets), the task machine as an
// XState actor, and the task machine compiled to the table-driven stepper. Same number of events for each.
import {
  compileTaskMachine,
  createTaskContext,
  taskImplementations,
  taskMachine,
  toXStateInPlaceActions,
  type TaskEvent,
  type TaskReading,
} from 'schedacct';
import type { Bench } from 'tinybench';
import { createActor, createMachine } from 'xstate';

/** Events per benchmark iteration. */
export const EVENTS = 1200;

/** A task's life in a loop: wake, run, get preempted, run, sleep, wake, run, block on I/O. */
function taskEvents(): TaskEvent[] {
  const out: TaskEvent[] = [];
  let counter = 1_000_000n;
  let stolen = 0n;
  const next = (dt: number, steal: number): TaskReading => {
    counter += BigInt(dt);
    stolen += BigInt(steal);
    return { counter, stolenTotalNs: stolen, cpu: 0 };
  };
  while (out.length < EVENTS) {
    out.push(
      { type: 'wakeup', reading: next(1000, 0) },
      { type: 'dispatch', reading: next(20_000, 0) },
      { type: 'preempt', reading: next(4_000_000, 150_000) },
      { type: 'dispatch', reading: next(300_000, 0) },
      { type: 'block', reading: next(2_000_000, 40_000), state: 'S' },
      { type: 'wakeup', reading: next(5_000_000, 0) },
      { type: 'dispatch', reading: next(15_000, 0) },
      { type: 'block', reading: next(800_000, 0), state: 'D' },
    );
  }
  return out.slice(0, EVENTS);
}

/**
 * Adds the three tasks to a bench.
 * @param bench - the bench to add to
 * @returns the task names
 */
export function addMachineBench(bench: Bench): { bare: string; actor: string; inPlace: string; stepper: string } {
  const events = taskEvents();
  const input = { task: 1, counterHz: 1_000_000_000, widthBits: 64 };

  const bareMachine = createMachine({
    initial: 'a',
    states: { a: { on: { next: 'b' } }, b: { on: { next: 'c' } }, c: { on: { next: 'd' } }, d: { on: { next: 'a' } } },
  });
  const bareEvent = { type: 'next' } as const;

  const bare = 'xstate: bare 4-state machine (actor.send)';
  bench.add(bare, () => {
    const actor = createActor(bareMachine).start();
    for (let i = 0; i < EVENTS; i++) actor.send(bareEvent);
    actor.stop();
  });

  const actorName = 'schedacct: task machine (actor.send)';
  bench.add(actorName, () => {
    const actor = createActor(taskMachine, { input }).start();
    for (const e of events) actor.send(e);
    if (actor.getSnapshot().context.account.slices === 0) throw new Error('no slices charged');
    actor.stop();
  });

  const fast = taskMachine.provide({ actions: toXStateInPlaceActions(taskImplementations) });
  const inPlace = 'schedacct: task machine (actor, in-place actions)';
  bench.add(inPlace, () => {
    const actor = createActor(fast, { input }).start();
    for (const e of events) actor.send(e);
    if (actor.getSnapshot().context.account.slices === 0) throw new Error('no slices charged');
    actor.stop();
  });

  const compiled = compileTaskMachine();
  const stepperName = 'schedacct: task machine (compiled stepper)';
  bench.add(stepperName, () => {
    const run = compiled.start(createTaskContext(input));
    for (const e of events) run.send(e);
    if (run.context.account.slices === 0) throw new Error('no slices charged');
  });
  return { bare, actor: actorName, inPlace, stepper: stepperName };
}
