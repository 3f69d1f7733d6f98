/**
 * Node-only: the protocol's transports. `serveStdio` answers one session on a pair of streams (standard input and
 * output, or a socket), a JSON value per line in and a reply line out, in order; `listen` accepts connections on a
 * Unix socket or a loopback TCP port, each its own session. Memory stays bounded: a line over
 * {@link MAX_LINE_BYTES} is skipped as it streams past, and nothing more is read while the output does not drain.
 * @module
 */
import { once } from 'node:events';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { SchedacctError } from '../errors.js';
import { LineFramer, type Frame } from './framing.js';
import { createSession } from './session.js';
import { MAX_LINE_BYTES, type Session } from './types.js';

/** What {@link serveStdio} serves on. */
export interface ServeStdioOptions {
  /** The requests' bytes (standard input, a socket). */
  readonly input: Readable;
  /** Where the replies go (standard output, the same socket). */
  readonly output: Writable;
  /** Where log lines go (the command: standard error). Default: nowhere. */
  readonly log?: (line: string) => void;
  /** How the task machines run (default `compiled`). */
  readonly engine?: 'compiled' | 'xstate';
}

/** How a served session ended: the input's end, a `bye`, or an output that was closed. */
export type ServeEnd = 'eof' | 'bye' | 'closed';

/** What {@link serveStdio} did. */
export interface ServeOutcome {
  /** How it ended. */
  readonly end: ServeEnd;
  /** Lines answered. */
  readonly lines: number;
}

// Replies are written in pieces of about this many characters: one write per chunk of input, not per line.
const WRITE_CHARS = 1 << 16;

// A reply the transport gives itself, for a line the session never sees whole.
function transportError(line: number, code: 'line-too-long' | 'parse-error', message: string): string {
  return JSON.stringify({ id: null, line, error: { code, message, path: '' } });
}

// The session counts lines: a line the transport answers itself is counted too (a NUL line is a parse error that
// changes nothing), so that the lines later replies name stay right.
function answer(session: Session, frame: Frame, line: number): string {
  if (frame.kind === 'line') return session.requestLine(frame.text);
  session.requestLine('\u0000');
  if (frame.kind === 'not-utf8') return transportError(line, 'parse-error', `line ${line} is not valid UTF-8`);
  return transportError(
    line,
    'line-too-long',
    `line ${line} is ${frame.bytes} bytes, over the limit of ${MAX_LINE_BYTES}: it was skipped (split a batch into smaller ones)`,
  );
}

// The replies not yet written, written when there are enough of them or the input waits; waits for a full output
// to drain, so that a client that stops reading stops the server reading too.
class ReplyWriter {
  readonly #output: Writable;
  #pending: string[] = [];
  #chars = 0;
  closed = false;

  constructor(output: Writable) {
    this.#output = output;
    const close = (): void => {
      this.closed = true;
    };
    output.on('error', close);
    output.on('close', close);
  }

  // true when the caller should flush before going on
  add(reply: string): boolean {
    this.#pending.push(reply, '\n');
    this.#chars += reply.length + 1;
    return this.#chars >= WRITE_CHARS;
  }

  async flush(): Promise<void> {
    if (this.#pending.length === 0 || this.closed) return;
    // one reply (a batch's) is written as it is: joining it with its newline would copy megabytes for nothing
    const pending = this.#pending;
    this.#pending = [];
    this.#chars = 0;
    let ok = true;
    if (pending.length === 2) {
      ok = this.#output.write(pending[0]);
      ok = this.#output.write('\n') && ok;
    } else ok = this.#output.write(pending.join(''));
    if (!ok) await this.#drained();
  }

  // Waits for 'drain' or 'close', whichever comes first, and removes both listeners (a race of two once() promises
  // would leave the loser's listeners attached at every backed-up write).
  #drained(): Promise<void> {
    const output = this.#output;
    return new Promise((resolve) => {
      const done = (): void => {
        output.off('drain', done);
        output.off('close', done);
        output.off('error', done);
        resolve();
      };
      output.on('drain', done);
      output.on('close', done);
      output.on('error', done);
    });
  }
}

const bytesOf = (chunk: unknown): Uint8Array =>
  typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);

/**
 * Serves one session on a pair of streams: each line of `input` is a request (or a batch), answered by one line on
 * `output`, in order. Ends at the input's end, after the reply to `bye`, or when the output is closed; it does not
 * end or destroy either stream (the caller owns them).
 * @param options - the streams, where logs go, the engine
 * @returns how it ended and how many lines it answered
 * @throws {@link SchedacctError} when `input` or `output` is not a stream
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import { serveStdio } from 'schedacct/protocol/node';
 * const input = PassThrough.from(['{"id":1,"now":"0","method":"hello","params":{"protocol":"schedacct","version":"1"}}\n']);
 * const output = new PassThrough();
 * const outcome = await serveStdio({ input, output });
 * console.log(outcome.end, JSON.parse(String(output.read())).result.protocol); // eof schedacct
 * ```
 */
export async function serveStdio(options: ServeStdioOptions): Promise<ServeOutcome> {
  const { input, output } = checkStreams(options);
  const session = createSession({
    ...(options.engine === undefined ? {} : { engine: options.engine }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const framer = new LineFramer(MAX_LINE_BYTES);
  const writer = new ReplyWriter(output);
  let lines = 0;
  // frames answered until `bye`: true when the session ended
  const answerAll = async (frames: Iterable<Frame>): Promise<boolean> => {
    for (const frame of frames) {
      if (writer.add(answer(session, frame, ++lines))) await writer.flush();
      if (session.closed || writer.closed) return true;
    }
    return false;
  };
  // not `for await`: leaving it would destroy the input, and with a socket the replies not yet sent
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  for (;;) {
    const next = await chunks.next();
    const ended = await answerAll(next.done === true ? framer.end() : framer.push(bytesOf(next.value)));
    await writer.flush();
    if (ended || next.done === true) break;
  }
  const end: ServeEnd = writer.closed ? 'closed' : session.closed ? 'bye' : 'eof';
  options.log?.(`session ended (${end}) after ${lines} line${lines === 1 ? '' : 's'}`);
  return { end, lines };
}

// What both transports take: where logs go and the engine.
function checkCommon(options: { readonly log?: unknown; readonly engine?: unknown }): void {
  if (options.log !== undefined && typeof options.log !== 'function')
    throw new SchedacctError('invalid-argument', 'options.log must be a function (line: string) => void');
  if (options.engine !== undefined && !(['compiled', 'xstate'] as unknown[]).includes(options.engine))
    throw new SchedacctError('invalid-argument', `options.engine must be 'compiled' or 'xstate'`);
}

function checkStreams(options: ServeStdioOptions): ServeStdioOptions {
  if (typeof options !== 'object' || (options as unknown) === null)
    throw new SchedacctError('invalid-argument', 'serveStdio takes options { input, output }');
  const { input, output } = options;
  if (typeof (input as Partial<Readable> | undefined)?.[Symbol.asyncIterator] !== 'function')
    throw new SchedacctError('invalid-argument', 'options.input must be a readable stream');
  if (typeof (output as Partial<Writable> | undefined)?.write !== 'function')
    throw new SchedacctError('invalid-argument', 'options.output must be a writable stream');
  checkCommon(options);
  return options;
}

/** Where {@link listen} listens: a Unix socket's path, or a TCP host and port. */
export type ListenAddress =
  | {
      /** The Unix socket's path. */
      readonly path: string;
    }
  | {
      /** The host name or address. */
      readonly host: string;
      /** The port, 0 for any free one. */
      readonly port: number;
    };

/** What {@link listen} takes. */
export interface ListenOptions {
  /** A Unix socket's path (instead of `port`). */
  readonly path?: string;
  /** A TCP port, 0 for any free one (instead of `path`). */
  readonly port?: number;
  /** The TCP address (default `127.0.0.1`); one that is not loopback needs `allowRemote`. */
  readonly host?: string;
  /** Listen on an address other machines reach: the protocol has no authentication, so anyone there can use it. */
  readonly allowRemote?: boolean;
  /** Where log lines go. Default: nowhere. */
  readonly log?: (line: string) => void;
  /** How the task machines run (default `compiled`). */
  readonly engine?: 'compiled' | 'xstate';
}

/** A listening server: each connection is its own session. */
export interface ProtocolServer {
  /** Where it listens: the socket's path, or `host:port` (the port chosen when 0 was asked). */
  readonly address: string;
  /** The TCP port, or undefined for a Unix socket. */
  readonly port: number | undefined;
  /** Sessions open now. */
  readonly sessions: number;
  /**
   * Stops listening and ends every open session.
   * @returns when it is closed
   */
  close(): Promise<void>;
}

/**
 * Whether a host name or address is this machine's loopback (`localhost`, `127.0.0.0/8`, `::1`).
 * @param host - a name or an IP address
 * @returns true for loopback
 * @internal
 */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return host === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(host);
}

/**
 * Reads `--listen`'s value: `PORT` (loopback), `HOST:PORT`, `[IPV6]:PORT`, or else a Unix socket's path.
 * @param text - the value
 * @returns the address
 * @throws {@link SchedacctError} for a port that is not 0–65535
 * @internal
 */
export function parseListenAddress(text: string): ListenAddress {
  const tcp = /^(?:\[([^\]]+)\]:|([^/:[\]]+):)?(\d+)$/.exec(text);
  if (tcp === null || (tcp[1] === undefined && tcp[2] === undefined && text.includes('/'))) return { path: text };
  const port = Number(tcp[3]);
  if (!(port <= 65535)) throw new SchedacctError('invalid-argument', `--listen: port ${tcp[3]} is not 0–65535`);
  return { host: tcp[1] ?? tcp[2] ?? '127.0.0.1', port };
}

function checkListen(options: ListenOptions): ListenAddress {
  const { path, port, host } = options;
  checkCommon(options);
  if (path !== undefined) {
    if (typeof path !== 'string' || path === '')
      throw new SchedacctError('invalid-argument', 'options.path must be a Unix socket path');
    if (port !== undefined || host !== undefined)
      throw new SchedacctError('invalid-argument', 'options.path goes alone: not with port or host');
    return { path };
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new SchedacctError('invalid-argument', 'options.port must be a whole number 0–65535 (or give options.path)');
  if (host !== undefined && (typeof host !== 'string' || host === ''))
    throw new SchedacctError('invalid-argument', 'options.host must be a host name or address');
  const at = host ?? '127.0.0.1';
  if (!isLoopback(at) && options.allowRemote !== true)
    throw new SchedacctError(
      'invalid-argument',
      `${at} is not a loopback address: the protocol has no authentication, so anyone who reaches it can use it; ` +
        'pass allowRemote (--allow-remote) to listen there anyway',
    );
  return { host: at, port };
}

/**
 * Listens on a Unix socket or a TCP port: each connection is a session of its own, served as {@link serveStdio}
 * serves one, and ended after `bye` or at its input's end.
 * @param options - where (`path`, or `port` and `host`), whether a remote address is allowed, logs, the engine
 * @returns the server, listening
 * @throws {@link SchedacctError} `invalid-argument` for a bad or non-loopback address (without `allowRemote`),
 *   `unavailable` when the address is in use or cannot be listened on
 * @example
 * ```ts
 * const server = await listen({ port: 0 });
 * console.log(server.address.startsWith('127.0.0.1:')); // true
 * await server.close();
 * ```
 */
export async function listen(options: ListenOptions): Promise<ProtocolServer> {
  if (typeof options !== 'object' || (options as unknown) === null)
    throw new SchedacctError('invalid-argument', 'listen takes options { path } or { port, host? }');
  const at = checkListen(options);
  const sockets = new Set<Socket>();
  const log = options.log;
  let count = 0;
  const server = createServer((socket) => {
    const name = `session ${++count}`;
    sockets.add(socket);
    log?.(`${name}: connected`);
    const served = serveStdio({
      input: socket,
      output: socket,
      log: (line) => log?.(`${name}: ${line}`),
      ...(options.engine === undefined ? {} : { engine: options.engine }),
    });
    served
      .then(() => socket.end())
      .catch((error: unknown) => {
        log?.(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        socket.destroy();
      });
    socket.on('close', () => sockets.delete(socket));
  });
  await startListening(server, at);
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : undefined;
  const address = 'path' in at ? at.path : `${at.host.includes(':') ? `[${at.host}]` : at.host}:${String(port)}`;
  return {
    address,
    port,
    get sessions() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

async function startListening(server: Server, at: ListenAddress): Promise<void> {
  try {
    server.listen('path' in at ? { path: at.path } : { host: at.host, port: at.port });
    await once(server, 'listening');
  } catch (error: unknown) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    const where = 'path' in at ? at.path : `${at.host}:${String(at.port)}`;
    const why =
      code === 'EADDRINUSE'
        ? 'is in use (another server listens there; for a socket path left behind, remove it)'
        : `cannot be listened on (${error instanceof Error ? error.message : String(error)})`;
    throw new SchedacctError('unavailable', `${where} ${why}`);
  }
}
