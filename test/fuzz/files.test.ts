// Fuzzing what comes before the text: corrupt compression and file-system errors, through `traceBytes` + `readTrace`
// (in process) and through the `replay` command (exit 0 or 2, never 1, never a stack trace). Seeded: truncation
// points and garbage come from mulberry32.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SchedacctError } from '../../src/errors.js';
import { traceBytes } from '../../src/trace/file.js';
import { readTrace } from '../../src/trace/read.js';
import { below, rngOf } from './draft.js';

const BIN = new URL('../../dist/bin/schedacct.js', import.meta.url).pathname;
const text = readFileSync(new URL('../../fixtures/perf/sh-loops.perf.txt', import.meta.url));
const gz = gzipSync(text);
const dir = mkdtempSync(join(tmpdir(), 'schedacct-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rng = rngOf(2024);
const random = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => below(rng, 256)));

/** A file case: its path and whether its content is a trace that must be read (else refused, as data). */
interface FileCase {
  readonly name: string;
  readonly path: string;
  readonly trace: boolean;
}
const cases: FileCase[] = [];
const file = (name: string, data: Uint8Array, trace: boolean): void => {
  const path = join(dir, name);
  writeFileSync(path, data);
  cases.push({ name, path, trace });
};
for (let k = 0; k < 8; k++) file(`truncated-${String(k)}.gz`, gz.subarray(0, below(rng, gz.length)), false);
for (let k = 0; k < 4; k++)
  file(`garbage-${String(k)}.gz`, Buffer.concat([Buffer.from([0x1f, 0x8b]), random(1 + below(rng, 4000))]), false);
for (let k = 0; k < 3; k++)
  file(`trailing-garbage-${String(k)}.gz`, Buffer.concat([gz, random(1 + below(rng, 100))]), false);
file('damaged-middle.gz', Buffer.from(gz.map((b, i) => (i === gz.length >> 1 ? b ^ 0xff : b))), false);
file('plain-text-named.gz', text, true);
file('two-members.gz', Buffer.concat([gz, gz]), true);
file('gzip-of-gzip.gz', gzipSync(gz), false);
file('empty', new Uint8Array(0), false);
file('empty.gz', gzipSync(new Uint8Array(0)), false);
file('nul-bytes.gz', gzipSync(Buffer.alloc(16 << 20)), false);
file('perf-data', Buffer.concat([Buffer.from('PERFILE2'), random(200)]), false);
mkdirSync(join(dir, 'a-directory'));
cases.push({ name: 'directory', path: join(dir, 'a-directory'), trace: false });
cases.push({ name: 'no such file', path: join(dir, 'missing.perf.txt'), trace: false });
cases.push({ name: 'a path through a file', path: join(dir, 'empty', 'x'), trace: false });
// reading it fails with EIO mid-read (root may open it): a read error, not an open error
if (existsSync('/proc/self/mem')) cases.push({ name: '/proc/self/mem (EIO)', path: '/proc/self/mem', trace: false });

describe('fuzz: compressed input and file-system errors are data', () => {
  it.each(cases)('$name: read as a trace, or refused with a SchedacctError', async ({ path, trace }) => {
    let thrown: unknown;
    try {
      const { lines, malformed } = await readTrace(traceBytes(path));
      if (trace)
        expect({ lines, malformed: malformed.count }).toEqual({ lines: expect.any(Number) as number, malformed: 0 });
    } catch (e: unknown) {
      thrown = e;
    }
    if (trace) expect(thrown).toBeUndefined();
    else if (thrown !== undefined) {
      expect(thrown, String((thrown as Error).stack)).toBeInstanceOf(SchedacctError);
      expect(['invalid-argument', 'unsupported', 'unavailable']).toContain((thrown as SchedacctError).code);
    }
  });
});

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}
const cli = (args: readonly string[], input?: Uint8Array, uid?: number): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(uid === undefined ? {} : { uid, gid: uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
// What the command may do with bad input: exit 0 or 2, a message and no stack trace, no NaN or negative total.
const expectData = (run: Run): void => {
  expect([0, 2], run.stderr).toContain(run.status);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).not.toMatch(/NaN|Infinity|scheduling time \(msec\): +-/);
};

describe('fuzz: the replay command on the same files (exit 0 or 2, never 1)', () => {
  it('every file case', { timeout: 120_000 }, async () => {
    const runs = await Promise.all(cases.map((c) => cli(['replay', c.path, '--report', 'summary'])));
    runs.forEach((run, i) => {
      expectData(run);
      if (cases[i]?.trace === true) expect(run.status, run.stderr).toBe(0);
    });
  });

  it('gzip through standard input, and garbage through standard input', { timeout: 60_000 }, async () => {
    const good = await cli(['replay', '-', '--report', 'summary'], gz);
    expect(good.status, good.stderr).toBe(0);
    for (const input of [gz.subarray(0, gz.length >> 1), Buffer.concat([gz, random(50)]), random(3000)]) {
      expectData(await cli(['replay', '-'], input));
    }
  });

  it('a FIFO with a writer', { timeout: 60_000 }, async () => {
    const fifo = join(dir, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    const writer = spawn('sh', [
      '-c',
      `cat "$1" > "$2"`,
      'sh',
      new URL('../../fixtures/perf/sh-loops.perf.txt', import.meta.url).pathname,
      fifo,
    ]);
    const run = await cli(['replay', fifo, '--report', 'summary']);
    writer.kill();
    expect(run.status, run.stderr).toBe(0);
  });

  it('permission denied (as root: the command run as nobody)', { timeout: 60_000 }, async () => {
    const path = join(dir, 'unreadable.perf.txt');
    writeFileSync(path, text);
    chmodSync(path, 0o000);
    chmodSync(dir, 0o755);
    const root = process.getuid?.() === 0;
    const run = await cli(['replay', path], undefined, root ? 65534 : undefined);
    expectData(run);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/permission denied/);
  });
});
