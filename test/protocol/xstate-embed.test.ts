// The XState embedding example (examples/xstate-embed.ts): a simulator written as an XState machine spawns the task
// machine as child actors; their charges are checked against hand-computed numbers and against the accounting laws.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { runEmbedding } from '../../examples/xstate-embed.ts';

const MS = 1_000_000;

describe('xstate embedding', () => {
  it('charges two round-robin tasks as computed by hand', () => {
    // quantum 4 ms, steal 5–6 ms, end 15 ms: task 1 runs 0–4 and 10–14; task 2 runs 4–10 (1 ms stolen, its quantum
    // restarting when the vCPU runs again at 6) and 14–15.
    const { tasks, trace } = runEmbedding({
      tasks: [1, 2],
      quantumNs: 4 * MS,
      steal: [[5 * MS, 6 * MS]],
      endNs: 15 * MS,
    });
    const [one, two] = tasks;
    expect(one?.state).toBe('exited');
    expect(two?.state).toBe('exited');
    expect(one?.totals).toMatchObject({ runNs: 8 * MS, stolenNs: 0, chargedNs: 8 * MS, slices: 2, preemptNs: 6 * MS });
    expect(two?.totals).toMatchObject({ runNs: 7 * MS, stolenNs: MS, chargedNs: 6 * MS, slices: 2, preemptNs: 4 * MS });
    expect(trace.map((e) => `${e.type} ${String(e.task)} @${String(e.atNs / MS)}`)).toEqual([
      'dispatch 1 @0',
      'preempt 1 @4',
      'dispatch 2 @4',
      'preempt 2 @10',
      'dispatch 1 @10',
      'preempt 1 @14',
      'dispatch 2 @14',
      'exit 1 @15',
      'exit 2 @15',
    ]);
  });

  it('a lone task is never preempted: one slice, charged all but the steal', () => {
    const { tasks } = runEmbedding({
      tasks: [7],
      quantumNs: MS,
      steal: [
        [2 * MS, 3 * MS],
        [5 * MS, 7 * MS],
      ],
      endNs: 10 * MS,
    });
    expect(tasks[0]?.totals).toMatchObject({ runNs: 10 * MS, stolenNs: 3 * MS, chargedNs: 7 * MS, slices: 1 });
  });

  // CPU-bound tasks keep the vCPU busy: every ns is some task's run time, and every stolen ns some task's steal.
  fcTest.prop(
    [
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: MS / 10, max: 5 * MS }),
      fc.uniqueArray(fc.integer({ min: 1, max: 99 * MS }), { minLength: 0, maxLength: 10 }),
    ],
    { numRuns: 40 },
  )('conserves run time and steal for random steal windows', (n, quantumNs, cuts) => {
    const sorted = [...cuts].sort((a, b) => a - b);
    const steal: [number, number][] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) steal.push([sorted[i] ?? 0, sorted[i + 1] ?? 0]);
    const stolenNs = steal.reduce((sum, [b, e]) => sum + e - b, 0);
    const { tasks, ledger } = runEmbedding({
      tasks: Array.from({ length: n }, (_, i) => i + 1),
      quantumNs,
      steal,
      endNs: 100 * MS,
    });
    const sum = (key: 'runNs' | 'stolenNs' | 'chargedNs') => tasks.reduce((s, t) => s + t.totals[key], 0);
    expect(sum('runNs')).toBe(100 * MS);
    expect(sum('stolenNs')).toBe(stolenNs);
    expect(sum('chargedNs')).toBe(100 * MS - stolenNs);
    expect(ledger.anomalies()).toEqual([]);
    for (const t of tasks) expect(ledger.get(t.task)).toEqual(t.totals);
  });
});
