/**
 * `replay --html FILE`: the replay's slices kept as they come (part 1's `ReplayTimeline`), then, once the replay has
 * succeeded, its timeline drawn into the HTML report and written whole. Loaded only with `--html`, so a replay
 * without it never loads Vega.
 * @module
 * @internal
 */
import { statSync } from 'node:fs';
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
  /** The trace's bytes, with a progress line on a terminal (a trace long enough for a report to take a while). */
  readonly bytes: (file: string, bytes: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;
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
    bytes: (file, bytes) => {
      const sizeBytes = file === '-' ? undefined : statSync(file, { throwIfNoEntry: false })?.size;
      const out = {
        isTTY: process.stderr.isTTY, // (undefined unless a terminal, whatever its type says)
        write: (t: string) => void process.stderr.write(t),
        now: Date.now,
      };
      return withProgress(bytes, sizeBytes, out);
    },
    write: async (path, file, result) => {
      const { replayReport } = await import('../export/html-reports.js');
      const title = file === '-' ? 'standard input' : basename(file);
      const notes = result.malformed.count > 0 ? [`${String(result.malformed.count)} malformed line(s) skipped`] : [];
      writeHtml(path, await replayReport(timeline.finish(result, title), { notes }));
    },
  };
}

/**
 * Where the progress line goes: standard error, drawn only on a terminal.
 * @internal
 */
export interface ProgressOut {
  /** Whether it is a terminal (Node leaves it undefined when not). */
  readonly isTTY: boolean | undefined;
  /** Writes text. */
  readonly write: (text: string) => void;
  /** The time, ms. */
  readonly now: () => number;
}

/**
 * The trace's bytes as they are read, with a progress line (bytes read, and the share of the file's size when the
 * file is not compressed) redrawn at most every 100 ms on a terminal, and cleared at the end.
 * @param bytes - the trace's bytes
 * @param sizeBytes - the file's size (undefined: standard input)
 * @param out - where to draw
 * @yields {Uint8Array} the chunks, unchanged
 * @internal
 */
export async function* withProgress(
  bytes: AsyncIterable<Uint8Array>,
  sizeBytes: number | undefined,
  out: ProgressOut,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (out.isTTY !== true) {
    yield* bytes;
    return;
  }
  let read = 0;
  let drawnMs = -Infinity;
  const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
  try {
    for await (const chunk of bytes) {
      read += chunk.length;
      const nowMs = out.now();
      if (nowMs - drawnMs >= 100) {
        drawnMs = nowMs;
        // a compressed file yields more bytes than its size: then only the count is meaningful
        const share =
          sizeBytes !== undefined && read <= sizeBytes
            ? ` of ${mb(sizeBytes)} (${String(Math.floor((100 * read) / sizeBytes))} %)`
            : '';
        out.write(`\rschedacct replay: ${mb(read)}${share} read\x1b[K`);
      }
      yield chunk;
    }
  } finally {
    if (drawnMs > -Infinity) out.write('\r\x1b[K');
  }
}
