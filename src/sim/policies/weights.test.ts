import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../../errors.js';
import {
  inverseWeight,
  NICE_0_WEIGHT,
  SCHED_PRIO_TO_WEIGHT,
  SCHED_PRIO_TO_WMULT,
  weightOfNice,
  wmultOfNice,
} from './weights.js';

// Linux kernel/sched/core.c (torvalds/linux; the same text since 2.6.23 under older names), pasted as it is written
// there and parsed here, so a slip in the TypeScript table cannot hide behind a copy of itself.
const CORE_C = `
const int sched_prio_to_weight[40] = {
 /* -20 */     88761,     71755,     56483,     46273,     36291,
 /* -15 */     29154,     23254,     18705,     14949,     11916,
 /* -10 */      9548,      7620,      6100,      4904,      3906,
 /*  -5 */      3121,      2501,      1991,      1586,      1277,
 /*   0 */      1024,       820,       655,       526,       423,
 /*   5 */       335,       272,       215,       172,       137,
 /*  10 */       110,        87,        70,        56,        45,
 /*  15 */        36,        29,        23,        18,        15,
};
const u32 sched_prio_to_wmult[40] = {
 /* -20 */     48388,     59856,     76040,     92818,    118348,
 /* -15 */    147320,    184698,    229616,    287308,    360437,
 /* -10 */    449829,    563644,    704093,    875809,   1099582,
 /*  -5 */   1376151,   1717300,   2157191,   2708050,   3363326,
 /*   0 */   4194304,   5237765,   6557202,   8165337,  10153587,
 /*   5 */  12820798,  15790321,  19976592,  24970740,  31350126,
 /*  10 */  39045157,  49367440,  61356676,  76695844,  95443717,
 /*  15 */ 119304647, 148102320, 186737708, 238609294, 286331153,
};`;

function parseTable(name: string): number[] {
  const body = new RegExp(`${name}\\[40\\] = \\{([^}]*)\\}`).exec(CORE_C)?.[1] ?? '';
  return body
    .replace(/\/\*[^*]*\*\//g, '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
}

describe('the weight tables', () => {
  it('equal the kernel’s, entry by entry', () => {
    expect(parseTable('sched_prio_to_weight')).toHaveLength(40);
    expect([...SCHED_PRIO_TO_WEIGHT]).toEqual(parseTable('sched_prio_to_weight'));
    expect([...SCHED_PRIO_TO_WMULT]).toEqual(parseTable('sched_prio_to_wmult'));
  });

  it('wmult is 2^32 / weight within one unit for all 40 entries, though not always rounded down', () => {
    const notFloor: number[] = [];
    SCHED_PRIO_TO_WEIGHT.forEach((w, i) => {
      const m = SCHED_PRIO_TO_WMULT[i] ?? 0;
      expect(Math.abs(m * w - 2 ** 32)).toBeLessThan(w);
      if (m !== Math.floor(2 ** 32 / w)) notFloor.push(i - 20);
    });
    // the kernel's table is not floor(2^32 / w) for these nice values (2^32 / 56483 = 76039.99…, the table 76040)
    expect(notFloor).toEqual([-18, -17, -8, -7, -4, -2, -1, 1, 2, 4, 5, 6, 12]);
  });

  it('steps about 1.25× per nice level, nice 0 at 1024', () => {
    expect(weightOfNice(0)).toBe(NICE_0_WEIGHT);
    for (let n = -20; n < 19; n++) {
      const ratio = weightOfNice(n) / weightOfNice(n + 1);
      expect(ratio).toBeGreaterThanOrEqual(1.19);
      expect(ratio).toBeLessThan(1.3);
    }
  });

  it('looks up nice values and rejects others', () => {
    expect(weightOfNice(5)).toBe(335);
    expect(wmultOfNice(-20)).toBe(48388);
    expect(() => weightOfNice(20)).toThrow(SchedacctError);
    expect(() => weightOfNice(0.5)).toThrow(/nice/);
  });

  it('gives a task weight the table’s inverse and a sum WMULT_CONST / w, as __update_inv_weight', () => {
    expect(inverseWeight(1024)).toBe(4194304);
    expect(inverseWeight(1359)).toBe(Math.floor(0xffffffff / 1359));
    expect(inverseWeight(0)).toBe(0xffffffff);
    expect(inverseWeight(2 ** 33)).toBe(1);
  });
});
