import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_CHARS } from './bytes.js';

const encoder = new TextEncoder();

function splitInChunks(text: string, cuts: readonly number[]): string[] {
  const bytes = encoder.encode(text);
  const lines: string[] = [];
  const splitter = new LineSplitter(
    (line) => lines.push(line),
    () => lines.push('<overlong>'),
  );
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(cut, bytes.length);
    if (to > at) splitter.push(bytes.subarray(at, to));
    at = Math.max(at, to);
  }
  splitter.push(bytes.subarray(at));
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  fcTest.prop([fc.string({ unit: fc.constantFrom('a', ' ', 'é', '中', '\n', '\r\n') }), fc.array(fc.nat(400))])(
    'chunks cut anywhere (inside a UTF-8 character too) give the lines of the whole text',
    (text, cuts) => {
      const expected = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
      if (text.endsWith('\n')) expected.pop(); // a final line end closes the last line, it does not open one
      if (text === '') expected.pop();
      expect(splitInChunks(text, cuts)).toEqual(expected);
    },
  );

  it('delivers a last line without a line end at end()', () => {
    expect(splitInChunks('a\nb', [])).toEqual(['a', 'b']);
    expect(splitInChunks('a\r\n\r\n', [2])).toEqual(['a', '']);
  });
});

describe('LineSplitter: lines longer than MAX_LINE_CHARS (issue 12)', () => {
  const long = (chars: number) => 'x'.repeat(chars);

  it('gives a line over the cap as one overlong line in its place, the lines around it intact', () => {
    const text = `a\n${long(MAX_LINE_CHARS + 1)}\nb\n${long(MAX_LINE_CHARS)}\n${long(MAX_LINE_CHARS)}\r\nc`;
    for (const cuts of [[], [1, 2, 3, 70_000], [MAX_LINE_CHARS + 2, MAX_LINE_CHARS + 3, MAX_LINE_CHARS + 4]]) {
      const lines = splitInChunks(text, cuts);
      expect(lines.map((l) => (l.length > 10 ? l.length : l))).toEqual([
        'a',
        '<overlong>',
        'b',
        MAX_LINE_CHARS,
        MAX_LINE_CHARS,
        'c',
      ]);
    }
  });

  it('passes over a 40 MB line and a run of NUL bytes cut in chunks, and a last line without its line end', () => {
    const lines = splitInChunks(`${long(40_000_000)}\nok\n${'\0'.repeat(3_000_000)}é\n${long(70_000)}`, [
      ...Array.from({ length: 200 }, (_, i) => i * 262_144 + 1),
    ]);
    expect(lines).toEqual(['<overlong>', 'ok', '<overlong>', '<overlong>']);
  });

  it('a character cut at the end of a skipped line does not spill into the next line', () => {
    const bytes = encoder.encode(`${long(MAX_LINE_CHARS + 10)}é\nafter\n`);
    const cut = MAX_LINE_CHARS + 11; // inside the two bytes of é
    const lines: string[] = [];
    const s = new LineSplitter(
      (l) => lines.push(l),
      () => lines.push('<overlong>'),
    );
    s.push(bytes.subarray(0, 65_000));
    s.push(bytes.subarray(65_000, cut)); // the line is found too long here, with half a character pending
    s.push(bytes.subarray(cut));
    s.end();
    expect(lines).toEqual(['<overlong>', 'after']);
  });
});
