import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { InfoRow, TimehistRow } from '../src/index.ts';
import { readTrace, summaryLines } from '../src/index.ts';

// The worker thread runs compiled code: test the built entry, as the CLI uses it (npm ci builds it; npm test
// rebuilds before the tests).
const linux = (await import(new URL('../dist/linux.js', import.meta.url).href)) as typeof import('../src/linux.ts');
const dist = (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof import('../src/index.ts');

const fixture = (name: string) => new URL(`../fixtures/perf/${name}`, import.meta.url).pathname;

async function both(path: string, options: { strict?: boolean } = {}) {
  const rows: { worker: (TimehistRow | InfoRow)[]; thread: (TimehistRow | InfoRow)[] } = { worker: [], thread: [] };
  const common = { compat: 'perf-6.1', migrations: true, ...options } as const;
  const worker = await linux.readTraceFile(path, { ...common, workerMinBytes: 0, onRow: (r) => rows.worker.push(r) });
  const thread = await linux.readTraceFile(path, {
    ...common,
    workerMinBytes: Infinity,
    onRow: (r) => rows.thread.push(r),
  });
  return { worker, thread, rows };
}

describe('readTraceFile: large perf script files scanned in a worker thread', () => {
  it.each(['sh-loops.perf.txt', 'forkstorm.perf-us.txt', 'pingpong.perf.txt.gz'])(
    '%s: the same rows, summary, counts and line numbers as on one thread',
    async (name) => {
      const { worker, thread, rows } = await both(fixture(name));
      expect(worker.worker).toBe(true);
      expect(thread.worker).toBe(false);
      expect(rows.worker.length).toBeGreaterThan(10);
      expect(rows.worker).toEqual(rows.thread);
      expect(worker.lines).toBe(thread.lines);
      expect(worker.skipped).toEqual(thread.skipped);
      expect(worker.malformed).toEqual(thread.malformed);
      expect(dist.summaryLines(worker.replay, { state: true })).toEqual(
        dist.summaryLines(thread.replay, { state: true }),
      );
      expect(worker.replay.anomalies()).toEqual(thread.replay.anomalies());
      expect(worker.replay.steal).toEqual(thread.replay.steal);
    },
  );

  it('matches readTrace on the lines of the file', async () => {
    const text = gunzipSync(readFileSync(fixture('pingpong.perf.txt.gz'))).toString('utf8');
    const lines = await readTrace(text.split('\n'), { compat: 'perf-6.1' });
    const worker = await linux.readTraceFile(fixture('pingpong.perf.txt.gz'), {
      compat: 'perf-6.1',
      workerMinBytes: 0,
    });
    expect(dist.summaryLines(worker.replay)).toEqual(summaryLines(lines.replay));
  });

  it('lines the scanner leaves to the general parser (odd events, malformed lines) keep their place and number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schedacct-parallel-'));
    const text = readFileSync(fixture('sh-loops.perf.txt'), 'utf8').split('\n');
    text.splice(20, 0, 'garbage that is not a trace line', '  sh 1 [000] 1.0: irq:irq_handler_entry: irq=1');
    const path = join(dir, 'odd.perf.txt');
    writeFileSync(path, text.join('\n'));
    const { worker, thread } = await both(path);
    expect(worker.worker).toBe(true);
    expect(worker.malformed.count).toBe(1);
    expect(worker.malformed.details[0]?.line).toBe(21);
    expect(worker.malformed).toEqual(thread.malformed);
    expect(worker.skipped).toEqual({ 'irq:irq_handler_entry': 1 });
    await expect(linux.readTraceFile(path, { strict: true, workerMinBytes: 0 })).rejects.toThrow(
      /malformed-line.*line 21/,
    );
  });

  it('several scanning threads, segments cut anywhere: the same as one thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schedacct-segments-'));
    const lines = readFileSync(fixture('sh-loops.perf.txt'), 'utf8').split('\n');
    lines.splice(30, 0, '', 'garbage that is not a trace line', '');
    // CRLF line ends, a comm with UTF-8 that a cut could split, and no line end at the end of the file.
    const text = lines
      .map((l) => l.replace(/\bsh\b/g, 'shé中'))
      .join('\r\n')
      .trimEnd();
    const path = join(dir, 'segments.perf.txt');
    writeFileSync(path, text);
    const common = { compat: 'perf-6.1', migrations: true } as const;
    const threadRows: (TimehistRow | InfoRow)[] = [];
    const thread = await linux.readTraceFile(path, {
      ...common,
      workerMinBytes: Infinity,
      onRow: (r) => threadRows.push(r),
    });
    expect(thread.malformed.count).toBe(1);
    expect(threadRows.length).toBeGreaterThan(30);
    for (const [scanThreads, segmentBytes, mainThreadScans] of [
      [1, 1, true],
      [1, 1, false],
      [2, 97, true],
      [3, 1000, false],
      [2, 1 << 20, true],
      [3, 64, true],
      [2, 64, false],
    ] as const) {
      const rows: (TimehistRow | InfoRow)[] = [];
      const worker = await linux.readTraceFile(path, {
        ...common,
        workerMinBytes: 0,
        scanThreads,
        segmentBytes,
        mainThreadScans,
        onRow: (r) => rows.push(r),
      });
      expect(worker.worker).toBe(true);
      expect(worker.segments).toBe(Math.ceil(Buffer.byteLength(text) / segmentBytes));
      // who scans which segment is timing; that the main thread scans none when told not to is not
      if (!mainThreadScans) expect(worker.mainSegments).toBe(0);
      expect(worker.mainSegments).toBeLessThanOrEqual(worker.segments);
      expect(rows).toEqual(threadRows);
      expect(worker.lines).toBe(thread.lines);
      expect(worker.malformed).toEqual(thread.malformed);
      expect(worker.skipped).toEqual(thread.skipped);
      expect(worker.replay.tasks()).toEqual(thread.replay.tasks());
    }
    expect(thread.replay.tasks().some((t) => t.comm === 'shé中')).toBe(true);
  });

  it('a file that grows while it is read: the lines it had when the read began, and no thread left behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schedacct-grow-'));
    const text = readFileSync(fixture('sh-loops.perf.txt'), 'utf8');
    const path = join(dir, 'grow.perf.txt');
    writeFileSync(path, text);
    const before = await linux.readTraceFile(path, { workerMinBytes: Infinity });
    let appended = false;
    const grown = await linux.readTraceFile(path, {
      workerMinBytes: 0,
      scanThreads: 2,
      segmentBytes: 4096,
      onRow: () => {
        if (appended) return;
        appended = true;
        appendFileSync(path, text.repeat(50));
      },
    });
    expect(appended).toBe(true);
    expect(grown.worker).toBe(true);
    expect(grown.lines).toBe(before.lines);
    expect(grown.replay.tasks()).toEqual(before.replay.tasks());
  });

  it('refuses a thread count or segment size that is not a whole number ≥ 1', async () => {
    const path = fixture('sh-loops.perf.txt');
    await expect(linux.readTraceFile(path, { scanThreads: 0 })).rejects.toThrow(/scanThreads must be/);
    await expect(linux.readTraceFile(path, { segmentBytes: 1.5 })).rejects.toThrow(/segmentBytes must be/);
  });

  it('other formats, stdin and small files stay on the calling thread, with the same results', async () => {
    const ftrace = new URL('../fixtures/ftrace/ftrace-pingpong.txt', import.meta.url).pathname;
    const result = await linux.readTraceFile(ftrace, { workerMinBytes: 0 });
    expect(result.format).toBe('ftrace');
    expect(result.worker).toBe(false);
    expect((await linux.readTraceFile(fixture('sh-loops.perf.txt'))).worker).toBe(false); // below 8 MiB
    expect(result.malformed.count).toBe(0);
    await expect(linux.readTraceFile('/no/such/trace.txt')).rejects.toThrow(/no such trace file/);
  });

  it('hold: no row comes while the caller holds the reading, on every path, and the rows are the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schedacct-hold-'));
    const plain = join(dir, 'pingpong.perf.txt');
    const text = gunzipSync(readFileSync(fixture('pingpong.perf.txt.gz'))).toString('utf8');
    writeFileSync(plain, text);
    const reference: (TimehistRow | InfoRow)[] = [];
    await readTrace(text.split('\n'), { compat: 'perf-6.1', onRow: (r) => reference.push(r) });
    // Holds every n-th time it is asked, until a timer fires.
    const holding = (every: number) => {
      const state = { held: false, holds: 0, asked: 0, rowsWhileHeld: 0 };
      const hold = (): Promise<void> | undefined => {
        if (++state.asked % every !== 0) return undefined;
        state.held = true;
        state.holds++;
        return new Promise((resolve) =>
          setTimeout(() => {
            state.held = false;
            resolve();
          }, 1),
        );
      };
      return { state, hold };
    };
    const paths = [
      ['worker threads, 64 KiB segments', plain, { workerMinBytes: 0, segmentBytes: 1 << 16 }],
      ['a worker thread streaming a .gz', fixture('pingpong.perf.txt.gz'), { workerMinBytes: 0 }],
      ['the calling thread', plain, { workerMinBytes: Infinity }],
    ] as const;
    for (const [what, path, options] of paths) {
      const { state, hold } = holding(2);
      const rows: (TimehistRow | InfoRow)[] = [];
      await linux.readTraceFile(path, {
        compat: 'perf-6.1',
        ...options,
        hold,
        onRow: (r) => {
          if (state.held) state.rowsWhileHeld++;
          rows.push(r);
        },
      });
      expect({ what, held: state.holds > 0, rowsWhileHeld: state.rowsWhileHeld }).toEqual({
        what,
        held: true,
        rowsWhileHeld: 0,
      });
      expect(rows).toEqual(reference);
    }
    // readTrace over lines asks after every line
    const { state, hold } = holding(5000);
    const rows: (TimehistRow | InfoRow)[] = [];
    await readTrace(text.split('\n'), {
      compat: 'perf-6.1',
      hold,
      onRow: (r) => {
        if (state.held) state.rowsWhileHeld++;
        rows.push(r);
      },
    });
    expect(state.holds).toBeGreaterThan(5);
    expect(state.rowsWhileHeld).toBe(0);
    expect(rows).toEqual(reference);
  });

  it('onFormat is called once, also where the threads cannot run the scanner and the file is read again here', () => {
    const run = (...flags: string[]) => {
      const script = [
        `const { readTraceFile } = await import(${JSON.stringify(new URL('../dist/linux.js', import.meta.url).href)});`,
        'const calls = [];',
        `const r = await readTraceFile(${JSON.stringify(fixture('migrate.perf.txt'))}, { workerMinBytes: 0, onFormat: (f) => calls.push(f) });`,
        'console.log(JSON.stringify({ calls, worker: r.worker }));',
      ].join('\n');
      const file = join(mkdtempSync(join(tmpdir(), 'schedacct-onformat-')), 'read.mjs');
      writeFileSync(file, script);
      const child = spawnSync(process.execPath, [...flags, file], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(child.stderr);
      return JSON.parse(child.stdout) as unknown;
    };
    expect(run()).toEqual({ calls: ['perf-script'], worker: true });
    expect(run('--no-expose-wasm')).toEqual({ calls: ['perf-script'], worker: false }); // no WebAssembly in the worker
  });
});
