// perf.data read on a worker thread (what `schedacct replay` does for a file of 16 MiB or more): the same events in
// the same order as the read on the replay's own thread, hence the same rows, totals and anomalies; its errors are
// the same PerfDataError at the same byte, and an error the replay raises stops the worker.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PerfDataError } from '../src/trace/perf-data/error.ts';
import { withRandomAccess, type WorkerChoice } from '../src/trace/perf-data-file.ts';
import { traceBytes } from '../src/trace/file.ts';
import { readTrace, type ReadOptions } from '../src/trace/read.ts';
import type { InfoRow, TimehistRow } from '../src/trace/rows.ts';

const dataPath = (name: string): string => new URL(`../fixtures/perf-data/${name}.data`, import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'schedacct-worker-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

async function read(path: string, worker: WorkerChoice, options: ReadOptions = {}) {
  const rows: (TimehistRow | InfoRow)[] = [];
  let cpus = -1;
  const result = await readTrace(withRandomAccess(traceBytes(path), path, worker), {
    compat: 'perf-6.1',
    ...options,
    onRow: (row) => rows.push(row),
    onFormat: (_format, info) => {
      cpus = info.cpusOnline;
    },
  });
  const events = Object.values(result.replay.counts).reduce((a, b) => a + b, 0);
  return {
    rows,
    cpus,
    events,
    tasks: result.replay.tasks(),
    anomalies: result.replay.anomalies(),
    records: result.records,
  };
}

describe('perf.data on a worker thread', () => {
  it.each(['sh-loops', 'migrate', 'forkstorm', 'zstd'])(
    '%s: the same rows, tasks, anomalies and counts as on this thread',
    async (name) => {
      const options: ReadOptions = { migrations: true, next: true };
      const [here, there] = await Promise.all([
        read(dataPath(name), 'never', options),
        read(dataPath(name), 'always', options),
      ]);
      expect(here.rows.length).toBeGreaterThan(40);
      expect(there.rows).toEqual(here.rows);
      expect(there.tasks).toEqual(here.tasks);
      expect(there.anomalies).toEqual(here.anomalies);
      expect(there.records).toEqual(here.records);
      expect(there.cpus).toBe(here.cpus);
      expect(there.cpus).toBeGreaterThan(0);
    },
  );

  it('pingpong (over 40,000 events: many batches, the worker held back while the replay catches up)', async () => {
    const path = join(tmp, 'pingpong.data');
    writeFileSync(path, gunzipSync(readFileSync(`${dataPath('pingpong')}.gz`)));
    const [here, there] = await Promise.all([read(path, 'never'), read(path, 'always')]);
    expect(here.events).toBeGreaterThan(5 * 8192); // (batches of 8,192 events, at most 4 ahead)
    expect(there.events).toBe(here.events);
    expect(there.rows).toEqual(here.rows);
    expect(there.tasks).toEqual(here.tasks);
    expect(there.records).toEqual(here.records);
  });

  it('a truncated file: the same PerfDataError at the same byte', async () => {
    const bytes = readFileSync(dataPath('migrate'));
    const path = join(tmp, 'cut.data');
    // the header still says the data section's full size: the cut is found by the reader at a record
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const errorOf = (worker: WorkerChoice) =>
      read(path, worker).then(
        () => undefined,
        (e: unknown) => e,
      );
    const [here, there] = await Promise.all([errorOf('never'), errorOf('always')]);
    expect(here).toBeInstanceOf(PerfDataError);
    expect(there).toBeInstanceOf(PerfDataError);
    expect((there as PerfDataError).message).toBe((here as PerfDataError).message);
  });

  it('an error in the replay (a strict anomaly) is thrown as on this thread', async () => {
    const strict = (worker: WorkerChoice) =>
      read(dataPath('forkstorm'), worker, { strict: true }).then(
        () => undefined,
        (e: unknown) => e,
      );
    const [here, there] = await Promise.all([strict('never'), strict('always')]);
    expect(here).toBeInstanceOf(Error);
    expect((there as Error).message).toBe((here as Error).message);
  });
});
