// Misuse of the API throws a SchedacctError with a code, whose message names the parameter the caller passed; a call
// that returns returns something sane. Every exported function, class and method of every entry is called with a table
// of bad values in each parameter position, and in each field of its object arguments (the others kept valid: the
// cases in api-misuse-cases.ts); a completeness test fails when an export or a method has no case.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SchedacctError,
  SimulatedHost,
  TaskAccount,
  chargeSlice,
  createConversion,
  sliceCharge,
  stealState,
} from '../src/index.js';
import { randomTaskEvents } from '../src/testing.js';
import { Replay } from '../src/trace.js';
import { CASES, ENTRIES, type Case } from './api-misuse-cases.js';

const BAD: readonly (readonly [string, () => unknown])[] = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['true', () => true],
  ["'5'", () => '5'],
  ["''", () => ''],
  ['{}', () => ({})],
  ['[]', () => []],
  ['a function', () => () => 1],
  ['a symbol', () => Symbol('bad')],
  ['NaN', () => Number.NaN],
  ['Infinity', () => Number.POSITIVE_INFINITY],
  ['-Infinity', () => Number.NEGATIVE_INFINITY],
  ['1.5', () => 1.5],
  ['-1', () => -1],
  ['2^53', () => 2 ** 53],
  ['2^70n', () => 2n ** 70n],
  ['-1n', () => -1n],
];
// `unavailable`: a path of the right type naming no file is the file system's answer, not misuse.
const MISUSE_CODES: readonly string[] = ['invalid-argument', 'out-of-range', 'invalid-abi', 'unavailable'];
const TOTALS = /^(charged|run|stolen|sleep|iowait|preempt|delay|wait)Ns$/;

// What is wrong with a value a call returned (or left in its receiver), if anything.
function insane(value: unknown, key = '', depth = 0, seen = new Set<unknown>()): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${key} is ${String(value)}`;
    if (TOTALS.test(key) && value < 0) return `${key} is negative (${String(value)})`;
    return undefined;
  }
  if (typeof value === 'string') {
    if (TOTALS.test(key)) return `${key} is a string (${JSON.stringify(value)})`;
    if (/NaN|Infinity|undefined|\[object /.test(value)) return `${key || 'the text'} reads ${JSON.stringify(value)}`;
    return undefined;
  }
  if (typeof value !== 'object' || value === null || depth > 3 || seen.has(value) || ArrayBuffer.isView(value)) return;
  seen.add(value);
  const entries: [string, unknown][] =
    value instanceof Map
      ? [...value.entries()].map(([k, v]) => [String(k), v])
      : Array.isArray(value)
        ? value.slice(0, 50).map((v, i) => [`${key}[${String(i)}]`, v])
        : Object.entries(value);
  for (const [k, v] of entries) {
    const bad = insane(v, k, depth + 1, seen);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

// Awaits a promise and drains an iterable a call returned (their errors are the call's).
async function settle(result: unknown): Promise<unknown> {
  const value: unknown = await result;
  if (typeof value === 'object' && value !== null && Symbol.asyncIterator in value && !Array.isArray(value)) {
    const items: unknown[] = [];
    for await (const item of value as AsyncIterable<unknown>) if (items.push(item) >= 1000) break;
    return items;
  }
  return value;
}

interface Outcome {
  readonly threw?: unknown;
  readonly returned?: unknown;
  readonly after?: unknown;
}

async function attempt(c: Case, mutate: (args: unknown[]) => boolean): Promise<Outcome | undefined> {
  const prepared = c.make();
  if (!mutate(prepared.args)) return undefined;
  try {
    const returned = await settle(prepared.run(prepared.args));
    return { returned, after: prepared.after?.() };
  } catch (threw) {
    return { threw };
  }
}

// The problem with one outcome, or undefined when the call threw a typed error naming `name` or returned sanely.
// A value of the type expected (a string, an array) may be refused for its content in the content's own words (a file
// not found, a text that is no trace); a value of another type, or a number out of range, must be named.
const sameKind = (bad: unknown, valid: unknown): boolean =>
  typeof bad === typeof valid &&
  typeof bad !== 'number' &&
  typeof bad !== 'bigint' &&
  (bad === null) === (valid === null);

function judge(c: Case, name: string, o: Outcome, named: boolean): string | undefined {
  if ('threw' in o) {
    const e = o.threw;
    if (!(e instanceof SchedacctError))
      return `threw untyped ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
    if (!MISUSE_CODES.includes(e.code)) return `threw code ${e.code}: ${e.message}`;
    if (!named) return undefined;
    const field = name.split('.').at(-1) ?? name;
    if (!e.message.includes(field)) return `the message does not name ${field}: ${e.message}`;
    return undefined;
  }
  if (c.unchecked === true) return undefined;
  const bad = insane(o.returned) ?? insane(o.after);
  return bad === undefined ? undefined : `returned but ${bad}`;
}

async function problemsOf(c: Case): Promise<string[]> {
  const problems: string[] = [];
  const deep = c.deep;
  const fields = c.make().args.map((arg, i) => {
    if (typeof arg !== 'object' || arg === null || Array.isArray(arg) || ArrayBuffer.isView(arg)) return [];
    return deep === undefined || deep.includes(i) ? Object.keys(arg) : [];
  });
  for (const [label, bad] of BAD) {
    for (let i = 0; i < c.params.length; i++) {
      const where = c.params[i] ?? `argument ${String(i)}`;
      const spots = [where, ...(fields[i] ?? []).map((f) => `${where}.${f}`)];
      for (const spot of spots) {
        if (c.skip?.(spot, bad()) === true) continue;
        const field = spot.includes('.') ? spot.slice(where.length + 1) : undefined;
        let valid: unknown;
        const o = await attempt(c, (args) => {
          const holder = (field === undefined ? args : args[i]) as Record<string, unknown>;
          const key = field ?? String(i);
          valid = holder[key];
          holder[key] = bad();
          return true;
        });
        const problem = o === undefined ? undefined : judge(c, spot, o, !sameKind(bad(), valid));
        if (problem !== undefined) problems.push(`${c.name}(${spot} = ${label}): ${problem}`);
      }
    }
  }
  return problems;
}

const all = Object.values(CASES).flat();

describe('every export and method has a case', () => {
  const names = new Set(all.map((c) => c.name.replace(/ \(.*\)$/, '')));
  for (const [entry, ns] of Object.entries(ENTRIES)) {
    it(entry, () => {
      const missing: string[] = [];
      for (const [name, value] of Object.entries(ns)) {
        if (typeof value !== 'function') continue;
        const isClass = /^class\b/.test(Function.prototype.toString.call(value));
        if (!isClass) {
          if (!names.has(name)) missing.push(name);
          continue;
        }
        if (!names.has(`new ${name}`)) missing.push(`new ${name}`);
        const proto = (value as { prototype: object }).prototype;
        for (const m of Object.getOwnPropertyNames(proto)) {
          const d = Object.getOwnPropertyDescriptor(proto, m);
          if (m !== 'constructor' && typeof d?.value === 'function' && !names.has(`${name}#${m}`))
            missing.push(`${name}#${m}`);
        }
      }
      expect(missing).toEqual([]);
    });
  }
});

describe.each(Object.entries(CASES))('misuse of %s', (_entry, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const valid = await attempt(c, () => true);
      expect(valid !== undefined && 'threw' in valid ? valid.threw : undefined).toBeUndefined();
      expect((await problemsOf(c)).join('\n')).toBe('');
    },
    60_000,
  );
});

// The cases the fuzzing campaign found, each one that today's checks turn into a typed error (or an exact total).
describe('misuse the campaign found', () => {
  const code = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      return e instanceof SchedacctError ? e.code : `untyped ${String(e)}`;
    }
    return undefined;
  };

  it('TaskAccount.merge refuses an account with a negative chargedNs', () => {
    const bad = new TaskAccount(1);
    bad.addSlice(10, 0);
    bad.chargedNs = -5;
    const into = new TaskAccount(1);
    expect(code(() => into.merge(bad))).toBe('out-of-range');
    expect(into.chargedNs).toBe(0);
  });

  it("addSlice('5', 0) throws rather than concatenating", () => {
    const account = new TaskAccount(1);
    expect(code(() => account.addSlice('5' as never, 0))).toBe('invalid-argument');
    expect(account.runNs).toBe(0);
  });

  it('a bigint slice past 2^53 ns names the counters the caller passed', () => {
    const conversion = createConversion('exact', 1_000_000_000, 64);
    const call = () => chargeSlice(stealState('drop', 0n), conversion, 0n, 2n ** 60n, 0n, sliceCharge());
    expect(code(call)).toBe('out-of-range');
    expect(call).toThrow(/startCounter to endCounter/);
    expect(call).not.toThrow(/elapsedNs/);
  });

  it('totals past 2^53 are refused, so runNs = chargedNs + stolenNs stays exact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 53 - 1 }), fc.integer({ min: 0, max: 2 ** 53 - 1 })), {
          maxLength: 8,
        }),
        (slices) => {
          const account = new TaskAccount(1);
          for (const [a, b] of slices) {
            const runNs = Math.max(a, b);
            const outcome = code(() => account.addSlice(runNs, Math.min(a, b)));
            expect(outcome === undefined || outcome === 'out-of-range').toBe(true);
            expect(account.runNs).toBe(account.chargedNs + account.stolenNs);
            expect(Number.isSafeInteger(account.runNs)).toBe(true);
          }
        },
      ),
    );
    const account = new TaskAccount(1);
    account.addSlice(2 ** 53 - 2, 0);
    expect(code(() => account.addSlice(3, 1))).toBe('out-of-range');
  });

  it('calls that hung or exhausted memory are refused', () => {
    expect(code(() => randomTaskEvents(1, { count: Number.POSITIVE_INFINITY }))).toBe('invalid-argument');
    expect(code(() => randomTaskEvents(1, { count: 2 ** 53 }))).toBe('out-of-range');
    expect(code(() => new SimulatedHost({ pattern: { kind: 'constant', share: 0.5 } }).advance(2 ** 53))).toBe(
      'out-of-range',
    );
  });

  it('Replay.push refuses an event with a fractional time or a CPU past MAX_CPUS', () => {
    const event = {
      kind: 'exit',
      timeNs: 1.5,
      cpu: 0,
      tid: 1,
      comm: 'sh',
      line: 1,
      targetTid: 1,
    } as const;
    expect(code(() => new Replay().push(event))).toBe('invalid-argument');
    expect(code(() => new Replay().push({ ...event, timeNs: 1, cpu: 100_000_000 }))).toBe('out-of-range');
    expect(code(() => new Replay().push(null as never))).toBe('invalid-argument');
  });
});
