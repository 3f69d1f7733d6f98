// Every code snippet in the docs is checked: README.md and docs/*.md ```ts blocks and src/** @example blocks are
// type-checked in one program and run (test/snippets.ts). The counts are in the test names.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  entryPoints,
  exampleSnippets,
  exportsWithoutExample,
  markdownFiles,
  markdownSnippets,
  runSnippets,
  SnippetProgram,
  sourceFiles,
  type ExtractProblem,
  type RunResult,
  type Snippet,
  type SnippetFailure,
} from './snippets.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const entries = entryPoints(ROOT);
const docFiles = markdownFiles(ROOT);
const srcFiles = sourceFiles(ROOT);
const docProblems: ExtractProblem[] = [];
const exampleProblems: ExtractProblem[] = [];
const docs = docFiles.flatMap((f) => markdownSnippets(ROOT, f, docProblems));
const examples = srcFiles.flatMap((f) => exampleSnippets(ROOT, f, exampleProblems));
const program = new SnippetProgram(ROOT, entries, [...docs, ...examples]);
const typecheckOnly = (list: readonly Snippet[]) => list.filter((s) => s.typecheckOnly);
const runnable = (list: readonly Snippet[]) => list.filter((s) => !s.typecheckOnly);

// one type-check and one run for both groups
let checked: SnippetFailure[] | undefined;
const diagnostics = (): SnippetFailure[] => (checked ??= program.diagnostics());
let ran: Promise<{ results: RunResult[]; output: string }> | undefined;
const run = () => (ran ??= runSnippets(program, [...runnable(docs), ...runnable(examples)], 120_000));

const list = (failures: readonly { at: string; message: string }[]): string =>
  failures.map((f) => `${f.at}: ${f.message.replaceAll('\n', '\n    ')}`).join('\n');
const about = (s: Snippet): string => (s.documents === undefined ? '' : ` (${s.documents})`);
const fileCount = (list: readonly Snippet[]) => new Set(list.map((s) => s.file)).size;

function typeErrors(group: readonly Snippet[]): string {
  const mine = new Set(group);
  return list(
    diagnostics()
      .filter((f) => mine.has(f.snippet))
      .map((f) => ({ at: `${f.snippet.file}:${f.line}${about(f.snippet)}`, message: f.message })),
  );
}

async function runErrors(group: readonly Snippet[]): Promise<string> {
  const byId = new Map(runnable(group).map((s) => [s.id, s]));
  const ids = new Set(byId.keys());
  const { results, output } = await run();
  const mine = results.filter((r) => ids.has(r.id));
  const missing = [...ids].filter((id) => !mine.some((r) => r.id === id));
  const failures = [
    ...mine
      .filter((r) => !r.ok)
      .map((r) => {
        const s = byId.get(r.id);
        return { at: `${r.id}${s === undefined ? '' : about(s)}`, message: r.error ?? 'failed' };
      }),
    ...missing.map((id) => ({ at: id, message: `not run (the runner's output ends:\n${output.slice(-2000)})` })),
  ];
  return list(failures);
}

describe('code snippets in README.md and docs/*.md', () => {
  const only = typecheckOnly(docs);
  it(`found ${docs.length} \`\`\`ts snippets in ${fileCount(docs)} of ${docFiles.length} files`, () => {
    expect(docs.length).toBeGreaterThan(0);
    expect(list(docProblems), 'problems in the markdown').toBe('');
  });

  it(`type-checks all ${docs.length} in one program with the src/** examples (schedacct… mapped to src/)`, () => {
    expect(program.programDiagnostics(), 'the program itself').toEqual([]);
    expect(typeErrors(docs), 'type errors in snippets (file:line of the snippet)').toBe('');
  }, 60_000); // a whole TypeScript program: seconds of work, more on a loaded machine

  it(`runs ${docs.length - only.length} with tsx; ${only.length} typecheck-only${only.length > 0 ? ` (${only.map((s) => s.id).join(', ')})` : ''}`, async () => {
    expect(await runErrors(docs), 'snippets that failed when run').toBe('');
  }, 150_000);
});

describe('@example blocks in the JSDoc of src/**', () => {
  const only = typecheckOnly(examples);
  it(`found ${examples.length} \`\`\`ts blocks in ${fileCount(examples)} files`, () => {
    expect(examples.length).toBeGreaterThan(0);
    expect(list(exampleProblems), 'examples that cannot be checked').toBe('');
  });

  it(`type-checks all ${examples.length}, with a generated import of the entry exports they use`, () => {
    expect(typeErrors(examples), 'type errors in @example blocks (file:line in src)').toBe('');
  }, 60_000);

  it(`runs ${examples.length - only.length} with tsx; ${only.length} typecheck-only`, async () => {
    expect(await runErrors(examples), '@example blocks that failed when run').toBe('');
  }, 150_000);
});

describe('the entry points', () => {
  const missing = exportsWithoutExample(program);
  // Issue 11, item 4: switched on (`it.skip` → `it`) when the API is final and the examples are written.
  it(`every export has an @example (${missing.length} missing)`, () => {
    expect(
      missing.join('\n'),
      `runtime exports of ${entries.map((e) => e.specifier).join(', ')} without @example`,
    ).toBe('');
  });
});

describe('the snippet checker itself', () => {
  it('finds ```ts blocks with their marker and first line, and @example blocks with what they document', () => {
    const root = mkdtempSync(join(tmpdir(), 'schedacct-snippet-self-'));
    try {
      const md = [
        '# t',
        '',
        '<!-- snippet: typecheck-only -->',
        '',
        '```ts',
        'const a = 1;',
        '```',
        '',
        '```typescript',
      ];
      md.push('a;', '```', '<!-- snippet: typo -->', '```sh', 'echo', '```', '');
      writeFileSync(join(root, 'doc.md'), md.join('\n'));
      mkdirSync(join(root, 'src'));
      const src = [
        '/**',
        ' * Adds.',
        ' * @example',
        ' * ```ts',
        ' * add(1, 2); // 3',
        ' * ```',
        ' * @returns x',
        ' */',
      ];
      src.push('export function add(a: number, b: number): number {', '  return a + b;', '}');
      src.push('/** @example add(1, 2) */', 'export const b = 1;', '');
      writeFileSync(join(root, 'src', 'add.ts'), src.join('\n'));
      const problems: ExtractProblem[] = [];
      const found = [...markdownSnippets(root, 'doc.md', problems), ...exampleSnippets(root, 'src/add.ts', problems)];
      expect(found.map((f) => [f.id, f.typecheckOnly, f.code, f.documents])).toEqual([
        ['doc.md:6', true, 'const a = 1;\n', undefined],
        ['doc.md:10', false, 'a;\n', undefined],
        ['src/add.ts:5', false, 'add(1, 2); // 3\n', 'add'],
      ]);
      expect(problems).toEqual([
        { at: 'doc.md:12', message: "unknown marker 'snippet: typo'" },
        { at: 'src/add.ts:12', message: 'the @example of b holds no ```ts block to check' },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('imports the entry exports an @example uses, and names the line of a type error and of a runtime error', async () => {
    const snippet = (file: string, line: number, origin: Snippet['origin'], code: string): Snippet => ({
      id: `${file}:${line}`,
      file,
      line,
      origin,
      code,
      typecheckOnly: false,
    });
    const typeError = snippet('x.md', 10, 'markdown', 'const n = 1;\nconst s: string = n;\n');
    const throws = snippet('src/x.ts', 20, 'example', "counterDelta(1n, 2n, 56);\nthrow new Error('boom');\n");
    const self = new SnippetProgram(ROOT, entries, [typeError, throws]);
    expect(self.diagnostics().map((d) => [d.snippet.id, d.line, d.message.slice(0, 7)])).toEqual([
      ['x.md:10', 11, 'TS2322:'],
    ]);
    expect(self.runnableCode(throws).split('\n')[0]).toMatch(
      /^import \{ counterDelta \} from "file:\/\/.*\/src\/index\.ts";$/,
    );
    const { results } = await runSnippets(self, [throws], 60_000);
    expect(results).toHaveLength(1);
    expect(results[0]?.ok).toBe(false);
    expect(results[0]?.error).toMatch(/^Error: boom\n.*src\/x\.ts:21/);
  }, 60_000);
});
