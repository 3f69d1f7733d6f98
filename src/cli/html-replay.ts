/**
 * `replay --html FILE`: the replay's slices kept as they come, then, once the replay has succeeded, its timeline drawn
 * into the HTML report and written whole. Loaded only with `--html`, so a replay without it never loads Vega.
 * @module
 * @internal
 */
import { basename } from 'node:path';
import type { Timeline, TimelineSlice } from '../export/timeline.js';
import type { ReadResult } from '../trace/read.js';
import type { InfoRow, TimehistRow } from '../trace/rows.js';
import { writeHtml } from './html-option.js';

/**
 * The replay's timeline from its rows and its ledger: a slice per row of a task (idle rows are not slices), the
 * tasks' totals from the ledger.
 * @param title - the trace's name
 * @param slices - the rows as slices
 * @param result - the replay
 * @returns the timeline
 * @internal
 */
function timelineOf(title: string, slices: TimelineSlice[], result: ReadResult): Timeline {
  const { replay } = result;
  const tasks = replay
    .tasks()
    .filter((t) => t.tid !== 0)
    .map((t) => ({
      tid: t.tid,
      name: t.comm,
      runNs: t.totals.runNs,
      chargedNs: t.totals.chargedNs,
      stolenNs: t.totals.stolenNs,
      slices: t.totals.slices,
    }))
    .sort((a, b) => a.tid - b.tid);
  const anomalies = replay.anomalies().details.map((a) => ({
    timeNs: a.atNs ?? 0,
    code: a.kind,
    ...(typeof a.task === 'number' ? { tid: a.task } : {}),
    ...(a.cpu === undefined ? {} : { cpu: a.cpu }),
    message: a.message,
  }));
  slices.sort((a, b) => a.endNs - b.endNs || a.cpu - b.cpu);
  const startNs = Math.max(0, replay.firstSwitchNs);
  return {
    source: 'replay',
    title,
    cpus: replay.cpus,
    startNs,
    endNs: Math.max(startNs, replay.lastSwitchNs),
    slices,
    steal: [],
    tasks,
    anomalies,
  };
}

/**
 * What `runReplay` feeds with `--html`: every row, then the result.
 * @internal
 */
export interface HtmlRows {
  /** Takes a row as the replay gives it (wakeup and migration lines are not slices), then hands it to the report's. */
  readonly onRow: (given: TimehistRow | InfoRow) => void;
  /** Draws the report and writes it whole to `path`. */
  readonly write: (path: string, file: string, result: ReadResult) => Promise<void>;
}

/**
 * A collector of the replay's slices for its HTML report.
 * @param onRow - the report's own row handler
 * @param timehist - whether the report takes rows (a summary does not)
 * @returns the collector
 * @internal
 */
export function htmlRows(onRow: (given: TimehistRow | InfoRow) => void, timehist: boolean): HtmlRows {
  const slices: TimelineSlice[] = [];
  return {
    onRow: (given) => {
      if (timehist) onRow(given);
      if ('kind' in given || given.tid === 0) return;
      const { cpu, tid, name, timeNs, runNs, stolenNs, delayNs, state } = given;
      slices.push({ cpu, tid, name, startNs: timeNs - runNs, endNs: timeNs, stolenNs, delayNs, state });
    },
    write: async (path, file, result) => {
      const { replayReport } = await import('../export/html-reports.js');
      const title = file === '-' ? 'standard input' : basename(file);
      const notes = result.malformed.count > 0 ? [`${String(result.malformed.count)} malformed line(s) skipped`] : [];
      writeHtml(path, await replayReport(timelineOf(title, slices, result), { notes }));
    },
  };
}
