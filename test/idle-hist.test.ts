// perf sched timehist -I (--idle-hist) through the Replay API: which switches give rows, what a task's row shows,
// and how the idle time after a task is booked to it, against perf 6.1's rules (builtin-sched.c's idle_hist paths).
// The CLI's output equals perf's byte for byte on every recording (test/perf-data.test.ts); these pin the cases a
// short trace makes plain, the ones a recording shows only by chance among thousands of lines.
import { describe, expect, it } from 'vitest';
import { readTrace, Replay, summaryLines } from '../src/trace.ts';
import type { InfoRow, TimehistRow } from '../src/trace.ts';
import { replayCli } from './oracle.ts';

const sw = (cpu: number, t: string, prev: string, prevTid: number, state: string, next: string, nextTid: number) =>
  `${prevTid === 0 ? 'swapper' : prev} ${String(prevTid)} [00${String(cpu)}] ${t}: sched:sched_switch: prev_comm=${prev} prev_pid=${String(prevTid)} prev_prio=120 prev_state=${state} ==> next_comm=${next} next_pid=${String(nextTid)} next_prio=120`;
const wake = (cpu: number, t: string, comm: string, pid: number) =>
  `swapper 0 [00${String(cpu)}] ${t}: sched:sched_wakeup: comm=${comm} pid=${String(pid)} prio=120 target_cpu=00${String(cpu)}`;

// CPU 0: a runs, goes idle for 3 ms, b runs, is preempted by c, c exits into idle (4 ms), a runs again.
const TRACE = [
  sw(0, '1.000000000', 'swapper/0', 0, 'R', 'a', 10), // idle's first switch: no task before it, so no -I row
  sw(0, '1.002000000', 'a', 10, 'S', 'swapper/0', 0), // a → idle: a's row, deltas 0
  wake(0, '1.004000000', 'b', 11),
  sw(0, '1.005000000', 'swapper/0', 0, 'R', 'b', 11), // idle → b: idle's row; the 3 ms idle booked to a
  sw(0, '1.006000000', 'b', 11, 'R', 'c', 12), // b → c: no idle on either side, no -I row
  sw(0, '1.007000000', 'c', 12, 'Z', 'swapper/0', 0), // c exits into idle
  wake(0, '1.010000000', 'a', 10),
  sw(0, '1.011000000', 'swapper/0', 0, 'R', 'a', 10), // the 4 ms idle booked to c, terminated
];

async function idleReplay(lines: readonly string[]) {
  const rows: (TimehistRow | InfoRow)[] = [];
  const { replay } = await readTrace(lines, { compat: 'perf-6.1', idleHist: true, onRow: (r) => rows.push(r) });
  return { rows, replay };
}

describe('perf sched timehist -I', () => {
  it('gives rows only for switches into or out of idle, a task’s with every delta 0', async () => {
    const { rows } = await idleReplay(TRACE);
    const shown = rows.map((r) => ('kind' in r ? r.kind : [r.name, r.waitNs, r.delayNs, r.runNs, r.stolenNs]));
    expect(shown).toEqual([
      ['a', 0, 0, 0, 0],
      ['<idle>', 2_000_000, 0, 3_000_000, 0], // idle's wait: off the CPU from 1.000 to 1.002
      ['c', 0, 0, 0, 0],
      ['<idle>', 2_000_000, 0, 4_000_000, 0],
    ]);
  });

  it('books each idle period to the task that went idle, an exited one too; idle time is the idle task’s', async () => {
    const { replay } = await idleReplay(TRACE);
    const byTid = new Map(replay.tasks().map((t) => [`${String(t.tid)}/${String(t.cpu)}`, t]));
    expect(byTid.get('10/-1')?.idleTotals).toMatchObject({ slices: 1, runNs: 3_000_000 });
    expect(byTid.get('12/-1')).toMatchObject({ dead: true, idleTotals: { slices: 1, runNs: 4_000_000 } });
    expect(byTid.get('11/-1')?.idleTotals).toBeUndefined(); // woken, never went idle: nothing booked
    // the tasks' own totals are the ordinary report's
    expect(byTid.get('11/-1')?.totals).toMatchObject({ slices: 1, runNs: 1_000_000 });
    expect(byTid.get('0/0')?.totals).toMatchObject({ slices: 3, runNs: 7_000_000 });
    const lines = summaryLines(replay);
    expect(lines[1]).toBe('Idle-time summary');
    expect(lines[2]).toMatch(/parent {2}sched-out {4}idle-time {3}min-idle {4}avg-idle {4}max-idle/);
    expect(lines.find((l) => l.includes('a[10]'))?.trim()).toMatch(/^a\[10\]\s+-1\s+1\s+3\.000\s+3\.000\s+3\.000/);
    const terminated = lines.slice(lines.indexOf('Terminated tasks:'));
    expect(terminated[1]?.trim()).toMatch(/^c\[12\]\s+-1\s+1\s+4\.000/);
    // context switches: the tasks' booked slices (2) and the idle task's (3); run time: the booked idle time
    expect(lines).toContain('Total number of context switches: 5');
    expect(lines).toContain('           Total run time (msec):  7.000 ');
  });

  it('shows no wakeup or migration rows, and an ordinary replay is unchanged', async () => {
    const { rows } = await idleReplay(TRACE);
    expect(rows.some((r) => 'kind' in r)).toBe(false);
    const plain: (TimehistRow | InfoRow)[] = [];
    const { replay } = await readTrace(TRACE, { compat: 'perf-6.1', onRow: (r) => plain.push(r) });
    expect(plain.filter((r) => !('kind' in r))).toHaveLength(TRACE.length - 2);
    expect(plain.filter((r) => 'kind' in r)).toHaveLength(2);
    expect(replay.idleHist).toBe(false);
    expect(replay.tasks().every((t) => t.idleTotals === undefined)).toBe(true);
    expect(summaryLines(replay)[1]).toBe('Runtime summary');
  });

  it('books a CPU’s first idle slice to nothing when no task went idle there before it (perf: no row)', async () => {
    const { rows, replay } = await idleReplay([
      sw(1, '2.000000000', 'swapper/1', 0, 'R', 'x', 20),
      sw(1, '2.001000000', 'swapper/1', 0, 'R', 'y', 21), // a lost switch: still idle → y, and no last task
    ]);
    expect(rows).toEqual([]);
    expect(replay.tasks().some((t) => t.idleTotals !== undefined)).toBe(false);
  });

  it('the wait-time columns under -I --state: the booked idle run, its wait and delay as perf computes them', async () => {
    const { replay } = await idleReplay(TRACE);
    const line = summaryLines(replay, { state: true }).find((l) => l.includes('a[10]'));
    // run 3 ms; sleep 0 (a left at the idle slice's start), no delay (a was not woken before it went idle)
    expect(line?.trim()).toMatch(/^a\[10\]\s+-1\s+1\s+3\.000\s+0\.000\s+0\.000\s+0\.000\s+0\.000$/);
  });

  it('takes idleHist as a boolean only', () => {
    expect(() => new Replay({ idleHist: 'yes' as unknown as boolean })).toThrow(/options\.idleHist/);
  });
});

describe('replay -I on the command line', () => {
  const file = new URL('../fixtures/perf-data/sh-loops.data', import.meta.url).pathname;

  it('CSV and JSON summaries carry each task’s booked idle time beside its own totals', async () => {
    const csv = (await replayCli(file, ['-I', '-s', '--format', 'csv'])).trim().split('\n');
    const header = csv[0]?.split(',') ?? [];
    expect(header.slice(-2)).toEqual(['idle_ns', 'idle_periods']);
    const migration = csv.find((l) => l.startsWith('18,'))?.split(',') ?? [];
    // perf -I -s: migration/0[18] 1 sched-out, 0.145 msec of idle after it
    expect(migration.slice(-2)).toEqual(['145777', '1']);
    const json = JSON.parse(await replayCli(file, ['-I', '-s', '--format', 'json'])) as {
      tasks: { tid: number; idle?: { runNs: number; slices: number } }[];
    };
    expect(json.tasks.find((t) => t.tid === 18)?.idle).toMatchObject({ runNs: 145_777, slices: 1 });
    const plain = (await replayCli(file, ['-s', '--format', 'csv'])).split('\n')[0];
    expect(plain?.endsWith('max_slice_ns')).toBe(true);
  });
});
