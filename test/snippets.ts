// The code in the docs, checked: every ```ts block of README.md and docs/*.md and every @example ```ts block in
// src/** is type-checked in one TypeScript program (the repo's compiler options, `schedacct…` mapped to src/) and
// run with tsx. test/snippets.test.ts reports the counts and the failures, each at its file and line.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** A code block found in a markdown file or in a JSDoc `@example`. */
export interface Snippet {
  /** `FILE:LINE`, repo-relative, LINE being the block's first line of code. */
  readonly id: string;
  readonly file: string;
  /** 1-based line, in `file`, of the block's first line of code. */
  readonly line: number;
  readonly origin: 'markdown' | 'example';
  readonly code: string;
  /** Marked `<!-- snippet: typecheck-only -->` just before the fence: type-checked, never run. */
  readonly typecheckOnly: boolean;
  /** For an @example: the name of what its JSDoc documents. */
  readonly documents?: string;
}

/** A public entry point: the specifier users import and the source file it maps to. */
export interface Entry {
  readonly specifier: string;
  readonly file: string;
}

const MARKER = /^<!--\s*snippet:\s*([\w-]+)\s*-->$/;
const MARKERS = new Set(['typecheck-only']);
const TS_LANGS = new Set(['ts', 'typescript']);

/** The markdown files whose snippets are checked: README.md and docs/*.md. */
export function markdownFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

/** Every non-test TypeScript file under src/, repo-relative, sorted. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name)) out.push(path);
    }
  };
  walk('src');
  return out.sort();
}

/**
 * The entry points: package.json's `exports` (`./dist/X.js` is `src/X.ts`) and the ones planned in DESIGN.md,
 * each where its source file exists. The root entry comes first (a prelude imports a name from the first entry
 * that exports it).
 */
export function entryPoints(root: string): Entry[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports?: Record<string, unknown>;
  };
  const subpaths = ['.', ...Object.keys(pkg.exports ?? {}), './linux', './trace', './testing', './sim', './protocol'];
  const entries: Entry[] = [];
  for (const subpath of new Set(subpaths)) {
    if (subpath === './package.json') continue;
    const file = subpath === '.' ? 'src/index.ts' : `src/${subpath.slice(2)}.ts`;
    if (!existsSync(join(root, file))) continue;
    entries.push({ specifier: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`, file });
  }
  return entries;
}

/** A problem found while extracting: where, and what. */
export interface ExtractProblem {
  readonly at: string;
  readonly message: string;
}

/**
 * The ```ts / ```typescript blocks of a markdown file.
 * @param root - the repository
 * @param file - repo-relative path
 * @param problems - collects unknown `<!-- snippet: … -->` markers and unclosed fences
 * @returns the blocks in file order
 */
export function markdownSnippets(root: string, file: string, problems: ExtractProblem[]): Snippet[] {
  return fencedBlocks(readFileSync(join(root, file), 'utf8').split('\n'), 0, file, 'markdown', problems);
}

// Fenced blocks in `lines` (lines[i] is line offset + i + 1 of the file): the ```ts ones, with their marker.
function fencedBlocks(
  lines: readonly string[],
  offset: number,
  file: string,
  origin: Snippet['origin'],
  problems: ExtractProblem[],
  documents?: string,
): Snippet[] {
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i] ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '```', lang = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    if (j === lines.length) problems.push({ at: `${file}:${offset + i + 1}`, message: 'the fence is never closed' });
    let before = i - 1;
    while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
    const marker = MARKER.exec((lines[before] ?? '').trim())?.[1];
    if (marker !== undefined && !MARKERS.has(marker))
      problems.push({ at: `${file}:${offset + before + 1}`, message: `unknown marker 'snippet: ${marker}'` });
    if (TS_LANGS.has(lang.toLowerCase())) {
      const line = offset + i + 2;
      out.push({
        id: `${file}:${line}`,
        file,
        line,
        origin,
        code: body.join('\n') + '\n',
        typecheckOnly: marker === 'typecheck-only',
        ...(documents === undefined ? {} : { documents }),
      });
    }
    i = j;
  }
  return out;
}

/**
 * The `@example` ```ts blocks in the JSDoc of a source file. An @example with no ```ts block is a problem: it
 * could not be checked.
 * @param root - the repository
 * @param file - repo-relative path
 * @param problems - collects examples that hold no ```ts block
 * @returns the blocks in file order
 */
export function exampleSnippets(root: string, file: string, problems: ExtractProblem[]): Snippet[] {
  const text = readFileSync(join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const docs = new Map<number, { doc: ts.JSDoc; name: string | undefined }>();
  const visit = (node: ts.Node): void => {
    for (const doc of ts.getJSDocCommentsAndTags(node)) {
      if (!ts.isJSDoc(doc)) continue;
      const name = declarationName(node);
      const seen = docs.get(doc.pos);
      if (seen === undefined) docs.set(doc.pos, { doc, name });
      else if (seen.name === undefined && name !== undefined) seen.name = name;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const out: Snippet[] = [];
  for (const { doc, name } of [...docs.values()].sort((a, b) => a.doc.pos - b.doc.pos)) {
    const first = source.getLineAndCharacterOfPosition(doc.getStart(source)).line;
    const lines = text
      .slice(doc.getStart(source), doc.end)
      .split('\n')
      .map((line, i, all) => {
        let l = i === 0 ? line.replace(/^\s*\/\*\*/, '') : line.replace(/^\s*\*(?!\/) ?/, '');
        if (i === all.length - 1) l = l.replace(/\s*\*\/\s*$/, '');
        return l;
      });
    // an @example runs to the next block tag outside a fence
    let inFence = false;
    let start = -1;
    const regions: [number, number][] = [];
    lines.forEach((line, i) => {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      if (inFence) return;
      if (/^\s*@\w/.test(line)) {
        if (start >= 0) regions.push([start, i]);
        start = /^\s*@example\b/.test(line) ? i : -1;
      }
    });
    if (start >= 0) regions.push([start, lines.length]);
    for (const [from, to] of regions) {
      const at = `${file}:${first + from + 1}`;
      const blocks = fencedBlocks(lines.slice(from, to), first + from, file, 'example', problems, name);
      if (blocks.length === 0)
        problems.push({ at, message: `the @example of ${name ?? '(unnamed)'} holds no \`\`\`ts block to check` });
      out.push(...blocks);
    }
  }
  return out;
}

function declarationName(node: ts.Node): string | undefined {
  if (ts.isVariableStatement(node)) {
    const decl = node.declarationList.declarations[0];
    return decl === undefined ? undefined : declarationName(decl);
  }
  const name = ts.getNameOfDeclaration(node as ts.Declaration);
  if (name === undefined) return undefined;
  const own = ts.isIdentifier(name) || ts.isPrivateIdentifier(name) ? name.text : name.getText();
  const parent = node.parent as ts.Node | undefined;
  if (parent !== undefined && (ts.isClassLike(parent) || ts.isInterfaceDeclaration(parent))) {
    const owner = parent.name?.text;
    if (owner !== undefined) return `${owner}.${own}`;
  }
  return own;
}

/** An export of an entry point, as a snippet would import it. */
export interface EntryExport {
  readonly name: string;
  readonly entry: Entry;
  /** A value at run time (function, class, const); otherwise it is only a type. */
  readonly runtime: boolean;
  /** The declarations it resolves to (for the @example check). */
  readonly declarations: readonly ts.Declaration[];
}

/** Diagnostics TypeScript gives for a name it cannot find: the names a prelude may supply. */
const UNRESOLVED = new Set([2304, 2552, 18004]);

/** A diagnostic, or a runtime failure, located in the file the snippet came from. */
export interface SnippetFailure {
  readonly snippet: Snippet;
  /** 1-based line in the snippet's file. */
  readonly line: number;
  readonly message: string;
}

/** The snippets checked in one program, and what the program knows of the entry points. */
export class SnippetProgram {
  readonly root: string;
  readonly entries: readonly Entry[];
  readonly snippets: readonly Snippet[];
  /** Each snippet's generated first line: '' or the imports of the entry exports it uses (an @example without imports). */
  readonly preludes: ReadonlyMap<Snippet, readonly EntryExport[]>;
  readonly exports: ReadonlyMap<string, EntryExport>;
  readonly #program: ts.Program;
  readonly #files: Map<string, Snippet>;

  /**
   * Builds the program twice: once with the snippets as written, to find the names an @example without imports
   * uses and cannot resolve; then with a one-line prelude that imports those of them an entry exports.
   * @param root - the repository
   * @param entries - the entry points, the root first
   * @param snippets - the snippets to check
   */
  constructor(root: string, entries: readonly Entry[], snippets: readonly Snippet[]) {
    this.root = root;
    this.entries = entries;
    this.snippets = snippets;
    this.#files = new Map(snippets.map((s, i) => [virtualName(root, s, i), s]));
    const options = compilerOptions(root, entries);
    const texts = new Map<string, string>();
    for (const [name, s] of this.#files) texts.set(name, `\n${s.code}`);
    const host = ts.createCompilerHost(options, true);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getCurrentDirectory = () => root;
    host.readFile = (name) => texts.get(name) ?? readFile(name);
    host.fileExists = (name) => texts.has(name) || fileExists(name);
    // the same SourceFile for an unchanged file, so the second program reuses the first one's parsing
    const cache = new Map<string, { text: string | undefined; file: ts.SourceFile | undefined }>();
    host.getSourceFile = (name, version, onError, create) => {
      const text = texts.get(name);
      const hit = cache.get(name);
      if (hit !== undefined && hit.text === text) return hit.file;
      const file =
        text === undefined
          ? getSourceFile(name, version, onError, create)
          : ts.createSourceFile(name, text, version, true);
      cache.set(name, { text, file });
      return file;
    };
    const roots = [...entries.map((e) => join(root, e.file)), ...this.#files.keys()];
    const first = ts.createProgram({ rootNames: roots, options, host });
    this.exports = entryExports(first, root, entries);

    const preludes = new Map<Snippet, EntryExport[]>();
    for (const [name, s] of this.#files) {
      if (s.origin !== 'example') continue;
      const source = first.getSourceFile(name);
      if (source === undefined || source.statements.some((st) => ts.isImportDeclaration(st))) continue;
      const used = new Set<string>();
      for (const d of first.getSemanticDiagnostics(source))
        if (UNRESOLVED.has(d.code) && d.start !== undefined && d.length !== undefined)
          used.add(source.text.slice(d.start, d.start + d.length));
      const imports = [...used]
        .sort()
        .map((n) => this.exports.get(n))
        .filter((e) => e !== undefined);
      if (imports.length === 0) continue;
      preludes.set(s, imports);
      texts.set(name, `${preludeLine(imports, (e) => e.specifier)}\n${s.code}`);
    }
    this.preludes = preludes;
    this.#program =
      preludes.size === 0 ? first : ts.createProgram({ rootNames: roots, options, host, oldProgram: first });
  }

  /** The options and global problems of the program itself (a wrong path mapping, a missing lib). */
  programDiagnostics(): string[] {
    return [...this.#program.getOptionsDiagnostics(), ...this.#program.getGlobalDiagnostics()].map((d) =>
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    );
  }

  /**
   * Every syntactic and semantic diagnostic in the snippets, at its line in the snippet's file.
   * @returns the failures, in snippet order
   */
  diagnostics(): SnippetFailure[] {
    const out: SnippetFailure[] = [];
    for (const [name, snippet] of this.#files) {
      const source = this.#program.getSourceFile(name);
      if (source === undefined) {
        out.push({ snippet, line: snippet.line, message: 'not in the program' });
        continue;
      }
      for (const d of [
        ...this.#program.getSyntacticDiagnostics(source),
        ...this.#program.getSemanticDiagnostics(source),
      ]) {
        const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
        const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        out.push(
          line === 0
            ? { snippet, line: snippet.line, message: `${message} (in the generated prelude)` }
            : { snippet, line: snippet.line + line - 1, message },
        );
      }
    }
    return out;
  }

  /**
   * The snippet's code as it runs: its imports of `schedacct…` (and its prelude's) pointing at the src files.
   * @param snippet - one of this program's snippets
   * @returns the code, whose line 1 is the prelude, line 2 the snippet's first line
   */
  runnableCode(snippet: Snippet): string {
    const url = (e: Entry): string => pathToFileURL(join(this.root, e.file)).href;
    const bySpecifier = new Map(this.entries.map((e) => [e.specifier, url(e)]));
    const source = ts.createSourceFile('snippet.ts', snippet.code, ts.ScriptTarget.ES2022, true);
    const edits: { start: number; end: number; text: string }[] = [];
    const visit = (node: ts.Node): void => {
      const spec =
        ts.isImportDeclaration(node) || ts.isExportDeclaration(node)
          ? node.moduleSpecifier
          : ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword
            ? node.arguments[0]
            : undefined;
      if (spec !== undefined && ts.isStringLiteral(spec)) {
        const target = bySpecifier.get(spec.text);
        if (target !== undefined)
          edits.push({ start: spec.getStart(source), end: spec.end, text: JSON.stringify(target) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    let code = snippet.code;
    for (const e of edits.sort((a, b) => b.start - a.start)) code = code.slice(0, e.start) + e.text + code.slice(e.end);
    const prelude = this.preludes.get(snippet);
    return `${prelude === undefined ? '' : preludeLine(prelude, url)}\n${code}`;
  }
}

function virtualName(root: string, s: Snippet, i: number): string {
  // beside the sources (never written): node_modules and package.json's "type" resolve as for the repo's own files
  return join(root, '.snippets', `${String(i).padStart(3, '0')}-${s.file.replace(/[/.]/g, '_')}-${s.line}.ts`);
}

function preludeLine(imports: readonly EntryExport[], from: (e: Entry) => string): string {
  const groups = new Map<Entry, EntryExport[]>();
  for (const e of imports) groups.set(e.entry, [...(groups.get(e.entry) ?? []), e]);
  return [...groups]
    .map(([entry, names]) => {
      const list = names.map((n) => (n.runtime ? n.name : `type ${n.name}`)).join(', ');
      return `import { ${list} } from ${JSON.stringify(from(entry))};`;
    })
    .join(' ');
}

function compilerOptions(root: string, entries: readonly Entry[]): ts.CompilerOptions {
  const base = ts.readConfigFile(join(root, 'tsconfig.base.json'), (p) => ts.sys.readFile(p));
  if (base.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(base.error.messageText, '\n'));
  const config = base.config as { compilerOptions?: unknown };
  const { options, errors } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
  if (errors.length > 0)
    throw new Error(errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, '\n')).join('\n'));
  return {
    ...options,
    noEmit: true,
    // snippets may use Node (the linux entry, process.stdout); every snippet is a module of its own
    types: ['node'],
    moduleDetection: ts.ModuleDetectionKind.Force,
    paths: Object.fromEntries(entries.map((e) => [e.specifier, [join(root, e.file)]])),
  };
}

function entryExports(program: ts.Program, root: string, entries: readonly Entry[]): Map<string, EntryExport> {
  const checker = program.getTypeChecker();
  const out = new Map<string, EntryExport>();
  for (const entry of entries) {
    const source = program.getSourceFile(join(root, entry.file));
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (module === undefined) throw new Error(`${entry.file}: not a module in the program`);
    for (const symbol of checker.getExportsOfModule(module)) {
      if (out.has(symbol.name)) continue;
      const resolved = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const typeOnly = (symbol.declarations ?? []).some((d) => ts.isTypeOnlyImportOrExportDeclaration(d));
      out.set(symbol.name, {
        name: symbol.name,
        entry,
        runtime: !typeOnly && (resolved.flags & ts.SymbolFlags.Value) !== 0,
        declarations: resolved.declarations ?? [],
      });
    }
  }
  return out;
}

/**
 * The runtime exports of the entry points whose declarations carry no JSDoc `@example`.
 * @param program - the checked program (its entry exports)
 * @returns `ENTRY: NAME (FILE:LINE)` for each, sorted by entry and name
 */
export function exportsWithoutExample(program: SnippetProgram): string[] {
  const out: string[] = [];
  for (const e of program.exports.values()) {
    if (!e.runtime) continue;
    const hasExample = e.declarations.some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'example'));
    if (hasExample) continue;
    const d = e.declarations[0];
    const where =
      d === undefined
        ? ''
        : ` (${relative(program.root, d.getSourceFile().fileName)}:${d.getSourceFile().getLineAndCharacterOfPosition(d.getStart()).line + 1})`;
    out.push(`${e.entry.specifier}: ${e.name}${where}`);
  }
  return out;
}

/** What running one snippet gave. */
export interface RunResult {
  readonly id: string;
  readonly ok: boolean;
  readonly ms: number;
  /** The error's name, message and the first line of its stack inside the snippet, mapped to the snippet's file. */
  readonly error?: string;
}

/**
 * Runs the snippets with tsx, one after another in one process (the src modules load once), each written to a
 * temp file beside a link to the repo's node_modules.
 * @param program - gives each snippet's runnable code
 * @param snippets - the snippets to run
 * @param timeoutMs - for the whole run
 * @returns a result for each snippet, and the process's output (the snippets' own printing)
 */
export async function runSnippets(
  program: SnippetProgram,
  snippets: readonly Snippet[],
  timeoutMs: number,
): Promise<{ results: RunResult[]; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'schedacct-snippets-'));
  try {
    symlinkSync(join(program.root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    mkdirSync(join(dir, 'run'));
    const manifest = snippets.map((s, i) => {
      const path = join(dir, 'run', `${String(i).padStart(3, '0')}.mts`);
      writeFileSync(path, program.runnableCode(s));
      return { id: s.id, path };
    });
    const manifestPath = join(dir, 'manifest.json');
    const resultsPath = join(dir, 'results.json');
    writeFileSync(manifestPath, JSON.stringify({ snippets: manifest, results: resultsPath }));
    const runner = join(program.root, 'test', 'snippet-runner.ts');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', runner, manifestPath], {
        cwd: program.root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      const keep = (chunk: Buffer): void => {
        text = (text + chunk.toString('utf8')).slice(-65536);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ code: status, output: text });
      });
    });
    if (!existsSync(resultsPath))
      throw new Error(`the snippet runner exited ${String(code)} without results:\n${output}`);
    const raw = JSON.parse(readFileSync(resultsPath, 'utf8')) as RunResult[];
    const bySnippet = new Map(snippets.map((s, i) => [manifest[i]?.path ?? '', s]));
    return { results: raw.map((r) => mapRunError(r, bySnippet)), output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The runner reports `path:line:col` of the snippet's temp file; say it as the snippet's file and line.
function mapRunError(r: RunResult, bySnippet: ReadonlyMap<string, Snippet>): RunResult {
  if (r.error === undefined) return r;
  let error = r.error;
  for (const [path, s] of bySnippet) {
    for (const p of [pathToFileURL(path).href, path])
      error = error.replaceAll(new RegExp(`${escape(p)}:(\\d+)(?::\\d+)?`, 'g'), (_m, l: string) =>
        Number(l) <= 1 ? `${s.id} (its generated prelude)` : `${s.file}:${s.line + Number(l) - 2}`,
      );
  }
  return { ...r, error };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
