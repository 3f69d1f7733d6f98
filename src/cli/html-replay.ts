/**
 * `replay --html FILE`: once the replay has succeeded, its timeline drawn into the HTML report and written whole; and
 * the progress line a long read shows on a terminal.
 * Loaded only with `--html`, so a replay without it never loads Vega.
 * @module
 * @internal
 */
import { statSync } from 'node:fs';
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

/**
 * The trace's bytes with a progress line on standard error when it is a terminal (`--html` and `--export` runs are
 * the long ones a person waits for).
 * @param file - the trace, or `-`
 * @param bytes - its bytes
 * @returns the same bytes
 * @internal
 */
export function progressBytes(file: string, bytes: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const sizeBytes = file === '-' ? undefined : statSync(file, { throwIfNoEntry: false })?.size;
  const out = {
    isTTY: process.stderr.isTTY, // (undefined unless a terminal, whatever its type says)
    write: (t: string) => void process.stderr.write(t),
    now: Date.now,
  };
  return withProgress(bytes, sizeBytes, out);
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
