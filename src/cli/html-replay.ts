/**
 * `replay --html FILE`: the replay's slices kept as they come (part 1's `ReplayTimeline`), then, once the replay has
 * succeeded, its timeline drawn into the HTML report and written whole. Loaded only with `--html`, so a replay
 * without it never loads Vega.
 * @module
 * @internal
 */
import { basename } from 'node:path';
import { ReplayTimeline } from '../export/timeline-replay.js';
import type { ReadResult } from '../trace/read.js';
import type { InfoRow, TimehistRow } from '../trace/rows.js';
import { writeHtml } from './html-option.js';

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
  const timeline = new ReplayTimeline();
  return {
    onRow: (given) => {
      if (timehist) onRow(given);
      timeline.onRow(given);
    },
    write: async (path, file, result) => {
      const { replayReport } = await import('../export/html-reports.js');
      const title = file === '-' ? 'standard input' : basename(file);
      const notes = result.malformed.count > 0 ? [`${String(result.malformed.count)} malformed line(s) skipped`] : [];
      writeHtml(path, await replayReport(timeline.finish(result, title), { notes }));
    },
  };
}
