import { describe, expect, it } from 'vitest';
import { findPull, placeTask } from './balance.js';
import type { GuestCpu } from './guest.js';
import type { SchedTask } from './types.js';

const task = (tid: number): SchedTask => ({ tid, name: 't', nice: 0, priority: 0, weight: 1024, sched: undefined });

// CPUs as placement and balance see them: runnable tasks (the first one current), frozen or not.
function cpus(spec: { tasks: SchedTask[]; frozen?: boolean; pending?: number }[]): GuestCpu[] {
  return spec.map((s) => {
    const pending = s.pending ?? 0;
    return {
      frozen: s.frozen ?? false,
      load: s.tasks.length + pending,
      rq: { nrRunning: s.tasks.length, current: s.tasks[0], queued: () => s.tasks.slice(1) },
    } as unknown as GuestCpu;
  });
}

const all = (n: number) => new Uint8Array(n).fill(1);

describe('placement', () => {
  it('keeps the previous CPU when it is idle and allowed, else takes the least loaded (ties: previous, lowest)', () => {
    const c = cpus([{ tasks: [task(1)] }, { tasks: [] }, { tasks: [] }]);
    expect(placeTask(c, all(3), 2)).toBe(2);
    expect(placeTask(c, all(3), 0)).toBe(1); // previous busy: the first least loaded
    expect(placeTask(c, all(3), -1)).toBe(1);
    expect(placeTask(c, Uint8Array.from([1, 0, 0]), 2)).toBe(0); // affinity holds whatever the load
    const tie = cpus([{ tasks: [task(1)] }, { tasks: [task(2)] }]);
    expect(placeTask(tie, all(2), 1)).toBe(1);
  });

  it('a stolen vCPU is not idle, and counts its deferred wakeups', () => {
    const c = cpus([{ tasks: [], frozen: true }, { tasks: [] }]);
    expect(placeTask(c, all(2), 0)).toBe(1);
    expect(placeTask(cpus([{ tasks: [], pending: 2 }, { tasks: [task(1)] }]), all(2), 0)).toBe(1);
  });
});

describe('balance', () => {
  const allows = (t: SchedTask, cpu: number) => !(t.tid === 3 && cpu === 1);
  it('periodic: pulls a queued task it may run from a CPU with 2 more, the busiest first', () => {
    const c = cpus([{ tasks: [task(1), task(3), task(4)] }, { tasks: [task(2)] }, { tasks: [] }]);
    expect(findPull(c, 1, 2, allows)).toEqual({ task: task(4), from: 0 }); // tid 3 may not run on 1
    expect(findPull(c, 2, 2, allows)).toEqual({ task: task(3), from: 0 });
    expect(findPull(cpus([{ tasks: [task(1), task(3)] }, { tasks: [task(2)] }]), 1, 2, allows)).toBeUndefined();
  });

  it('idle: pulls from any CPU with a queued task, never from a frozen one nor a current task', () => {
    expect(findPull(cpus([{ tasks: [task(1)] }, { tasks: [] }]), 1, 1, allows)).toBeUndefined();
    expect(findPull(cpus([{ tasks: [task(1), task(5)], frozen: true }, { tasks: [] }]), 1, 1, allows)).toBeUndefined();
    expect(findPull(cpus([{ tasks: [task(1), task(5)] }, { tasks: [] }]), 1, 1, allows)).toEqual({
      task: task(5),
      from: 0,
    });
  });
});
