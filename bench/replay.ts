// Replay against perf itself: wall time of `schedacct replay large.perf.txt --report summary` beside
// `perf sched timehist -s -i large.data`, both decompressed once before timing, and schedacct's peak RSS for the
// trace and for the trace repeated four times (timestamps shifted), to show memory does not grow with length.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const SHARED = new URL('../../shared/traces/perf/', import.meta.url).pathname;
const RUNS = 3;

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** Runs a command, returning wall seconds and (with GNU time) peak RSS in MiB. */
function measure(cmd: string, args: string[]): { seconds: number; rssMiB: number | undefined } {
  const timed = existsSync('/usr/bin/time');
  const start = process.hrtime.bigint();
  const run = timed
    ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${cmd} failed: ${run.stderr}`);
  const kb = timed ? Number(/(\d+)\s*$/.exec(run.stderr)?.[1]) : NaN;
  return { seconds, rssMiB: Number.isFinite(kb) ? kb / 1024 : undefined };
}

function best(cmd: string, args: string[]): { seconds: number; rssMiB: number | undefined } {
  const runs = Array.from({ length: RUNS }, () => measure(cmd, args));
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

/** Writes the trace `copies` times, each copy shifted past the previous one. */
async function repeat(src: string, dst: string, copies: number): Promise<void> {
  const out = createWriteStream(dst);
  let shift = 0;
  let last = 0;
  for (let c = 0; c < copies; c++) {
    let first = -1;
    for await (const line of createInterface({ input: createReadStream(src) })) {
      const m = /^(.*?\s)(\d+)\.(\d{9})(:.*)$/.exec(line);
      if (m === null) {
        out.write(`${line}\n`);
        continue;
      }
      const ns = BigInt(m[2] ?? 0) * 1_000_000_000n + BigInt(m[3] ?? 0);
      if (first < 0) first = Number(ns);
      const t = ns + BigInt(shift);
      last = Number(t);
      out.write(
        `${m[1] ?? ''}${String(t / 1_000_000_000n)}.${String(t % 1_000_000_000n).padStart(9, '0')}${m[4] ?? ''}\n`,
      );
    }
    shift = last + 1_000_000_000 - first;
  }
  await new Promise<void>((resolve) => out.end(resolve));
}

/** Runs one stage of the replay in a fresh process (see replay-stages.ts); best of {@link RUNS}, in seconds. */
function stage(name: string, file: string): number {
  const script = new URL('./replay-stages.ts', import.meta.url).pathname;
  let bestSeconds = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', script, name, file], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`stage ${name} failed: ${run.stderr}`);
    bestSeconds = Math.min(bestSeconds, (JSON.parse(run.stdout) as { seconds: number }).seconds);
  }
  return bestSeconds;
}

export async function runReplayBench(): Promise<void> {
  const data = join(SHARED, 'large.data.xz');
  const text = join(SHARED, 'large.perf.txt.gz');
  if (!existsSync(data) || !existsSync(text)) {
    console.log(
      'replay: SKIPPED — ../shared/traces/perf/large.* not found (the benchmark reads the large recording from ../shared)',
    );
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'schedacct-bench-'));
  const perfData = join(dir, 'large.data');
  const perfText = join(dir, 'large.perf.txt');
  const text4 = join(dir, 'large-x4.perf.txt');
  const xz = spawnSync('xz', ['-dc', data], { maxBuffer: 1 << 30 });
  if (xz.status === 0) writeFileSync(perfData, xz.stdout);
  await pipeline(createReadStream(text), createGunzip(), createWriteStream(perfText));
  await repeat(perfText, text4, 4);
  const head = spawnSync('head', ['-n', '1', perfText], { encoding: 'utf8' });
  writeFileSync(join(dir, 'empty.perf.txt'), head.stdout);

  const cli = new URL('../dist/cli/main.js', import.meta.url).pathname;
  const ours = best(process.execPath, [cli, 'replay', perfText, '--report', 'summary', '--compat', 'perf-6.1']);
  const ours4 = best(process.execPath, [cli, 'replay', text4, '--report', 'summary', '--compat', 'perf-6.1']);
  const mib = (r: { rssMiB: number | undefined }) => (r.rssMiB === undefined ? 'n/a' : `${r.rssMiB.toFixed(0)} MiB`);
  console.log(
    `schedacct replay large.perf.txt --report summary   ${ours.seconds.toFixed(3)} s   peak RSS ${mib(ours)}`,
  );
  if (xz.status === 0 && has('perf', ['--version'])) {
    const perf = best('perf', ['sched', 'timehist', '-s', '-i', perfData]);
    console.log(
      `perf sched timehist -s -i large.data                ${perf.seconds.toFixed(3)} s   peak RSS ${mib(perf)}`,
    );
    const ratio = ours.seconds / perf.seconds;
    console.log(
      `→ schedacct takes ${ratio.toFixed(1)}× perf's time (goal ≤ 1.0, to resolve ≤ 2.0) ${ratio <= 2 ? 'MET' : 'NOT MET'}`,
    );
  } else {
    console.log('perf sched timehist: SKIPPED — perf or xz is not installed');
  }
  console.log(
    `schedacct on the trace ×4 (timestamps shifted)       ${ours4.seconds.toFixed(3)} s   peak RSS ${mib(ours4)}`,
  );
  if (ours.rssMiB !== undefined && ours4.rssMiB !== undefined) {
    const growth = ours4.rssMiB / ours.rssMiB;
    console.log(`→ peak RSS ×4 / ×1 = ${growth.toFixed(2)} (goal ≤ 1.2) ${growth <= 1.2 ? 'MET' : 'NOT MET'}`);
  }
  // Where the time goes: start-up, then each stage of the replay timed inside a fresh process after its imports.
  const node = best(process.execPath, ['-e', '0']).seconds;
  const version = best(process.execPath, [cli, '--version']).seconds;
  const load = best(process.execPath, [cli, 'replay', join(dir, 'empty.perf.txt'), '--report', 'summary']).seconds;
  console.log('where the time goes (each a fresh process, best of 3):');
  console.log(`  node start-up (node -e 0)                        ${node.toFixed(3)} s`);
  console.log(`  schedacct --version (CLI loaded)                 ${version.toFixed(3)} s`);
  console.log(`  schedacct replay, 1-line trace (machines loaded)  ${load.toFixed(3)} s`);
  for (const [name, what] of [
    ['read', 'read the bytes (256 KiB chunks)'],
    ['split', '+ split into lines'],
    ['scan', '+ scan events from the bytes'],
    ['replay', '+ replay through the machines (readTrace)'],
    ['worker', 'the same, scan in a worker (readTraceFile)'],
  ] as const) {
    console.log(`  ${what.padEnd(48)} ${stage(name, perfText).toFixed(3)} s`);
  }
}
