// Run by test/snippets.ts as `node --import tsx test/snippet-runner.ts MANIFEST`: imports each snippet file in turn
// (one process, so the src modules load once) and writes what each gave to the manifest's results file.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface Manifest {
  snippets: { id: string; path: string }[];
  results: string;
}

const PER_SNIPPET_MS = 30_000;
const manifest = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Manifest;
const results: { id: string; ok: boolean; ms: number; error?: string }[] = [];

// A rejection or throw that escapes a snippet (a promise it did not await) is that snippet's failure.
let late: unknown[] = [];
process.on('unhandledRejection', (reason) => late.push(reason));
process.on('uncaughtException', (error) => late.push(error));

function explain(error: unknown, path: string): string {
  if (!(error instanceof Error)) return `thrown: ${String(error)}`;
  const url = pathToFileURL(path).href;
  const frame = (error.stack ?? '').split('\n').find((l) => l.includes(url) || l.includes(path));
  return `${error.name}: ${error.message}${frame === undefined ? '' : `\n    ${frame.trim()}`}`;
}

for (const { id, path } of manifest.snippets) {
  const started = performance.now();
  late = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      import(pathToFileURL(path).href),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish in ${PER_SNIPPET_MS} ms`)), PER_SNIPPET_MS);
      }),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    if (late.length > 0) throw late[0];
    results.push({ id, ok: true, ms: performance.now() - started });
  } catch (error) {
    results.push({ id, ok: false, ms: performance.now() - started, error: explain(error, path) });
  } finally {
    clearTimeout(timer);
  }
}
writeFileSync(manifest.results, JSON.stringify(results));
// a snippet may leave a timer or worker behind; its results are written
process.exit(0);
