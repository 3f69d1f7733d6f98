// `npm run docs:check`: the real docs build (rendered, so highlighting and plugin warnings count), written to a temp
// folder that is removed afterwards, so the tree stays clean. Exits with typedoc's status (warnings are errors).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// the generated algorithm page first, as `npm run docs` makes it: typedoc's projectDocuments names it
const page = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/algorithm-page.ts'], { stdio: 'inherit' });
if (page.status !== 0) process.exit(page.status ?? 1);
const out = mkdtempSync(join(tmpdir(), 'schedacct-docs-'));
const run = spawnSync(join('node_modules', '.bin', 'typedoc'), ['--out', out, '--treatWarningsAsErrors'], {
  stdio: 'inherit',
});
rmSync(out, { recursive: true, force: true });
process.exitCode = run.status ?? 1;
