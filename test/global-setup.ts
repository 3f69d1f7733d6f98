// Before the suite: build what the tests run (dist/, and the bundled command that package.json's bin points at), so
// that `npx vitest run` alone never tests a stale build. Quiet unless the build fails.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const steps = [
  [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'],
  [fileURLToPath(new URL('../scripts/bundle-cli.mjs', import.meta.url))],
];

export default function setup(): void {
  // `npm test` (scripts/check.mjs) has just built both, from these sources, as its first steps
  if (process.env.SCHEDACCT_FRESH_BUILD === '1') return;
  for (const args of steps) {
    const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    if (run.status !== 0) {
      const output = `${run.stdout}${run.stderr}`.trim();
      throw new Error(
        `global setup: node ${args.join(' ')} failed (${run.error?.message ?? `exit status ${String(run.status)}`})${output === '' ? '' : `:\n${output}`}`,
      );
    }
  }
}
