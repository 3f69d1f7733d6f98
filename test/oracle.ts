// The oracle: `perf sched timehist` (perf 6.1) on the recordings copied from ../shared/traces/perf, and how a line of
// ours is compared with perf's. Shared by the library's tests and the command's.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';

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
