// Bundles the `schedacct` command into one file (dist/bin/schedacct.js), with its lazily loaded parts beside it as
// chunks (the command reads traces on its own thread: it has no worker to bundle for parallel.ts). Node resolves and
// compiles each ES module of an unbundled tree on its own: for the CLI's ~40 modules and XState that is ~50 ms of
// every run, more than perf needs for a whole trace. The library entries (`schedacct`, `schedacct/linux`) stay the
// unbundled tsc output, for tree-shaking and their types.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

// Chunks are named by content hash: without this, every rebuild would leave the old ones beside the new (and the
// package, whose files include dist/, would ship them).
rmSync('dist/bin', { recursive: true, force: true });

await build({
  // the simulator's and the perf.data reader's worker threads are started by their file names beside the chunk that
  // starts them (src/sim/workers.ts, src/trace/perf-data-file.ts)
  entryPoints: {
    schedacct: 'dist/cli/main.js',
    'sim-worker': 'dist/sim/sim-worker.js',
    'perf-data-worker': 'dist/trace/perf-data-worker.js',
  },
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // the CLI's own paths (package.json, fixtures/) are read relative to dist/bin/, two levels below the root, as from
  // dist/cli/: nothing else in the bundle depends on where it lives
});
chmodSync('dist/bin/schedacct.js', 0o755);
