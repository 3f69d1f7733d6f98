import { describe, expect, it } from 'vitest';
import { GuestCpu } from './guest.js';
import type { VcpuHost } from './host.js';
import type { AccountingPolicy, RunQueue } from './types.js';

// A CPU whose host publishes the totals given, in order, one per update.
function cpu(accounting: AccountingPolicy, totals: number[]): GuestCpu {
  const host = { readStolenNs: () => totals.shift() ?? 0 } as unknown as VcpuHost;
  const c = new GuestCpu(0, {} as RunQueue, host, accounting);
  return c;
}

// clock_task after each update at the given guest times, the host having published before each.
function clockTask(c: GuestCpu, at: number[]): number[] {
  return at.map((t) => {
    c.published = true;
    c.update(t);
    return c.clockTaskNs;
  });
}

describe('the run-queue clock (update_rq_clock_task)', () => {
  it('drop: steal beyond the delta is lost (prev_steal = the sampled total)', () => {
    // 0→1000: 400 stolen; 1000→1100: 500 more published (only 100 fits); 1100→2000: none new
    expect(clockTask(cpu('drop', [400, 900, 900]), [1000, 1100, 2000])).toEqual([600, 600, 1500]);
  });

  it('carry: the excess is subtracted from later updates (prev_steal += the steal taken)', () => {
    expect(clockTask(cpu('carry', [400, 900, 900]), [1000, 1100, 2000])).toEqual([600, 600, 1100]);
  });

  it('none: steal is never read; clock_task is wall time', () => {
    const c = cpu('none', [400, 900]);
    expect(clockTask(c, [1000, 1100])).toEqual([1000, 1100]);
    expect(c.stolenReadNs).toBe(0);
  });

  it('update returns the task-clock ns since the last charge (update_curr)', () => {
    const c = cpu('drop', [300]);
    c.published = true;
    expect(c.update(1000)).toBe(700);
    expect(c.update(1500)).toBe(500);
    expect(c.update(1500)).toBe(0);
  });
});
