// Runs every file in examples/ as a user would and fails on any failure: the .ts/.js examples import 'schedacct' from
// the built package; the sim-*.sh scripts run the built command (`node dist/bin/schedacct.js`, as their header says),
// so dist/ must be built first (`npm test` builds it before this step; `npm run examples` alone says so if not).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const files = readdirSync(new URL('examples/', root))
  .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) || /^sim-.*\.sh$/.test(f))
  .sort();
if (files.some((f) => f.endsWith('.sh')) && !existsSync(new URL('dist/bin/schedacct.js', root))) {
  console.error('examples: dist/bin/schedacct.js is missing: run `npm run build` first (the .sh examples run it)');
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  const [cmd, args] = file.endsWith('.sh')
    ? ['sh', [`examples/${file}`]]
    : [process.execPath, ['--import', 'tsx', `examples/${file}`]];
  const run = spawnSync(cmd, args, { encoding: 'utf8', cwd: root, maxBuffer: 1 << 26 });
  const ok = run.status === 0 && run.error === undefined;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} examples/${file}`);
  if (!ok || process.env.VERBOSE)
    process.stdout.write((run.stdout ?? '') + (run.stderr ?? '') + (run.error?.message ?? ''));
}
console.log(`examples: ${files.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 && files.length > 0 ? 0 : 1;
