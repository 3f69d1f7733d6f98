// `--export KIND FILE` and `replay --format csv|jsonl` through the built command, as a user runs them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { traceEventProblems } from './trace-events.js';

const BIN = new URL('../../dist/bin/schedacct.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'schedacct-export-'));
const TRACE = 'fixtures/perf/migrate.perf.txt';
const at = (name: string): string => join(dir, name);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ev {
  ph: string;
  pid: number;
  name: string;
}

describe('replay --export', () => {
  it('writes Perfetto JSON and ftrace text at once, standard output unchanged, and the text replays to the same summary', () => {
    const plain = cli('replay', TRACE, '-s');
    const run = cli('replay', TRACE, '-s', '--export', 'perfetto', at('m.json'), '--export', 'ftrace', at('m.txt'));
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(plain.stdout);
    const doc = JSON.parse(readFileSync(at('m.json'), 'utf8')) as { traceEvents: Ev[] };
    expect(traceEventProblems(doc)).toEqual([]);
    expect(doc.traceEvents.filter((e) => e.ph === 'T' && e.name === 'Running').length).toBeGreaterThan(100);
    const back = cli('replay', at('m.txt'), '--format', 'csv', '-s');
    const orig = cli('replay', TRACE, '--format', 'csv', '-s');
    // run and slices per named task read back (tid -1, perf's unnamed task, is not written)
    // per tid (a tid's records summed; a record with no slice is a task seen but never run)
    const cols = (text: string): Record<string, string> => {
      const sums: Record<string, [number, number]> = {};
      for (const f of text
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))) {
        const tid = f[0] ?? '';
        if (tid === '0' || tid === '-1' || f[12] === '0') continue;
        const m = sums[tid] ?? [0, 0];
        sums[tid] = [m[0] + Number(f[5]), m[1] + Number(f[12])];
      }
      return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v.join(' ')]));
    };
    expect(cols(back.stdout)).toEqual(cols(orig.stdout));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('writes nothing when the replay fails, and refuses what it does not take with exit status 2', () => {
    writeFileSync(at('bad.txt'), 'not a trace at all\n');
    const failed = cli('replay', at('bad.txt'), '--export', 'perfetto', at('none.json'));
    expect(failed.status).not.toBe(0);
    expect(existsSync(at('none.json'))).toBe(false);
    for (const args of [
      ['--export', 'pdf', at('x')],
      ['--export', 'perfetto'],
      ['--export', 'perfetto', '-'],
      ['--export', 'perfetto', at('y'), '--export', 'ftrace', at('y')],
    ]) {
      const r = cli('replay', TRACE, ...args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr).toContain('--export');
    }
    expect(cli('replay', '--help').stdout).toContain('--export KIND FILE');
  }, 60_000);
});

describe('replay --format csv|jsonl', () => {
  it('rows: a header, then a line per row as --format json lists them', () => {
    const csv = cli('replay', TRACE, '--format', 'csv').stdout.trim().split('\n');
    const json = JSON.parse(cli('replay', TRACE, '--format', 'json').stdout) as {
      rows: { timeNs: number; runNs: number }[];
    };
    expect(csv[0]).toBe('kind,time_ns,cpu,tid,name,wait_ns,delay_ns,run_ns,stolen_ns,state,target');
    expect(csv.length - 1).toBe(json.rows.length);
    expect(csv.slice(1).map((l) => Number(l.split(',')[7]))).toEqual(json.rows.map((r) => r.runNs));
    const jsonl = cli('replay', TRACE, '--format', 'jsonl', '-w').stdout.trim().split('\n');
    const kinds = new Set(jsonl.map((l) => (JSON.parse(l) as { kind: string }).kind));
    expect([...kinds].sort()).toEqual(['switch', 'wakeup']);
  }, 60_000);

  it('summaries: a line per task with the ledger’s totals', () => {
    const csv = cli('replay', TRACE, '--format', 'csv', '-s').stdout.trim().split('\n');
    const json = JSON.parse(cli('replay', TRACE, '--format', 'json', '-s').stdout) as {
      tasks: { tid: number; stolenNs: number }[];
    };
    expect(csv[0]?.startsWith('tid,cpu,comm,')).toBe(true);
    expect(csv.length - 1).toBe(json.tasks.length);
    const stolen = (csv[0] ?? '').split(',').indexOf('stolen_ns');
    expect(csv.slice(1).map((l) => Number(l.split(',')[stolen]))).toEqual(json.tasks.map((t) => t.stolenNs));
    const state = cli('replay', TRACE, '--format', 'csv', '--report', 'state-summary');
    expect(state.status).toBe(0);
    expect(state.stdout.split('\n')[0]).toBe(csv[0]);
  }, 60_000);
});

describe('simulate --export', () => {
  it('one scenario: Perfetto JSON with its steal, and ftrace text', () => {
    const run = cli(
      'simulate',
      'examples/scenarios/resonant-steal.json',
      '--set',
      'durationMs=300',
      '--export',
      'perfetto',
      at('s.json'),
      '--export',
      'ftrace',
      at('s.txt'),
    );
    expect(run.status).toBe(0);
    const doc = JSON.parse(readFileSync(at('s.json'), 'utf8')) as { traceEvents: Ev[] };
    expect(traceEventProblems(doc)).toEqual([]);
    expect(doc.traceEvents.some((e) => e.ph === 'X' && e.name === 'stolen')).toBe(true);
    expect(cli('replay', at('s.txt'), '-s').status).toBe(0);
  }, 60_000);

  it('the default comparison exports its steal-aware run; an experiment is refused', () => {
    expect(cli('simulate', '--set', 'durationMs=100', '--export', 'perfetto', at('d.json')).status).toBe(0);
    const doc = JSON.parse(readFileSync(at('d.json'), 'utf8')) as { metadata: { title: string } };
    expect(doc.metadata.title).toContain('accounting drop');
    const sweep = cli('simulate', '--seeds', '2', '--set', 'durationMs=50', '--export', 'perfetto', at('e.json'));
    expect(sweep.status).toBe(2);
    expect(existsSync(at('e.json'))).toBe(false);
  }, 60_000);
});
