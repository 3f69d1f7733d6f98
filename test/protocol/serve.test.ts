// The transport in process: lines framed in bounded memory, replies in order, the ends (EOF, bye, a closed output),
// backpressure, and the listening server's sessions on a Unix socket and on TCP, each independent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createSession, MAX_LINE_BYTES } from '../../src/protocol.ts';
import { LineFramer, type Frame } from '../../src/protocol/framing.ts';
import { listen, serveStdio } from '../../src/protocol/node.ts';
import { isLoopback, parseListenAddress } from '../../src/protocol/serve.ts';
import { HELLO, req, socketClient } from './serve-helpers.ts';

const enc = (text: string) => new TextEncoder().encode(text);
const frames = (chunks: readonly Uint8Array[], max = 16): Frame[] => {
  const framer = new LineFramer(max);
  return [...chunks.flatMap((c) => framer.push(c)), ...framer.end()];
};

describe('LineFramer', () => {
  it('gives the same lines however the bytes are chunked, a character split across chunks included', () => {
    const bytes = enc('{"a":"é€"}\r\nx\n\nlast');
    const whole = frames([bytes]);
    expect(whole).toEqual([
      { kind: 'line', text: '{"a":"é€"}' },
      { kind: 'line', text: 'x' },
      { kind: 'line', text: '' },
      { kind: 'line', text: 'last' },
    ]);
    expect(frames([...bytes].map((b) => Uint8Array.of(b)))).toEqual(whole);
    expect(frames([bytes.subarray(0, 7), bytes.subarray(7)])).toEqual(whole);
  });

  it('skips a line over the limit (its \\r not counted) and goes on with the next', () => {
    const max = 8;
    expect(frames([enc('12345678\n123456789\n12345678\r\nok\n')], max)).toEqual([
      { kind: 'line', text: '12345678' },
      { kind: 'too-long', bytes: 9 },
      { kind: 'line', text: '12345678' },
      { kind: 'line', text: 'ok' },
    ]);
    // the same over many chunks: the long line is counted as it streams past
    const long = Array.from({ length: 100 }, () => enc('abcdefghij'));
    expect(frames([...long, enc('\nok\n')], max)).toEqual([
      { kind: 'too-long', bytes: 1000 },
      { kind: 'line', text: 'ok' },
    ]);
  });

  it('tells invalid UTF-8 from text, and leaves a NUL byte to the session', () => {
    expect(frames([Uint8Array.of(0x7b, 0xff, 0x7d, 0x0a, 0x61, 0x00, 0x0a)])).toEqual([
      { kind: 'not-utf8' },
      { kind: 'line', text: 'a\u0000' },
    ]);
  });
});

// Serves `input` and gives the reply lines and the outcome.
async function serveText(input: Readable): Promise<{ lines: string[]; end: string; count: number }> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (d: Buffer) => chunks.push(d));
  const outcome = await serveStdio({ input, output });
  const text = Buffer.concat(chunks).toString('utf8');
  return { lines: text.split('\n').slice(0, -1), end: outcome.end, count: outcome.lines };
}

describe('serveStdio', () => {
  it('answers each line in order, as an in-process session does, and ends at the input end', async () => {
    const lines = [HELLO, 'not json', req(2, 5, 'no.such.method'), req(null, 5, 'ledger.get')];
    const { lines: got, end, count } = await serveText(Readable.from([`${lines.join('\r\n')}\n`]));
    const session = createSession();
    expect(got).toEqual(lines.map((l) => session.requestLine(l)));
    expect({ end, count }).toEqual({ end: 'eof', count: 4 });
  });

  it('answers a line over MAX_LINE_BYTES with line-too-long, and the lines after it keep their numbers', async () => {
    const long = `{"id":2,"now":"0","method":"ledger.get","pad":"${'x'.repeat(MAX_LINE_BYTES)}"}`;
    const input = Readable.from([
      `${HELLO}\n`,
      long.slice(0, 5000),
      long.slice(5000),
      '\n',
      Buffer.from([0xc3, 0x28, 0x0a]),
      'nope\n',
    ]);
    const { lines } = await serveText(input);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toMatchObject([
      { id: 1 },
      { id: null, line: 2, error: { code: 'line-too-long', path: '' } },
      { id: null, line: 3, error: { code: 'parse-error', path: '' } },
      { id: null, line: 4, error: { code: 'parse-error' } },
    ]);
    expect(lines[1]).toContain(`${long.length} bytes`);
  });

  it('ends after the reply to bye, reading no further', async () => {
    const input = Readable.from([`${HELLO}\n${req(2, 1, 'bye')}\n${req(3, 2, 'ledger.get')}\n`]);
    const { lines, end, count } = await serveText(input);
    expect({ end, count, ids: lines.map((l) => (JSON.parse(l) as { id: unknown }).id) }).toEqual({
      end: 'bye',
      count: 2,
      ids: [1, 2],
    });
  });

  it('reads no more input while the output does not drain, and goes on when it does', async () => {
    let pulled = 0;
    const many = 200;
    const line = `${req(null, 0, 'no.such.method')}\n`;
    const input = Readable.from(
      (function* () {
        for (let i = 0; i < many; i++) {
          pulled++;
          yield line.repeat(50);
        }
      })(),
      { highWaterMark: 1 },
    );
    const held: (() => void)[] = [];
    let written = 0;
    const output = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        held.push(done); // a client that stopped reading: nothing is acknowledged
      },
    });
    const served = serveStdio({ input, output });
    await new Promise((r) => setTimeout(r, 200));
    const pulledWhileStuck = pulled;
    expect(pulledWhileStuck).toBeLessThan(10);
    const release = setInterval(() => held.splice(0).forEach((done) => done()), 1);
    const outcome = await served;
    clearInterval(release);
    expect({ outcome, pulled }).toEqual({ outcome: { end: 'eof', lines: many * 50 }, pulled: many });
    expect(written).toBeGreaterThan(many * 50 * 80);
    // every backed-up write waited once, and let go of its listeners (the fuzz found them piling up)
    expect({ drain: output.listenerCount('drain'), close: output.listenerCount('close') }).toEqual({
      drain: 0,
      close: 1,
    });
  });

  it('ends when the output is closed', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const served = serveStdio({ input, output });
    input.write(`${HELLO}\n`);
    await new Promise((r) => setTimeout(r, 20));
    output.destroy();
    input.write(`${req(2, 1, 'ledger.get')}\n`);
    expect(await served).toEqual({ end: 'closed', lines: 2 });
  });

  it('refuses what is not a stream', async () => {
    await expect(serveStdio({ input: 'x' as unknown as Readable, output: new PassThrough() })).rejects.toThrow(
      /options.input must be a readable stream/,
    );
    await expect(serveStdio({ input: Readable.from([]), output: {} as unknown as Writable })).rejects.toThrow(
      /options.output/,
    );
  });
});

describe('listen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schedacct-serve-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Two sessions at once: what one does is not the other's (B has not opened a model; A has).
  async function twoSessions(at: string | number): Promise<void> {
    const [a, b] = await Promise.all([socketClient(at), socketClient(at)]);
    expect(await a.client.ask(HELLO)).toMatchObject({ id: 1, result: { protocol: 'schedacct' } });
    expect(await b.client.ask(HELLO)).toMatchObject({ id: 1, result: { protocol: 'schedacct' } });
    expect(await a.client.ask(req(2, 10, 'model.open', { vcpus: 2 }))).toMatchObject({ id: 2, now: '10' });
    expect(await b.client.ask(req(2, 5, 'ledger.get'))).toMatchObject({ id: 2, error: { code: 'not-open' } });
    expect(await a.client.ask(req(3, 5, 'ledger.get'))).toMatchObject({ id: 3, error: { code: 'time-backwards' } });
    expect(await b.client.ask(req(3, 5, 'model.open', { vcpus: 1 }))).toMatchObject({ id: 3, now: '5' });
    expect(await a.client.ask(req(4, 20, 'bye'))).toMatchObject({ id: 4, now: '20' });
    // after bye the server ends A's connection; B's goes on
    expect(await a.client.reader.next()).toBeUndefined();
    expect(await b.client.ask(req(4, 6, 'ledger.get'))).toMatchObject({ id: 4, now: '6' });
    b.socket.end();
  }

  it('serves each connection of a Unix socket as its own session', async () => {
    const path = join(dir, 'serve.sock');
    const server = await listen({ path });
    expect(server.address).toBe(path);
    await twoSessions(path);
    await server.close();
  });

  it('serves each connection of a loopback TCP port as its own session, and says the port it got', async () => {
    const server = await listen({ port: 0 });
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    await twoSessions(server.port ?? 0);
    await server.close();
  });

  it('refuses an address other machines reach unless told, and an address in use', async () => {
    await expect(listen({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/not a loopback address.*no authentication/);
    await expect(listen({ port: 0, host: '192.168.1.1' })).rejects.toThrow(/allowRemote/);
    const server = await listen({ port: 0 });
    await expect(listen({ port: server.port ?? 0 })).rejects.toThrow(/is in use/);
    await server.close();
    await expect(listen({})).rejects.toThrow(/options.port/);
  });

  it('reads --listen values and knows loopback', () => {
    expect(parseListenAddress('4000')).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(parseListenAddress('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    expect(parseListenAddress('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(parseListenAddress('/tmp/s.sock')).toEqual({ path: '/tmp/s.sock' });
    expect(parseListenAddress('s.sock')).toEqual({ path: 's.sock' });
    expect(() => parseListenAddress('70000')).toThrow(/not 0–65535/);
    expect(['localhost', '127.0.0.1', '127.9.8.7', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com', '128.0.0.1'].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
