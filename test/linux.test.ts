import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../src/index.ts';
import {
  createLinuxSource,
  estimateThreadSteal,
  parseProcStat,
  readThreadSchedstat,
  runRace,
  traceBytes,
  traceLines,
} from '../src/linux.ts';
import { testSource } from './contract.ts';
import { neverConsistent, protocolFailure } from './race-mutants.ts';

const SAMPLE = `cpu  11459 0 3188 222922 98 0 32 12 0 0
cpu0 5179 0 1419 112180 8 0 8 4 0 0
cpu1 6279 0 1768 110741 89 0 24 7 0 0
intr 123 4 5
ctxt 99
`;

describe('real Linux backend', () => {
  it('parses /proc/stat: the 8th number of each cpu line is steal, in USER_HZ ticks', () => {
    expect(parseProcStat(SAMPLE).map((c) => [c.cpu, c.steal, c.user])).toEqual([
      ['all', 12, 11459],
      [0, 4, 5179],
      [1, 7, 6279],
    ]);
    expect(() => parseProcStat('intr 1 2 3\n')).toThrow(/no cpu line/);
  });

  it('reads steal from a stat file, as ns (10 ms per tick)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schedacct-'));
    const file = join(dir, 'stat');
    writeFileSync(file, SAMPLE);
    expect(createLinuxSource({ procStat: file, cpu: 1 }).stolen.readStolen()).toBe(70_000_000n);
    expect(() => createLinuxSource({ procStat: file, cpu: 7 })).toThrow(/no line for cpu 7/);
  });

  it('says clearly when the files are missing', () => {
    const check = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(SchedacctError);
        expect((e as SchedacctError).code).toBe('unavailable');
        expect((e as Error).message).toMatch(/needs Linux procfs.*simulated or emulated/);
        return;
      }
      throw new Error('expected an error');
    };
    check(() => createLinuxSource({ procStat: '/nonexistent/stat' }));
    check(() => readThreadSchedstat('/nonexistent/schedstat'));
  });

  it('estimates a busy thread’s steal from schedstat, never negative', () => {
    const before = { runNs: 1_000n, runDelayNs: 500n, timeslices: 1 };
    const after = { runNs: 8_000n, runDelayNs: 1_500n, timeslices: 3 };
    expect(estimateThreadSteal(10_000, before, after)).toBe(2_000);
    expect(estimateThreadSteal(1_000, before, after)).toBe(0);
  });
});

if (existsSync('/proc/stat')) {
  testSource('linux (/proc/stat, CLOCK_MONOTONIC)', () => createLinuxSource(), { steps: 80, stepNs: 500_000 });
} else {
  describe.skip('backend contract: linux — skipped: no /proc/stat on this machine', () => {
    it.skip('needs Linux procfs', () => undefined);
  });
}

describe('trace files', () => {
  const fixture = (name: string) => new URL(`../fixtures/perf/${name}`, import.meta.url).pathname;
  const openFds = (): number => readdirSync('/proc/self/fd').length;

  it.skipIf(!existsSync('/proc/self/fd'))(
    'a reader that stops early (plain or .gz, bytes or lines) leaves no file open',
    async () => {
      // let earlier tests' streams finish closing, then count this process's open descriptors
      await new Promise((resolve) => setTimeout(resolve, 50));
      const before = openFds();
      for (let i = 0; i < 5; i++) {
        for (const name of ['pingpong.perf.txt.gz', 'migrate.perf.txt']) {
          for await (const chunk of traceBytes(fixture(name))) if (chunk.length > 0) break;
          for await (const line of traceLines(fixture(name))) if (line.length >= 0) break;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(openFds()).toBeLessThanOrEqual(before);
    },
  );
});

describe('the race: a worker-thread hypervisor against a naive and a protocol reader', () => {
  for (const abi of ['arm64', 'x86', 'xen'] as const) {
    it(`${abi}: the naive reader sees inconsistent snapshots, the protocol reader none, and few give-ups`, async () => {
      let naive = 0;
      for (let attempt = 0; attempt < 5 && naive === 0; attempt++) {
        const reads = 100_000 * (attempt + 1);
        const r = await runRace({ abi, reads });
        // a host writing flat out outruns the retry bound now and then (over 1 % of reads on a loaded machine);
        // a reader that never succeeds gives up every read and fails here
        expect(protocolFailure(r, reads / 10)).toBeUndefined();
        expect(r.hostUpdates).toBeGreaterThan(0);
        expect(r.seed).toBeNull();
        naive += r.naive.inconsistent;
      }
      expect(naive).toBeGreaterThan(0);
    });
  }

  it('rejects bad arguments with typed errors', async () => {
    await expect(runRace({ abi: 'sparc' as never })).rejects.toThrow(SchedacctError);
    await expect(runRace({ abi: 'x86', reads: 0 })).rejects.toThrow(/reads/);
  });

  it('counts the worker race’s give-ups: a reader that never succeeds gives up every read', async () => {
    const r = await runRace({ abi: 'x86', reads: 1000, reader: neverConsistent });
    expect(r.protocol).toMatchObject({ inconsistent: 0, gaveUp: 1000 });
    expect(protocolFailure(r, 1000 / 10)).toBeDefined();
  });

  it('an atomic host in a worker thread makes no tear: every torn snapshot is the reader’s own', async () => {
    const r = await runRace({ abi: 'x86', reads: 100_000, torn: false });
    expect(r.naive.hostTorn).toBe(0);
    expect(r.protocol.hostTorn + r.protocol.readerTorn).toBe(0);
  });
});
