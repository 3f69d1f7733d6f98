/**
 * `replay --html FILE`: once the replay has succeeded, its timeline drawn into the HTML report and written whole.
 * Loaded only with `--html`, so a replay without it never loads Vega.
 * @module
 * @internal
 */
import type { Timeline } from '../export/timeline.js';
import type { ReadResult } from '../trace/read.js';
import { writeHtml } from './html-option.js';

/**
 * Draws a replay's report and writes it whole to `path`.
 * @param path - the FILE of `--html`
 * @param timeline - the replay's timeline
 * @param result - the replay (for its malformed lines)
 * @internal
 */
export async function writeReplayHtml(path: string, timeline: Timeline, result: ReadResult): Promise<void> {
  const { replayReport } = await import('../export/html-reports.js');
  const notes = result.malformed.count > 0 ? [`${String(result.malformed.count)} malformed line(s) skipped`] : [];
  writeHtml(path, await replayReport(timeline, { notes }));
}
