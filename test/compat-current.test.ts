// `--compat current` against an oracle for upstream perf, which this machine does not have (its perf is 6.1).
//
// The expected files in fixtures/compat-current/ were written by scripts/perf-timehist-oracle.py, a transliteration
// of upstream tools/perf/builtin-sched.c (torvalds/linux at 00093b3133984ffe80697b5d2e7f204983660dd9) that shares
// no code with src/**. Run with `--compat perf-6.1` it reproduces perf 6.1's real output for all four recordings in
// fixtures/perf/ (every row and summary line), which is what makes its `--compat current` output an oracle.
// "L<n>" are lines of that upstream file; fixtures/compat-current/README.md has the rest.
//
// Two oracles per trace:
// - NAME.*.txt: what current perf prints for these recordings. Since "perf machine thread: Remove exited threads by
//   default" (Ian Rogers, 2023) perf drops a thread at its PERF_RECORD_EXIT (a side-band record `perf script` does not
//   print, shortly before the task's last switch-out), so the next switch-out lands on a new, zeroed thread.
// - NAME.keep-exited.*.txt: current perf with symbol_conf.keep_exited_threads (what it does for a recording with
//   AUXTRACE): the same rules, exited threads kept. This isolates the scheduling rules (R+ is preempt, the delay after
//   a preemption counts) from the thread table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTrace, summaryLines, timehistLine } from '../src/trace.ts';
import type { InfoRow, TimehistRow } from '../src/trace.ts';
import { body, fixture, norm, normSummary } from './oracle.ts';

const TRACES = ['sh-loops', 'migrate'] as const;

const expected = (name: string): string =>
  readFileSync(new URL(`../fixtures/compat-current/${name}`, import.meta.url), 'utf8');

async function replayCurrent(lines: readonly string[]) {
  const rows: TimehistRow[] = [];
  const result = await readTrace(lines, {
    compat: 'current',
    onRow: (r: TimehistRow | InfoRow) => {
      if (!('kind' in r)) rows.push(r);
    },
  });
  return { rows, result };
}

const replayTrace = (name: string) => replayCurrent(fixture(`${name}.perf.txt`).split('\n'));

/**
 * The lines that differ, for a readable failure: `line N`, what the oracle expects, what schedacct printed (the
 * first 12). `only` picks which lines take part (by index).
 */
function mismatches(
  ours: readonly string[],
  oracle: readonly string[],
  normalise: (line: string) => string,
  only: (i: number) => boolean = () => true,
): string[] {
  const out: string[] = [];
  if (ours.length !== oracle.length) out.push(`${ours.length} lines, the oracle has ${oracle.length}`);
  for (let i = 0; i < Math.max(ours.length, oracle.length); i++) {
    if (!only(i)) continue;
    const want = oracle[i] ?? '<none>';
    const got = ours[i] ?? '<none>';
    if (normalise(got) !== normalise(want)) out.push(`line ${i + 1}\n  oracle:    ${want}\n  schedacct: ${got}`);
  }
  return out.length > 12 ? [...out.slice(0, 12), `… and ${out.length - 12} more`] : out;
}

// A summary task row starts with its `comm[tid]` label (perf prints `:tid[tid]` for a thread it never saw a comm for).
const taskTid = (line: string): number | undefined => {
  const m = /^\s*\S*\[(-?\d+)(?:\/\d+)?\]\s/.exec(line);
  return m === null ? undefined : Number(m[1]);
};
// perf's summary walks its thread table: 256 shards by (unsigned) tid (tools/perf/util/threads.h). No two tasks of
// these summaries share a shard, so the order is perf's whatever its hashmap does inside a shard.
const shard = (tid: number): number => (tid >>> 0) % 256;

/** A summary as: its task rows in perf's thread-table order, then its other lines; "Terminated tasks:" taken out. */
function byTable(lines: readonly string[]): { tasks: string[]; rest: string[] } {
  const kept = lines.filter(
    (l) => l.trim() !== '' && l.trim() !== 'Terminated tasks:' && l.trim() !== '<no terminated tasks>',
  );
  const tasks = kept
    .filter((l) => taskTid(l) !== undefined)
    .map((l) => ({ l, tid: taskTid(l) ?? 0 }))
    .sort((a, b) => shard(a.tid) - shard(b.tid) || a.tid - b.tid)
    .map((x) => x.l);
  return { tasks, rest: kept.filter((l) => taskTid(l) === undefined) };
}

describe.each(TRACES)('%s in --compat current, against the upstream-perf oracle (fixtures/compat-current)', (name) => {
  // The rows perf's thread table touches: where the two oracles differ. They are the first switch-out of a task
  // after its PERF_RECORD_EXIT, usually its last (Z/X), sometimes a preemption (R+) during the exit before it (migrate
  // 714.067121 bash[7278]). perf script does not print that record, so the text alone cannot tell them.
  const dropped = (): boolean[] => {
    const strict = body(expected(`${name}.timehist-state.txt`), 3);
    const kept = body(expected(`${name}.keep-exited.timehist-state.txt`), 3);
    return strict.map((l, i) => norm(l) !== norm(kept[i] ?? ''));
  };

  it('timehist and --state rows, but for a task’s first switch-out after its exit record', async () => {
    const { rows } = await replayTrace(name);
    const touched = dropped();
    expect(touched.filter(Boolean).length).toBeGreaterThan(0);
    const keep = (i: number) => touched[i] !== true;
    expect(
      mismatches(
        rows.map((r) => timehistLine(r)),
        body(expected(`${name}.timehist.txt`), 3),
        norm,
        keep,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        rows.map((r) => timehistLine(r, { state: true })),
        body(expected(`${name}.timehist-state.txt`), 3),
        norm,
        keep,
      ),
    ).toEqual([]);
  });

  // DISAGREEMENT (src, for the lead): current perf removes a thread at its PERF_RECORD_EXIT
  // (machine__process_exit_event without symbol_conf.keep_exited_threads; perf_sched__timehist sets
  // `sched->tool.exit = perf_event__process_exit`, L3302). The task's next switch-out comes after that record, so
  // timehist_get_thread (L2515) makes a new thread whose thread_runtime is zeroed (thread__init_runtime, L938-951): no
  // last_time, no ready_to_run, so that row has wait 0 and sch delay 0 (L2282-2302), and in the summary the task is
  // only what ran from there. schedacct keeps the task's history: e.g. sh-loops 706.406222 [0001] sh[6887] Z: oracle
  // wait 0.000 / delay 0.000, schedacct 0.006 / 0.006; migrate 714.067121 [0000] bash[7278] R: oracle 0.000 / 0.000,
  // schedacct 3.959 / 0.167.
  it.fails('a task’s first switch-out after its exit record lands on a new thread: wait and sch delay 0', async () => {
    const { rows } = await replayTrace(name);
    const touched = dropped();
    expect(
      mismatches(
        rows.map((r) => timehistLine(r, { state: true })),
        body(expected(`${name}.timehist-state.txt`), 3),
        norm,
        (i) => touched[i] === true,
      ),
    ).toEqual([]);
  });

  it('every timehist and --state row, if perf kept exited threads (keep_exited_threads)', async () => {
    const { rows } = await replayTrace(name);
    expect(
      mismatches(
        rows.map((r) => timehistLine(r)),
        body(expected(`${name}.keep-exited.timehist.txt`), 3),
        norm,
      ),
    ).toEqual([]);
    expect(
      mismatches(
        rows.map((r) => timehistLine(r, { state: true })),
        body(expected(`${name}.keep-exited.timehist-state.txt`), 3),
        norm,
      ),
    ).toEqual([]);
  });

  it('-s and --state -s task rows and totals, if perf kept exited threads', async () => {
    const { result } = await replayTrace(name);
    for (const [state, file] of [
      [false, `${name}.keep-exited.summary.txt`],
      [true, `${name}.keep-exited.state-summary.txt`],
    ] as const) {
      const ours = byTable(summaryLines(result.replay, { state }));
      const oracle = byTable(expected(file).split('\n'));
      expect(mismatches(ours.tasks, oracle.tasks, normSummary)).toEqual([]);
      expect(mismatches(ours.rest, oracle.rest, normSummary)).toEqual([]);
    }
  });

  // DISAGREEMENT (src, for the lead): current perf has no "Terminated tasks:" section. timehist_print_summary walks
  // the thread table once (L3106-3109) and prints every task there in table order; perf 6.1 made a second pass over
  // dead threads under that heading. schedacct prints the 6.1 layout in current mode too.
  it.fails(
    '-s and --state -s in current perf’s layout: one task list in table order, no "Terminated tasks:"',
    async () => {
      const { result } = await replayTrace(name);
      for (const [state, file] of [
        [false, `${name}.keep-exited.summary.txt`],
        [true, `${name}.keep-exited.state-summary.txt`],
      ] as const) {
        expect(
          mismatches(
            summaryLines(result.replay, { state }).filter((l) => l.trim() !== ''),
            body(expected(file), 0),
            normSummary,
          ),
        ).toEqual([]);
      }
    },
  );

  // DISAGREEMENT (src, for the lead): both of the above at once — what current perf really prints for this recording.
  // E.g. sh-loops -s: sh[6884] sched-in 1, run 1.237 (oracle) against 5 and 3.846 (schedacct); "Total number of
  // context switches: 16" against 31; "Total run time (msec): 31.245" against 76.128.
  it.fails('-s and --state -s as current perf prints them for this recording', async () => {
    const { result } = await replayTrace(name);
    for (const [state, file] of [
      [false, `${name}.summary.txt`],
      [true, `${name}.state-summary.txt`],
    ] as const) {
      expect(
        mismatches(
          summaryLines(result.replay, { state }).filter((l) => l.trim() !== ''),
          body(expected(file), 0),
          normSummary,
        ),
      ).toEqual([]);
    }
  });
});

describe('--compat current by hand: a task preempted (R+) that runs again', () => {
  // One CPU. a (100) is preempted twice by b (200); a sched_waking of a comes while a waits on the runqueue (a task
  // preempted in TASK_INTERRUPTIBLE can be woken there: ttwu_state_match matches, sched_waking is traced).
  const lines = [
    '         swapper     0 [000]     1.000000000:       sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=a next_pid=100 next_prio=120',
    '               a   100 [000]     1.001000000:       sched:sched_switch: prev_comm=a prev_pid=100 prev_prio=120 prev_state=R+ ==> next_comm=b next_pid=200 next_prio=120',
    '               b   200 [000]     1.003000000:       sched:sched_switch: prev_comm=b prev_pid=200 prev_prio=120 prev_state=S ==> next_comm=a next_pid=100 next_prio=120',
    '               a   100 [000]     1.004500000:       sched:sched_switch: prev_comm=a prev_pid=100 prev_prio=120 prev_state=R+ ==> next_comm=b next_pid=200 next_prio=120',
    '               b   200 [000]     1.005000000:       sched:sched_waking: comm=a pid=100 prio=120 target_cpu=000',
    '               b   200 [000]     1.006000000:       sched:sched_switch: prev_comm=b prev_pid=200 prev_prio=120 prev_state=S ==> next_comm=a next_pid=100 next_prio=120',
    '               a   100 [000]     1.007000000:       sched:sched_switch: prev_comm=a prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
  ];

  // Upstream, step by step (ms after 1.000 s):
  // 1.001 a out, R+: prev_state 0x100; evsel__taskstate gives 'R' (ffs(0x100) = 9 > strlen("SDTtXZPI")), so
  //       last_time = 1.001, last_state = 'R' (L2904-2907) and ready_to_run = t = 1.001 (L2910-2911).
  // 1.003 b out: a is switched in, tprev = 1.003 for a's next row (L2828, L2918).
  // 1.0045 a out: run = 1.0045 - 1.003 = 1.500 (L2281); delay = tprev - ready_to_run = 1.003 - 1.001 = 2.000
  //       (L2282-2286); wait = tprev - last_time = 2.000, filed preempt since last_state == 'R' (L2292-2298).
  //       R+ again: ready_to_run = 1.0045.
  // 1.005 sched_waking of a: ready_to_run is not 0, so it stays 1.0045 (L2661-2662).
  // 1.007 a out, S: run = 1.000; delay = 1.006 - 1.0045 = 1.500; wait 1.500, preempt.
  // a's --state -s row: 3 sched-in, run 3.500, sleep 0, iowait 0, preempt 3.500, delay 3.500.
  // (perf 6.1 for contrast: R+ prints W, is sleep, and resets ready_to_run to 0, so the 1.0045 row has delay 0 and
  // the 1.007 row delay 1.006 - 1.005 = 1.000.)
  it('its wait is preempt and its sch delay runs from the switch-out, not from the later waking', async () => {
    const { rows, result } = await replayCurrent(lines);
    const fields = (r: TimehistRow) =>
      norm(timehistLine(r, { state: true }))
        .split(' ')
        .slice(2)
        .join(' ');
    expect(rows.map(fields)).toEqual([
      '<idle> 0.000 0.000 0.000 I',
      '[100] 0.000 0.000 1.000 R',
      '[200] 0.000 0.000 2.000 S',
      '[100] 2.000 2.000 1.500 R',
      '[200] 1.500 0.000 1.500 S',
      '[100] 1.500 1.500 1.000 S',
    ]);
    const a = summaryLines(result.replay, { state: true }).find((l) => taskTid(l) === 100) ?? '';
    expect(normSummary(a)).toBe('[100] parent 3 3.500 0.000 0.000 3.500 3.500');
  });
});
