// Runs every file in examples/ as a user would (importing 'schedacct' from the built package) and fails on any failure.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const files = readdirSync(new URL('../examples/', import.meta.url))
  .filter((f) => /\.(ts|mts|js|mjs)$/.test(f))
  .sort();
let failed = 0;
for (const file of files) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', `examples/${file}`], { encoding: 'utf8' });
  const ok = run.status === 0;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} examples/${file}`);
  if (!ok || process.env.VERBOSE) process.stdout.write(run.stdout + run.stderr);
}
console.log(`examples: ${files.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 && files.length > 0 ? 0 : 1;
