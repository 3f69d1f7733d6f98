// Replay against perf itself: wall time of `schedacct replay large.perf.txt --report summary` beside
// `perf sched timehist -s -i large.data`, both decompressed once before timing, run alternately (so a noisy machine
// slows both alike) and compared by their medians; and schedacct's peak RSS for the trace and for the trace repeated
// four times (timestamps shifted), to show memory does not grow with length.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const SHARED = new URL('../../shared/traces/perf/', import.meta.url).pathname;
const RUNS = 3;
/** Alternate runs of schedacct and perf for the ratio. */
const PAIRS = 9;

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

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

/** Runs the two commands alternately: their wall times, run by run. */
function alternate(a: readonly [string, string[]], b: readonly [string, string[]]): { a: number[]; b: number[] } {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < PAIRS; i++) {
    out.a.push(measure(...a).seconds);
    out.b.push(measure(...b).seconds);
  }
  return out;
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

/** Runs one stage of the replay in a fresh process (see replay-stages.ts); the best of {@link RUNS}. */
function stage(name: string, file: string): { seconds: number; cold?: number; warm?: number } {
  const script = new URL('./replay-stages.ts', import.meta.url).pathname;
  let bestRun: { seconds: number; cold?: number; warm?: number } = { seconds: Infinity };
  for (let i = 0; i < RUNS; i++) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', script, name, file], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`stage ${name} failed: ${run.stderr}`);
    const got = JSON.parse(run.stdout) as { seconds: number; cold?: number; warm?: number };
    if ((got.cold ?? got.seconds) < (bestRun.cold ?? bestRun.seconds)) bestRun = got;
  }
  return bestRun;
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

  // the command as installed (package.json's bin)
  const cli = new URL('../dist/bin/schedacct.js', import.meta.url).pathname;
  const replayArgs = (f: string): string[] => [cli, 'replay', f, '--report', 'summary', '--compat', 'perf-6.1'];
  const mib = (r: { rssMiB: number | undefined }) => (r.rssMiB === undefined ? 'n/a' : `${r.rssMiB.toFixed(0)} MiB`);
  const secs = (xs: readonly number[]): string =>
    `median ${median(xs).toFixed(3)} s, best ${Math.min(...xs).toFixed(3)} s`;
  if (xz.status === 0 && has('perf', ['--version'])) {
    const runs = alternate(
      [process.execPath, replayArgs(perfText)],
      ['perf', ['sched', 'timehist', '-s', '-i', perfData]],
    );
    console.log(`schedacct replay large.perf.txt --report summary   ${secs(runs.a)}   (${String(PAIRS)} runs)`);
    console.log(`perf sched timehist -s -i large.data                ${secs(runs.b)}   (alternating with it)`);
    const ratio = median(runs.a) / median(runs.b);
    console.log(
      `→ schedacct takes ${ratio.toFixed(2)}× perf's time, by medians (best against best: ` +
        `${(Math.min(...runs.a) / Math.min(...runs.b)).toFixed(2)}×; goal ≤ 1.0, to resolve ≤ 2.0) ` +
        (ratio <= 2 ? 'MET' : 'NOT MET'),
    );
  } else {
    console.log('perf sched timehist: SKIPPED — perf or xz is not installed');
  }
  const ours = best(process.execPath, replayArgs(perfText));
  const ours4 = best(process.execPath, replayArgs(text4));
  console.log(
    `schedacct on the trace                              ${ours.seconds.toFixed(3)} s   peak RSS ${mib(ours)}`,
  );
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
    ['read', 'read the bytes (1 MiB reads)'],
    ['scan', '+ scan them into records (WebAssembly)'],
    ['replay', '+ replay through the machines (readTrace)'],
    ['worker', 'the same, scans in worker threads (readTraceFile)'],
  ] as const) {
    console.log(`  ${what.padEnd(48)} ${stage(name, perfText).seconds.toFixed(3)} s`);
  }
  const records = stage('records', perfText);
  console.log(
    `  replay of records already scanned: first time ${(records.cold ?? NaN).toFixed(3)} s, ` +
      `warm ${(records.warm ?? NaN).toFixed(3)} s (the gap is the JIT compiling the replay)`,
  );
}
