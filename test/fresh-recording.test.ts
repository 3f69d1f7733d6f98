// Against the real kernel: record a fresh trace with `perf sched record` (when perf works here), replay its
// `perf script --ns` text and its perf.data, and compare with `perf sched timehist` on the same recording (the
// binary byte for byte); check the steal estimate
// against the change of /proc/stat's steal over the recording.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace, timehistLine, type TimehistRow } from '../src/trace.ts';
import { NS_PER_TICK, parseProcStat, readProcStat } from '../src/linux.ts';
import { replayCli } from './oracle.ts';

const dir = mkdtempSync(join(tmpdir(), 'schedacct-rec-'));
const data = join(dir, 'rec.data');
const perfWorks = (): boolean => {
  if (spawnSync('perf', ['--version'], { stdio: 'ignore' }).status !== 0) return false;
  if (!existsSync('/sys/kernel/tracing') && !existsSync('/sys/kernel/debug/tracing')) return false;
  return true;
};
const usable = perfWorks();
const norm = (line: string): string =>
  line
    .trim()
    .split(/\s+/)
    .join(' ')
    .replace(/\S*\[(-?\d+)(\/\d+)?\]/g, '[$1]');

describe.skipIf(!usable)('a fresh perf sched record on this machine', () => {
  // /proc/stat's steal is read twice over: outside perf (before it starts, after it has written the file) and inside
  // the workload (its first and last command), so the recording's window lies between the two.
  let outer = [0, 0];
  let recorded = false;
  const stealOf = (text: string): number => parseProcStat(text).find((c) => c.cpu === 'all')?.steal ?? 0;
  const record = (): void => {
    if (recorded) return;
    const before = readProcStat().find((c) => c.cpu === 'all')?.steal ?? 0;
    const loops = 'for i in 1 2 3; do (j=0; while [ $j -lt 150000 ]; do j=$((j+1)); done) & done; sleep 0.05; wait';
    const workload = `cat /proc/stat > ${dir}/stat0; ${loops}; cat /proc/stat > ${dir}/stat1`;
    const rec = spawnSync('perf', ['sched', 'record', '-a', '-o', data, '--', 'sh', '-c', workload], {
      encoding: 'utf8',
    });
    outer = [before, readProcStat().find((c) => c.cpu === 'all')?.steal ?? 0];
    if (rec.status !== 0) throw new Error(`perf sched record failed (permissions?): ${rec.stderr}`);
    recorded = true;
  };

  it('replay agrees with perf sched timehist row for row', { timeout: 60_000 }, async () => {
    record();
    const script = spawnSync('perf', ['script', '--ns', '-i', data], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const timehist = spawnSync('perf', ['sched', 'timehist', '-i', data], { encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(script.status).toBe(0);
    const rows: TimehistRow[] = [];
    const { malformed } = await readTrace(script.stdout.split('\n'), {
      compat: 'perf-6.1',
      onRow: (r) => {
        if (!('kind' in r)) rows.push(r);
      },
    });
    expect(malformed.count).toBe(0);
    const perf = timehist.stdout
      .split('\n')
      .slice(3)
      .filter((l) => l.trim() !== '');
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.length).toBe(perf.length);
    const firstDiff = rows.findIndex((r, i) => norm(timehistLine(r)) !== norm(perf[i] ?? ''));
    expect(firstDiff).toBe(-1);
  });

  it(
    'perf.data read directly: byte for byte what perf sched timehist prints (rows, -s, --state -s)',
    { timeout: 60_000 },
    async () => {
      record();
      for (const args of [[], ['-s'], ['--state', '-s'], ['-w', '-M'], ['-V', '-n', '--state'], ['-I', '-S']]) {
        const perf = spawnSync('perf', ['sched', 'timehist', '-i', data, ...args], {
          encoding: 'utf8',
          maxBuffer: 1 << 28,
        });
        expect(perf.status).toBe(0);
        expect(perf.stdout.split('\n').length).toBeGreaterThan(10);
        expect(await replayCli(data, args)).toBe(perf.stdout);
      }
    },
  );

  it(
    "the steal estimate lies between /proc/stat's change inside the workload and outside perf (10 ms ticks)",
    { timeout: 60_000 },
    async () => {
      record();
      const script = spawnSync('perf', ['script', '--ns', '-i', data], { encoding: 'utf8', maxBuffer: 1 << 28 });
      const { replay } = await readTrace(script.stdout.split('\n'));
      const inner = [readFileSync(join(dir, 'stat0'), 'utf8'), readFileSync(join(dir, 'stat1'), 'utf8')].map(stealOf);
      const outerNs = ((outer[1] ?? 0) - (outer[0] ?? 0)) * NS_PER_TICK;
      const innerNs = ((inner[1] ?? 0) - (inner[0] ?? 0)) * NS_PER_TICK;
      const cpus = readProcStat().filter((c) => c.cpu !== 'all').length;
      // /proc/stat moves in 10 ms ticks per CPU; each estimated slice may carry ~1 µs of clock skew at its edges.
      const tolerance = 10_000_000 * Math.max(1, cpus) + 1_000 * replay.steal.slices;
      expect(replay.steal.slices).toBeGreaterThan(0);
      // The recording holds the workload's window and lies inside perf's: its steal is at least the inner change
      // and at most the outer one (a load on the other cores steals in perf's start-up and teardown too).
      expect(replay.steal.signedNs).toBeGreaterThanOrEqual(innerNs - tolerance);
      expect(replay.steal.signedNs).toBeLessThanOrEqual(outerNs + tolerance);
      expect(readFileSync(data).length).toBeGreaterThan(0);
    },
  );
});

describe.skipIf(usable)('a fresh perf sched record — skipped: perf or tracefs is not available here', () => {
  it.skip('needs perf and tracefs', () => undefined);
});
