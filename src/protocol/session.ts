/**
 * A protocol session: one JSON message in, one reply out, in process or behind a transport. It checks the envelope
 * (`hello` first, `now` never going backwards, the feature granted), dispatches to the open mode, applies a batch
 * whole or not at all, and never throws for a bad message: every one gets an error reply, and the state is exactly as
 * before it. Inside a batch, `hello`, `snapshot.set` and `bye` are refused (`invalid-request`): each changes the
 * session itself, not its state. Runtime-neutral.
 * @module
 */
import { checkFunction, checkOptions } from '../check.js';
import { checkEngine } from '../trace/engine.js';
import { ProtocolError } from './errors.js';
import { hello, type HelloState } from './session-hello.js';
import { envelope, errorReply, idOf, internalError, type Envelope } from './session-envelope.js';
import { Dispatcher } from './session-dispatch.js';
import {
  MAX_BATCH,
  MAX_LINE_BYTES,
  MAX_REPLY_CHARS,
  type ErrorReply,
  type OkReply,
  type Reply,
  type Session,
  type SessionOptions,
} from './types.js';

const NOT_IN_BATCH: readonly string[] = ['hello', 'snapshot.set', 'bye'];

// UTF-8 bytes of a string, counted only as far as the limit needs.
function overLimit(line: string): boolean {
  if (line.length > MAX_LINE_BYTES) return true;
  if (line.length * 3 <= MAX_LINE_BYTES) return false;
  let bytes = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 4 : c >= 0xdc00 && c < 0xe000 ? 0 : 3;
  }
  return bytes > MAX_LINE_BYTES;
}

class ProtocolSession implements Session {
  #line = 0;
  readonly #d: Dispatcher;
  readonly #log: ((line: string) => void) | undefined;
  #wantText = false;
  #text: string | undefined;

  constructor(engine: 'compiled' | 'xstate', log: ((line: string) => void) | undefined) {
    this.#d = new Dispatcher(engine);
    this.#log = log;
  }

  get closed(): boolean {
    return this.#d.closed;
  }

  request(message: unknown): Reply | Reply[] {
    return this.#answer(message, ++this.#line);
  }

  requestLine(line: string): string {
    const n = ++this.#line;
    if (typeof line !== 'string') return JSON.stringify(this.#answer(line, n));
    if (overLimit(line)) {
      const message = `the line is over ${MAX_LINE_BYTES} bytes: split the batch`;
      return JSON.stringify(errorReply(null, n, new ProtocolError('line-too-long', message).toWire()));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      const message = 'the line is not JSON: send one JSON value (a request or an array of them) per line';
      return JSON.stringify(errorReply(null, n, new ProtocolError('parse-error', message).toWire()));
    }
    this.#wantText = true;
    this.#text = undefined;
    try {
      const reply = this.#answer(parsed, n);
      return this.#madeText() ?? JSON.stringify(reply);
    } finally {
      this.#wantText = false;
      this.#text = undefined;
    }
  }

  // (a method: a field read right after its assignment would stay narrowed to undefined)
  #madeText(): string | undefined {
    return this.#text;
  }

  // requestLine's reply as text, made before its transaction commits: a reply too long to write is not applied.
  #serialize(reply: Reply | Reply[]): string | undefined {
    if (!this.#wantText) return undefined;
    let text: string | undefined;
    try {
      text = JSON.stringify(reply);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e; // (V8: "Invalid string length")
    }
    if (text === undefined || text.length > MAX_REPLY_CHARS) {
      const message = `the reply would be over ${MAX_REPLY_CHARS} characters: nothing was applied; send fewer requests per line`;
      throw new ProtocolError('reply-too-long', message);
    }
    return text;
  }

  #answer(message: unknown, line: number): Reply | Reply[] {
    try {
      return Array.isArray(message) ? this.#batch(message, line) : this.#single(message, line);
    } catch (e) {
      // (only a bug gets here: every request runs in a transaction that rolled back)
      this.#log?.(`schedacct serve: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return errorReply(idOf(message), line, internalError(e).toWire());
    }
  }

  #single(message: unknown, line: number): Reply {
    const env = envelope(message);
    if (env instanceof ProtocolError) return errorReply(idOf(message), line, env.toWire());
    const d = this.#d;
    const tx = d.begin(env.method);
    try {
      const ok = this.#apply(env);
      const text = this.#serialize(ok);
      d.commit(tx);
      this.#text = text;
      return ok;
    } catch (e) {
      d.rollback(tx);
      if (!(e instanceof ProtocolError)) this.#log?.(`schedacct serve: internal error: ${String(e)}`);
      return errorReply(env.id, line, (e instanceof ProtocolError ? e : internalError(e)).toWire());
    }
  }

  #apply(env: Envelope): OkReply {
    if (env.method === 'hello') {
      const state: HelloState = this.#d;
      const result = hello(state, env.params);
      this.#d.startAt(env.nowNs);
      return { id: env.id, now: String(this.#d.nowNs), result };
    }
    const { result, nowNs } = this.#d.apply(env);
    return { id: env.id, now: String(nowNs), result };
  }

  #batch(list: readonly unknown[], line: number): Reply | Reply[] {
    const d = this.#d;
    if (!d.helloDone) return errorReply(null, line, new ProtocolError('no-hello', 'send hello first').toWire());
    if (!d.features.includes('batch'))
      return errorReply(null, line, new ProtocolError('wrong-mode', "batches need the feature 'batch'").toWire());
    if (list.length === 0 || list.length > MAX_BATCH) {
      const message = `a batch holds 1 to ${MAX_BATCH} requests, got ${list.length}`;
      return errorReply(null, line, new ProtocolError('invalid-request', message).toWire());
    }
    const tx = d.begin('batch');
    const replies: Reply[] = [];
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      let failure: ProtocolError | undefined;
      const env = envelope(item);
      if (env instanceof ProtocolError) failure = env;
      else if (NOT_IN_BATCH.includes(env.method))
        failure = new ProtocolError(
          'invalid-request',
          `${env.method} cannot be in a batch: send it on its own line`,
          'method',
        );
      else {
        try {
          replies.push(this.#apply(env));
        } catch (e) {
          failure = e instanceof ProtocolError ? e : internalError(e);
        }
      }
      if (failure !== undefined) {
        d.rollback(tx);
        return this.#aborted(list, line, i, failure);
      }
    }
    let text: string | undefined;
    try {
      text = this.#serialize(replies);
    } catch (e) {
      d.rollback(tx);
      return errorReply(null, line, (e instanceof ProtocolError ? e : internalError(e)).toWire());
    }
    d.commit(tx);
    this.#text = text;
    return replies;
  }

  #aborted(list: readonly unknown[], line: number, failed: number, failure: ProtocolError): ErrorReply[] {
    return list.map((item, k) =>
      errorReply(
        idOf(item),
        line,
        k === failed
          ? failure.toWire(`[${k}]`)
          : { code: 'batch-aborted', message: `not applied: request [${failed}] of the batch failed`, path: `[${k}]` },
      ),
    );
  }
}

/**
 * Creates a protocol session: the messages of `schedacct serve`, in process.
 * @param options - the engine of the task machines and where log lines go (see {@link SessionOptions})
 * @returns the session
 * @throws {@link SchedacctError} `invalid-argument` for options that are not an object, an unknown engine or a log
 *   that is not a function
 * @example
 * ```ts
 * const session = createSession();
 * session.request({ id: 1, method: 'hello', now: '0', params: { protocol: 'schedacct', version: '1' } });
 * session.request({ id: 2, method: 'model.open', now: '0', params: { vcpus: 1 } });
 * session.request({ id: 3, method: 'task.event', now: '0', params: { task: 7, type: 'create', vcpu: 0 } });
 * session.request({ id: 4, method: 'task.event', now: '0', params: { task: 7, type: 'dispatch', vcpu: 0 } });
 * session.request({ id: 5, method: 'vcpu.state', now: '1000000', params: { vcpu: 0, state: 'runnable' } });
 * session.request({ id: 6, method: 'vcpu.state', now: '3000000', params: { vcpu: 0, state: 'running' } });
 * session.requestLine('{"id":7,"method":"task.event","now":"4000000","params":{"task":7,"type":"preempt","vcpu":0}}');
 * // '{"id":7,"now":"4000000","result":{"state":"preempted","charges":[{"task":7,"vcpu":0,"startNs":"0","endNs":"4000000","runNs":"4000000","stolenNs":"2000000","chargedNs":"2000000"}],"anomalies":[]}}'
 * ```
 */
export function createSession(options: SessionOptions = {}): Session {
  checkOptions('options', options);
  const engine = checkEngine(options.engine);
  if (options.log !== undefined) checkFunction('options.log', options.log);
  return new ProtocolSession(engine, options.log);
}
