import { describe, expect, it } from 'vitest';
import type { AnyStateNode } from 'xstate';
import { vcpuMachine } from '../host/vcpu.js';
import { taskMachine } from '../machines/task.js';
import { SchedacctError } from '../errors.js';
import { toMermaid } from './mermaid.js';
import { guardsMermaid } from './mermaid-lifecycle.js';

function nodes(root: AnyStateNode): AnyStateNode[] {
  return Object.values(root.states).flatMap((n) => [n, ...nodes(n)]);
}
const top = (n: AnyStateNode): string => n.path[0] ?? 'root';

describe('the lifecycle view', () => {
  for (const [name, machine] of [
    ['task', taskMachine],
    ['vcpu', vcpuMachine],
  ] as const) {
    it(`${name}: every state-changing transition lies on its edge, its guarded alternatives counted`, () => {
      const text = toMermaid(machine, { lifecycle: true });
      const edges = new Map<string, { events: Set<string>; guarded: number }>();
      for (const line of text.split('\n')) {
        const m = /^ {2}(\w+) --> (\w+) : ([\w, ]+?)(?: \(\+(\d+) guarded\))?$/.exec(line);
        if (m)
          edges.set(`${m[1] ?? ''}>${m[2] ?? ''}`, { events: new Set(m[3]?.split(', ')), guarded: Number(m[4] ?? 0) });
      }
      const expected = new Map<string, number>();
      for (const n of nodes(machine.root)) {
        for (const [event, ts] of n.transitions) {
          const seen = new Set<AnyStateNode>();
          for (const t of ts) {
            const target = t.target?.[0] ?? n;
            if (top(target) === top(n)) continue;
            const key = `${top(n)}>${top(target)}`;
            expect(edges.get(key)?.events.has(event)).toBe(true);
            expected.set(key, (expected.get(key) ?? 0) + (seen.has(target) ? 1 : 0));
            seen.add(target);
          }
        }
      }
      expect([...edges.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, guarded] of expected) expect(edges.get(key)?.guarded).toBe(guarded);
    });
  }

  it('draws top-level states only, without actions', () => {
    const text = toMermaid(taskMachine, { lifecycle: true });
    expect(text).toContain('state "blocked" as blocked\n');
    expect(text).not.toContain('blocked_sleep');
    expect(text).not.toContain('chargeSlice');
  });
});

describe('the guard ladder', () => {
  it('tries the guards in order and ends in the fall-through when the last is guarded', () => {
    const text = guardsMermaid(taskMachine, 'running', 'preempt');
    const order = [...text.matchAll(/g\d+\{"([^"]+)"\}/g)].map((m) => m[1]);
    expect(order).toEqual(['readingValid', '¬monotonic', '¬consistentRead', '¬stealWithinElapsed']);
    expect(text).toContain('g3 -- no --> none');
  });

  it('an unguarded last transition is the "no" of the guard before it', () => {
    expect(guardsMermaid(vcpuMachine, 'running', 'deschedule')).toContain('g0 -- no --> a1["accrue(running), enter"]');
  });

  it('rejects a state or an event the machine lacks', () => {
    expect(() => guardsMermaid(taskMachine, 'flying', 'preempt')).toThrow(SchedacctError);
    expect(() => guardsMermaid(taskMachine, 'running', 'fly')).toThrow(SchedacctError);
  });
});

describe('toMermaid options', () => {
  it('rejects a view flag that is not a boolean, naming it', () => {
    expect(() => toMermaid(taskMachine, { lifecycle: 'yes' } as never)).toThrow(/options\.lifecycle/);
    expect(() => toMermaid(taskMachine, { compact: 1 } as never)).toThrow(SchedacctError);
  });
});
