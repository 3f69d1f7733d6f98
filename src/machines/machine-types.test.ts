// The machines' definitions are type-checked. This file is compiled by `tsc -p tsconfig.json` (npm test's "types"
// step): every `@ts-expect-error` below must meet an error, so if the compiler stopped catching one of these
// misspellings the build would fail. The definitions that would not compile are built inside functions that never
// run (XState itself throws at creation for a target that does not resolve).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { and, createActor, not, type AnyStateNode } from 'xstate';
import { createStableReadContext, stableReadMachine, stableReadSetup, type StableReadTarget } from './stable-read.js';
import { createTaskContext, TASK_EVENT_TYPES, taskMachine, taskSetup, type TaskTarget } from './task.js';
import { createVcpuContext, VCPU_EVENT_TYPES, vcpuMachine, vcpuSetup, type VcpuBucket } from '../host/vcpu.js';

describe('a misspelt guard, action, params or target does not compile', () => {
  it('task machine', () => {
    const misspelt = [
      () =>
        taskSetup.createMachine({
          context: ({ input }) => createTaskContext(input),
          initial: 'a',
          states: {
            a: {
              on: {
                // @ts-expect-error -- no guard 'readingVald'
                wakeup: { guard: 'readingVald', actions: ['capture'] },
                // @ts-expect-error -- no guard 'monotnic' inside not()
                exit: { guard: not('monotnic'), actions: ['capture'] },
                // @ts-expect-error -- no guard 'iowait' inside and()
                block: { guard: and(['iowait', 'readingValid']), actions: ['capture'] },
                // @ts-expect-error -- no action 'captur'
                migrate: { actions: ['captur'] },
                // @ts-expect-error -- leaveCpu takes { kind: OffKind }
                preempt: { actions: [{ type: 'leaveCpu', params: { kind: 'nope' } }] },
                // @ts-expect-error -- leaveCpu cannot be named without its params
                dispatch: { actions: ['leaveCpu'] },
              },
            },
          },
        }),
      () => {
        // @ts-expect-error -- XState types a target as any string; TaskTarget, from the written state value, does not
        const target: TaskTarget = 'runing';
        return target;
      },
      // @ts-expect-error -- nor an id path that is not a state
      (): TaskTarget => '#task.blocked.asleep',
    ];
    const fine: TaskTarget[] = ['running', 'exited', '#task.blocked.iowait', '#task.blocked'];
    expect(misspelt).toHaveLength(3);
    expect(fine).toHaveLength(4);
    // Spelt right, the same setup builds a machine that runs.
    const machine = taskSetup.createMachine({
      context: ({ input }) => createTaskContext(input),
      initial: 'a',
      states: {
        a: {
          on: { dispatch: { guard: not('monotonic'), actions: [{ type: 'leaveCpu', params: { kind: 'sleep' } }] } },
        },
      },
    });
    const actor = createActor(machine, { input: { task: 1, counterHz: 1e9 } }).start();
    actor.send({ type: 'dispatch', reading: { counter: 5, stolenTotalNs: 0, cpu: 0 } });
    expect(actor.getSnapshot().context.offKind).toBe('none'); // the first reading is monotonic: not taken
    actor.stop();
  });

  it('vcpu machine', () => {
    const misspelt = [
      () =>
        vcpuSetup.createMachine({
          context: ({ input }) => createVcpuContext(input),
          initial: 'a',
          states: {
            a: {
              on: {
                // @ts-expect-error -- no guard 'monotnic'
                pause: { guard: 'monotnic', actions: ['enter'] },
                // @ts-expect-error -- no action 'entre'
                resume: { actions: ['entre'] },
                // @ts-expect-error -- accrue's params name a bucket
                online: { actions: [{ type: 'accrue', params: { from: 'walking' } }] },
              },
            },
          },
        }),
      (): VcpuBucket => {
        // @ts-expect-error -- a target is a bucket: the vCPU machine's written state value
        const target: VcpuBucket = 'runable';
        return target;
      },
    ];
    expect(misspelt).toHaveLength(2);
  });

  it('stable-read machine', () => {
    const misspelt = [
      () =>
        stableReadSetup.createMachine({
          context: ({ input }) => createStableReadContext(input),
          initial: 'a',
          states: {
            a: {
              on: {
                // @ts-expect-error -- no guard 'stabelRead'
                stolen: { guard: 'stabelRead', actions: ['keepStolenAfter'] },
                // @ts-expect-error -- no action 'keepCountr'
                counter: { actions: ['keepCountr'] },
              },
            },
          },
        }),
      (): StableReadTarget => {
        // @ts-expect-error -- XState types a target as any string; StableReadTarget does not
        const target: StableReadTarget = 'readCountr';
        return target;
      },
    ];
    expect(misspelt).toHaveLength(2);
  });
});

function nodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap(nodes)];
}

describe('what the types leave to the tests', () => {
  // XState infers a definition as a `const` type parameter, which takes extra keys: an event name in `on` is not
  // checked against the machine's events. This is.
  it.each([
    ['task', taskMachine, TASK_EVENT_TYPES],
    ['vcpu', vcpuMachine, VCPU_EVENT_TYPES],
    ['stable-read', stableReadMachine, ['stolen', 'counter']],
  ] as const)('%s: every event a state handles is one of the machine’s events', (_name, machine, types) => {
    const handled = nodes(machine.root).flatMap((n) => [...n.transitions.keys()]);
    expect(handled.length).toBeGreaterThan(0);
    for (const type of handled) expect(types).toContain(type);
  });

  it('the definitions are written without casts', () => {
    for (const file of ['task.ts', '../host/vcpu.ts', 'stable-read.ts']) {
      const text = readFileSync(new URL(file, import.meta.url), 'utf8');
      expect(text, file).not.toMatch(/\bas never\b|\bas unknown as\b|createMachine\(\w+ as\b/);
    }
  });
});
