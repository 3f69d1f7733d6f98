import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import { EventQueue } from './event-queue.js';

function drain(q: EventQueue): [number, number, number][] {
  const out: [number, number, number][] = [];
  while (q.pop()) out.push([q.time, q.seq, q.target]);
  return out;
}

describe('EventQueue', () => {
  it('takes events by time, and at equal times in the order they were pushed', () => {
    const q = new EventQueue(2);
    q.push(30, 1, 0);
    q.push(10, 1, 1);
    q.push(30, 1, 2);
    q.push(10, 1, 3);
    q.push(20, 1, 4);
    expect(drain(q).map(([t, , target]) => [t, target])).toEqual([
      [10, 1],
      [10, 3],
      [20, 4],
      [30, 0],
      [30, 2],
    ]);
  });

  it('refuses a time that is not a whole number of ns', () => {
    const q = new EventQueue();
    expect(() => q.push(1.5, 1, 0)).toThrow(SchedacctError);
    expect(() => q.push(-1, 1, 0)).toThrow(SchedacctError);
  });

  fcTest.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 300 })])(
    'pops what a stable sort by time gives, pushes and pops interleaved',
    (ops) => {
      const q = new EventQueue(1);
      const model: { time: number; seq: number }[] = [];
      const popped: number[] = [];
      const expected: number[] = [];
      for (const [time, pop] of ops) {
        if (pop && model.length > 0) {
          model.sort((a, b) => a.time - b.time || a.seq - b.seq);
          expected.push((model.shift() as { seq: number }).seq);
          q.pop();
          popped.push(q.seq);
        } else model.push({ time, seq: q.push(time, 2, 0) });
      }
      expect(popped).toEqual(expected);
      expect(q.size).toBe(model.length);
    },
  );
});
