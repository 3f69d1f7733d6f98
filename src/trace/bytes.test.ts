import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from './bytes.js';

const encoder = new TextEncoder();

function splitInChunks(text: string, cuts: readonly number[]): string[] {
  const bytes = encoder.encode(text);
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
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
