import { describe, expect, it } from 'vitest';
import { detectFormat, SchedacctError } from '../src/index.ts';
import { MAX_CPUS, readTrace, Replay, summaryLines, timehistLine } from '../src/trace.ts';
import type { RuntimeEvent, SwitchEvent } from '../src/index.ts';
import type { InfoRow, TimehistRow } from '../src/trace.ts';
import { body, expectSameLines, fixture, gz, normSummary, TRACES } from './oracle.ts';

// The trace as bytes in chunks of an odd size, so lines (and UTF-8 characters) are cut across chunks.
function* chunks(text: string, size: number): Generator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function replay(
  name: string,
  opts: { migrations?: boolean; engine?: 'compiled' | 'xstate'; us?: boolean; bytes?: boolean } = {},
) {
  const rows: (TimehistRow | InfoRow)[] = [];
  const text = fixture(`${name}.${opts.us === true ? 'perf-us' : 'perf'}.txt${gz(name)}`);
  const result = await readTrace(opts.bytes === true ? chunks(text, 65_537) : text.split('\n'), {
    compat: 'perf-6.1',
    migrations: opts.migrations ?? false,
    engine: opts.engine ?? 'compiled',
    onRow: (r) => rows.push(r),
  });
  return { rows, result };
}

describe.each(TRACES)('%s replays exactly as perf sched timehist (--compat perf-6.1)', (name) => {
  it('timehist rows', async () => {
    const { rows, result } = await replay(name);
    expect(result.format).toBe('perf-script');
    expect(result.malformed.count).toBe(0);
    const ours = rows.filter((r) => !('kind' in r)).map((r) => timehistLine(r));
    expectSameLines(ours, body(fixture(`${name}.timehist.txt${gz(name)}`), 3));
  });

  it('--state rows', async () => {
    const { rows } = await replay(name);
    const ours = rows.filter((r) => !('kind' in r)).map((r) => timehistLine(r, { state: true }));
    expectSameLines(ours, body(fixture(`${name}.timehist-state.txt${gz(name)}`), 3));
  });

  it('-w -M rows (wakeups and migrations), read from bytes', async () => {
    const { rows } = await replay(name, { migrations: true, bytes: true });
    expectSameLines(
      rows.map((r) => timehistLine(r, { info: true })),
      body(fixture(`${name}.timehist-wM.txt${gz(name)}`), 3),
    );
  });

  it('-s summary and --state -s summary', async () => {
    const { result } = await replay(name);
    expectSameLines(
      summaryLines(result.replay).filter((l) => l.trim()),
      body(fixture(`${name}.summary.txt`), 0),
      normSummary,
    );
    expectSameLines(
      summaryLines(result.replay, { state: true }).filter((l) => l.trim()),
      body(fixture(`${name}.state-summary.txt`), 0),
      normSummary,
    );
  });
});

describe('replay', () => {
  it.each(TRACES)('%s: bytes in chunks and lines give the same rows and summary', async (name) => {
    const lines = await replay(name, { migrations: true });
    const bytes = await replay(name, { migrations: true, bytes: true });
    expect(bytes.rows.length).toBeGreaterThan(0);
    expect(bytes.rows).toEqual(lines.rows);
    expect(bytes.result.lines).toBe(lines.result.lines - 1); // split('\n') adds an empty last line
    expect(summaryLines(bytes.result.replay, { state: true })).toEqual(
      summaryLines(lines.result.replay, { state: true }),
    );
  });

  it.each(TRACES)('%s: without onRow (apply: no rows built) the totals are the same as with it', async (name) => {
    const withRows = await replay(name, { migrations: true, bytes: true });
    const text = fixture(`${name}.perf.txt${gz(name)}`);
    const without = await readTrace(chunks(text, 65_537), { compat: 'perf-6.1', migrations: true });
    expect(without.replay.tasks()).toEqual(withRows.result.replay.tasks());
    expect(without.replay.steal).toEqual(withRows.result.replay.steal);
    expect(without.replay.counts).toEqual(withRows.result.replay.counts);
    expect(without.replay.anomalies()).toEqual(withRows.result.replay.anomalies());
    expect(summaryLines(without.replay, { state: true })).toEqual(
      summaryLines(withRows.result.replay, { state: true }),
    );
  });

  it.each(['sh-loops', 'migrate'] as const)(
    '%s: --engine xstate (real actors) gives identical output',
    async (name) => {
      const compiled = await replay(name, { migrations: true });
      const actors = await replay(name, { migrations: true, engine: 'xstate' });
      expect(actors.rows).toEqual(compiled.rows);
      expect(summaryLines(actors.result.replay)).toEqual(summaryLines(compiled.result.replay));
    },
  );

  it.each(['sh-loops', 'migrate', 'forkstorm'] as const)(
    '%s: from µs timestamps every value is within 1 µs of perf',
    async (name) => {
      const { rows } = await replay(name, { us: true });
      const perf = body(fixture(`${name}.timehist.txt`), 3);
      const ours = rows.filter((r): r is TimehistRow => !('kind' in r));
      expect(ours.length).toBe(perf.length);
      ours.forEach((row, i) => {
        const f = (perf[i] ?? '').trim().split(/\s+/);
        const [wait, delay, run] = f.slice(-3).map(Number);
        expect(Math.abs(row.waitNs / 1e6 - (wait ?? 0))).toBeLessThanOrEqual(0.0011);
        expect(Math.abs(row.delayNs / 1e6 - (delay ?? 0))).toBeLessThanOrEqual(0.0011);
        expect(Math.abs(row.runNs / 1e6 - (run ?? 0))).toBeLessThanOrEqual(0.0011);
      });
    },
  );

  // A machine up for months: its ns timestamps pass 2^52 (52 days) and 2^53 (104 days).
  const shifted = (text: string, seconds: number): string =>
    text.replace(/(\s)(\d+)\.(\d{9}):/g, (_m, sp: string, sec: string, frac: string) => {
      return `${sp}${String(Number(sec) + seconds)}.${frac}:`;
    });
  const totals = (r: Replay) =>
    r.tasks().map((t) => ({
      tid: t.tid,
      comm: t.comm,
      slices: t.totals.slices,
      run: t.totals.runNs,
      wait: t.totals.sleepNs + t.totals.iowaitNs + t.totals.preemptNs,
      delay: t.totals.delayNs,
    }));

  it('a trace from a machine up over 52 days gives the totals of the same trace at boot', async () => {
    const text = fixture('migrate.perf.txt');
    const atBoot = await readTrace(chunks(text, 65_537), { compat: 'perf-6.1' });
    // +5,000,000 s: times near 5e15 ns, past 2^52 and still exact in a double
    const later = await readTrace(chunks(shifted(text, 5_000_000), 65_537), { compat: 'perf-6.1' });
    expect(later.replay.counts).toEqual(atBoot.replay.counts);
    expect(totals(later.replay)).toEqual(totals(atBoot.replay));
    expect(later.replay.firstSwitchNs - atBoot.replay.firstSwitchNs).toBe(5_000_000e9);
  });

  it('past 104 days (2^53 ns) a time is not exact in a double: each such line is malformed, never rounded', async () => {
    const text = fixture('migrate.perf.txt');
    const later = await readTrace(chunks(shifted(text, 10_000_000), 65_537), { compat: 'perf-6.1' });
    const stamped = text.split('\n').filter((l) => /\s\d+\.\d{9}:/.test(l)).length;
    expect(later.malformed.count).toBe(stamped);
    expect(later.malformed.details[0]?.message).toMatch(/^timestamp 100\d+\.\d+ is out of range \(at most 2\^53−1 ns/);
    expect(later.replay.counts.switch).toBe(0);
  });

  it('an event with a CPU that is not a whole number ≥ 0, or a time that is not finite, is misuse', () => {
    const r = new Replay();
    const wake = {
      kind: 'wakeup',
      variant: 'waking',
      timeNs: 1,
      cpu: 0,
      tid: 1,
      comm: 'a',
      line: 1,
      targetTid: 2,
      targetComm: 'b',
      targetCpu: 0,
    } as const;
    expect(() => r.apply({ ...wake, cpu: -1 })).toThrow(SchedacctError);
    expect(() => r.apply({ ...wake, cpu: 1.5 })).toThrow(/whole number/);
    expect(() => r.apply({ ...wake, timeNs: Number.NaN })).toThrow(SchedacctError);
    expect(() => r.apply(wake)).not.toThrow();
  });

  it("counts switches that contradict the CPU's current task (lost events), as perf counts context switch bugs", async () => {
    // sh-loops loses 7 switches out of idle on this VM (checked by hand: prev is not the CPU's last next).
    const { result } = await replay('sh-loops');
    expect(result.replay.switchBugs).toBe(7);
    expect(result.replay.outOfOrder).toBe(0);
  });

  it('current perf (default) counts the delay after a preemption; perf 6.1 does not', async () => {
    const lines = fixture('migrate.perf.txt').split('\n');
    const delay = async (compat: 'perf-6.1' | 'current') => {
      const { replay: r } = await readTrace(lines, { compat });
      return r.tasks().reduce((sum, t) => sum + t.totals.delayNs, 0);
    };
    expect(await delay('current')).toBeGreaterThan(await delay('perf-6.1'));
  });

  it('a malformed line is an anomaly with its line number; --strict stops at it', async () => {
    const lines = fixture('sh-loops.perf.txt').split('\n');
    lines.splice(10, 0, '            perf  6883 [000]   706.383391000:       sched:sched_switch: garbage');
    const { malformed } = await readTrace(lines);
    expect(malformed.count).toBe(1);
    expect(malformed.details[0]).toMatchObject({ kind: 'malformed-line', line: 11 });
    await expect(readTrace(lines, { strict: true })).rejects.toThrow(/malformed-line.*line 11/);
  });

  it('tells the format past a long header (perf script --header: one line per CPU)', async () => {
    const header = Array.from({ length: 80 }, (_, i) => `# CPU ${String(i)}, Core ID 0, Socket ID 0`);
    const { format, replay } = await readTrace([...header, ...fixture('migrate.perf.txt').split('\n')]);
    expect(format).toBe('perf-script');
    expect(replay.counts.switch).toBe(280);
  });

  it('detects formats and reports what it cannot parse', async () => {
    expect(detectFormat(['# comment', '            perf  6883 [000]   706.383234945: sched:sched_switch: x=1'])).toBe(
      'perf-script',
    );
    expect(detectFormat(['          <idle>-0       [001] d..2.   123.456789: sched_switch: prev_comm=x'])).toBe(
      'ftrace',
    );
    expect(detectFormat(['hello'])).toBeUndefined();
    await expect(readTrace(['hello', 'world'])).rejects.toThrow(SchedacctError);
    const ftrace = await readTrace(['          <idle>-0       [001] d..2.   123.456789: sched_switch: prev_comm=x']);
    expect([ftrace.format, ftrace.malformed.count]).toEqual(['ftrace', 1]); // recognised; its bad fields reported
    expect(() => new Replay({ compat: 'perf-5' as never })).toThrow(/compat/);
  });
});

describe('stolen time from sched_stat_runtime', () => {
  // A synthetic trace: task 100 runs 10 ms; the kernel's task clock counted 7 ms of it (3 ms stolen). An RT task (no
  // runtime events) and a slice whose switch-in was lost are not estimated.
  const line = (t: string, cpu: number, tid: number, comm: string, event: string) =>
    `${comm.padStart(16)} ${String(tid).padStart(5)} [${String(cpu).padStart(3, '0')}] ${t}: sched:${event}`;
  const trace = [
    line(
      '1.000000000',
      0,
      0,
      'swapper',
      'sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=work next_pid=100 next_prio=120',
    ),
    line('1.004000000', 0, 100, 'work', 'sched_stat_runtime: comm=work pid=100 runtime=3000000 [ns]'),
    line('1.010000000', 0, 100, 'work', 'sched_stat_runtime: comm=work pid=100 runtime=4000000 [ns]'),
    line(
      '1.010000000',
      0,
      100,
      'work',
      'sched_switch: prev_comm=work prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=rt next_pid=200 next_prio=0',
    ),
    line(
      '1.015000000',
      0,
      200,
      'rt',
      'sched_switch: prev_comm=rt prev_pid=200 prev_prio=0 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
    ),
  ];

  it('charges wall − runtime as steal per slice, and only where it can tell', async () => {
    const rows: TimehistRow[] = [];
    const { replay } = await readTrace(trace, { onRow: (r) => !('kind' in r) && rows.push(r) });
    expect(rows.map((r) => [r.tid, r.runNs, r.stolenNs])).toEqual([
      [0, 0, 0],
      [100, 10_000_000, 3_000_000],
      [200, 5_000_000, 0],
    ]);
    const work = replay.tasks().find((t) => t.tid === 100);
    expect(work?.totals).toMatchObject({ runNs: 10_000_000, stolenNs: 3_000_000, chargedNs: 7_000_000 });
    expect(replay.steal).toEqual({ slices: 1, signedNs: 3_000_000, clampedNs: 3_000_000 });
    expect(summaryLines(replay, { stolen: true }).join('\n')).toMatch(/work\[100\]\s+10\.000\s+3\.000\s+7\.000/);
  });

  it.each(['migrate', 'forkstorm'] as const)('%s: the steal estimate adds no anomaly of its own', async (name) => {
    const lines = fixture(`${name}.perf.txt`).split('\n');
    const withRuntime = await readTrace(lines);
    const without = await readTrace(lines.filter((l) => !l.includes('sched_stat_runtime')));
    expect(withRuntime.replay.steal.slices).toBeGreaterThan(0);
    expect(withRuntime.replay.anomalies().count).toBe(without.replay.anomalies().count);
  });

  it('says when a trace has no runtime events', async () => {
    const { replay } = await readTrace(trace.filter((l) => !l.includes('runtime')));
    expect(summaryLines(replay, { stolen: true }).join('\n')).toMatch(/no sched_stat_runtime events/);
  });
});

describe('a tid reused after its thread exited', () => {
  const sw = (
    comm: string,
    tid: number,
    cpu: number,
    t: string,
    prev: string,
    prevTid: number,
    state: string,
    next: string,
    nextTid: number,
  ) =>
    `${comm} ${String(tid)} [00${String(cpu)}] ${t}: sched:sched_switch: prev_comm=${prev} prev_pid=${String(prevTid)} prev_prio=120 prev_state=${state} ==> next_comm=${next} next_pid=${String(nextTid)} next_prio=120`;
  const wake = (t: string, comm: string, pid: number) =>
    `swapper 0 [000] ${t}: sched:sched_waking: comm=${comm} pid=${String(pid)} prio=120 target_cpu=000`;
  const trace = [
    sw('swapper', 0, 1, '1.000000000', 'swapper/1', 0, 'R', 'a', 9),
    wake('1.500000000', 'old', 7),
    // tid 7 leaves CPU 1, which last switched in tid 9: a lost switch-in, whose dispatch (at 1.0) is before its wakeup
    sw('old', 7, 1, '2.000000000', 'old', 7, 'X', 'swapper/1', 0),
    wake('3.000000000', 'new', 7),
    sw('swapper', 0, 0, '3.500000000', 'swapper/0', 0, 'R', 'new', 7),
    sw('new', 7, 0, '4.000000000', 'new', 7, 'S', 'swapper/0', 0),
  ];

  it('keeps the first task: its totals, its comm and its anomalies (once lost with its machine)', async () => {
    const { replay, ledger } = await readTrace(trace, { compat: 'perf-6.1' });
    const sevens = replay.tasks().filter((t) => t.tid === 7);
    expect(sevens.map((t) => [t.comm, t.dead, t.totals.slices, t.totals.runNs])).toEqual([
      ['old', true, 1, 1_000_000_000],
      ['new', false, 1, 500_000_000],
    ]);
    // the first task's anomaly survives its machine: Replay.anomalies() used to read only live machines
    expect(replay.anomalies().count).toBe(1);
    expect(replay.anomalies().details[0]).toMatchObject({ kind: 'lost-event', task: 7, line: 3 });
    expect(ledger.tasks().filter((t) => t.task === 7)).toHaveLength(2);
  });
});

describe('tid reuse: the new task is its own, the old one keeps its comm and figures', () => {
  const at = (comm: string, tid: number, t: string, what: string) => `${comm} ${String(tid)} [000] ${t}: sched:${what}`;
  const sw = (t: string, prev: string, prevTid: number, state: string, next: string, nextTid: number) =>
    at(
      prevTid === 0 ? 'swapper' : prev,
      prevTid,
      t,
      `sched_switch: prev_comm=${prev} prev_pid=${String(prevTid)} prev_prio=120 prev_state=${state} ==> next_comm=${next} next_pid=${String(nextTid)} next_prio=120`,
    );
  const seven = async (lines: string[]) => {
    const { replay } = await readTrace(lines, { compat: 'perf-6.1' });
    const sevens = replay.tasks().filter((t) => t.tid === 7);
    return { replay, sevens: sevens.map((t) => [t.comm, t.dead, t.totals.slices, t.totals.runNs]) };
  };
  const oldRuns = [sw('1.000000000', 'swapper/0', 0, 'R', 'old', 7), sw('2.000000000', 'old', 7, 'S', 'sh', 1)];
  const newRuns = [
    at('sh', 1, '3.200000000', 'sched_wakeup_new: comm=new pid=7 prio=120 target_cpu=000'),
    sw('3.500000000', 'sh', 1, 'S', 'new', 7),
    sw('4.000000000', 'new', 7, 'S', 'swapper/0', 0),
  ];

  it('a fork of a tid that has a task: that task ended (its last switch was lost)', async () => {
    const fork = at('sh', 1, '3.000000000', 'sched_process_fork: comm=sh pid=1 child_comm=new child_pid=7');
    const { sevens, replay } = await seven([...oldRuns, fork, ...newRuns]);
    expect(sevens).toEqual([
      ['old', true, 1, 1_000_000_000],
      ['new', false, 1, 500_000_000],
    ]);
    expect(summaryLines(replay).join('\n')).toMatch(/new\[7\][^\n]*\n\nTerminated tasks:\n\s+old\[7\]/);
  });

  it('an exit, then a new task under the tid (wakeup_new) before the dead switch was seen', async () => {
    const exit = at('old', 7, '1.500000000', 'sched_process_exit: comm=old pid=7 prio=120');
    const { sevens } = await seven([oldRuns[0] as string, exit, oldRuns[1] as string, ...newRuns]);
    expect(sevens).toEqual([
      ['old', true, 1, 1_000_000_000],
      ['new', false, 1, 500_000_000],
    ]);
  });
});

describe('bad times and CPUs are data; misuse throws', () => {
  const shLoops = (): string[] => fixture('sh-loops.perf.txt').split('\n');

  it('a gap too long for an exact number of ns is a time-jump anomaly; the replay goes on and the summary prints', async () => {
    // The readers refuse a time past 2^53 ns (a malformed line), so every gap between their times fits; a jump that
    // does not fit the replay's clock is one back from 92 days of uptime: sed '1,59s/ 706\./ 8000000./'
    const lines = shLoops().map((l, i) => (i + 1 < 60 ? l.replace(/ 706\./, ' 8000000.') : l));
    const { replay, ledger } = await readTrace(lines);
    expect(ledger.anomalyCount('time-jump')).toBe(1);
    expect(ledger.anomalies().find((a) => a.kind === 'time-jump')).toMatchObject({ line: 60 });
    const summary = summaryLines(replay);
    expect(summary.join('\n')).toMatch(/Total scheduling time \(msec\):\s+\d+\.\d{3} /);
    expect(replay.schedulingNs).toBeLessThan(1e9); // the 104 days are left out
    for (const t of replay.tasks())
      for (const v of Object.values(t.totals)) if (typeof v === 'number') expect(v).toBeGreaterThanOrEqual(0);
  });

  it('an event on a CPU at or past MAX_CPUS is misuse that names MAX_CPUS; the CPU table never grows past it', () => {
    const r = new Replay();
    const wake = {
      kind: 'wakeup',
      variant: 'waking',
      timeNs: 1,
      cpu: MAX_CPUS - 1,
      tid: 1,
      comm: 'a',
      line: 1,
      targetTid: 2,
      targetComm: 'b',
      targetCpu: 0,
    } as const;
    r.apply(wake);
    expect(r.cpus).toBe(MAX_CPUS);
    for (const cpu of [MAX_CPUS, 100_000_000, 2 ** 32 - 1]) {
      expect(() => r.push({ ...wake, cpu })).toThrow(SchedacctError);
      expect(() => r.push({ ...wake, cpu })).toThrow(/MAX_CPUS/);
    }
    expect(r.cpus).toBe(MAX_CPUS);
    expect(() => r.push({ ...wake, timeNs: 1.5 })).toThrow(SchedacctError);
  });

  it('a reversed trace prints no negative time: the scheduling time is the span of its switches', async () => {
    const forward = await readTrace(shLoops());
    const reversed = await readTrace(shLoops().reverse());
    const total = (r: Replay) => summaryLines(r).find((l) => l.includes('Total scheduling time')) ?? '';
    expect(total(reversed.replay)).not.toMatch(/-/);
    expect(total(reversed.replay)).toBe(total(forward.replay));
    expect(reversed.replay.outOfOrder).toBeGreaterThan(0);
  });

  it("all events at one time: the idle share of a zero window is what perf's printf gives (-nan), not NaN", async () => {
    const lines = shLoops().map((l) => l.replace(/ 706\.\d{9}:/, ' 706.000000000:'));
    const { replay } = await readTrace(lines);
    const summary = summaryLines(replay).join('\n');
    expect(summary).not.toMatch(/NaN/);
    expect(summary).toMatch(/CPU {2}0 idle for {6}0\.000 {2}msec {2}\( {2}-nan%\)/);
    expect(summary).toMatch(/Total scheduling time \(msec\): {2}0\.000/);
  });
});

describe('a summary of many tasks', () => {
  // Over ~125k lines, `out.push(...lines)` overflowed the stack (RangeError): 150k tasks with steal, each a line twice.
  it('prints 150,000 finished tasks with their stolen time', () => {
    const r = new Replay({ compat: 'perf-6.1' });
    const n = 150_000;
    // one event object each, refilled (the replay keeps none): the test's time goes to the replay, not to garbage
    const sw = { kind: 'switch', cpu: 0, comm: 'w', line: 1, timeNs: 0, tid: 0 } as {
      -readonly [K in keyof SwitchEvent]: SwitchEvent[K];
    };
    Object.assign(sw, { prevTid: 0, prevComm: 'w', prevState: 'R', nextTid: 0, nextComm: 'w' });
    const rt = { kind: 'runtime', cpu: 0, comm: 'w', line: 1, timeNs: 0, tid: 0, targetTid: 0, runtimeNs: 600 } as {
      -readonly [K in keyof RuntimeEvent]: RuntimeEvent[K];
    };
    let t = 1_000_000_000;
    for (let tid = 1; tid <= n; tid++) {
      Object.assign(sw, { timeNs: t, tid: 0, prevTid: 0, prevState: 'R', nextTid: tid });
      r.apply(sw);
      t += 1_000;
      Object.assign(rt, { timeNs: t, tid, targetTid: tid });
      r.apply(rt);
      Object.assign(sw, { timeNs: t, tid, prevTid: tid, prevState: 'X', nextTid: 0 });
      r.apply(sw);
      t += 1_000;
    }
    const lines = summaryLines(r, { stolen: true });
    expect(lines).toContain('    Total number of unique tasks: 150000');
    expect(lines.filter((l) => /^\s+w\[\d+\]\s+0\.001\s+0\.000\s+0\.000$/.test(l))).toHaveLength(n); // stolen lines
    expect(r.ledger.size).toBe(n + 1);
  }, 120_000);
});
