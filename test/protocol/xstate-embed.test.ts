// The XState embedding example (examples/xstate-embed.ts): a simulator written as an XState machine spawns the task
// machine as child actors; their charges are checked against hand-computed numbers, the accounting laws, and a
// protocol session (createSession) given the same events.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { runEmbedding, type TracedEvent } from '../../examples/xstate-embed.ts';
import { createSession } from '../../src/protocol/session.js';
import type { OkReply, LedgerResult } from '../../src/protocol/types.js';

const MS = 1_000_000;

/**
 * The same run through a protocol session: each task created at 0, the simulator's task events, and the host's steal
 * as `vcpu.state` (events due at a steal's begin come before it, those at its end after it, as the clock fires them).
 */
function viaSession(
  tasks: readonly number[],
  trace: readonly TracedEvent[],
  steal: readonly (readonly [number, number])[],
) {
  const items: { atNs: number; rank: number; message: Record<string, unknown> }[] = [];
  const at = (atNs: number, rank: number, method: string, params: Record<string, unknown>) =>
    items.push({ atNs, rank, message: { id: items.length + 3, method, now: String(atNs), params } });
  for (const task of tasks) at(0, 0, 'task.event', { task, type: 'create', vcpu: 0 });
  for (const [begin, end] of steal) {
    at(begin, 2, 'vcpu.state', { vcpu: 0, state: 'runnable' });
    at(end, 0, 'vcpu.state', { vcpu: 0, state: 'running' });
  }
  for (const e of trace) {
    at(e.atNs, 1, 'task.event', { task: e.task, type: e.type, vcpu: 0, ...(e.type === 'block' ? { state: 'D' } : {}) });
  }
  items.sort((a, b) => a.atNs - b.atNs || a.rank - b.rank);
  const session = createSession();
  const ok = (message: unknown) => {
    const reply = session.request(message);
    if (Array.isArray(reply) || !('result' in reply)) throw new Error(`refused: ${JSON.stringify(reply)}`);
    return reply;
  };
  ok({ id: 1, method: 'hello', now: '0', params: { protocol: 'schedacct', version: '1' } });
  ok({ id: 2, method: 'model.open', now: '0', params: { vcpus: 1 } });
  for (const item of items) ok(item.message);
  const last = items.at(-1)?.atNs ?? 0;
  const ledger = ok({ id: 0, method: 'ledger.get', now: String(last) }) as OkReply<LedgerResult>;
  return new Map(ledger.result.tasks.map((t) => [t.task, t]));
}

/** The totals both sides book the same way (the session's tasks are created first, so their delays differ). */
const comparable = (t: {
  runNs: unknown;
  stolenNs: unknown;
  chargedNs: unknown;
  slices: unknown;
  preemptNs: unknown;
}) => ({
  runNs: Number(t.runNs),
  stolenNs: Number(t.stolenNs),
  chargedNs: Number(t.chargedNs),
  slices: Number(t.slices),
  preemptNs: Number(t.preemptNs),
});

describe('xstate embedding', { timeout: 60_000 }, () => {
  it('charges two round-robin tasks as computed by hand', () => {
    // quantum 4 ms, steal 5–6 ms, end 15 ms: task 1 runs 0–4 and 10–14; task 2 runs 4–10 (1 ms stolen, its quantum
    // restarting when the vCPU runs again at 6) and 14–15.
    const steal = [[5 * MS, 6 * MS]] as const;
    const { tasks, trace } = runEmbedding({ tasks: [1, 2], quantumNs: 4 * MS, steal, endNs: 15 * MS });
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
    const session = viaSession([1, 2], trace, steal);
    for (const t of tasks) expect(comparable(session.get(t.task) ?? t.totals)).toEqual(comparable(t.totals));
    expect(session.get(2)).toMatchObject({ chargedNs: String(6 * MS), stolenNs: String(MS), state: 'exited' });
  });

  it('a task that blocks for I/O leaves the vCPU, wakes, and queues behind the one running', () => {
    // quantum 4 ms, no steal; at 2 ms task 1 blocks for 3 ms: 2 runs 2–6 (a fresh quantum), 1 (awake at 5) runs
    // 6–10, 2 runs 10–12, then both exit.
    const { tasks, trace } = runEmbedding({
      tasks: [1, 2],
      quantumNs: 4 * MS,
      steal: [],
      io: [[2 * MS, 3 * MS]],
      endNs: 12 * MS,
    });
    expect(trace.map((e) => `${e.type} ${String(e.task)} @${String(e.atNs / MS)}`)).toEqual([
      'dispatch 1 @0',
      'block 1 @2',
      'dispatch 2 @2',
      'wakeup 1 @5',
      'preempt 2 @6',
      'dispatch 1 @6',
      'preempt 1 @10',
      'dispatch 2 @10',
      'exit 1 @12',
      'exit 2 @12',
    ]);
    const [one, two] = tasks;
    // perf's wait time: off the CPU from the block (2) to running again (6), filed as iowait; delay from the wakeup
    expect(one?.totals).toMatchObject({ runNs: 6 * MS, chargedNs: 6 * MS, slices: 2, iowaitNs: 4 * MS, delayNs: MS });
    expect(two?.totals).toMatchObject({ runNs: 6 * MS, chargedNs: 6 * MS, slices: 2, preemptNs: 4 * MS });
    const session = viaSession([1, 2], trace, []);
    for (const t of tasks) expect(comparable(session.get(t.task) ?? t.totals)).toEqual(comparable(t.totals));
    expect(session.get(1)).toMatchObject({ iowaitNs: String(4 * MS), sleepNs: '0' });
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
    const ids = Array.from({ length: n }, (_, i) => i + 1);
    const { tasks, ledger, trace } = runEmbedding({
      tasks: ids,
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
    // and a protocol session given the same events books the same charges
    const session = viaSession(ids, trace, steal);
    for (const t of tasks)
      expect(comparable(session.get(t.task) ?? { ...t.totals, runNs: -1 })).toEqual(comparable(t.totals));
  });
});
