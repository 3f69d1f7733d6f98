// The shipped JSON Schema and resolveScenario agree: the same verdict on every shipped example and on hand-made good
// and bad scenarios; what only the resolver can refuse (rules across keys) is listed, and anything it accepts the
// schema accepts too (a property over random edits). The schema's keys are the TypeScript Scenario's, kind by kind.
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO } from '../../src/sim/default-scenario.js';
import { setPath } from '../../src/sim/experiment.js';
import { resolveScenario } from '../../src/sim/scenario.js';
import { scenarioSchema, type JsonSchema } from '../../src/sim/schema.js';
import type { Scenario } from '../../src/sim/types.js';
import { validate } from './json-schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const schema = scenarioSchema();
const schemaOk = (value: unknown): boolean => validate(schema, value).length === 0;
const resolves = (value: unknown): boolean => {
  try {
    resolveScenario(value);
    return true;
  } catch {
    return false;
  }
};

const hog = { name: 'hog', workload: { kind: 'cpu' } };
const base = { cpus: 2, tasks: [hog] };
const w = (workload: unknown): unknown => ({ ...base, tasks: [{ name: 'w', workload }] });
const s = (steal: unknown): unknown => ({ ...base, host: { steal: { '1': steal } } });

const GOOD: readonly unknown[] = [
  { tasks: [hog] },
  DEFAULT_SCENARIO,
  {
    kernel: '6.5',
    policy: 'cfs',
    hz: 1000,
    cpus: 2,
    durationMs: 2.5,
    seed: 0,
    accounting: 'carry',
    host: {
      steal: { '0': { kind: 'constant', share: 0.3 }, '*': { kind: 'random', meanRunUs: 900, meanStealUs: 100.5 } },
      pauses: [{ startMs: 0, endMs: 1 }],
      abi: 'xen',
    },
    tasks: [
      {
        name: 'a',
        nice: -20,
        priority: 99,
        cpus: [1, 0],
        count: 3,
        startMs: 0.5,
        stopMs: 2,
        workload: { kind: 'cpu' },
      },
    ],
  },
  { policy: './my-policy.js', tasks: [hog] },
  w({ kind: 'periodic', runUs: 1000, sleepUs: 0 }),
  w({
    kind: 'bursts',
    run: { dist: 'uniform', minUs: 1, maxUs: 1 },
    sleep: { dist: 'lognormal', medianUs: 5, sigma: 0 },
  }),
  w({ kind: 'bursts', run: { dist: 'exponential', meanUs: 5 }, sleep: { dist: 'fixed', us: 0 } }),
  w({
    kind: 'phases',
    phases: [
      { runUs: 1, sleepUs: 2, times: 3 },
      { runUs: 4, sleepUs: 0 },
    ],
    loop: false,
  }),
  w({ kind: 'trace', file: 't.txt', tid: 42, comm: 'sh', loop: true }),
  s({ kind: 'periodic', periodUs: 12000, stealUs: 3600, phaseUs: 100 }),
  s({
    kind: 'intervals',
    intervals: [
      { startMs: 1, endMs: 2 },
      { startMs: 2, endMs: 3 },
    ],
  }),
  s({ kind: 'trace', file: 'host.txt', tid: 7 }),
  s({ kind: 'none' }),
];

// Refused by both: what a schema can say.
const BAD: readonly unknown[] = [
  null,
  [],
  {},
  { tasks: [] },
  { ...base, durationMS: 5 },
  { ...base, kernel: 'six' },
  { ...base, kernel: 6.18 },
  { ...base, policy: '' },
  { ...base, hz: 200 },
  { ...base, cpus: 0 },
  { ...base, cpus: 1.5 },
  { ...base, durationMs: 0 },
  { ...base, seed: -1 },
  { ...base, seed: 2 ** 32 },
  { ...base, accounting: 'dropp' },
  { ...base, host: { abi: 'arm' } },
  { ...base, host: { steal: { x: { kind: 'none' } } } },
  { ...base, host: { pauses: [{ startMs: -1, endMs: 1 }] } },
  { ...base, host: { pauses: [{ startMs: 1 }] } },
  { ...base, tasks: [{ ...hog, name: 'a b' }] },
  { ...base, tasks: [{ ...hog, name: '1234567890123456' }] },
  { ...base, tasks: [{ ...hog, name: '' }] },
  { ...base, tasks: [{ ...hog, nice: 20 }] },
  { ...base, tasks: [{ ...hog, priority: 0 }] },
  { ...base, tasks: [{ ...hog, cpus: [] }] },
  { ...base, tasks: [{ ...hog, cpus: [1, 1] }] },
  { ...base, tasks: [{ ...hog, count: 10001 }] },
  { ...base, tasks: [{ ...hog, startMs: -1 }] },
  { ...base, tasks: [{ ...hog, nicee: 1 }] },
  { ...base, tasks: [{ name: 'x' }] },
  w({ kind: 'perodic', runUs: 1, sleepUs: 1 }),
  w({ kind: 'periodic', runUs: -3, sleepUs: 1 }),
  w({ kind: 'periodic', runUs: 3 }),
  w({ kind: 'cpu', runUs: 3 }),
  w({ kind: 'bursts', run: { dist: 'fixed', us: 0 }, sleep: { dist: 'fixed', us: 0 } }),
  w({ kind: 'bursts', run: { dist: 'normal', us: 1 }, sleep: { dist: 'fixed', us: 0 } }),
  w({ kind: 'bursts', run: { dist: 'lognormal', medianUs: 1, sigma: 11 }, sleep: { dist: 'fixed', us: 0 } }),
  w({ kind: 'phases', phases: [] }),
  w({ kind: 'phases', phases: [{ runUs: 1, sleepUs: 0, times: 0 }] }),
  w({ kind: 'phases', phases: [{ runUs: 1, sleepUs: 0 }], loop: 1 }),
  w({ kind: 'trace', file: 't.txt' }),
  w({ kind: 'trace', tid: 3 }),
  w({ kind: 'trace', file: 't.txt', tid: 0 }),
  s({ kind: 'constant', share: 1 }),
  s({ kind: 'constant' }),
  s({ kind: 'none', share: 0.5 }),
  s({ kind: 'periodic', periodUs: 0, stealUs: 0 }),
  s({ kind: 'random', meanRunUs: 1, meanStealUs: 0 }),
  s({ kind: 'trace', file: '', tid: 1 }),
];

// Refused by resolveScenario only: rules across keys, and whole ns (each schema description says them).
const RESOLVER_ONLY: readonly unknown[] = [
  { ...base, kernel: '5.15', policy: 'eevdf' },
  { ...base, policy: 'cfs' },
  { ...base, durationMs: 1.0000001 },
  { ...base, host: { steal: { '2': { kind: 'none' } } } },
  { ...base, host: { pauses: [{ startMs: 5, endMs: 5 }] } },
  { ...base, host: { pauses: [{ startMs: 5, endMs: 1001 }] } },
  { ...base, tasks: [{ ...hog, cpus: [2] }] },
  { ...base, tasks: [{ ...hog, startMs: 1000 }] },
  { ...base, tasks: [{ ...hog, startMs: 5, stopMs: 5 }] },
  { ...base, tasks: [{ ...hog, stopMs: 1001 }] },
  { ...base, tasks: [{ ...hog, count: 10000 }, ...Array.from({ length: 419 }, () => ({ ...hog, count: 10000 }))] },
  w({ kind: 'periodic', runUs: 1.0001, sleepUs: 0 }),
  w({ kind: 'bursts', run: { dist: 'uniform', minUs: 2, maxUs: 1 }, sleep: { dist: 'fixed', us: 0 } }),
  s({ kind: 'periodic', periodUs: 100, stealUs: 100 }),
  s({ kind: 'periodic', periodUs: 100, stealUs: 1, phaseUs: 100 }),
  s({
    kind: 'intervals',
    intervals: [
      { startMs: 5, endMs: 10 },
      { startMs: 7, endMs: 12 },
    ],
  }),
];

describe('the shipped schema', () => {
  it('is what scenarioSchema() gives (regenerate: node --import tsx -e "…scenarioSchema()…" > the file)', () => {
    const shipped = JSON.parse(readFileSync(join(ROOT, 'schema/scenario.schema.json'), 'utf8')) as JsonSchema;
    expect(shipped).toEqual(schema);
  });

  it('is shipped in the package', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema');
  });
});

describe('schema and resolveScenario agree', () => {
  it.each(GOOD.map((g, i) => [i, g]))('good scenario %i: both accept', (_, g) => {
    expect(validate(schema, g)).toEqual([]);
    expect(() => resolveScenario(g)).not.toThrow();
  });

  it.each(BAD.map((b, i) => [i, b]))('bad scenario %i: both refuse', (_, b) => {
    expect(schemaOk(b)).toBe(false);
    expect(resolves(b)).toBe(false);
  });

  it.each(RESOLVER_ONLY.map((b, i) => [i, b]))('rule across keys %i: only the resolver refuses', (_, b) => {
    expect(validate(schema, b)).toEqual([]);
    expect(resolves(b)).toBe(false);
  });

  const examples = join(ROOT, 'examples/scenarios');
  const files = existsSync(examples) ? readdirSync(examples).filter((f) => f.endsWith('.json')) : [];
  it.each(files.length > 0 ? files : ['(none in this tree)'])('shipped example %s: both accept', (file) => {
    if (files.length === 0) return;
    const scenario = JSON.parse(readFileSync(join(examples, file), 'utf8')) as unknown;
    expect(validate(schema, scenario)).toEqual([]);
    expect(() => resolveScenario(scenario)).not.toThrow();
  });

  it('whatever resolveScenario accepts, the schema accepts (random edits of good scenarios)', () => {
    const paths = [
      'kernel',
      'hz',
      'cpus',
      'durationMs',
      'seed',
      'accounting',
      'policy',
      'host.abi',
      'host.steal.0',
      'host.pauses',
      'tasks[0].name',
      'tasks[0].nice',
      'tasks[0].cpus',
      'tasks[0].count',
      'tasks[0].startMs',
      'tasks[0].stopMs',
      'tasks[0].workload',
    ];
    const values = fc.oneof(
      fc.constantFrom(0, 1, -1, 0.5, 1.5, 250, 1000, 2 ** 32, 19, 20, -20, '', 'x', '6.18', 'drop', 'x86', null, true),
      fc.constantFrom([], [0], [1, 0], [0, 0], {}, { kind: 'none' }, { kind: 'cpu' }, { kind: 'constant', share: 0.5 }),
      fc.constantFrom([{ startMs: 0, endMs: 1 }], { kind: 'periodic', runUs: 1, sleepUs: 0 }, { kind: 'x' }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...GOOD), fc.constantFrom(...paths), values, (good, path, value) => {
        let edited: unknown;
        try {
          edited = setPath(good as Scenario, path, value);
        } catch {
          return; // a path this scenario cannot take (no tasks[0])
        }
        if (resolves(edited)) expect(validate(schema, edited)).toEqual([]);
        if (!schemaOk(edited)) expect(resolves(edited)).toBe(false);
      }),
      { numRuns: 2000, seed: 13 },
    );
  });
});

// --- the keys, kind by kind: `tasks[].workload<periodic>.runUs`, `?` for an optional key

const TAGS = ['kind', 'dist'];

function typeKeys(checker: ts.TypeChecker, type: ts.Type, at: string, out: Set<string>, depth = 0): void {
  if (depth > 8) return;
  const t = checker.getNonNullableType(type);
  if (t.isUnion()) {
    for (const member of t.types) {
      const tag = TAGS.map((n) => member.getProperty(n)).find((p) => p !== undefined);
      const literal = tag === undefined ? undefined : checker.getTypeOfSymbol(tag);
      const label = literal?.isStringLiteral() === true ? `<${literal.value}>` : '';
      typeKeys(checker, member, at + label, out, depth + 1);
    }
    return;
  }
  if (checker.isArrayType(t) || checker.isTupleType(t)) {
    const [element] = checker.getTypeArguments(t as ts.TypeReference);
    if (element !== undefined) typeKeys(checker, element, `${at}[]`, out, depth + 1);
    return;
  }
  if (!(t.flags & ts.TypeFlags.Object)) return;
  const index = checker.getIndexTypeOfType(t, ts.IndexKind.String);
  if (index !== undefined) typeKeys(checker, index, `${at}{}`, out, depth + 1);
  for (const p of t.getProperties()) {
    const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
    const key = `${at}.${p.name}`;
    out.add(`${key}${optional ? '?' : ''}`);
    typeKeys(checker, checker.getTypeOfSymbol(p), key, out, depth + 1);
  }
}

function schemaKeys(node: JsonSchema, at: string, out: Set<string>): void {
  if (typeof node.$ref === 'string') {
    const defs = schema.$defs as Record<string, JsonSchema>;
    schemaKeys(defs[node.$ref.replace('#/$defs/', '')] as JsonSchema, at, out);
    return;
  }
  for (const branch of (node.oneOf as JsonSchema[] | undefined) ?? []) {
    const properties = (branch.properties ?? {}) as Record<string, JsonSchema>;
    const tag = TAGS.map((n) => properties[n]?.const).find((c) => typeof c === 'string');
    schemaKeys(branch, tag === undefined ? at : `${at}<${tag}>`, out);
  }
  if (node.type === 'array') schemaKeys(node.items as JsonSchema, `${at}[]`, out);
  if (typeof node.additionalProperties === 'object')
    schemaKeys(node.additionalProperties as JsonSchema, `${at}{}`, out);
  const required = (node.required as string[] | undefined) ?? [];
  for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, JsonSchema>)) {
    out.add(`${at}.${key}${required.includes(key) ? '' : '?'}`);
    schemaKeys(child, `${at}.${key}`, out);
  }
}

describe('the schema cannot drift from the types', () => {
  it("has the TypeScript Scenario's keys, kind by kind, optional where the type is", () => {
    const file = join(ROOT, 'src/sim/types.ts');
    // (its imports are not resolved, to keep the program small, but for the scenario's kinds: scenario-types.ts)
    const options = { strict: true, exactOptionalPropertyTypes: true, noEmit: true, noResolve: true, types: [] };
    const program = ts.createProgram([file, join(ROOT, 'src/sim/scenario-types.ts')], options);
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file) as ts.SourceFile;
    const decl = source.statements.find((st) => ts.isInterfaceDeclaration(st) && st.name.text === 'Scenario');
    expect(decl).toBeDefined();
    const fromTypes = new Set<string>();
    typeKeys(checker, checker.getTypeAtLocation(decl as ts.Node), '', fromTypes);
    const fromSchema = new Set<string>();
    schemaKeys(schema, '', fromSchema);
    expect([...fromSchema].sort()).toEqual([...fromTypes].sort());
    expect(fromTypes.size).toBeGreaterThan(60); // the walk reached every kind
    expect(fromTypes).toContain('.tasks[].workload<bursts>.run<lognormal>.sigma');
    expect(fromTypes).toContain('.host.steal{}<periodic>.phaseUs?');
  }, 30_000);
});
