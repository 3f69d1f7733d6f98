// perf.data read directly: `schedacct replay NAME.data` against perf 6.1's own `perf sched timehist` output for the
// same recordings (fixtures/perf/NAME.*.txt, made with `perf sched timehist -i NAME.data OPTIONS` on this machine),
// byte for byte (no normalisation); the same recording as binary and as `perf script --ns` text gives the same
// per-task values; corrupt input is a PerfDataError with the byte, never another error or a hang.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../src/errors.ts';
import { PerfDataError } from '../src/trace/perf-data/error.ts';
import { isPerfData, readPerfData } from '../src/trace/perf-data/read.ts';
import { traceBytes } from '../src/trace/file.ts';
import { readTrace } from '../src/trace/read.ts';
import { filterCases, fixture, replayCli } from './oracle.ts';

// zstd.data: `perf sched record -z` on this machine (the kernel's records in COMPRESSED records, one zstd stream).
const RECORDINGS = ['sh-loops', 'migrate', 'forkstorm', 'pingpong', 'zstd'] as const;
const dataPath = (name: string): string =>
  new URL(`../fixtures/perf-data/${name}.data${name === 'pingpong' ? '.gz' : ''}`, import.meta.url).pathname;

const replayData = (name: string, args: readonly string[]): Promise<string> => replayCli(dataPath(name), args);

// pingpong's long reports are kept gzip-compressed.
const perfOutput = (file: string): string => {
  try {
    return fixture(file);
  } catch {
    return fixture(`${file}.gz`);
  }
};

describe.each(RECORDINGS)('%s.data: perf sched timehist, byte for byte', (name) => {
  it.each([
    ['(no option)', '', 'timehist'],
    ['--state', '--state', 'timehist-state'],
    ['-w -M', '-w -M', 'timehist-wM'],
    ['-s', '-s', 'summary'],
    ['--state -s', '--state -s', 'state-summary'],
    ['-n', '-n', 'timehist-n'],
    ['-n -w -M --state', '-n -w -M --state', 'timehist-n-wM-state'],
    ['-V -w -M', '-V -w -M', 'timehist-V-wM'],
    ['-V --state -n', '-V --state -n', 'timehist-V-state-n'],
    ['-M', '-M', 'timehist-M'],
    ['-I', '-I', 'timehist-I'],
    ['-I -s', '-I -s', 'idle-summary'],
    ['-I --state -s', '-I --state -s', 'idle-state-summary'],
    ['-I -w -M -n -V', '-I -w -M -n -V', 'timehist-I-wM-n-V'],
  ])('%s', async (_label, args, file) => {
    const perf = perfOutput(`${name}.${file}.txt`);
    const ours = await replayData(name, args === '' ? [] : args.split(' '));
    expect(perf.split('\n').length).toBeGreaterThan(5);
    expect(ours).toBe(perf);
  });
});

describe.each(['sh-loops', 'migrate', 'forkstorm'] as const)('%s.data: filters, byte for byte', (name) => {
  it.each([...filterCases(name), ['-S', 'S']])('%s', async (args, file) => {
    expect(await replayData(name, args.split(' '))).toBe(perfOutput(`${name}.timehist-${file}.txt`));
  });
});

describe('binary and text', () => {
  it.each(RECORDINGS)('%s: perf.data and perf script --ns give the same per-task values', async (name) => {
    const text = `fixtures/perf/${name}.perf.txt${name === 'pingpong' ? '.gz' : ''}`;
    const [binary, script] = await Promise.all([
      readTrace(traceBytes(dataPath(name)), { compat: 'perf-6.1' }),
      readTrace(traceBytes(text), { compat: 'perf-6.1' }),
    ]);
    expect(binary.format).toBe('perf-data');
    expect(script.format).toBe('perf-script');
    const values = (r: typeof binary) => r.replay.tasks().map((t) => ({ tid: t.tid, cpu: t.cpu, ...t.totals }));
    expect(values(binary)).toEqual(values(script));
    // the same events, and in the binary the EXIT side-band records as exits (perf marks the thread dead by them)
    expect({ ...binary.replay.counts, exit: 0 }).toEqual(script.replay.counts);
    expect(binary.replay.counts.exit).toBeGreaterThan(0);
    expect(binary.records?.samples).toBeGreaterThan(100);
    expect(binary.records?.cpusOnline).toBe(2);
  });
});

// pipe.data: `perf sched record -o - -- sh -c WORKLOAD > pipe.data` on this machine; pipe.perf.txt is
// `perf script --ns -i - < pipe.data`. perf 6.1's own timehist and inject refuse pipe input ("No sched_switch events
// found"), so the oracle is the text of the same stream.
describe('pipe mode (perf record -o -)', () => {
  const PIPE = readFileSync(dataPath('pipe'));
  it('gives the per-task values of its perf script --ns text, with perf.data labels', async () => {
    const [binary, script] = await Promise.all([
      readTrace([PIPE], { compat: 'perf-6.1' }),
      readTrace(traceBytes('fixtures/perf/pipe.perf.txt'), { compat: 'perf-6.1' }),
    ]);
    expect(binary.format).toBe('perf-data');
    const values = (r: typeof binary) => r.replay.tasks().map((t) => ({ tid: t.tid, cpu: t.cpu, ...t.totals }));
    expect(values(binary)).toEqual(values(script));
    // the same events, and in the binary the EXIT side-band records as exits (perf marks the thread dead by them)
    expect({ ...binary.replay.counts, exit: 0 }).toEqual(script.replay.counts);
    expect(binary.replay.counts.exit).toBeGreaterThan(0);
    expect(binary.replay.counts.switch).toBeGreaterThan(40);
    expect(binary.records?.cpusOnline).toBe(2);
    // the parent column comes from FORK records, which the text does not have
    expect(binary.replay.tasks().filter((t) => t.parent > 0).length).toBeGreaterThan(
      script.replay.tasks().filter((t) => t.parent > 0).length,
    );
  });

  it('read as it comes: cut into chunks anywhere, the same replay as whole (stdin)', async () => {
    const whole = await replayCli(dataPath('pipe'), ['-s']);
    for (const cut of [1, 7, 13, 1000, 4096]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < PIPE.length; at += cut) chunks.push(PIPE.subarray(at, at + cut));
      const { replay } = await readTrace(chunks, { compat: 'perf-6.1' });
      const whole2 = await readTrace([PIPE], { compat: 'perf-6.1' });
      expect(replay.tasks()).toEqual(whole2.replay.tasks());
    }
    expect(whole.split('\n').length).toBeGreaterThan(10);
  });
});

// The small recording, and ways to break it.
const SH = readFileSync(dataPath('sh-loops'));

function readBytes(bytes: Uint8Array): Promise<unknown> {
  return readTrace([bytes], { compat: 'perf-6.1' });
}

describe('corrupt perf.data', () => {
  it('is told by its magic, not its name', () => {
    expect(isPerfData(SH)).toBe(true);
    expect(isPerfData(new TextEncoder().encode('PERFILE'))).toBe(false);
  });

  it('truncated: the error names the byte', async () => {
    const cut = SH.subarray(0, 5000);
    const error = await readBytes(cut).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfDataError);
    expect((error as PerfDataError).offset).toBeGreaterThan(0);
    expect((error as Error).message).toMatch(/at byte \d+/);
  });

  it('a record size of 0 is an error at its byte, not a hang', () => {
    const bytes = Uint8Array.from(SH);
    const view = new DataView(bytes.buffer);
    const dataAt = Number(view.getBigUint64(40, true));
    view.setUint16(dataAt + 6, 0, true);
    expect(() => readPerfData(bytes)).toThrow(new PerfDataError('record size 0 (below the 8-byte header)', dataAt + 6));
  });

  it('a data section past the end of the file', () => {
    const bytes = Uint8Array.from(SH);
    new DataView(bytes.buffer).setBigUint64(48, 1n << 40n, true);
    expect(() => readPerfData(bytes)).toThrow(
      /data section needs 1099511627776 bytes but the input ends at byte 55745/,
    );
  });

  it('a corrupt zstd stream is an error at its COMPRESSED record', () => {
    const bytes = Uint8Array.from(readFileSync(dataPath('zstd')));
    const view = new DataView(bytes.buffer);
    const dataAt = Number(view.getBigUint64(40, true));
    let at = dataAt;
    while (view.getUint32(at, true) !== 81) at += view.getUint16(at + 6, true);
    for (let i = at + 8; i < at + 40; i++) bytes[i] = 0xff;
    expect(() => readPerfData(bytes)).toThrow(
      new RegExp(`zstd data that does not decompress .* \\(at byte ${String(at)}\\)`),
    );
  });

  it('pipe mode cut short: the error names the byte', () => {
    const bytes = readFileSync(dataPath('pipe')).subarray(0, 3000);
    expect(() => readPerfData(bytes)).toThrow(PerfDataError);
    expect(() => readPerfData(Uint8Array.from(bytes.subarray(0, 16)))).toThrow(/no tracing data/);
  });

  it('a gzip-compressed perf.data is read as the file', async () => {
    const result = await readTrace(traceBytes(dataPath('pingpong')), { compat: 'perf-6.1' });
    expect(result.format).toBe('perf-data');
    expect(result.replay.counts.switch).toBe(16047);
  });

  // 5,000 seeded mutations of the fixtures, pipe mode's and -z's too (truncations, size fields, flipped bytes, huge sizes): each is read to
  // the end, fails with a PerfDataError naming the byte, or (its magic broken) is no trace at all; nothing else.
  it('fuzz: 5,000 mutated files, only clear errors', async () => {
    const sources = [
      SH,
      readFileSync(dataPath('migrate')),
      gunzipSync(readFileSync(dataPath('pingpong'))).subarray(0, 200_000),
      readFileSync(dataPath('pipe')),
      readFileSync(dataPath('zstd')),
    ];
    let seed = 0x5eed;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const outcomes = { read: 0, perfDataError: 0, notPerfData: 0, otherSchedacctError: 0 };
    for (let i = 0; i < 5000; i++) {
      const source = sources[i % sources.length] as Uint8Array;
      const bytes = Uint8Array.from(source);
      const view = new DataView(bytes.buffer);
      let input = bytes;
      switch (next(5)) {
        case 0:
          input = bytes.subarray(0, next(bytes.length));
          break;
        case 1: // a record's size field
          view.setUint16(
            Math.min(bytes.length - 2, 1224 + next(bytes.length - 1224) - (next(8) & ~1)),
            next(65536),
            true,
          );
          break;
        case 2: // flipped bytes
          for (let k = 0; k < 1 + next(16); k++) {
            const at = next(bytes.length);
            bytes[at] = (bytes[at] as number) ^ (1 << next(8));
          }
          break;
        case 3: // a huge u64 in the header or a section table
          view.setUint32(8 * next(13) + 4, 0xffffffff, true);
          break;
        default: // a huge u32 anywhere
          view.setUint32(next(bytes.length - 4) & ~3, 0xfffffff0 + next(16), true);
      }
      try {
        await readBytes(input);
        outcomes.read++;
      } catch (error: unknown) {
        if (error instanceof PerfDataError) outcomes.perfDataError++;
        else if (error instanceof SchedacctError && /^not a trace|^empty input/.test(error.message))
          outcomes.notPerfData++;
        else if (error instanceof SchedacctError) outcomes.otherSchedacctError++;
        else throw error;
      }
    }
    expect(outcomes.read + outcomes.perfDataError + outcomes.notPerfData + outcomes.otherSchedacctError).toBe(5000);
    // every other error names its byte: a record the replay refuses is a PerfDataError at the record
    expect(outcomes.otherSchedacctError).toBe(0);
    expect(outcomes.perfDataError).toBeGreaterThan(500);
    console.log('perf.data fuzz outcomes', outcomes);
  }, 120_000);
});
