import { describe, expect, it } from 'vitest';
import { and, createActor, not, or, setup, stateIn } from 'xstate';
import { guardText } from '../export/mermaid.js';
import { compileMachine, toXStateGuards, type MachineImplementations, type NoneByName } from './compile.js';
import { readAction, readGuard } from './definition.js';

// What a minifier does to a function's name (esbuild without keepNames renames colliding ones: not2, and2).
function renamed<T extends object>(fn: T, name: string): T {
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

describe('reading guards and actions of a definition', () => {
  it('recognises not / and / or by what XState attaches to them, not by their names', () => {
    const guard = renamed(and([renamed(not('a'), 'x'), renamed(or(['b', { type: 'c', params: { n: 1 } }]), 'y')]), 'z');
    expect(readGuard(guard)).toEqual({
      kind: 'and',
      of: [
        { kind: 'not', of: [{ kind: 'named', type: 'a', params: undefined }] },
        {
          kind: 'or',
          of: [
            { kind: 'named', type: 'b', params: undefined },
            { kind: 'named', type: 'c', params: { n: 1 } },
          ],
        },
      ],
    });
    expect(guardText(guard)).toBe('¬a ∧ b ∨ c');
  });

  it('reads anything else as inline: a guard function, stateIn, a look-alike with its own check', () => {
    const lookAlike = Object.assign(() => true, { check: () => true, guards: ['a'] });
    for (const guard of [() => true, stateIn('a'), lookAlike, renamed(() => false, 'not')]) {
      expect(readGuard(guard)).toEqual({ kind: 'inline' });
    }
    expect(readAction(() => undefined)).toEqual({ kind: 'inline' });
    expect(readAction({ type: 'go', params: { to: 1 } })).toEqual({ kind: 'named', type: 'go', params: { to: 1 } });
  });

  it('the stepper runs renamed combinators as the actor does', () => {
    const impls: MachineImplementations<object, { type: 'go'; k: number }, { even: undefined }, NoneByName> = {
      guards: { even: (_c, e) => e.k % 2 === 0 },
      actions: {},
    };
    const machine = setup({
      types: { events: {} as { type: 'go'; k: number } },
      guards: toXStateGuards(impls),
    }).createMachine({
      initial: 'a',
      states: {
        a: { on: { go: { guard: renamed(not('even'), 'anonymous'), target: 'b' } } },
        b: { on: { go: { guard: renamed(and(['even']), 'or'), target: 'a' } } },
      },
    });
    const stepper = compileMachine(machine, impls).start({});
    const actor = createActor(machine).start();
    for (const k of [2, 1, 3, 4, 4, 5]) {
      stepper.send({ type: 'go', k });
      actor.send({ type: 'go', k });
      expect(stepper.value).toEqual(actor.getSnapshot().value);
    }
    actor.stop();
  });
});
