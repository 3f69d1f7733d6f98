import { fc, test as fcTest } from '@fast-check/vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  headByRegex,
  parseFields as referenceFields,
  parsePerfScriptText as referenceParse,
} from '../../test/reference/regex-perf-script.ts';
import { inRange, isComment, type NumberKind } from './fields.js';
import { parsePerfScriptLine, type LineResult } from './perf-script.js';

const fixture = (name: string): string => {
  const data = readFileSync(new URL(`../../fixtures/perf/${name}`, import.meta.url));
  return (name.endsWith('.gz') ? gunzipSync(data) : data).toString('utf8');
};

// The numbers of each event the parser checks, in the order it reads them.
const WAKEUP: readonly (readonly [string, NumberKind])[] = [
  ['pid', 'pid'],
  ['target_cpu', 'cpu'],
];
const CHECKED: Record<string, readonly (readonly [string, NumberKind])[]> = {
  sched_switch: [
    ['prev_pid', 'pid'],
    ['next_pid', 'pid'],
  ],
  sched_waking: WAKEUP,
  sched_wakeup: WAKEUP,
  sched_wakeup_new: WAKEUP,
  sched_migrate_task: [
    ['pid', 'pid'],
    ['orig_cpu', 'cpu'],
    ['dest_cpu', 'cpu'],
  ],
  sched_process_fork: [
    ['pid', 'pid'],
    ['child_pid', 'pid'],
  ],
  sched_process_exit: [['pid', 'pid']],
  sched_stat_runtime: [
    ['pid', 'pid'],
    ['runtime', 'ns'],
  ],
};

// The first number of a line (by the reference's reading of it) that is out of the parser's range, if any.
function outOfRange(text: string): string | undefined {
  const h = headByRegex(text);
  if (h === undefined) return undefined;
  if (!inRange(h.cpu, 'cpu')) return 'cpu';
  if (!inRange(h.timeNs, 'ns')) return 'timestamp';
  if (!inRange(h.tid, 'pid')) return 'tid';
  if (h.system !== 'sched') return undefined;
  const fields = referenceFields(h.rest);
  for (const [key, kind] of CHECKED[h.name] ?? []) {
    const digits = kind === 'ns' ? /^\d+/.exec(fields.get(key) ?? '')?.[0] : fields.get(key);
    if (digits !== undefined && /^-?\d+$/.test(digits) && !inRange(Number(digits), kind)) return key;
  }
  return undefined;
}

// The one-pass parser against the regular-expression parser it replaced (kept in test/reference as the oracle), with
// what the parser adds: a number out of its range makes a line malformed (its reason naming the field; the rest of
// its text is the parser's), and a comment line is skipped.
function bothWays(text: string, line = 1): { parsed: LineResult; reference: LineResult } {
  const parsed = parsePerfScriptLine(text, line);
  let reference = referenceParse(text, line);
  const field = outOfRange(text);
  if (field !== undefined) {
    const named = parsed.type === 'malformed' && new RegExp(`(^|: )${field} `).test(parsed.reason);
    reference = { type: 'malformed', reason: named ? parsed.reason : `<${field} out of range>` };
  } else if (reference.type === 'malformed' && reference.reason.startsWith('not COMM') && isComment(text)) {
    reference = { type: 'skipped', name: '' };
  }
  return { parsed, reference };
}

describe('perf script parser: agrees with the regular-expression reference', () => {
  it.each([
    'sh-loops.perf.txt',
    'sh-loops.perf-us.txt',
    'migrate.perf.txt',
    'migrate.perf-us.txt',
    'forkstorm.perf.txt',
    'pingpong.perf.txt.gz',
  ])('on every line of %s', (name) => {
    const lines = fixture(name).split('\n');
    if (lines.at(-1) === '') lines.pop();
    let differing = 0;
    let first = '';
    let events = 0;
    lines.forEach((text, i) => {
      const { parsed, reference } = bothWays(text, i + 1);
      if (parsed.type === 'event') events++;
      const a = JSON.stringify(parsed);
      const b = JSON.stringify(reference);
      if (a !== b) {
        differing++;
        first ||= `line ${String(i + 1)}: ${a} vs ${b}`;
      }
    });
    expect(first).toBe('');
    expect(differing).toBe(0);
    expect(events).toBeGreaterThan(lines.length / 2);
  });

  it('reads the usual events and names other systems as skipped', () => {
    const sw = bothWays(
      '     Web Content  4242 [001]   717.568030404:       sched:sched_switch: prev_comm=Web Content prev_pid=4242 prev_prio=120 prev_state=R+ ==> next_comm=<...> next_pid=-1 next_prio=120',
    );
    expect(sw.parsed).toEqual(sw.reference);
    expect(sw.parsed).toMatchObject({
      type: 'event',
      event: {
        kind: 'switch',
        comm: 'Web Content',
        tid: 4242,
        cpu: 1,
        prevState: 'R+',
        nextComm: '<...>',
        nextTid: -1,
      },
    });
    const irq = bothWays('  swapper     0 [000]   1.000001: irq:irq_handler_entry: irq=1 name=x');
    expect(irq.parsed).toEqual({ type: 'skipped', name: 'irq:irq_handler_entry' });
  });

  it('reads unusual shapes: success=1, a fork, a period column, a comm with brackets, an empty comm', () => {
    for (const text of [
      '  sh 10 [000] 1.000001: sched:sched_wakeup: comm=cat pid=11 prio=120 success=1 target_cpu=000',
      '  sh 10 [000] 1.000001: sched:sched_process_fork: comm=sh pid=10 child_comm=sh child_pid=12',
      '  sh 10 [000] 1.000001: 1 sched:sched_switch: prev_comm=sh prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
      '  kworker/0:1 [x] 10 [000] 1.000001: sched:sched_process_exit: comm=k pid=10 prio=120',
      '   10 [000] 1.000001: sched:sched_process_exit: comm=k pid=10 prio=120',
    ]) {
      const { parsed, reference } = bothWays(text);
      expect(parsed).toEqual(reference);
      expect(parsed.type).toBe('event');
    }
  });

  it('is malformed where the reference is, and says why', () => {
    for (const text of [
      '10 [000] 1.000001: sched:sched_process_exit: pid=10',
      'garbage',
      'sh 1 [0] 1.5: sched:sched_switch: prev_pid=1',
    ]) {
      const { parsed, reference } = bothWays(text);
      expect(parsed).toEqual(reference);
      expect(parsed.type).toBe('malformed');
    }
  });

  it.each([
    // found by review: each once gave a different result from the general parser
    'perf 12 [001] 100.000001: sched:sched_switch: prev_comm=sh prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=sh next_pid=6955 next_pr',
    'perf 12 [001] 100.000001: sched:sched_switch: prev_comm=sh prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=sh next_pid=0 junk',
    'perf 12 [001] 100.000001: sched:sched_switch: prev_comm=sh prev_pid=5 prev_prio=120 prev_state=S ==> next_comm=x next_pid=0 next_prio=120 prev_pid=99',
    'perf 12 [001] 100.000001: sched:sched_waking: comm=a b=c pid=5 prio=120 target_cpu=001',
    'perf 12 [001] 100.000001: sched:sched_switch: prev_comm=sh  prev_pid=5 prev_prio=120 prev_state=S  ==> next_comm= x next_pid=0 next_prio=120',
    'perf 12 [001] 100.000001: sched:sched_switch: prev_comm=a ==> prev_pid=5 prev_prio=120 prev_state=S ==> next_comm=x next_pid=0 next_prio=120',
    '\u00a0perf 12 [001] 100.000001: sched:sched_waking: comm=a pid=5 prio=120 target_cpu=001',
    '\tperf 12 [001] 100.000001: sched:sched_waking: comm=a pid=5 prio=120 target_cpu=001',
    'foo\u00a0 12 [001] 100.000001: sched:sched_waking: comm=a pid=5 prio=120 target_cpu=001',
    'a\rb 12 [001] 100.000001: irq:irq_handler_entry: irq=1',
    'a\u2028b 12 [001] 100.000001: sched:sched_waking: comm=a pid=5 prio=120 target_cpu=001',
    'perf 12 [001] 100.000001: sched:sched_waking: comm=a pid=7716418147454535295 prio=120 target_cpu=001',
    'perf 12 [001] 77164181474545352.000001: sched:sched_stat_runtime: comm=a pid=5 runtime=1 [ns]',
    'perf 12 [001] 1.000001: sched:sched_stat_runtime: comm=a pid=5 runtime=1 [ns] pid=6',
    'perf 12 [001] 1.000001: sched:sched_stat_runtime: comm=a pid=5 runtime=1 [ns] vruntime=2 [ns]',
  ])('on %j (found by reviews of earlier parsers)', (text) => {
    const { parsed, reference } = bothWays(text);
    expect(parsed).toEqual(reference);
  });

  it('reads ns and µs stamps, a negative tid, vruntime and every wakeup variant', () => {
    const head = '            perf  7349 [000]   717.568020530: ';
    for (const text of [
      `${head}sched:sched_stat_runtime: comm=perf pid=7349 runtime=47601 [ns] vruntime=1234 [ns]`,
      `            perf  7349 [000]   717.568020: sched:sched_stat_runtime: comm=perf pid=7349 runtime=47601 [ns]`,
      `${head}  sched:sched_wakeup_new: comm=sh pid=7350 prio=120 target_cpu=000`,
      `${head}      sched:sched_wakeup: comm=sh pid=7350 prio=120 target_cpu=001`,
      `            perf    -1 [001]   717.568030404:       sched:sched_switch: prev_comm=perf prev_pid=-1 prev_prio=120 prev_state=X ==> next_comm=swapper/1 next_pid=0 next_prio=120`,
    ]) {
      const { parsed, reference } = bothWays(text);
      expect(parsed).toEqual(reference);
      expect(parsed.type).toBe('event');
    }
  });

  const comm = fc
    .string({
      unit: fc.constantFrom('a', 'Z', '0', '9', ' ', '-', '/', ':', '[', ']', '<', '>', '.', 'é', '中'),
      minLength: 1,
      maxLength: 16,
    })
    .filter((s) => s.trim() === s && !s.includes('=') && !s.includes('  '));
  const tid = fc.integer({ min: -1, max: 4_194_304 });
  const time = fc.tuple(fc.integer({ min: 0, max: 9_999_999 }), fc.boolean(), fc.integer({ min: 0, max: 999_999_999 }));
  const stamp = ([sec, ns, frac]: [number, boolean, number]): string =>
    `${String(sec)}.${ns ? String(frac).padStart(9, '0') : String(frac % 1_000_000).padStart(6, '0')}`;
  const state = fc.constantFrom('R', 'R+', 'S', 'D', 'T', 't', 'X', 'Z', 'P', 'I', 'D|K', 'x', 'W');
  const line = fc.oneof(
    fc
      .record({ c: comm, t: tid, cpu: fc.nat(255), time, pc: comm, pt: tid, s: state, nc: comm, nt: tid })
      .map(
        (r) =>
          `${r.c.padStart(16)} ${String(r.t).padStart(6)} [${String(r.cpu).padStart(3, '0')}] ${stamp(r.time)}:       sched:sched_switch: prev_comm=${r.pc} prev_pid=${String(r.pt)} prev_prio=120 prev_state=${r.s} ==> next_comm=${r.nc} next_pid=${String(r.nt)} next_prio=120`,
      ),
    fc
      .record({
        c: comm,
        t: tid,
        cpu: fc.nat(255),
        time,
        ev: fc.constantFrom('waking', 'wakeup', 'wakeup_new'),
        wc: comm,
        wt: tid,
        tc: fc.nat(255),
      })
      .map(
        (r) =>
          `${r.c.padStart(16)} ${String(r.t).padStart(6)} [${String(r.cpu).padStart(3, '0')}] ${stamp(r.time)}: sched:sched_${r.ev}: comm=${r.wc} pid=${String(r.wt)} prio=120 target_cpu=${String(r.tc).padStart(3, '0')}`,
      ),
    fc
      .record({ c: comm, t: tid, cpu: fc.nat(255), time, rc: comm, rt: tid, ns: fc.nat(), vr: fc.boolean() })
      .map(
        (r) =>
          `${r.c.padStart(16)} ${String(r.t).padStart(6)} [${String(r.cpu).padStart(3, '0')}] ${stamp(r.time)}: sched:sched_stat_runtime: comm=${r.rc} pid=${String(r.rt)} runtime=${String(r.ns)} [ns]${r.vr ? ' vruntime=123 [ns]' : ''}`,
      ),
  );

  it.each([
    // found by review: letters or punctuation inside the ns fraction once passed the 8-digit check
    'perf 12 [001] 100.00000A01: sched:sched_waking: comm=a pid=5 prio=120 target_cpu=001',
    'perf 12 [001] 100.12:45678: irq:irq_handler_entry: irq=1',
    'perf 12 [001] 706.4a21708978: sched:sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120',
    // the general parser's (.*)$ matches no line with a lone \r, U+2028 or U+2029
    'perf 12 [001] 100.000001: irq:irq_handler_entry: irq=1\rx',
    'perf 12 [001] 100.000001: irq:irq_handler_entry: name=\u2028',
    'perf 12 [001] 100.000001: irq:irq_handler_entry: name=\u2029 and more',
    // -0, which the general parser reads as −0
    'perf 12 [001] 100.000001: sched:sched_switch: prev_comm=a prev_pid=-0 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120',
    'perf -0 [001] 100.000001: sched:sched_waking: comm=a pid=5 prio=120 target_cpu=001',
    'perf 12 [001] 100.000001: sched:sched_waking: comm=a pid=-0 prio=120 target_cpu=001',
  ])('on %j (found by review)', (text) => {
    const { parsed, reference } = bothWays(text);
    expect(parsed).toEqual(reference); // toEqual tells −0 from 0
  });

  // Every fixture line with one byte changed to a character that shapes lines: the two readers still agree.
  const fixtureLines = fixture('migrate.perf.txt').split('\n').slice(0, 400);
  const mutation = fc.record({
    line: fc.nat(fixtureLines.length - 1),
    at: fc.nat(200),
    char: fc.constantFrom(
      '0',
      ' ',
      '9',
      '-',
      '=',
      ':',
      '.',
      '[',
      ']',
      '\r',
      '\t',
      'A',
      'a',
      '+',
      '|',
      '>',
      '\u2028',
      'é',
    ),
  });
  fcTest.prop([fc.array(mutation, { minLength: 1, maxLength: 3 })], { numRuns: 400 })(
    'on fixture lines with bytes changed',
    (changes) => {
      const { line: i } = changes[0] as { line: number };
      let text = fixtureLines[i] ?? '';
      for (const { at, char } of changes) {
        const k = at % Math.max(1, text.length);
        text = text.slice(0, k) + char + text.slice(k + 1);
      }
      const { parsed, reference } = bothWays(text);
      expect(parsed).toEqual(reference);
    },
  );

  fcTest.prop([line], { numRuns: 2000 })('on generated lines', (text) => {
    const { parsed, reference } = bothWays(text, 7);
    expect(parsed).toEqual(reference);
    expect(parsed.type).toBe(outOfRange(text) === undefined ? 'event' : 'malformed'); // past 9007199 s: malformed
  });

  fcTest.prop([fc.string({ unit: fc.constantFrom('a', ' ', '1', '-', '[', ']', '.', ':', '=', '>', 'sched', '\t') })], {
    numRuns: 2000,
  })('on arbitrary text made of the characters that shape a line', (text) => {
    const { parsed, reference } = bothWays(text);
    expect(parsed).toEqual(reference);
  });
});

describe('perf script parser: numbers out of their range make a line malformed (issue 12)', () => {
  const at = (cpu: string, stamp = '706.387120057') =>
    `     rcu_preempt    15 [${cpu}]   ${stamp}:       sched:sched_switch: prev_comm=rcu_preempt prev_pid=15 prev_prio=120 prev_state=I ==> next_comm=sh next_pid=6887 next_prio=120`;
  const wake = (fields: string) => `sh 42 [001] 706.383245: sched:sched_waking: comm=cat ${fields}`;
  const reason = (text: string): string => {
    const r = parsePerfScriptLine(text, 1);
    return r.type === 'malformed' ? r.reason : `not malformed: ${r.type}`;
  };

  it.each([
    ['100000000', /^cpu 100000000 is out of range \(a CPU number is below MAX_CPUS, 8192\)$/],
    ['1000000', /^cpu 1000000 /],
    ['99999999999', /^cpu 99999999999 /],
    ['8192', /^cpu 8192 /],
  ])('the CPU column [%s]', (cpu, why) => {
    expect(reason(at(cpu))).toMatch(why);
  });

  it('takes the last CPU number below MAX_CPUS, and the largest time and pid that are exact', () => {
    expect(parsePerfScriptLine(at('8191'), 1)).toMatchObject({ type: 'event', event: { cpu: 8191 } });
    expect(parsePerfScriptLine(at('000', '9007199.254740991'), 1)).toMatchObject({
      event: { timeNs: Number.MAX_SAFE_INTEGER },
    });
    expect(parsePerfScriptLine(wake('pid=2147483647 target_cpu=001'), 1)).toMatchObject({
      event: { targetTid: 2 ** 31 - 1 },
    });
  });

  it.each([
    ['9007199.254740992', /^timestamp 9007199\.254740992 is out of range \(at most 2\^53−1 ns, about 104 days\)$/],
    ['706000000000.387120057', /^timestamp 706000000000\.387120057 /], // a 12-digit second
    [`${'9'.repeat(400)}.387120057`, /^timestamp 9{20}… \(410 characters\) is out of range/],
  ])('the timestamp %s', (stamp, why) => {
    expect(reason(at('001', stamp))).toMatch(why);
  });

  it('pids beyond pid_t are malformed, not rounded into one task', () => {
    expect(reason(wake('pid=99999999999999999999 prio=120 target_cpu=001'))).toBe(
      'sched_waking: pid 99999999999999999999 is out of range (a pid is -1 or a pid_t ≥ 0, at most 2^31−1)',
    );
    expect(reason(wake('pid=99999999999999999998 prio=120 target_cpu=001'))).toMatch(/^sched_waking: pid 9+8 /);
    expect(reason(wake('pid=2147483648 prio=120 target_cpu=001'))).toMatch(/pid 2147483648 is out of range/);
    expect(reason(at('001').replace('next_pid=6887', 'next_pid=-2147483649'))).toMatch(/^sched_switch: next_pid /);
    expect(reason(at('001').replace('next_pid=6887', 'next_pid=-2'))).toMatch(/^sched_switch: next_pid -2 /); // -1 only
    expect(reason('sh 99999999999 [001] 706.383245: sched:sched_waking: comm=cat pid=1 target_cpu=001')).toMatch(
      /^tid 99999999999 /,
    );
  });

  it('target_cpu, orig_cpu, dest_cpu below MAX_CPUS; runtime a safe ns count', () => {
    expect(reason(wake('pid=43 prio=120 target_cpu=8192'))).toMatch(/^sched_waking: target_cpu 8192 is out of range/);
    const migrate = (o: string, d: string) =>
      `sh 42 [001] 706.383245: sched:sched_migrate_task: comm=cat pid=43 prio=120 orig_cpu=${o} dest_cpu=${d}`;
    expect(reason(migrate('100000000', '1'))).toMatch(/^sched_migrate_task: orig_cpu 100000000 /);
    expect(reason(migrate('1', '-1'))).toMatch(/^sched_migrate_task: dest_cpu -1 /);
    expect(parsePerfScriptLine(migrate('1', '2'), 1).type).toBe('event');
    const runtime = (ns: string) =>
      `sh 42 [001] 706.383245: sched:sched_stat_runtime: comm=cat pid=43 runtime=${ns} [ns] vruntime=1 [ns]`;
    expect(reason(runtime('9007199254740992'))).toMatch(/^sched_stat_runtime: runtime 9007199254740992 \[ns\] is out/);
    expect(parsePerfScriptLine(runtime('9007199254740991'), 1)).toMatchObject({
      event: { runtimeNs: Number.MAX_SAFE_INTEGER },
    });
  });

  it('an out-of-range CPU in a line of another system is malformed too (the line is no line perf wrote)', () => {
    expect(reason('  swapper     0 [100000000]   1.000001: irq:irq_handler_entry: irq=1 name=x')).toMatch(/^cpu /);
  });
});

describe('perf script parser: comment lines (issue 12)', () => {
  it.each([
    '# ========',
    '# captured on    : Tue Dec  1 10:00:00 2026',
    '# cmdline : /usr/bin/perf sched record -- sleep 1',
    '#',
    '   # indented',
    'cpus=2',
  ])('%j is skipped, not malformed (perf script --header prints them)', (text) => {
    expect(parsePerfScriptLine(text, 1)).toEqual({ type: 'skipped', name: '' });
  });

  it('a comm that starts with # still reads as an event', () => {
    expect(
      parsePerfScriptLine('#x 42 [001] 1.000001: sched:sched_process_exit: comm=x pid=42 prio=120', 1),
    ).toMatchObject({ type: 'event', event: { comm: '#x', kind: 'exit' } });
  });
});
