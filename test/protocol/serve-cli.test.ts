// `schedacct serve` as a user runs it (the built command): stdio with its ends and exit statuses, a 100 MB line in
// bounded memory, --listen on a Unix socket and a TCP port until a signal, the refusals, --help and --schema.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSession, protocolSchema } from '../../src/protocol.ts';
import { BIN, HELLO, LineClient, req, socketClient, start, stderrMatch } from './serve-helpers.ts';

const TIMEOUT = 60_000;
const cli = (args: readonly string[], input?: string) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 26 });

describe('schedacct serve --stdio', () => {
  it(
    'answers line by line as the in-process session does, logs on stderr only, exits 0 at EOF',
    () => {
      const lines = [HELLO, '{"now":', req(2, 3, 'model.open', { vcpus: 1 }), req(3, 4, 'ledger.get')];
      const run = cli(['serve', '--stdio'], `${lines.join('\n')}\n`);
      const session = createSession();
      expect({ status: run.status, stdout: run.stdout }).toEqual({
        status: 0,
        stdout: lines.map((l) => `${session.requestLine(l)}\n`).join(''),
      });
      expect(run.stderr).toMatch(/^schedacct serve: .*eof/m);
      expect(cli(['serve', '--quiet'], `${HELLO}\n`).stderr).toBe('');
    },
    TIMEOUT,
  );

  it(
    'ends after bye with exit status 0 while the client still holds its input open',
    async () => {
      const { child, exit } = start(['serve', '--stdio', '--quiet']);
      const client = new LineClient(child.stdout, child.stdin);
      expect(await client.ask(HELLO)).toMatchObject({ id: 1 });
      expect(await client.ask(req(2, 1, 'bye'))).toMatchObject({ id: 2, now: '1' });
      expect(await exit).toEqual({ status: 0, signal: null });
    },
    TIMEOUT,
  );

  it(
    'exits 141 when its output is closed, as the other commands do',
    async () => {
      const { child, exit } = start(['serve', '--stdio', '--quiet']);
      child.stdout.destroy();
      const line = `${req(null, 0, 'no.such.method')}\n`.repeat(1000);
      for (let i = 0; i < 200 && child.exitCode === null; i++) {
        child.stdin.write(line);
        await new Promise((r) => setTimeout(r, 5));
      }
      expect((await exit).status).toBe(141);
    },
    TIMEOUT,
  );

  // A served process's peak resident memory, kB, after `feed` wrote to it and `HELLO` was answered.
  async function peakKb(
    feed: (write: (text: string) => Promise<void>, client: LineClient) => Promise<void>,
  ): Promise<number> {
    const { child, exit } = start(['serve', '--stdio', '--quiet']);
    const client = new LineClient(child.stdout, child.stdin);
    await feed(async (text) => {
      if (!child.stdin.write(text)) await new Promise((r) => child.stdin.once('drain', r));
    }, client);
    expect(await client.ask(HELLO)).toMatchObject({ id: 1 });
    const status = readFileSync(`/proc/${String(child.pid)}/status`, 'utf8');
    child.stdin.end();
    await exit;
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  }

  it.skipIf(!existsSync('/proc/self/status'))(
    'skips a 100 MB line without holding it: its peak memory grows far less than the line',
    async () => {
      const baseline = await peakKb(() => Promise.resolve());
      const peak = await peakKb(async (write, client) => {
        const piece = 'x'.repeat(1 << 20);
        for (let i = 0; i < 100; i++) await write(piece);
        expect(await client.ask('')).toMatchObject({ id: null, line: 1, error: { code: 'line-too-long' } });
      });
      expect(baseline).toBeGreaterThan(0);
      // holding the line would add 100 MB as bytes, 200 as a string; what grows is chunks not yet collected
      expect(peak - baseline).toBeLessThan(80 * 1024);
    },
    TIMEOUT,
  );
});

describe('schedacct serve --listen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schedacct-serve-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function serveUntilSignal(args: readonly string[], signal: NodeJS.Signals): Promise<void> {
    const { child, exit } = start(['serve', ...args]);
    const [, where = ''] = await stderrMatch(child, /listening on (\S+)\n/);
    const at = /^127\.0\.0\.1:(\d+)$/.exec(where)?.[1];
    const [a, b] = await Promise.all([
      socketClient(at === undefined ? where : Number(at)),
      socketClient(at === undefined ? where : Number(at)),
    ]);
    expect(await a.client.ask(HELLO)).toMatchObject({ id: 1 });
    expect(await b.client.ask(req(7, 0, 'ledger.get'))).toMatchObject({ id: 7, error: { code: 'no-hello' } });
    expect(await a.client.ask(req(2, 0, 'ledger.get'))).toMatchObject({ id: 2, error: { code: 'not-open' } });
    child.kill(signal);
    expect(await exit).toEqual({ status: 0, signal: null });
    a.socket.destroy();
    b.socket.destroy();
  }

  it(
    'on a loopback TCP port (0: a free one), two sessions at once, until SIGTERM',
    () => serveUntilSignal(['--listen', '0'], 'SIGTERM'),
    TIMEOUT,
  );

  it(
    'on a Unix socket, until SIGINT, which removes the socket',
    async () => {
      const path = join(dir, 'cli.sock');
      await serveUntilSignal(['--listen', path], 'SIGINT');
      expect(existsSync(path)).toBe(false);
    },
    TIMEOUT,
  );

  it('refuses an address other machines reach without --allow-remote, and options that do not go together', () => {
    for (const args of [
      ['--listen', '0.0.0.0:0'],
      ['--listen', '[::]:0'],
    ]) {
      const run = cli(['serve', ...args]);
      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 2, stdout: '' });
      expect(run.stderr).toMatch(/not a loopback address.*no authentication.*--allow-remote/);
    }
    expect(cli(['serve', '--stdio', '--listen', '0']).status).toBe(2);
    expect(cli(['serve', '--allow-remote']).stderr).toMatch(/--allow-remote goes with --listen/);
    expect(cli(['serve', '--engine', 'fast']).stderr).toMatch(/--engine must be compiled or xstate/);
    expect(cli(['serve', 'extra']).status).toBe(2);
  });
});

describe('schedacct serve --help, --schema', () => {
  it('--help documents every option and points at docs/protocol.md', () => {
    const run = cli(['serve', '--help']);
    expect(run.status).toBe(0);
    for (const option of ['--stdio', '--listen', '--allow-remote', '--quiet', '--schema', '--engine', '--help'])
      expect(run.stdout).toContain(option);
    expect(run.stdout).toContain('docs/protocol.md');
    expect(run.stdout).toMatch(/no\s+authentication/);
    expect(cli(['help', 'serve']).stdout).toBe(run.stdout);
    expect(cli(['--help']).stdout).toMatch(/^ {2}serve /m);
  });

  it('--schema prints the protocol schema', () => {
    const run = cli(['serve', '--schema']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(protocolSchema());
  });
});
