// Long lines (issue 12): the time to read a trace whose first line is 10 MB, and one whose first line is 40 MB,
// beside a normal trace of 40 MB as the reference, each read in a fresh process once its modules are loaded
// (bench/replay-stages.ts `replay`); start-up (the CLI on a tiny trace, whole process) on its own line. A line past
// the cap (64 Ki characters) is passed over up to its `\n` without being decoded, so its cost is linear in its size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = 3;
const MB = 1_000_000;
const fixture = readFileSync(new URL('../fixtures/perf/sh-loops.perf.txt', import.meta.url), 'utf8');

// The fastest of RUNS runs of a command's JSON `seconds` (or, with `whole`, of the whole process).
function best(args: readonly string[], whole = false): number {
  let fastest = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
    const seconds = whole
      ? wall
      : (JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { seconds: number }).seconds;
    fastest = Math.min(fastest, seconds);
  }
  return fastest;
}

/** Writes the three traces, times them, and prints the ratio. */
export function runLinesBench(): void {
  const dir = mkdtempSync(join(tmpdir(), 'schedacct-lines-'));
  try {
    const normal = join(dir, 'normal.perf.txt');
    writeFileSync(normal, fixture.repeat(Math.ceil((40 * MB) / fixture.length)));
    const long = (size: number): string => {
      const file = join(dir, `line-${String(size / MB)}MB.perf.txt`);
      writeFileSync(file, `${'x'.repeat(size)}\n${fixture}`);
      return file;
    };
    const tiny = join(dir, 'tiny.perf.txt');
    writeFileSync(tiny, fixture.split('\n').slice(0, 40).join('\n'));
    const stage = (file: string) => best(['--import', 'tsx', 'bench/replay-stages.ts', 'replay', file]);
    const startUp = best(['dist/bin/schedacct.js', 'replay', tiny, '--report', 'summary'], true);
    const reference = stage(normal);
    const ten = stage(long(10 * MB));
    const forty = stage(long(40 * MB));
    const row = (label: string, seconds: number) => console.log(`  ${label.padEnd(58)} ${seconds.toFixed(3)} s`);
    row('start-up: schedacct replay, a 40-line trace (whole process)', startUp);
    row('a normal trace of 40 MB (the reference)', reference);
    row('one 10 MB line, then a 105-line trace', ten);
    row('one 40 MB line, then a 105-line trace', forty);
    const ratio = forty / ten;
    console.log(
      `→ the 40 MB line takes ${ratio.toFixed(2)}× the 10 MB one (4× the size; goal: linear, ≤ 5×) ${ratio <= 5 ? 'MET' : 'NOT MET'}`,
    );
    console.log(`  (the 40 MB line costs ${(forty / reference).toFixed(2)}× the normal trace of its size)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
