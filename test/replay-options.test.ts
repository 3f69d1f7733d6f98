// perf sched timehist's options on `schedacct replay`, against perf 6.1's own output for the same recordings
// (fixtures/perf/NAME.timehist-*.txt, made with `perf sched timehist -i NAME.data OPTIONS` on this machine).
// The text path cannot give perf's labels where perf renamed a task from a COMM record (kworker/0:0 vs
// kworker/0:0-eve), a woken task it never saw (`:69`), or the parent column: those need perf.data's side-band
// records, so such lines compare with the label by tid (oracle.ts norm); every other line is compared byte for byte.
import { describe, expect, it } from 'vitest';
import { replayOptions } from '../src/cli/replay-options.ts';
import { parseTimeWindow } from '../src/cli/replay-filter.ts';
import { filterCases, fixture, norm, normSummary, replayCli } from './oracle.ts';

const replayText = (name: string, args: readonly string[]): Promise<string> =>
  replayCli(new URL(`../fixtures/perf/${name}.perf.txt`, import.meta.url).pathname, args);

// Line by line: identical bytes, or (side-band labels and parent) the same once normalised; returns the lines equal.
function compare(ours: string, perf: string, normalise: (line: string) => string = norm): number {
  const a = ours.split('\n');
  const b = perf.split('\n');
  expect(a.length).toBe(b.length);
  const first = a.findIndex((line, i) => line !== b[i] && normalise(line) !== normalise(b[i] ?? ''));
  expect(first === -1 ? 'all equal' : `line ${String(first)}: ${a[first] ?? ''} | ${b[first] ?? ''}`).toBe('all equal');
  return a.filter((line, i) => line === b[i]).length;
}

const RECORDINGS = ['sh-loops', 'migrate', 'forkstorm'] as const;

describe.each(RECORDINGS)('%s: perf sched timehist options, against perf 6.1', (name) => {
  it.each(filterCases(name))('%s: the rows perf shows, with its values', async (args, file) => {
    const perf = fixture(`${name}.timehist-${file}.txt`);
    const equal = compare(await replayText(name, args.split(' ')), perf);
    // the header and most rows byte for byte; at least one row beyond the three header lines
    expect(equal).toBeGreaterThan(3);
    expect(perf.split('\n').length).toBeGreaterThan(4);
  });

  it('-S: the rows, then the summary (the parent column needs side-band records: compared without it)', async () => {
    compare(await replayText(name, ['-S']), fixture(`${name}.timehist-S.txt`), normSummary);
  });
});

describe('replay options', () => {
  it('sh-loops -C 1 and --time are byte-identical to perf (no renamed task in them)', async () => {
    expect(await replayText('sh-loops', ['-C', '1'])).toBe(fixture('sh-loops.timehist-C1.txt'));
    expect(await replayText('sh-loops', ['--time', '706.395,706.41'])).toBe(fixture('sh-loops.timehist-time.txt'));
  });

  it('-t with -s lists the tasks chosen and ends there, as perf does (no idle stats once a filter skipped)', async () => {
    const ours = await replayText('sh-loops', ['-t', '6884,15', '-s']);
    compare(ours, fixture('sh-loops.summary-t.txt'), normSummary);
    expect(ours).not.toContain('Idle stats');
  });

  it('perf spellings map onto --report; conflicts and later options are usage errors', () => {
    expect(replayOptions({ summary: true, state: true }).report).toBe('state-summary');
    expect(replayOptions({ state: true }).report).toBe('state');
    expect(replayOptions({ 'with-summary': true }).withSummary).toBe(true);
    expect(() => replayOptions({ report: 'summary', summary: true })).toThrow(/one or the other/);
    expect(replayOptions({ next: true }).next).toBe(true);
    expect(replayOptions({ 'cpu-visual': true }).cpuVisual).toBe(true);
    expect(replayOptions({ 'idle-hist': true }).idleHist).toBe(true);
    expect(replayOptions({}).idleHist).toBeUndefined();
    for (const filter of [{ pid: '1' }, { tid: '1' }, { time: '1,2' }]) {
      expect(() => replayOptions({ 'idle-hist': true, ...filter })).toThrow(/-I\/--idle-hist under -p, -t or --time/);
    }
    expect(replayOptions({ 'idle-hist': true, cpu: '1' }).filters?.cpus).toEqual(new Set([1]));
    expect(() => replayOptions({ cpu: '1', summary: true })).toThrow(/summary under -C or --time/);
    expect(() => replayOptions({ cpu: '1-x' })).toThrow(/-C\/--cpu takes CPUs/);
    expect(() => replayOptions({ tid: '-3' })).toThrow(/-t\/--tid takes ids/);
  });

  it('--time reads seconds exactly, either side empty, and refuses a start after the stop', () => {
    expect(parseTimeWindow('706.395,706.41')).toEqual({ startNs: 706_395_000_000, endNs: 706_410_000_000 });
    expect(parseTimeWindow(',1.000000001')).toEqual({ endNs: 1_000_000_001 });
    expect(parseTimeWindow('2,')).toEqual({ startNs: 2_000_000_000 });
    expect(() => parseTimeWindow('3,2')).toThrow(/start is after the stop/);
    expect(() => parseTimeWindow('1.0000000001,')).toThrow(/START,STOP/);
    expect(() => parseTimeWindow('706')).toThrow(/START,STOP/);
  });
});
