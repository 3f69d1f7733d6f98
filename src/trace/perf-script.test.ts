import { fc, test as fcTest } from '@fast-check/vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePerfScriptLine, parsePerfScriptText, type LineResult } from './perf-script.js';
import { runtimeEvent, switchEvent, wakeupEvent } from './events.js';
import { RecordReader, type RecordSink } from './records.js';
import { ChunkScanner, RECORD_INTS, RECORD_KIND } from './wasm-scan.js';

const encoder = new TextEncoder();
const fixture = (name: string): string => {
  const data = readFileSync(new URL(`../../fixtures/perf/${name}`, import.meta.url));
  return (name.endsWith('.gz') ? gunzipSync(data) : data).toString('utf8');
};

// What the WebAssembly scanner makes of lines (one scanner, so its comm caches carry from line to line): each line's
// result, and whether the scanner read it itself (false: it left the line to the general parser, as text).
interface Scanned {
  readonly results: LineResult[];
  readonly scannedItself: boolean[];
}
// Each record as the event the general parser makes of its line (the sink's arguments are the events' fields, in order).
const eventsInto = (results: LineResult[]): RecordSink => ({
  switchAt: (...fields) => void results.push({ type: 'event', event: switchEvent(...fields) }),
  wakeupAt: (...fields) => void results.push({ type: 'event', event: wakeupEvent(...fields) }),
  runtimeAt: (...fields) => void results.push({ type: 'event', event: runtimeEvent(...fields) }),
  result: (result) => void results.push(result),
});
// A scanner's batches list only the strings new to it: its reader lives as long as it does.
const readers = new WeakMap<ChunkScanner, RecordReader>();
function scanLines(scanner: ChunkScanner, lines: readonly string[], chunkBytes = 1 << 16): Scanned {
  const results: LineResult[] = [];
  const scannedItself: boolean[] = [];
  let reader = readers.get(scanner);
  if (reader === undefined) {
    reader = new RecordReader(parsePerfScriptText);
    readers.set(scanner, reader);
  }
  const records = reader;
  const first = scanner.lines;
  const onBatch = (batch: Parameters<RecordReader['read']>[0]): void => {
    for (let r = 0; r < batch.count; r++) scannedItself.push(batch.ints[r * RECORD_INTS] !== RECORD_KIND.text);
    records.read(batch, -first, eventsInto(results));
  };
  const bytes = encoder.encode(lines.join('\n'));
  for (let at = 0; at < bytes.length; at += chunkBytes) scanner.push(bytes.subarray(at, at + chunkBytes), onBatch);
  scanner.end(onBatch);
  return { results, scannedItself };
}

let shared: ChunkScanner;
beforeAll(async () => {
  const scanner = await ChunkScanner.create();
  if (scanner === undefined) throw new Error('this runtime cannot run the WebAssembly scanner');
  shared = scanner;
});

// The scanner reads the usual shapes in place; the general path (regex head, key=value fields) reads any shape.
// Wherever the scanner answers, both must give the same result.
function bothWays(text: string, line = 1): { scanned: LineResult; general: LineResult; itself: boolean } {
  const { results, scannedItself } = scanLines(shared, [text]);
  const first = results[0] as LineResult;
  const scanned: LineResult = first.type === 'event' ? { type: 'event', event: { ...first.event, line } } : first;
  // the line as every reader takes it: a \r before its line end is dropped
  const read = text.endsWith('\r') ? text.slice(0, -1) : text;
  return { scanned, general: parsePerfScriptText(read, line), itself: scannedItself[0] === true };
}

describe('perf script scanner (WebAssembly)', () => {
  it.each([
    'sh-loops.perf.txt',
    'sh-loops.perf-us.txt',
    'migrate.perf.txt',
    'migrate.perf-us.txt',
    'forkstorm.perf.txt',
    'pingpong.perf.txt.gz',
  ])('agrees with the general parser on every line of %s, and reads the usual ones itself', async (name) => {
    const lines = fixture(name).split('\n');
    if (lines.at(-1) === '') lines.pop();
    // one scanner for the whole file, fed in small chunks: its caches and the carry between chunks are exercised
    const scanner = (await ChunkScanner.create({ inputBytes: 4096, records: 64 })) as ChunkScanner;
    const { results, scannedItself } = scanLines(scanner, lines, 1000);
    expect(results).toHaveLength(lines.length);
    let differing = 0;
    let first = '';
    let usual = 0;
    let usualDeferred = 0;
    lines.forEach((text, i) => {
      const general = parsePerfScriptText(text, i + 1);
      const a = JSON.stringify(results[i]);
      const b = JSON.stringify(general);
      if (a !== b) {
        differing++;
        first ||= `line ${String(i + 1)}: ${a} vs ${b}`;
      }
      if (/sched:sched_(switch|waking|wakeup|wakeup_new|stat_runtime):/.test(text)) {
        usual++;
        if (scannedItself[i] !== true) usualDeferred++;
      }
    });
    expect(first).toBe('');
    expect(differing).toBe(0);
    expect(usual).toBeGreaterThan(0);
    expect(usualDeferred).toBe(0);
  });

  it('reads the usual events itself and names other systems as skipped', () => {
    const sw = bothWays(
      '     Web Content  4242 [001]   717.568030404:       sched:sched_switch: prev_comm=Web Content prev_pid=4242 prev_prio=120 prev_state=R+ ==> next_comm=<...> next_pid=-1 next_prio=120',
    );
    expect(sw.scanned).toEqual(sw.general);
    expect(sw.itself).toBe(true);
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
    const irq = bothWays('  swapper     0 [000]   1.000001: irq:irq_handler_entry: irq=1 name=x');
    expect(irq.scanned).toEqual({ type: 'skipped', name: 'irq:irq_handler_entry' });
    expect(irq.itself).toBe(true);
  });

  it('leaves unusual shapes to the general path, which reads them', () => {
    // old kernels' success=1 before target_cpu; a fork (rare: not scanned); a period column before the event
    for (const text of [
      '  sh 10 [000] 1.000001: sched:sched_wakeup: comm=cat pid=11 prio=120 success=1 target_cpu=000',
      '  sh 10 [000] 1.000001: sched:sched_process_fork: comm=sh pid=10 child_comm=sh child_pid=12',
      '  sh 10 [000] 1.000001: 1 sched:sched_switch: prev_comm=sh prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
    ]) {
      const { scanned, general, itself } = bothWays(text);
      expect(scanned).toEqual(general);
      expect(itself).toBe(false);
      expect(parsePerfScriptLine(text, 1).type).toBe('event');
    }
  });

  it('never reads past the line: the bytes after it are another line', () => {
    const text = '  sh 10 [000] 1.000001: sched:sched_stat_runtime: comm=sh pid=10 runtime=5';
    // The line ends before " [ns]", which starts the next line: each is read as the general parser reads it alone
    const { results } = scanLines(shared, [text, ' [ns]', `${text}7 [ns]`, text.slice(0, -1)]);
    expect(results).toEqual([
      parsePerfScriptText(text, 1),
      parsePerfScriptText(' [ns]', 2),
      { ...parsePerfScriptText(`${text}7 [ns]`, 3) },
      parsePerfScriptText(text.slice(0, -1), 4),
    ]);
    expect(results[2]).toMatchObject({ event: { runtimeNs: 57 } });
  });

  it('takes a line longer than its input area as text, and a \\r before a line end away', async () => {
    const scanner = (await ChunkScanner.create({ inputBytes: 256, records: 8 })) as ChunkScanner;
    const long = `  sh 10 [000] 1.000001: sched:sched_wakeup: comm=${'x'.repeat(600)} pid=11 prio=120 target_cpu=000`;
    const usual = '  sh 10 [000] 1.000002: sched:sched_waking: comm=cat pid=11 prio=120 target_cpu=000';
    const { results } = scanLines(scanner, [usual, long, `${usual}\r`, long], 100);
    expect(results).toEqual([
      parsePerfScriptText(usual, 1),
      parsePerfScriptText(long, 2),
      parsePerfScriptText(usual, 3),
      parsePerfScriptText(long, 4),
    ]);
    expect(scanner.lines).toBe(4);
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

  it('reads ns and µs stamps, a negative tid, vruntime and every wakeup variant itself', () => {
    const head = '            perf  7349 [000]   717.568020530: ';
    for (const text of [
      `${head}sched:sched_stat_runtime: comm=perf pid=7349 runtime=47601 [ns] vruntime=1234 [ns]`,
      `            perf  7349 [000]   717.568020: sched:sched_stat_runtime: comm=perf pid=7349 runtime=47601 [ns]`,
      `${head}  sched:sched_wakeup_new: comm=sh pid=7350 prio=120 target_cpu=000`,
      `${head}      sched:sched_wakeup: comm=sh pid=7350 prio=120 target_cpu=001`,
      `            perf    -1 [001]   717.568030404:       sched:sched_switch: prev_comm=perf prev_pid=-1 prev_prio=120 prev_state=X ==> next_comm=swapper/1 next_pid=0 next_prio=120`,
    ]) {
      const { scanned, general, itself } = bothWays(text);
      expect(scanned).toEqual(general);
      expect(scanned.type).toBe('event');
      expect(itself).toBe(true);
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
  ])('agrees with the general parser on %j (found by review)', (text) => {
    const { scanned, general } = bothWays(text);
    expect(scanned).toEqual(general); // toEqual tells −0 from 0
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
    'fixture lines with bytes changed: scanner and general parser agree',
    (changes) => {
      const { line: i } = changes[0] as { line: number };
      let text = fixtureLines[i] ?? '';
      for (const { at, char } of changes) {
        const k = at % Math.max(1, text.length);
        text = text.slice(0, k) + char + text.slice(k + 1);
      }
      const { scanned, general } = bothWays(text);
      expect(scanned).toEqual(general);
    },
  );

  it('a trace with more distinct strings than the table holds: the scanner starts it afresh and reads on', async () => {
    const scanner = (await ChunkScanner.create()) as ChunkScanner;
    const lines = Array.from(
      { length: 12_000 },
      (_, i) =>
        `   c${String(i)}  ${String(1000 + i)} [000] 1.${String(i).padStart(9, '0')}: sched:sched_waking: comm=w${String(i)} pid=${String(5000 + i)} prio=120 target_cpu=000`,
    );
    const { results, scannedItself } = scanLines(scanner, lines, 1 << 14);
    expect(results).toEqual(lines.map((l, i) => parsePerfScriptText(l, i + 1)));
    // 24,000 distinct comms: the table (8,192) started afresh several times, and no line was left to the general parser
    expect(scannedItself.filter((x) => !x)).toHaveLength(0);
  });

  fcTest.prop([line], { numRuns: 500 })('generated lines: scanner and general parser agree', (text) => {
    const { scanned, general, itself } = bothWays(text, 7);
    expect(scanned).toEqual(general);
    expect(scanned.type).toBe('event');
    // plain ASCII comms are the scanner's own to read; others (é, 中) it leaves to the general parser, and so a head
    // whose comm holds `]` (the CPU column's end, which the scanner looks for first)
    const head = text.slice(0, /\s+-?\d+\s+\[\d+\]\s/.exec(text)?.index ?? 0);
    if (/^[\x20-\x7e]*$/.test(text) && !head.includes(']')) expect(itself).toBe(true);
  });
});
