// The oracle of the protocol fuzz: the mixed stream goes to one session and only its valid lines to another; every
// line must get exactly one reply line; a valid line an applied reply byte-identical to the clean session's (so the
// final ledger.get and anomalies.get are equal, and no bad line changed anything, not even the time); a bad line an
// error reply with a code of ErrorCode, a message, a path, and its id or its line; no reply a time that is not U64.
import type { ErrorCode, Session } from '../../src/protocol/types.js';
import { isRef, type Item, type Payload } from './fuzz-items.js';

/** Every ErrorCode (the type check below fails if types.ts gains one this list lacks). */
export const ERROR_CODES = [
  'parse-error',
  'invalid-request',
  'unknown-method',
  'invalid-params',
  'unsupported-version',
  'no-hello',
  'not-open',
  'wrong-mode',
  'time-backwards',
  'unknown-task',
  'impossible-event',
  'vcpu-busy',
  'vcpu-not-running',
  'line-too-long',
  'reply-too-long',
  'batch-aborted',
  'internal',
] as const satisfies readonly ErrorCode[];
/** True: {@link ERROR_CODES} has every code (a code missing there makes this fail to compile). */
export const ERROR_CODES_COMPLETE: [Exclude<ErrorCode, (typeof ERROR_CODES)[number]>] extends [never] ? true : never =
  true;

/** One thing the oracle found wrong. */
export interface Violation {
  readonly kind: string;
  /** The stream index (the line is index + 1). */
  readonly index: number;
  readonly message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const U64 = /^(0|[1-9][0-9]*)$/;
const isU64 = (v: unknown): boolean => typeof v === 'string' && U64.test(v) && BigInt(v) < 2n ** 64n;
const TIME_KEY = /^(now|at|reached|counter)$|Ns$/;

/**
 * Times and numbers in a reply outside its opaque snapshot: every time a U64 string, every number finite and ≥ 0.
 * @param v - the reply, parsed
 * @param path - where we are
 * @returns what is wrong, or undefined
 */
export function badTime(v: unknown, path = ''): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? undefined : `${path} is ${String(v)}`;
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const bad = badTime(x, `${path}[${String(i)}]`);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  if (!isObj(v)) return undefined;
  for (const [k, x] of Object.entries(v)) {
    const at = path === '' ? k : `${path}.${k}`;
    if (k === 'snapshot' && path.endsWith('result')) continue;
    if (TIME_KEY.test(k) && !isU64(x)) return `${at} is ${JSON.stringify(x)}, not a U64 string`;
    if (k === 'nextEventAt' && x !== null && !isU64(x)) return `${at} is ${JSON.stringify(x)}`;
    const bad = badTime(x, at);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/**
 * The text of a line, with a snapshot.set made from this run's reply to the snapshot.get it names.
 * @param payload - the line's payload
 * @param replies - this run's replies so far, by stream index
 * @returns the text (and, for serve, raw bytes)
 */
export function lineOf(
  payload: Payload,
  replies: readonly (string | undefined)[],
): { text: string; bytes?: Uint8Array } {
  if (!isRef(payload)) return payload;
  let snapshot: unknown = null;
  try {
    const reply: unknown = JSON.parse(replies[payload.snapshotFrom] ?? 'null');
    if (isObj(reply) && isObj(reply.result)) snapshot = reply.result.snapshot;
  } catch {
    // a reply that is not JSON is the oracle's to report; the set then carries null
  }
  const corrupt = payload.corrupt;
  const snap = isObj(snapshot) ? snapshot : {};
  const params =
    corrupt === 'missing'
      ? {}
      : {
          snapshot:
            corrupt === 'format'
              ? { ...snap, format: 'schedacct-snapshot/999' }
              : corrupt === 'now'
                ? { ...snap, now: '-1' }
                : corrupt === 'not-object'
                  ? 5
                  : snapshot,
        };
  const req = {
    ...(payload.id === undefined ? {} : { id: payload.id }),
    now: payload.now,
    method: 'snapshot.set',
    params,
  };
  return { text: JSON.stringify(req) };
}

/**
 * Feeds every line to one session, the way a transport does (`requestLine`), catching what it must not throw.
 * @param session - a fresh session
 * @param items - the stream
 * @param only - feed only the valid lines, in their canonical text (the clean run)
 * @returns the replies by stream index (undefined: not fed, or it threw) and the throws
 */
export function runSession(
  session: Session,
  items: readonly Item[],
  only = false,
): { replies: (string | undefined)[]; violations: Violation[] } {
  const replies: (string | undefined)[] = [];
  const violations: Violation[] = [];
  for (const [index, item] of items.entries()) {
    if (only && !item.valid) continue;
    const text = only && item.canonical !== undefined ? item.canonical : lineOf(item.payload, replies).text;
    try {
      replies[index] = session.requestLine(text);
    } catch (e) {
      violations.push({ kind: 'throw', index, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  }
  for (const k of ['now', 'method', 'params', 'vcpu', 'task', 'state', 'id', 'snapshot']) {
    if (k in {})
      violations.push({ kind: 'polluted', index: items.length - 1, message: `Object.prototype.${k} exists` });
  }
  return { replies, violations };
}

const errorOf = (v: unknown): Obj | undefined => (isObj(v) && isObj(v.error) ? v.error : undefined);

function checkError(item: Item, v: unknown, line: number, prefix: string): string | undefined {
  const e = errorOf(v);
  if (e === undefined || !isObj(v)) return `accepted-bad: ${JSON.stringify(v).slice(0, 200)}`;
  if (!(ERROR_CODES as readonly unknown[]).includes(e.code)) return `bad-code: ${String(e.code)}`;
  if (typeof e.message !== 'string' || e.message === '' || typeof e.path !== 'string')
    return 'bad-reply: message or path missing';
  if (prefix !== '') return undefined;
  const idOk =
    item.id === null
      ? v.id === null && v.line === line
      : v.id === item.id || (item.anyId === true && v.id === null && v.line === line);
  if (!idOk)
    return `wrong-id: expected ${item.id === null ? `line ${String(line)}` : JSON.stringify(item.id)}, got id ${JSON.stringify(v.id)} line ${JSON.stringify(v.line)}`;
  if (item.codes !== undefined && !item.codes.includes(e.code as ErrorCode))
    return `wrong-code: ${String(e.code)} (${e.message}), expected ${item.codes.join(' or ')}`;
  return pathFault(item.damaged, e.path);
}

function pathFault(damaged: string | undefined, path: string): string | undefined {
  if (damaged === undefined) return undefined;
  const under = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  // the path names the damaged field or one around it, or (a whole object left out) a field inside it
  const prefix = path === '' || under(damaged, path) || under(path, damaged);
  const deepEnough = path !== '' || !/^(\[\d+\]\.)?params\./.test(damaged);
  return prefix && deepEnough ? undefined : `wrong-path: "${path}" for damage at ${damaged}`;
}

function checkBad(item: Item, v: unknown, line: number): string | undefined {
  if (item.batch === undefined) return checkError(item, v, line, '');
  if (!Array.isArray(v))
    return item.batch.whole === true
      ? checkError(item, v, line, '')
      : `bad-reply: a bad batch got ${JSON.stringify(v).slice(0, 200)}`;
  if (v.length !== item.batch.ids.length)
    return `bad-reply: ${String(v.length)} replies to a batch of ${String(item.batch.ids.length)}`;
  for (const [i, r] of v.entries()) {
    const fault = checkError(item, r, line, `[${String(i)}]`);
    if (fault !== undefined) return `[${String(i)}] ${fault}`;
    const e = errorOf(r) as Obj;
    const bad = i === item.batch.bad;
    if (bad === (e.code === 'batch-aborted') && item.batch.whole !== true)
      return `wrong-code: [${String(i)}] is ${String(e.code)}`;
    if (bad && item.codes !== undefined && !item.codes.includes(e.code as ErrorCode))
      return `wrong-code: [${String(i)}] ${String(e.code)} (${String(e.message)}), expected ${item.codes.join(' or ')}`;
    if (bad) {
      const p = pathFault(item.damaged, String(e.path));
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

function checkOk(item: Item, v: unknown, text: string): string | undefined {
  const sent: unknown = isRef(item.payload) ? { now: item.payload.now } : JSON.parse(item.canonical ?? text);
  const one = (r: unknown, req: unknown, id: unknown): string | undefined => {
    if (!isObj(r) || errorOf(r) !== undefined || !('result' in r))
      return `rejected-valid: ${JSON.stringify(r).slice(0, 300)}`;
    if (r.id !== id) return `wrong-id: expected ${JSON.stringify(id)}, got ${JSON.stringify(r.id)}`;
    const now = isObj(req) ? req.now : undefined;
    if (typeof now === 'string' && isU64(r.now) && BigInt(r.now as string) < BigInt(now))
      return `bad-time: reply now ${String(r.now)} < ${now}`;
    return undefined;
  };
  if (item.batch === undefined) return one(v, sent, item.id);
  if (!Array.isArray(v) || !Array.isArray(sent) || v.length !== sent.length)
    return `rejected-valid: ${JSON.stringify(v).slice(0, 300)}`;
  for (const [i, r] of v.entries()) {
    const fault = one(r, sent[i], item.batch.ids[i]);
    if (fault !== undefined) return `[${String(i)}] ${fault}`;
  }
  return undefined;
}

/**
 * Judges one run's replies.
 * @param items - the stream
 * @param replies - the run's replies, by stream index
 * @param clean - the clean run's replies, by stream index (valid lines only)
 * @param skipDiverged - stream indexes whose reply need not equal the clean one (none in process)
 * @returns what is wrong
 */
export function judge(
  items: readonly Item[],
  replies: readonly (string | undefined)[],
  clean: readonly (string | undefined)[],
): Violation[] {
  const out: Violation[] = [];
  for (const [index, item] of items.entries()) {
    const text = replies[index];
    const add = (fault: string): void => {
      const colon = fault.indexOf(':');
      out.push({ kind: colon > 0 ? fault.slice(0, colon).replace(/^\[\d+\] /, '') : fault, index, message: fault });
    };
    if (text === undefined) {
      add('no-reply: the line got no reply');
      continue;
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      add(`bad-reply: not JSON: ${text.slice(0, 200)}`);
      continue;
    }
    if (text.includes('\n')) add('bad-reply: the reply spans lines');
    const time = badTime(v);
    if (time !== undefined) add(`bad-time: ${time}`);
    const fault = item.valid ? checkOk(item, v, lineOf(item.payload, replies).text) : checkBad(item, v, index + 1);
    if (fault !== undefined) add(fault);
    else if (item.valid && clean[index] !== text) {
      add(
        `diverged: the mixed run's reply differs from the clean run's:\n  mixed: ${text.slice(0, 400)}\n  clean: ${String(clean[index]).slice(0, 400)}`,
      );
    }
  }
  return out;
}
