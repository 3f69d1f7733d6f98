import { describe, expect, it } from 'vitest';
import { setup, type AnyStateNode } from 'xstate';
import { stableReadMachine } from '../machines/stable-read.js';
import { taskMachine } from '../machines/task.js';
import { vcpuMachine } from '../host/vcpu.js';
import { actionText, guardText, toMermaid } from './mermaid.js';

function nodes(root: AnyStateNode): AnyStateNode[] {
  return [root, ...Object.values(root.states).flatMap(nodes)];
}

const mid = (n: AnyStateNode): string => (n.path.length === 0 ? 'root' : n.path.join('_'));

describe('Mermaid diagrams are generated from the machine definitions', () => {
  for (const [name, machine] of [
    ['task', taskMachine],
    ['vcpu', vcpuMachine],
    ['stable-read', stableReadMachine],
  ] as const) {
    it(`${name}: every state and every transition appears`, () => {
      const text = toMermaid(machine);
      expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
      const root = machine.root;
      for (const n of nodes(root).slice(1)) expect(text).toContain(`state "${n.key}" as ${mid(n)}`);
      let count = 0;
      for (const n of nodes(root)) {
        for (const [event, ts] of n.transitions) {
          for (const t of ts) {
            count++;
            let label = event;
            if (t.guard !== undefined) label += ` [${guardText(t.guard)}]`;
            if (t.actions.length > 0) label += ` / ${t.actions.map(actionText).join(', ')}`;
            const target = t.target?.[0] ?? n;
            if (n === root) expect(text).toContain(`    ${label}\n`);
            else if (target === n) {
              // Self-loops are one edge per state, one label line each (mermaid draws only one loop per state).
              const loop = text.split('\n').find((l) => l.startsWith(`  ${mid(n)} --> ${mid(n)} : `)) ?? '';
              expect(loop.split(' : ').slice(1).join(' : ').split('<br/>')).toContain(label);
            } else expect(text).toContain(`${mid(n)} --> ${mid(target)} : ${label}\n`);
          }
        }
      }
      expect(count).toBeGreaterThan(3);
    });
  }

  it('the compact form has one edge per source, event and target, counting the guarded alternatives', () => {
    const text = toMermaid(taskMachine, { compact: true });
    expect(text).toContain(
      'running --> preempted : preempt [readingValid] / chargeSlice, leaveCpu(preempt), capture (+3 guarded)\n',
    );
    expect(text.split('running --> preempted').length - 1).toBe(1);
    expect(toMermaid(taskMachine, { hideActions: true })).toContain('running --> preempted : preempt [¬monotonic]\n');
    expect(toMermaid(taskMachine, { hideActions: true })).toContain('running --> preempted : preempt [readingValid]\n');
  });

  it('draws at most one self-loop per state (mermaid renders only the last of several)', () => {
    for (const compact of [false, true]) {
      const text = toMermaid(taskMachine, { compact });
      const loops = text.split('\n').filter((l) => /^ {2}(\w+) --> \1 : /.test(l));
      const states = loops.map((l) => l.trim().split(' ')[0]);
      expect(new Set(states).size).toBe(states.length);
      expect(text).toContain('running --> running : wakeup / capture<br/>migrate / noteMigration, capture\n');
    }
  });

  it('changing a machine changes its diagram', () => {
    const make = (extra: boolean) =>
      setup({ types: { events: {} as { type: 'go' } | { type: 'back' } } }).createMachine({
        initial: 'a',
        states: { a: { on: { go: 'b' } }, b: extra ? { on: { back: 'a' } } : {} },
      });
    const before = toMermaid(make(false));
    const after = toMermaid(make(true));
    expect(before).not.toEqual(after);
    expect(after).toContain('b --> a : back');
    expect(before).not.toContain('back');
  });
});
