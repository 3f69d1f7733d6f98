// `npm test`: every check CI runs, in order, each reported; exits non-zero if any failed.
// Counts: each vitest test counts once, and so does each other check (build, types, lint, format, docs, examples).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
const tmp = mkdtempSync(join(tmpdir(), 'schedacct-check-'));
const vitestJson = join(tmp, 'vitest.json');

const steps = [
  // tsc, then the bundled command (the CLI tests run what package.json's bin points at)
  { name: 'build', cmd: [bin('tsc'), '-p', 'tsconfig.build.json'] },
  { name: 'bundle', cmd: [process.execPath, 'scripts/bundle-cli.mjs'] },
  { name: 'types', cmd: [bin('tsc'), '-p', 'tsconfig.json'] },
  { name: 'types (root entry has no Node types)', cmd: [bin('tsc'), '-p', 'tsconfig.neutral.json'] },
  { name: 'lint', cmd: [bin('eslint'), '--max-warnings', '0', '.'] },
  { name: 'format', cmd: [bin('prettier'), '--check', '--log-level', 'warn', '.'] },
  // the generated algorithm page, before the tests and the docs build that open it (typedoc's projectDocuments names
  // it; `npm run docs` makes it the same way)
  {
    name: 'docs page (the algorithm, worked)',
    cmd: [process.execPath, '--import', 'tsx', 'scripts/algorithm-page.ts'],
  },
  {
    name: 'vitest',
    cmd: [
      bin('vitest'),
      'run',
      '--coverage',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestJson}`,
    ],
  },
  // the build users run (`npm run docs`), rendered into the temp folder: `--emit none` would skip rendering, where
  // code highlighting and the plugins warn
  {
    name: 'docs (typedoc build, warnings are errors)',
    cmd: [bin('typedoc'), '--out', join(tmp, 'api'), '--treatWarningsAsErrors'],
  },
  { name: 'examples', cmd: [process.execPath, 'scripts/run-examples.mjs'] },
  { name: 'house limits (files ≤ 400 lines, functions < 80)', cmd: [process.execPath, 'scripts/sizes.mjs'] },
];

let builtOk = true;
let passed = 0;
let failed = 0;
let skipped = 0;
const report = [];
for (const step of steps) {
  console.log(`\n=== ${step.name}: ${step.cmd.join(' ')}`);
  const started = Date.now();
  // the vitest global setup builds what the tests run unless told this run has just built it
  const env = { ...process.env, SCHEDACCT_FRESH_BUILD: builtOk ? '1' : '0' };
  const run = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: 'inherit', env });
  const ok = run.status === 0;
  if (step.name === 'build' || step.name === 'bundle') builtOk = builtOk && ok;
  report.push(`${ok ? 'ok  ' : 'FAIL'} ${step.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (step.name === 'vitest') {
    try {
      const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
      passed += r.numPassedTests;
      failed += r.numFailedTests + (ok || r.numFailedTests > 0 ? 0 : 1);
      skipped += r.numPendingTests + r.numTodoTests;
    } catch {
      failed += 1;
    }
  } else if (ok) passed++;
  else failed++;
}
rmSync(tmp, { recursive: true, force: true });
console.log(`\n${report.join('\n')}`);
console.log(`total: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed === 0 ? 0 : 1;
