import { fc, test as fcTest } from '@fast-check/vitest';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFtraceParser, decodeRawState, detectFormat } from '../src/index.ts';
import { ftraceHead } from '../src/trace/ftrace.ts';
import { readTrace, type TaskRecord } from '../src/trace.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ftrace/${name}`, import.meta.url), 'utf8');

function laws(tasks: readonly TaskRecord[]): void {
  for (const t of tasks) {
    expect(t.totals.runNs).toBe(t.totals.chargedNs + t.totals.stolenNs);
    expect(t.totals.chargedNs).toBeGreaterThanOrEqual(0);
  }
}

describe('ftrace text (recorded for this project)', () => {
  it.each(['ftrace-pingpong.txt', 'ftrace-tgid-forks.txt'])(
    '%s: every line read, every switch replayed',
    async (name) => {
      const text = fixture(name);
      const { format, replay, malformed } = await readTrace(text.split('\n'));
      expect(format).toBe('ftrace');
      expect(malformed.count).toBe(0);
      expect(replay.counts.switch).toBe(text.split('\n').filter((l) => l.includes(' sched_switch: ')).length);
      expect(replay.counts.runtime).toBeGreaterThan(0);
      expect(replay.steal.slices).toBeGreaterThan(0);
      laws(replay.tasks());
    },
  );
});

describe('ftrace and trace-cmd line formats', () => {
  const parse = createFtraceParser();
  it('splits the comm at the last -PID, with or without the tgid column and flags', () => {
    const r = parse(
      '     Web Content-2711  [003] d... 26186.336632: sched_waking: comm=Timer pid=2745 prio=120 target_cpu=001',
      1,
    );
    expect(r).toMatchObject({
      type: 'event',
      event: { comm: 'Web Content', tid: 2711, cpu: 3, timeNs: 26186336632000, targetTid: 2745 },
    });
    const t = parse(
      '        ftcap.sh-9613    (   9613) [000] d..2.  1246.886390: sched_stat_runtime: comm=ftcap.sh pid=9613 runtime=510890 [ns]',
      2,
    );
    expect(t).toMatchObject({ type: 'event', event: { comm: 'ftcap.sh', tid: 9613, runtimeNs: 510890 } });
    const u = parse(
      '           <...>-1252  [000] d..3   108.255517: sched_switch: prev_comm=logd.auditd prev_pid=1252 prev_prio=130 prev_state=R+ ==> next_comm=EventThread next_pid=1338 next_prio=97',
      3,
    );
    expect(u).toMatchObject({ type: 'event', event: { comm: '<...>', prevTid: 1252, prevState: 'R+', nextTid: 1338 } });
  });

  it("reads trace-cmd's compact plugin rendering and raw -R fields", () => {
    expect(
      parse(
        '       trace-cmd-6244  [005] 162534.215742: sched_switch:         trace-cmd:6244 [120] x ==> swapper/5:0 [120]',
        1,
      ),
    ).toMatchObject({
      type: 'event',
      event: { prevComm: 'trace-cmd', prevTid: 6244, prevState: 'x', nextComm: 'swapper/5', nextTid: 0 },
    });
    expect(
      parse('          sshd-2135  [000] 106439.675600: sched_wakeup:         ls:4734 [120] success=1 CPU:002', 2),
    ).toMatchObject({
      type: 'event',
      event: { kind: 'wakeup', targetComm: 'ls', targetTid: 4734, targetCpu: 2 },
    });
    expect(
      parse(
        '              ls-4734  [002] 106439.675591: sched_switch:          prev_comm=trace-cmd prev_pid=4734 prev_prio=120 prev_state=1024 next_comm=migration/2 next_pid=18 next_prio=0',
        3,
      ),
    ).toMatchObject({
      type: 'event',
      event: { prevState: 'R+', nextTid: 18 },
    });
  });

  it('decodes raw prev_state by kernel era', () => {
    expect([0, 1, 2, 0x100, 1024, 0x800, 0x1000, 0x10, 0x20, 0x40, 0x82].map(decodeRawState)).toEqual([
      'R',
      'S',
      'D',
      'R+',
      'R+',
      'R+',
      'R+',
      'X',
      'Z',
      'x',
      'D',
    ]);
  });

  it('skips headers, comments and multi-line message continuations; anything else is malformed', () => {
    const p = createFtraceParser();
    expect(p('cpus=6', 1).type).toBe('skipped');
    expect(p('# tracer: nop', 2).type).toBe('skipped');
    expect(
      p('              ls-4734  [002] 106439.675570: bprint:               select_task_rq_fair: fig: cpu=0', 3).type,
    ).toBe('skipped');
    expect(p(' gid=4', 4)).toEqual({ type: 'skipped', name: 'continuation' });
    expect(p('garbage', 5).type).toBe('skipped'); // still inside the message
    const q = createFtraceParser();
    expect(q('garbage', 1).type).toBe('malformed');
    expect(q('    a-1 [000] 1.000000: sched_switch: nonsense', 2).type).toBe('malformed');
  });
});

describe('ftrace and trace-cmd: numbers out of their range make a line malformed (issue 12)', () => {
  const sw =
    '  ping-1234  [001] d..2.  100.000500: sched_switch: prev_comm=ping prev_pid=1234 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120';
  const reason = (text: string): string => {
    const r = createFtraceParser()(text, 1);
    return r.type === 'malformed' ? r.reason : `not malformed: ${r.type}`;
  };
  it.each([
    [sw.replace('[001]', '[100000000]'), /^cpu 100000000 is out of range \(a CPU number is below MAX_CPUS, 8192\)$/],
    [sw.replace('[001]', '[99999999999]'), /^cpu 99999999999 /],
    [sw.replace('ping-1234', 'ping-99999999999999999999'), /^pid 99999999999999999999 is out of range \(a pid/],
    [
      sw.replace('100.000500', '100000000000.000500'),
      /^timestamp 100000000000\.000500 is out of range \(at most 2\^53/,
    ],
    [sw.replace('100.000500', `${'9'.repeat(400)}.000500`), /^timestamp 9{20}… \(407 characters\)/],
    [sw.replace('next_pid=0', 'next_pid=2147483648'), /^sched_switch: next_pid 2147483648 is out of range/],
    [
      '  sshd-2135  [000] 106439.675600: sched_wakeup:         ls:4734 [120] success=1 CPU:8192',
      /^sched_wakeup: CPU 8192 is out of range/,
    ],
    [
      '  trace-cmd-6244  [005] 162534.215742: sched_switch:  trace-cmd:99999999999 [120] x ==> swapper/5:0 [120]',
      /^sched_switch: prev 99999999999 is out of range/,
    ],
    [
      '  a-1  [000] d..2.  1.000000: sched_waking: comm=b pid=2 prio=120 target_cpu=100000000',
      /^sched_waking: target_cpu 100000000 /,
    ],
    [
      '  a-1  [000] d..2.  1.000000: sched_migrate_task: comm=b pid=2 prio=120 orig_cpu=0 dest_cpu=8192',
      /^sched_migrate_task: dest_cpu 8192 /,
    ],
    [
      '  a-1  [000] d..2.  1.000000: sched_stat_runtime: comm=b pid=2 runtime=9007199254740992 [ns] vruntime=1 [ns]',
      /^sched_stat_runtime: runtime 9007199254740992 /,
    ],
    [
      '  a-1  [000] d..2.  1.000000: sched_process_fork: comm=a pid=1 child_comm=b child_pid=99999999999999999998',
      /^sched_process_fork: child_pid 9+8 /,
    ],
  ])('%j', (text, why) => {
    expect(reason(text)).toMatch(why);
  });

  it('takes the bounds themselves', () => {
    const r = createFtraceParser()(sw.replace('[001]', '[8191]').replace('next_pid=0', 'next_pid=2147483647'), 1);
    expect(r).toMatchObject({ type: 'event', event: { cpu: 8191, nextTid: 2 ** 31 - 1 } });
  });
});

// The regular expression the one-pass head reader replaced: the oracle of the differential test below.
const OLD_HEAD = /^\s*(.+)-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d+)\]\s+(?:(\S{4,5})\s+)?(\d+)\.(\d+):\s+([\w:]+):\s*(.*)$/;

function headBoth(text: string): { scanned: unknown; regex: unknown } {
  const m = OLD_HEAD.exec(text);
  const h = ftraceHead(text);
  return {
    regex: m === null ? null : [m[1]?.trim(), m[2], m[3], m[5], m[6], m[7], m[8]?.trim()],
    scanned:
      h === undefined
        ? null
        : [
            text.slice(0, h.dash).trim(),
            text.slice(h.dash + 1, h.pidEnd),
            text.slice(h.cpuStart, h.cpuEnd),
            text.slice(h.secStart, h.secEnd),
            text.slice(h.secEnd + 1, h.fracEnd),
            text.slice(h.nameStart, h.nameEnd),
            text.slice(h.rest).trim(),
          ],
  };
}

describe('the ftrace head read in one pass agrees with the regular expression it replaced', () => {
  it.each([
    '     Web Content-2711  [003] d... 26186.336632: sched_waking: comm=Timer pid=2745 prio=120 target_cpu=001',
    '        ftcap.sh-9613    (   9613) [000] d..2.  1246.886390: sched_stat_runtime: comm=ftcap.sh pid=9613',
    '           <...>-1252  [000] d..3   108.255517: sched_switch: prev_comm=logd.auditd prev_pid=1252',
    '       trace-cmd-6244  [005] 162534.215742: sched_switch:         trace-cmd:6244 [120] x ==> swapper/5:0 [120]',
    '  a-1 [000] 1.0: b: a-2 [001] 2.0: c: rest',
    '  a-1 (-----) [000] d..2 1.0: sched:sched_switch: x',
    '  a-1 [000] 1.0: x:y: rest\r',
  ])('on %j', (text) => {
    const { scanned, regex } = headBoth(text);
    expect(scanned).toEqual(regex);
  });

  const unit = fc.constantFrom('a', ' ', '1', '0', '-', '[', ']', '(', ')', '.', ':', 'd..2', 'x', '\t', '\r', '_');
  fcTest.prop([fc.string({ unit, maxLength: 40 })], { numRuns: 3000 })('on text made of head characters', (text) => {
    const { scanned, regex } = headBoth(text);
    expect(scanned).toEqual(regex);
  });

  const pieces = fc.tuple(
    fc.constantFrom('  ', '', ' a-b '),
    fc.constantFrom('ping', 'a b', '<...>', 'a-1 [0] x'),
    fc.constantFrom('-1234', '-0', '-x'),
    fc.constantFrom(' ', '  (  12) ', ' (1) ', '\t'),
    fc.constantFrom('[001]', '[]', '[1'),
    fc.constantFrom(' d..2. ', ' ', '  d... ', ' dd '),
    fc.constantFrom('100.000500:', '1.2:', '1:', '.5:'),
    fc.constantFrom(' sched_switch: ', ' sched:sched_waking:', ' a:b:c ', ' :x: '),
    fc.constantFrom('prev_comm=a', '', ' x\r', 'a:1 [1] S ==> b:2 [1]'),
  );
  fcTest.prop([pieces], { numRuns: 3000 })('on heads put together from pieces', (parts) => {
    const { scanned, regex } = headBoth(parts.join(''));
    expect(scanned).toEqual(regex);
  });

  it('reads a head, and detects a format, in time linear in the line (the regular expressions were quadratic and cubic)', () => {
    // 64 Ki spaces took the detection regular expression hours (4 Ki: 55 s) and the head one seconds
    const spaces = `${' '.repeat(65_536)}x`;
    expect(detectFormat([spaces])).toBeUndefined();
    expect(createFtraceParser()(spaces, 1).type).toBe('malformed');
    expect(detectFormat([`${' '.repeat(65_536)}a-1 [000] d..2 1.0: sched_switch: x`])).toBe('ftrace');
  });
});

const EXTERNAL = new URL('../../shared/traces/external/', import.meta.url);
const hasExternal = existsSync(EXTERNAL);

describe.skipIf(!hasExternal)('external traces from public repositories (read from ../shared)', () => {
  const read = (name: string) => readFileSync(new URL(name, EXTERNAL), 'utf8').split('\n');
  it.each([
    'tracecompass-trace-critical-path.txt',
    'tracecompass-trace-android-sched.txt',
    'tracecompass-trace-android-sched-irq.txt',
    'trappy-raw_trace.report.txt',
    'trappy-raw_trace.report-R.txt',
    'trappy-raw_trace.report-t.txt',
    'trappy-trace_idle.report.txt',
  ])('%s replays with zero malformed lines', async (name) => {
    const { malformed, replay } = await readTrace(read(name));
    expect(malformed.count).toBe(0);
    expect(replay.counts.switch).toBeGreaterThan(0);
    laws(replay.tasks());
  });

  it('the three renderings of the trappy recording give the same per-task totals (to the µs)', async () => {
    const totals = async (name: string) => {
      const { replay } = await readTrace(read(name));
      return new Map(replay.tasks().map((t) => [`${String(t.tid)}/${String(t.cpu)}`, t.totals]));
    };
    const text = await totals('trappy-raw_trace.report.txt');
    const raw = await totals('trappy-raw_trace.report-R.txt');
    const ns = await totals('trappy-raw_trace.report-t.txt');
    expect([...raw.keys()].sort()).toEqual([...text.keys()].sort());
    expect([...ns.keys()].sort()).toEqual([...text.keys()].sort());
    for (const [key, t] of text) {
      for (const other of [raw.get(key), ns.get(key)]) {
        expect(other?.slices).toBe(t.slices);
        const slack = 1_000 * (2 * t.slices + 2); // µs rendering: each timestamp is truncated by < 1 µs
        expect(Math.abs((other?.runNs ?? 0) - t.runNs)).toBeLessThanOrEqual(slack);
        expect(
          Math.abs(
            (other?.sleepNs ?? 0) +
              (other?.iowaitNs ?? 0) +
              (other?.preemptNs ?? 0) -
              t.sleepNs -
              t.iowaitNs -
              t.preemptNs,
          ),
        ).toBeLessThanOrEqual(slack);
      }
    }
  });
});

describe.skipIf(hasExternal)('external traces — skipped: ../shared/traces/external is not beside this checkout', () => {
  it.skip('needs ../shared/traces/external beside this checkout', () => undefined);
});
