// Lines a session must refuse, made from a valid request for the shadow's state: truncated JSON, NUL bytes, invalid
// UTF-8, lines over the limit and giant fields under it, deep nesting, duplicate keys whose last value is bad,
// `__proto__` keys that must not stand in for a field, values that are not requests, blank lines, and valid messages
// out of order (each breaking exactly one rule of the spec, so the code is known).
import type { ErrorCode, RequestId } from '../../src/protocol/types.js';
import { MAX_LINE_BYTES } from '../../src/protocol/types.js';
import { below, chance, pick, type Rng } from '../fuzz/draft.js';
import type { Item } from './fuzz-items.js';
import { broken, cloneShadow, handles, type Req, type Shadow } from './fuzz-model.js';
import { freshId, helloRequest, nextNow, openRequest, type Ids } from './fuzz-valid.js';

const encoder = new TextEncoder();
const idOfReq = (r: Req): RequestId | null => r.id ?? null;

/** @returns an item for a line whose JSON is broken: no id can be read from it */
const textItem = (category: string, text: string, codes?: readonly ErrorCode[], bytes?: Uint8Array): Item => ({
  valid: false,
  category,
  payload: bytes === undefined ? { text } : { text, bytes },
  id: null,
  ...(codes === undefined ? {} : { codes }),
});

/**
 * Cuts a request's text short (never to nothing): no proper prefix of an object's JSON is JSON.
 * @param rng - the stream
 * @param text - the request's text
 * @returns the item
 */
export const truncated = (rng: Rng, text: string): Item =>
  textItem('truncated', text.slice(0, 1 + below(rng, text.length - 1)), ['parse-error']);

/**
 * A NUL put anywhere inside the text (raw: never JSON whitespace, never allowed unescaped in a string).
 * @param rng - the stream
 * @param text - the request's text
 * @returns the item
 */
export function nul(rng: Rng, text: string): Item {
  const at = 1 + below(rng, text.length - 1);
  return textItem('nul', `${text.slice(0, at)}\u0000${text.slice(at)}`, ['parse-error']);
}

const BAD_UTF8: readonly (readonly number[])[] = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80]];

/**
 * Invalid UTF-8 (through serve: the bytes; in process: a lone surrogate) inside the method name, where any decoding
 * leaves an unknown method, or right after the opening brace, where it is not JSON.
 * @param rng - the stream
 * @param r - the request
 * @param text - its text
 * @returns the item
 */
export function utf8(rng: Rng, r: Req, text: string): Item {
  const inMethod = chance(rng, 0.6);
  const at = inMethod ? text.indexOf(`"${r.method}"`) + 1 + below(rng, r.method.length + 1) : 1;
  const [head, tail] = [text.slice(0, at), text.slice(at)];
  const bytes = Uint8Array.from([...encoder.encode(head), ...pick(rng, BAD_UTF8), ...encoder.encode(tail)]);
  const inProcess = `${head}${chance(rng, 0.5) ? '\uD800' : '\uFFFD'}${tail}`;
  if (!inMethod) return textItem('utf8', inProcess, ['parse-error'], bytes);
  // a transport may refuse the undecodable line as a whole (parse-error, no id) or decode it with replacements
  const codes: ErrorCode[] = ['unknown-method', 'parse-error'];
  return { valid: false, category: 'utf8', payload: { text: inProcess, bytes }, id: idOfReq(r), codes, anyId: true };
}

const byteLength = (text: string): number => encoder.encode(text).length;

/**
 * A line over {@link MAX_LINE_BYTES} (a valid request grown with white space: only the limit refuses it), or one under
 * it whose giant field is bad (a task id of ~1 MB).
 * @param rng - the stream
 * @param r - a valid request
 * @param text - its text
 * @param stepMode - the session is in step mode (where a task event is the other mode's)
 * @returns the item
 */
export function longLine(rng: Rng, r: Req, text: string, stepMode: boolean): Item {
  if (chance(rng, 0.5)) {
    const over = pick(rng, [1, 2, 1000, MAX_LINE_BYTES >> 1]);
    const pad = ' '.repeat(MAX_LINE_BYTES + over - byteLength(text));
    const line = `${text.slice(0, -1)}${pad}}`;
    return {
      valid: false,
      category: 'long-line',
      payload: { text: line },
      id: idOfReq(r),
      codes: ['line-too-long'],
      anyId: true,
    };
  }
  const id = 't'.repeat(MAX_LINE_BYTES - 200);
  const req = { id: 'long', now: r.now, method: 'task.event', params: { task: id, type: 'create', vcpu: 0 } };
  return {
    valid: false,
    category: 'long-line',
    payload: { text: JSON.stringify(req) },
    id: 'long',
    ...(stepMode ? { codes: ['wrong-mode', 'invalid-params'] } : { codes: ['invalid-params'], damaged: 'params.task' }),
  };
}

/**
 * Deep nesting: 100 000 arrays as a reading, as a batch element, or objects as the id.
 * @param rng - the stream
 * @param r - a valid request
 * @returns the item
 */
export function deep(rng: Rng, r: Req): Item {
  const depth = pick(rng, [1000, 100_000]);
  const nest = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const kind = below(rng, 3);
  if (kind === 0) {
    const text = `{"id":"deep","now":"${r.now}","method":"task.event","params":{"task":0,"type":"wakeup","vcpu":0,"reading":${nest}}}`;
    return { valid: false, category: 'deep', payload: { text }, id: 'deep' };
  }
  if (kind === 1) {
    const batch = { ids: [null], bad: 0 };
    return {
      valid: false,
      category: 'deep',
      payload: { text: `[${nest}]` },
      id: null,
      batch,
      codes: ['invalid-request'],
    };
  }
  const obj = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return textItem('deep', `{"id":${obj},"now":"${r.now}","method":"ledger.get"}`, ['invalid-request']);
}

/**
 * A duplicate key whose last value is bad (JSON.parse, Python's json and most readers keep the last).
 * @param rng - the stream
 * @param r - a valid request
 * @param text - its text
 * @returns the item
 */
export function duplicateKey(rng: Rng, r: Req, text: string): Item {
  const [key, value, codes] = pick(rng, [
    ['now', '"-1"', ['invalid-request', 'invalid-params']],
    ['method', '"nope"', ['unknown-method']],
    ['now', '5', ['invalid-request', 'invalid-params']],
  ] as const);
  const line = `${text.slice(0, -1)},"${key}":${value}}`;
  return { valid: false, category: 'dup-key', payload: { text: line }, id: idOfReq(r), codes };
}

/**
 * `__proto__` keys holding a field the request lacks: the field must not be read through the prototype.
 * @param rng - the stream
 * @param r - a valid request
 * @returns the item
 */
export function proto(rng: Rng, r: Req): Item {
  const id = idOfReq(r);
  const idText = id === null ? '' : `"id":${JSON.stringify(id)},`;
  if (r.params === undefined || chance(rng, 0.4)) {
    const text = `{${idText}"__proto__":{"now":"${r.now}"},"method":${JSON.stringify(r.method)}}`;
    return { valid: false, category: 'proto', payload: { text }, id, codes: ['invalid-request'] };
  }
  const keys = Object.keys(r.params);
  const key = pick(rng, keys);
  const rest = Object.fromEntries(Object.entries(r.params).filter(([k]) => k !== key));
  const inner = `{"__proto__":${JSON.stringify({ [key]: r.params[key] })}${keys.length > 1 ? `,${JSON.stringify(rest).slice(1, -1)}` : ''}}`;
  const text = `{${idText}"now":"${r.now}","method":${JSON.stringify(r.method)},"params":${inner}}`;
  return { valid: false, category: 'proto', payload: { text }, id };
}

/**
 * JSON that is not a request, or no JSON at all (a blank line).
 * @param rng - the stream
 * @returns the item
 */
export function notRequest(rng: Rng): Item {
  const [text, codes] = pick(rng, [
    ['5', ['invalid-request']],
    ['"ledger.get"', ['invalid-request']],
    ['null', ['invalid-request']],
    ['true', ['invalid-request']],
    ['{}', ['invalid-request']],
    ['{"method":"ledger.get"}', ['invalid-request']],
    ['{"now":"5"}', ['invalid-request']],
    ['', ['parse-error', 'invalid-request']],
    ['   ', ['parse-error', 'invalid-request']],
    ['\t', ['parse-error', 'invalid-request']],
  ] as const);
  return textItem(text.trim() === '' ? 'blank' : 'not-request', text, codes);
}

/**
 * A valid-looking message out of order, breaking exactly one rule: a task not created, created twice, an event its
 * state does not allow, a dispatch on a busy vCPU, an event on a stolen (or paused, offline) vCPU, time going back, a
 * vCPU move its machine does not allow, a second hello or open, the other mode's method, an unknown method.
 * @param rng - the stream
 * @param s - the shadow
 * @param ids - request ids
 * @returns the request, or undefined when the state offers no such fault now
 */
export function outOfOrder(rng: Rng, s: Shadow, ids: Ids): Req | undefined {
  const id = ids.next(rng);
  // step mode: at the guest's time (a later one would first ask for a step)
  const later = chance(rng, 0.3) ? s.nowNs + 1 + below(rng, 5e9) : nextNow(rng, s);
  const now = String(s.phase === 'step' ? s.nowNs : later);
  const base = (method: string, params?: Record<string, unknown>): Req => ({
    ...(id === undefined ? {} : { id }),
    now,
    method,
    ...(params === undefined ? {} : { params }),
  });
  const live = [...s.tasks.values()];
  const n = s.vcpus.length;
  switch (below(rng, 10)) {
    case 0:
      return base('task.event', {
        task: freshId(rng, cloneShadow(s)),
        type: pick(rng, ['dispatch', 'wakeup', 'exit', 'block']),
        vcpu: below(rng, n),
      });
    case 1:
      return live.length === 0
        ? undefined
        : base('task.event', { task: pick(rng, live).id, type: 'create', vcpu: below(rng, n) });
    case 2: {
      const t = live.length === 0 ? undefined : pick(rng, live);
      const type = pick(rng, ['dispatch', 'preempt', 'block', 'create'] as const);
      return t === undefined || handles(t.state, type) || type === 'create'
        ? undefined
        : base('task.event', { task: t.id, type, vcpu: t.vcpu });
    }
    case 3: {
      const t = live.find((x) => x.state !== 'running' && handles(x.state, 'dispatch'));
      return t === undefined ? undefined : base('task.event', { task: t.id, type: 'dispatch', vcpu: below(rng, n) });
    }
    case 4: {
      const stolen = s.vcpus.flatMap((st, v) => (st === 'running' ? [] : [v]));
      return stolen.length === 0
        ? undefined
        : base('task.event', { task: freshId(rng, cloneShadow(s)), type: 'create', vcpu: pick(rng, stolen) });
    }
    case 5:
      return s.nowNs === 0 ? undefined : { ...base('ledger.get'), now: String(below(rng, s.nowNs)) };
    case 6: {
      const v = below(rng, n);
      const st = s.vcpus[v];
      return st === 'paused' || st === 'offline'
        ? base('vcpu.state', { vcpu: v, state: pick(rng, ['runnable', st === 'paused' ? 'offline' : 'paused']) })
        : base('vcpu.state', { vcpu: n + below(rng, 3), state: 'running' });
    }
    case 7:
      return chance(rng, 0.5)
        ? { ...helloRequest(rng, Number(now), ids), ...(id === undefined ? {} : { id }) }
        : { ...openRequest(rng, Number(now), ids), ...(id === undefined ? {} : { id }) };
    case 8:
      return chance(rng, 0.5) ? base('step', { until: now }) : base('step.open', { scenario: { cpus: 1, tasks: [] } });
    default:
      return base(pick(rng, ['task.evnt', 'frobnicate', 'vcpu.run', 'Ledger.get']));
  }
}

/**
 * The codes a request out of order may get: those of the rules it breaks, plus the other mode's for `step`.
 * @param s - the shadow
 * @param r - the request
 * @returns the codes (empty: it is valid after all)
 */
export function orderCodes(s: Shadow, r: Req): ErrorCode[] {
  const known = ['hello', 'model.open', 'step.open', 'step', 'vcpu.state', 'task.event', 'ledger.get', 'anomalies.get'];
  if (!known.includes(r.method)) {
    return ['unknown-method'];
  }
  const codes = broken(s, r);
  return codes;
}
