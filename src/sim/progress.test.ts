import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

describe('Progress', () => {
  it('draws runs done, total and the time left on a terminal, at most every 100 ms and always at the end', () => {
    let t = 0;
    const out: string[] = [];
    const bar = new Progress(4, { isTTY: true, columns: 60, write: (s: string) => out.push(s) }, () => t);
    t = 1000;
    bar.update(1); // 1 run in 1 s: 3 s left
    t = 1050;
    bar.update(2); // within 100 ms of the last: not drawn
    t = 4000;
    bar.update(4);
    bar.done();
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^\r\[#+\.+\] 1\/4 runs, ETA 3 s/);
    expect(out[0]?.endsWith('\x1b[K')).toBe(true); // the rest of the line cleared
    expect(out[1]).toMatch(/ 4\/4 runs, ETA 0 s/);
    expect(out[2]).toBe('\r\x1b[K');
  });

  it('is silent when the stream is not a terminal (a log, a pipe)', () => {
    const out: string[] = [];
    const bar = new Progress(2, { isTTY: false, write: (s: string) => out.push(s) }, () => 0);
    bar.update(1);
    bar.update(2);
    bar.done();
    expect(out).toEqual([]);
  });
});
