// What the transport tests share: the built command, request lines, and a line client for sockets and processes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';

/** The command as users run it (built by test/global-setup.ts). */
export const BIN: string = new URL('../../dist/bin/schedacct.js', import.meta.url).pathname;

/** A request line. */
export const req = (id: number | null, now: number, method: string, params?: unknown): string =>
  JSON.stringify({
    ...(id === null ? {} : { id }),
    now: String(now),
    method,
    ...(params === undefined ? {} : { params }),
  });

/** `hello` v1. */
export const HELLO: string = req(1, 0, 'hello', { protocol: 'schedacct', version: '1' });

/** Reads a stream's lines one by one, as they come. */
export class LineReader {
  #buffer = '';
  #lines: string[] = [];
  #waiting: ((line: string | undefined) => void)[] = [];
  #ended = false;

  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      this.#buffer += text;
      let at;
      while ((at = this.#buffer.indexOf('\n')) !== -1) {
        this.#give(this.#buffer.slice(0, at));
        this.#buffer = this.#buffer.slice(at + 1);
      }
    });
    stream.on('close', () => {
      this.#ended = true;
      for (const w of this.#waiting.splice(0)) w(undefined);
    });
  }

  #give(line: string): void {
    const w = this.#waiting.shift();
    if (w === undefined) this.#lines.push(line);
    else w(line);
  }

  /** The next line; undefined at the end. */
  next(): Promise<string | undefined> {
    const line = this.#lines.shift();
    if (line !== undefined || this.#ended) return Promise.resolve(line);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

/** A line client of a stream pair: asks a line, gets the reply line. */
export class LineClient {
  readonly #out: Writable;
  readonly reader: LineReader;

  constructor(input: Readable, output: Writable) {
    this.reader = new LineReader(input);
    this.#out = output;
  }

  /** Sends one line and waits for its reply. */
  async ask(line: string): Promise<unknown> {
    this.#out.write(`${line}\n`);
    const reply = await this.reader.next();
    if (reply === undefined) throw new Error(`no reply to ${line}: the stream ended`);
    return JSON.parse(reply);
  }
}

/** A socket client: a Unix socket path or a TCP port on 127.0.0.1. */
export async function socketClient(at: string | number): Promise<{ client: LineClient; socket: Socket }> {
  const socket = typeof at === 'number' ? connect({ host: '127.0.0.1', port: at }) : connect({ path: at });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { client: new LineClient(socket, socket), socket };
}

/** The command started with `args`, and its exit. */
export function start(args: readonly string[]): {
  child: ChildProcessWithoutNullStreams;
  exit: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined);
  const exit = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (status, signal) => resolve({ status, signal })),
  );
  return { child, exit, stderr: () => stderr };
}

/** Waits for a line on the command's standard error that matches, and gives its match. */
export function stderrMatch(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString();
      const m = pattern.exec(text);
      if (m !== null) {
        child.stderr.off('data', onData);
        resolve(m);
      }
    };
    child.stderr.on('data', onData);
    child.once('close', () => reject(new Error(`the command ended without ${String(pattern)}: ${text}`)));
  });
}
