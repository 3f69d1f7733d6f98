// Damage to one request object: a field given a wrong type or an out-of-range number (2^64, 1e400, −1, 1.5, "0x10"),
// or left out. Each damage names the field's path and the codes the spec allows for it.
import type { ErrorCode } from '../../src/protocol/types.js';
import { chance, pick, type Rng } from '../fuzz/draft.js';
import { raw, type Raw } from './fuzz-items.js';
import type { Req, Shadow } from './fuzz-model.js';

/** A damaged request: the object, the path damaged, and the codes allowed. */
export interface Damaged {
  readonly value: unknown;
  readonly path: string;
  readonly codes: readonly ErrorCode[] | undefined;
}

const NOT_U64 = ['', 'abc', '-1', '1.5', '0x10', '1e3', ' 5', '+5', '٣', '18446744073709551616'];
const HUGE_NUMBERS: readonly Raw[] = [
  raw('1e400'),
  raw('18446744073709551616'),
  raw('-1e400'),
  raw('9007199254740993'),
];
const BAD_NOW: readonly unknown[] = [5, null, true, {}, [], ...NOT_U64, '9007199254740993', '99999999999999999999999'];
const BAD_VCPU: readonly unknown[] = ['0', -1, 1.5, true, [], {}, null, ...HUGE_NUMBERS];
const BAD_TASK: readonly unknown[] = [true, null, {}, [], -1, 1.5, '', 'x'.repeat(257), 2 ** 53, raw('1e400')];
const BAD_U64_FIELD: readonly unknown[] = [5, null, ...NOT_U64, '99999999999999999999999', raw('1e400')];

/** Wrong values by method and field (`$n`: the vCPU count, one past the last). */
const WRONG: Readonly<Record<string, Readonly<Record<string, readonly unknown[]>>>> = {
  'task.event': {
    'params.task': BAD_TASK,
    'params.type': ['jump', 5, null, 'Create', '', 'dispatch '],
    'params.vcpu': [...BAD_VCPU, '$n'],
    'params.reading': ['x', 5, [], true],
    'params.reading.counter': BAD_U64_FIELD,
    'params.reading.stolenTotalNs': BAD_U64_FIELD,
    'params.reading.consistent': ['yes', 1],
  },
  'vcpu.state': {
    'params.vcpu': [...BAD_VCPU, '$n'],
    'params.state': ['stolen', 5, null, 'RUNNING', ''],
  },
  step: { 'params.until': BAD_U64_FIELD, 'params.earlyReturn': ['yes', 1] },
  'vcpu.steal': { 'params.vcpu': [...BAD_VCPU, '$n'], 'params.stolenTotalNs': BAD_U64_FIELD },
  'ledger.get': { params: ['x', 5, [], true], 'params.tasks': ['x', 5, [true], [{}], [null], [-1]] },
  'anomalies.get': { params: ['x', 5, []], 'params.since': ['0', -1, 1.5, true, raw('1e400')] },
  'model.open': {
    'params.vcpus': [0, -1, 1.5, 8193, '4', null, raw('1e400')],
    'params.abi': ['kvm', 5, ''],
    'params.stealPolicy': ['none', 5, 'DROP'],
    'params.counterHz': [0, -1, '1e9', raw('1e400')],
    'params.offlineIsSteal': ['yes', 1],
    'params.delayAfterPreempt': ['no', 0],
  },
  hello: {
    'params.protocol': ['schedacct-sim', 5, ''],
    'params.version': ['2', '0.9', 1, 'x', ''],
    'params.features': ['model', 5, {}],
    'params.client': [5, {}],
  },
};

/** Fields a request of the method cannot do without. */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  'task.event': ['params', 'params.task', 'params.type', 'params.vcpu'],
  'vcpu.state': ['params', 'params.vcpu', 'params.state'],
  'vcpu.steal': ['params', 'params.vcpu', 'params.stolenTotalNs'],
  'model.open': ['params', 'params.vcpus'],
  step: ['params', 'params.until'],
  hello: ['params', 'params.protocol', 'params.version'],
};

type Obj = Record<string, unknown>;

function getAt(obj: Obj, path: readonly string[]): unknown {
  let v: unknown = obj;
  for (const k of path) v = typeof v === 'object' && v !== null ? (v as Obj)[k] : undefined;
  return v;
}

function setAt(obj: Obj, path: readonly string[], value: unknown, remove: boolean): void {
  const parent = getAt(obj, path.slice(0, -1)) as Obj;
  const last = path[path.length - 1] ?? '';
  if (remove) Reflect.deleteProperty(parent, last);
  else parent[last] = value;
}

function codesFor(method: string, path: string, s: Shadow, removed: boolean): readonly ErrorCode[] | undefined {
  if (path === 'now') return ['invalid-request', 'invalid-params'];
  if (path === 'method') return removed ? ['invalid-request'] : ['invalid-request', 'unknown-method'];
  if (method === 'hello') return s.phase === 'start' ? ['invalid-params', 'unsupported-version'] : undefined;
  if (method === 'model.open') return s.phase === 'hello' ? ['invalid-params'] : undefined;
  if (path.startsWith('params.reading') && !s.features.includes('readings')) return ['invalid-params', 'wrong-mode'];
  return ['invalid-params'];
}

/**
 * Gives one field of a request a wrong value (`huge`: only out-of-range numbers), or leaves a required one out.
 * @param rng - the stream
 * @param s - the shadow (for the vCPU count and the features)
 * @param base - a valid request
 * @param how - which damage
 * @returns the damaged request, or undefined when the request has no field of that kind
 */
export function damage(rng: Rng, s: Shadow, base: Req, how: 'wrong-type' | 'huge' | 'missing'): Damaged | undefined {
  const value = structuredClone(base) as unknown as Obj;
  const fields = WRONG[base.method] ?? {};
  if (how === 'missing') {
    const options = ['now', 'method', ...(REQUIRED[base.method] ?? [])];
    const p = base.params ?? {};
    if (base.method === 'task.event' && p.type === 'migrate') options.push('params.toVcpu');
    if (typeof p.reading === 'object') options.push('params.reading.counter', 'params.reading.stolenTotalNs');
    const path = pick(rng, options);
    setAt(value, path.split('.'), undefined, true);
    return { value, path, codes: codesFor(base.method, path, s, true) };
  }
  const present = Object.keys(fields).filter((f) => {
    const parent = f.split('.').slice(0, -1);
    return parent.length === 0 || typeof getAt(value, parent) === 'object';
  });
  const paths = how === 'huge' ? ['now', ...present.filter((f) => /vcpu|counter|stolen|since|Hz/.test(f))] : present;
  if (how === 'wrong-type' && chance(rng, 0.25)) paths.push('now', 'method');
  if (paths.length === 0) return undefined;
  const path = pick(rng, paths);
  const pool =
    path === 'now'
      ? how === 'huge'
        ? [...HUGE_NUMBERS, '18446744073709551616', '99999999999999999999999', '9007199254740993', -1, 1.5, '0x10']
        : BAD_NOW
      : path === 'method'
        ? [5, null, true, {}, [], '', 'task.evnt', 'TASK.EVENT', 'ledger.get ', 'hello\u0000']
        : (fields[path] ?? []);
  const hugePool = pool.filter((v) => typeof v !== 'string' || /\d/.test(v));
  let bad = pick(rng, how === 'huge' && hugePool.length > 0 ? hugePool : pool);
  if (bad === '$n') bad = s.vcpus.length;
  setAt(value, path.split('.'), bad, false);
  return { value, path, codes: codesFor(base.method, path, s, false) };
}
