import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS } from './bytes.js';
import { readTrace } from './read.js';

// Whole traces through readTrace: the fixture with one mutation (the issue 12 reproducers), as lines and as bytes.
const text = readFileSync(new URL('../../fixtures/perf/sh-loops.perf.txt', import.meta.url), 'utf8');
const lines = text.split('\n');
if (lines.at(-1) === '') lines.pop();
const sedLine = (n: number, from: string | RegExp, to: string): string[] =>
  lines.map((l, i) => (i === n - 1 ? l.replace(from, to) : l));
const bytes = (ls: readonly string[]): Uint8Array[] => {
  const all = new TextEncoder().encode(`${ls.join('\n')}\n`);
  return Array.from({ length: Math.ceil(all.length / 4096) }, (_, i) => all.subarray(i * 4096, (i + 1) * 4096));
};

describe('readTrace: a number out of range is one malformed line, and the replay goes on (issue 12)', () => {
  it.each([
    ['[100000000]', sedLine(33, '[001]', '[100000000]'), /^cpu 100000000 is out of range/],
    ['[1000000]', sedLine(33, '[001]', '[1000000]'), /^cpu 1000000 /],
    ['[99999999999]', sedLine(33, '[001]', '[99999999999]'), /^cpu 99999999999 /],
    ['a 400-digit timestamp', sedLine(33, / 706\./, ` ${'9'.repeat(400)}.`), /^timestamp 9{20}… \(410 characters\)/],
    ['a 12-digit second', sedLine(33, / 706\./, ' 706000000000.'), /^timestamp 706000000000\./],
  ])('%s (sed line 33)', async (_name, mutated, why) => {
    const clean = await readTrace(lines);
    for (const input of [mutated, bytes(mutated)]) {
      const r = await readTrace(input);
      expect(r.malformed.count).toBe(1);
      expect(r.malformed.details[0]).toMatchObject({ kind: 'malformed-line', line: 33 });
      expect(r.malformed.details[0]?.message).toMatch(why);
      expect(r.replay.counts.switch).toBe(clean.replay.counts.switch - 1);
    }
  });

  it('two pids past pid_t are two malformed lines, not one task made of both', async () => {
    const mutated = lines.map((l, i) =>
      i === 32 || i === 36 ? l.replace(/next_pid=\d+/, `next_pid=9999999999999999999${String(i % 2)}`) : l,
    );
    const r = await readTrace(mutated);
    expect(r.malformed.details.map((d) => d.line)).toEqual([33, 37]);
    expect(r.replay.tasks().some((t) => t.tid > 2 ** 31 - 1)).toBe(false);
  });

  it('a time past 2^53 ns late in the trace is malformed lines, never an exception', async () => {
    const mutated = lines.map((l, i) => (i >= 59 ? l.replace(/ 706\./, ' 9100000.') : l));
    const r = await readTrace(mutated);
    expect(r.malformed.count).toBe(mutated.length - 59);
    expect(r.malformed.details[0]?.line).toBe(60);
  });
});

describe('readTrace: a line longer than MAX_LINE_CHARS is one malformed line with its number (issue 12)', () => {
  const long = 'x'.repeat(MAX_LINE_CHARS + 1);
  it.each([
    ['first', 0],
    ['40th', 39],
    ['100th', 99],
  ])('as the %s line, given as lines or as bytes', async (_name, at) => {
    const withLong = [...lines.slice(0, at), long, ...lines.slice(at)];
    for (const input of [withLong, bytes(withLong)]) {
      const r = await readTrace(input);
      expect(r.format).toBe('perf-script');
      expect(r.malformed.count).toBe(1);
      expect(r.malformed.details[0]).toEqual({
        kind: 'malformed-line',
        line: at + 1,
        message: `line longer than the ${String(MAX_LINE_CHARS)} characters a trace line may have (passed over)`,
      });
      expect(r.lines).toBe(lines.length + 1);
    }
  });

  it('a line of exactly MAX_LINE_CHARS is read (and here malformed as no head)', async () => {
    const r = await readTrace([...lines, 'y'.repeat(MAX_LINE_CHARS)]);
    expect(r.malformed.details[0]?.message).toBe('not COMM TID [CPU] TIME: EVENT: FIELDS');
  });
});

describe('readTrace: comment lines (issue 12)', () => {
  // the header `perf script --header` prints before the samples
  const header = [
    '# ========',
    '# captured on    : Tue Dec  1 10:00:00 2026',
    '# hostname : vm',
    '# nrcpus online : 2',
    '# cmdline : /usr/bin/perf sched record -- sh -c loops',
    '# ========',
    '#',
  ];

  it('perf script --header: no malformed line, the comments counted, the same replay', async () => {
    const withHeader = [...header, ...lines.slice(0, 60), '# a comment between samples', ...lines.slice(60)];
    for (const input of [withHeader, bytes(withHeader)]) {
      const r = await readTrace(input);
      expect(r.malformed.count).toBe(0);
      expect(r.comments).toBe(header.length + 1 + lines.filter((l) => l.trim() === '').length);
      expect(r.replay.counts).toEqual((await readTrace(lines)).replay.counts);
    }
  });

  it('--strict does not fail on the header (a clean trace: the fixtures have lost events, which strict refuses)', async () => {
    const clean = [
      'sh 42 [000] 1.000000000: sched:sched_switch: prev_comm=sh prev_pid=42 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
      'swapper 0 [000] 1.000100000: sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=sh next_pid=42 next_prio=120',
    ];
    const r = await readTrace([...header, ...clean], { strict: true });
    expect(r.malformed.count).toBe(0);
    expect(r.replay.counts.switch).toBe(2);
  });

  it('many comments before the first sample: the format is still told from the lines after them', async () => {
    function* many(): Generator<string> {
      for (let i = 0; i < 200_000; i++) yield '# a comment';
      yield* lines;
    }
    const r = await readTrace(many());
    expect(r.format).toBe('perf-script');
    expect(r.comments).toBeGreaterThanOrEqual(200_000);
    expect(r.malformed.count).toBe(0);
  });
});
