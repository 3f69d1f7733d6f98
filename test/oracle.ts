// The oracle: `perf sched timehist` (perf 6.1) on the recordings copied from ../shared/traces/perf, and how a line of
// ours is compared with perf's. Shared by the library's tests and the command's.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { runReplay } from '../src/cli/replay.ts';
import { OPTIONS, replayOptions } from '../src/cli/replay-options.ts';

/**
 * `schedacct replay FILE ARGS --compat perf-6.1` in this process (the sources, not a build): what it writes.
 * @param file - the trace (text, perf.data, .gz)
 * @param args - the command's options, as a user types them
 */
export async function replayCli(file: string, args: readonly string[]): Promise<string> {
  const { values } = parseArgs({ args: [...args], options: OPTIONS, strict: true });
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const write = (chunk: string | Uint8Array): void => {
    chunks.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk));
  };
  await runReplay(file, replayOptions({ ...values, compat: 'perf-6.1' }), write, () => undefined);
  return chunks.join('');
}

/** The --time window of each recording's timehist-time fixture. */
export const WINDOWS = { 'sh-loops': '706.395,706.41', migrate: '714.02,714.04', forkstorm: ',' } as const;

/** perf's filter options, each with the fixture suffix of perf's output under it (NAME.timehist-SUFFIX.txt). */
export const filterCases = (name: keyof typeof WINDOWS): [string, string][] => [
  ['-C 1', 'C1'],
  ['-t 15,21', 't'],
  ['-p 15', 'p'],
  ['-w -M -C 1', 'wM-C1'],
  [`--time ${WINDOWS[name]}`, 'time'],
];

/** A fixture's text (`.gz` ones decompressed). */
export const fixture = (name: string): string => {
  const data = readFileSync(new URL(`../fixtures/perf/${name}`, import.meta.url));
  return name.endsWith('.gz') ? gunzipSync(data).toString('utf8') : data.toString('utf8');
};
export const TRACES = ['sh-loops', 'migrate', 'forkstorm', 'pingpong'] as const;
export const gz = (name: string) => (name === 'pingpong' ? '.gz' : '');

// Whitespace-normalised fields; a task label compares by tid (its comm and [tid/pid] come from side-band records
// perf script does not print); the parent column is left out of summary rows.
export const norm = (line: string): string =>
  line
    .trim()
    .split(/\s+/)
    .join(' ')
    .replace(/\S*\[(-?\d+)(\/\d+)?\]/g, '[$1]')
    .replace(/(awakened|migrated): :(\d+)/, '$1: [$2]');
export const normSummary = (line: string): string => {
  const f = norm(line).split(' ');
  if (/\[-?\d+\]$/.test(f[0] ?? '') && f.length >= 3) f[1] = 'parent';
  return f.join(' ');
};
export const body = (text: string, skip: number) =>
  text
    .split('\n')
    .slice(skip)
    .filter((l) => l.trim() !== '');

export function expectSameLines(ours: readonly string[], perf: readonly string[], normalise = norm): void {
  expect(ours.length).toBe(perf.length);
  const firstDiff = ours.findIndex((l, i) => normalise(l) !== normalise(perf[i] ?? ''));
  expect(
    firstDiff === -1 ? 'all equal' : `line ${String(firstDiff)}: ${ours[firstDiff] ?? ''} | ${perf[firstDiff] ?? ''}`,
  ).toBe('all equal');
}
