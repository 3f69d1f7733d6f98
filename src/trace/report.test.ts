import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import type { InfoRow, TimehistRow } from './rows.js';
import { msec, timehistHeader, timehistLine, timestamp, type TimehistFormat } from './report.js';
import { TimehistWriter } from './timehist-writer.js';

const encoder = new TextEncoder();

// What the writer must give: the string functions' lines, each ended by \n (as the CLI printed them before).
function expected(rows: readonly (TimehistRow | InfoRow)[], format: TimehistFormat): Uint8Array {
  const lines = [...timehistHeader(format), ...rows.map((r) => timehistLine(r, format))];
  return encoder.encode(`${lines.join('\n')}\n`);
}

// Runs the writer, checking that no buffer it handed over is written again.
function written(rows: readonly (TimehistRow | InfoRow)[], format: TimehistFormat, bufferBytes?: number): Uint8Array {
  const chunks: { bytes: Uint8Array; copy: Uint8Array }[] = [];
  const writer = new TimehistWriter((bytes) => chunks.push({ bytes, copy: bytes.slice() }), format, bufferBytes);
  writer.header();
  for (const row of rows) writer.row(row);
  writer.end();
  for (const c of chunks) expect(c.bytes).toEqual(c.copy);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.bytes.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c.bytes, at);
    at += c.bytes.length;
  }
  return out;
}

// Times as traces give them, and the values the string functions print otherwise (negative, fractions, huge, NaN).
const ns = fc.oneof(
  fc.integer({ min: 0, max: 2_000_000_000_000 }),
  fc.constantFrom(0, -0, 999, 1000, 999_999, 1_000_000, 999_999_999, 1e9, 2 ** 53 - 1, 2 ** 53, 1e21, 1e300),
  fc.maxSafeNat(),
  fc.integer({ min: -5_000_000, max: -1 }),
  fc.double(),
);
const name = fc.oneof(
  fc.constantFrom('<idle>', 'sh', 'kworker/0:1', 'Web Content', 'a-very-long-comm-name-that-overflows-the-column'),
  fc.string({ unit: 'binary', maxLength: 40 }), // any code units, lone surrogates included
);
const cpu = fc.oneof(fc.nat(300), fc.constantFrom(9999, 10_000, 123_456, -1, 1.5));
const switchRow: fc.Arbitrary<TimehistRow> = fc.record({
  timeNs: ns,
  cpu,
  tid: fc.oneof(fc.constant(0), fc.constant(-1), fc.nat(5_000_000)),
  name,
  waitNs: ns,
  delayNs: ns,
  runNs: ns,
  stolenNs: fc.nat(),
  state: fc.oneof(fc.constantFrom('S', 'R', 'D', 'I', 'W', 'X'), fc.string({ maxLength: 8 })),
  line: fc.nat(),
  next: fc.oneof(fc.constant('swapper/0[0]'), name),
});
const infoRow: fc.Arbitrary<InfoRow> = fc.record(
  {
    kind: fc.constantFrom('wakeup' as const, 'migrate' as const),
    timeNs: ns,
    cpu,
    tid: fc.oneof(fc.constant(0), fc.nat(100_000)),
    name,
    target: name,
    fromCpu: cpu,
    toCpu: cpu,
  },
  { requiredKeys: ['kind', 'timeNs', 'cpu', 'tid', 'name', 'target'] },
);
const format: fc.Arbitrary<TimehistFormat> = fc.record({ state: fc.boolean(), info: fc.boolean(), next: fc.boolean() });

describe('TimehistWriter', () => {
  fcTest.prop([fc.array(fc.oneof({ weight: 5, arbitrary: switchRow }, infoRow), { maxLength: 60 }), format])(
    'writes exactly the lines timehistLine makes, for every value those print',
    (rows, f) => {
      expect(written(rows, f)).toEqual(expected(rows, f));
    },
  );

  fcTest.prop([fc.array(switchRow, { maxLength: 30 }), format, fc.integer({ min: 1, max: 300 })])(
    'buffers of any size, smaller than a line too, give the same bytes and are never written again',
    (rows, f, size) => {
      expect(written(rows, f, size)).toEqual(expected(rows, f));
    },
  );

  it('a row whose every number is printed by the string functions fits one reserve, in the smallest buffer', () => {
    const odd = -Number.MAX_VALUE / 10;
    const row: TimehistRow = {
      timeNs: odd,
      cpu: -Number.MIN_VALUE * 12_345,
      tid: -1,
      name: 'x'.repeat(40),
      waitNs: Number.NaN,
      delayNs: odd,
      runNs: -Number.MIN_VALUE,
      stolenNs: 0,
      state: 'D|K',
      line: 1,
    };
    const f = { state: true, info: true };
    expect(written([row, row], f, 1)).toEqual(expected([row, row], f));
  });

  it('one task seen again under a new comm gets its new name', () => {
    const row = (n: string): TimehistRow => ({
      timeNs: 706_383_245_123,
      cpu: 1,
      tid: 42,
      name: n,
      waitNs: 0,
      delayNs: 1_500,
      runNs: 2_357_999,
      stolenNs: 0,
      state: 'S',
      line: 1,
    });
    const rows = [row('sh'), row('sh'), row('make'), row('sh')];
    expect(new TextDecoder().decode(written(rows, {}))).toContain('make[42]');
    expect(written(rows, {})).toEqual(expected(rows, {}));
  });

  it('agrees with the msec and timestamp reference values', () => {
    // perf sched timehist prints 706.383245 for t = 706383245123 ns and 2.357 for 2357999 ns (truncated, not rounded)
    expect(timestamp(706_383_245_123)).toBe('706.383245');
    expect(msec(2_357_999)).toBe('     2.357');
  });

  it('writes what timehistLine writes for a line whose target a caller without types left out', () => {
    const row = { kind: 'wakeup', timeNs: 1_000, cpu: 0, tid: 7, name: 'sh' } as unknown as InfoRow;
    expect(written([row], {})).toEqual(expected([row], {}));
  });

  it('hands a buffer over once, even when the callback throws and end() is called again', () => {
    const got: Uint8Array[] = [];
    let fail = true;
    const writer = new TimehistWriter((bytes) => {
      got.push(bytes.slice());
      if (fail) throw new Error('the disk is full');
    });
    writer.header();
    expect(() => {
      writer.end();
    }).toThrow('the disk is full');
    fail = false;
    writer.end();
    expect(got.length).toBe(1);
  });

  it('refuses a buffer size that is not a whole number ≥ 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new TimehistWriter(() => undefined, {}, bad)).toThrow(SchedacctError);
    }
  });
});

describe("perf's -n column", () => {
  it('is `next: comm[tid]` cut to 29 characters, padded to 30, after the run time; -w adds no padding then', () => {
    const row = { timeNs: 706_383_245_000, cpu: 0, tid: 6883, name: 'perf', waitNs: 0, delayNs: 0, runNs: 0 };
    const r = { ...row, stolenNs: 0, state: 'R', line: 1, next: 'migration/0[18]' };
    expect(timehistLine(r, { next: true })).toBe(
      '     706.383245 [0000]  perf[6883]                          0.000      0.000      0.000  next: migration/0[18]         ',
    );
    expect(timehistLine(r, { next: true, info: true })).toBe(timehistLine(r, { next: true }));
    const long = timehistLine({ ...r, next: 'a-very-long-comm-name[1234567]' }, { next: true });
    expect(long.endsWith(' next: a-very-long-comm-name[1 ')).toBe(true); // 29 characters, then the pad
  });
});

describe("perf's -V column", () => {
  const row = { timeNs: 706_383_245_000, cpu: 1, tid: 42, name: 'sh', waitNs: 0, delayNs: 0, runNs: 0 };
  const r = { ...row, stolenNs: 0, state: 'S', line: 1 };
  it("a character at the row's CPU in max_cpu + 1 columns: s, i for idle, m for a migration (two spaces round)", () => {
    expect(timehistLine(r, { cpuVisual: 2 })).toContain('[0001]   s   sh[42]');
    expect(timehistLine({ ...r, tid: 0, name: '<idle>' }, { cpuVisual: 2 })).toContain('[0001]   i   <idle>');
    const info = {
      kind: 'migrate' as const,
      timeNs: 1,
      cpu: 0,
      tid: 42,
      name: 'sh',
      target: 'x[1]',
      fromCpu: 0,
      toCpu: 1,
    };
    expect(timehistLine(info, { cpuVisual: 2 })).toContain('[0000]   m     sh[42]');
    expect(timehistHeader({ cpuVisual: 2 })[0]).toBe(
      '           time    cpu  012  task name                       wait time  sch delay   run time',
    );
  });
  it('a row on a CPU past max_cpu widens the column; the writer keeps the widest', () => {
    expect(timehistLine({ ...r, cpu: 5 }, { cpuVisual: 2 })).toContain('[0005]       s  sh[42]');
    const chunks: Uint8Array[] = [];
    const w = new TimehistWriter((b) => chunks.push(b), { cpuVisual: 2 });
    w.row({ ...r, cpu: 5 });
    w.row({ ...r, cpu: 0 });
    w.end();
    const [, second] = new TextDecoder().decode(chunks[0]).split('\n');
    expect(second).toContain('[0000]  s       sh[42]'); // six columns now: 's' and five blanks
  });
});
