import { fc, test as fcTest } from '@fast-check/vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createPerfScriptReader, parsePerfScriptLine, parsePerfScriptText } from './perf-script.js';

const encoder = new TextEncoder();
const fixture = (name: string): string => {
  const data = readFileSync(new URL(`../../fixtures/perf/${name}`, import.meta.url));
  return (name.endsWith('.gz') ? gunzipSync(data) : data).toString('utf8');
};

// The byte scanner reads the usual shapes in place; the general path (regex head, key=value fields) reads any shape.
// Wherever the scanner answers, both must give the same result.
function bothWays(text: string, line = 1) {
  const reader = createPerfScriptReader();
  const bytes = encoder.encode(`${text}\n`);
  return { scanned: reader.bytes(bytes, 0, bytes.length - 1, line), general: parsePerfScriptText(text, line) };
}

describe('perf script byte scanner', () => {
  it.each([
    'sh-loops.perf.txt',
    'sh-loops.perf-us.txt',
    'migrate.perf.txt',
    'migrate.perf-us.txt',
    'forkstorm.perf.txt',
    'pingpong.perf.txt.gz',
  ])('agrees with the general parser on every line of %s', (name) => {
    const lines = fixture(name).split('\n');
    const reader = createPerfScriptReader(); // one reader for the whole file: its comm cache is exercised
    let differing = 0;
    let first = '';
    lines.forEach((text, i) => {
      const bytes = encoder.encode(text);
      const a = reader.bytes(bytes, 0, bytes.length, i + 1);
      const b = parsePerfScriptText(text, i + 1);
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        differing++;
        first ||= `line ${String(i + 1)}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
      }
    });
    expect(first).toBe('');
    expect(differing).toBe(0);
  });

  it('reads the usual events itself and names other systems as skipped', () => {
    const sw = bothWays(
      '     Web Content  4242 [001]   717.568030404:       sched:sched_switch: prev_comm=Web Content prev_pid=4242 prev_prio=120 prev_state=R+ ==> next_comm=<...> next_pid=-1 next_prio=120',
    );
    expect(sw.scanned).toEqual(sw.general);
    expect(sw.scanned).toMatchObject({
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
    expect(bothWays('  swapper     0 [000]   1.000001: irq:irq_handler_entry: irq=1 name=x').scanned).toEqual({
      type: 'skipped',
      name: 'irq:irq_handler_entry',
    });
  });

  it('leaves unusual shapes to the general path, which reads them', () => {
    // old kernels' success=1 before target_cpu; a fork (rare: not scanned); a period column before the event
    for (const text of [
      '  sh 10 [000] 1.000001: sched:sched_wakeup: comm=cat pid=11 prio=120 success=1 target_cpu=000',
      '  sh 10 [000] 1.000001: sched:sched_process_fork: comm=sh pid=10 child_comm=sh child_pid=12',
      '  sh 10 [000] 1.000001: 1 sched:sched_switch: prev_comm=sh prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
    ]) {
      expect(createPerfScriptReader().bytes(encoder.encode(text), 0, encoder.encode(text).length, 1)).toEqual(
        parsePerfScriptText(text, 1),
      );
      expect(parsePerfScriptLine(text, 1).type).toBe('event');
    }
  });

  it('never reads past the line: the bytes after it are another line', () => {
    const text = '  sh 10 [000] 1.000001: sched:sched_stat_runtime: comm=sh pid=10 runtime=5';
    const bytes = encoder.encode(`${text} [ns]\n`);
    // The same bytes cut before " [ns]": the scanner must see the line end where it is told
    expect(createPerfScriptReader().bytes(bytes, 0, text.length, 1)).toEqual(parsePerfScriptText(text, 1));
    expect(parsePerfScriptLine(`${text}7 [ns]`, 1)).toMatchObject({ event: { runtimeNs: 57 } });
    expect(parsePerfScriptLine(text.slice(0, -1), 1)).toEqual(parsePerfScriptText(text.slice(0, -1), 1));
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
  ])('agrees with the general parser on %j', (text) => {
    const { scanned, general } = bothWays(text);
    expect(scanned).toEqual(general);
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

  fcTest.prop([line], { numRuns: 500 })('generated lines: scanner and general parser agree', (text) => {
    const { scanned, general } = bothWays(text, 7);
    expect(scanned).toEqual(general);
    expect(scanned.type).toBe('event');
  });
});
