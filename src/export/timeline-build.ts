/**
 * What both timeline builders share: the slice order the contract promises, and the ledger's anomalies placed in
 * time.
 * @module
 * @internal
 */
import type { Ledger } from '../accounting/ledger.js';
import type { TimelineAnomaly, TimelineSlice } from './timeline.js';

/**
 * Sorts slices by `endNs`, then CPU (stable: the producer's order breaks the remaining ties).
 * @param slices - the slices, changed in place
 * @returns the same array
 * @internal
 */
export function sortSlices(slices: TimelineSlice[]): TimelineSlice[] {
  return slices.sort((a, b) => a.endNs - b.endNs || a.cpu - b.cpu);
}

/**
 * The anomalies a ledger kept with their details, in time order; those with no time (a malformed line) cannot be
 * placed and are left out (the report's counts still hold them).
 * @param ledger - the ledger
 * @returns the placed anomalies
 * @internal
 */
export function placedAnomalies(ledger: Ledger): TimelineAnomaly[] {
  const placed: TimelineAnomaly[] = [];
  for (const a of ledger.anomalies()) {
    if (a.atNs === undefined) continue;
    placed.push({
      timeNs: a.atNs,
      code: a.kind,
      ...(typeof a.task === 'number' ? { tid: a.task } : {}),
      ...(a.cpu === undefined ? {} : { cpu: a.cpu }),
      message: a.message,
    });
  }
  return placed.sort((a, b) => a.timeNs - b.timeNs);
}

/**
 * The first start and the last end of a run's slices and steal (0 and 0 when there are none).
 * @param slices - the slices
 * @param from - a time known to be in the run (the first switch), or undefined
 * @param to - another, or undefined
 * @returns the bounds
 * @internal
 */
export function boundsOf(
  slices: readonly TimelineSlice[],
  from: number | undefined,
  to: number | undefined,
): { startNs: number; endNs: number } {
  let startNs = from ?? Infinity;
  let endNs = to ?? -Infinity;
  for (const s of slices) {
    if (s.startNs < startNs) startNs = s.startNs;
    if (s.endNs > endNs) endNs = s.endNs;
  }
  return startNs === Infinity ? { startNs: 0, endNs: 0 } : { startNs, endNs };
}
