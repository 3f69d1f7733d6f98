/**
 * `--export KIND FILE` on `replay` and `simulate`: the run's timeline as Perfetto's Chrome JSON or as ftrace text,
 * each written whole once the run has succeeded (streamed to `FILE.tmp`, then renamed), so a failed run leaves no
 * half file.
 * @module
 * @internal
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { SchedacctError } from '../errors.js';
import type { Timeline } from '../export/timeline.js';
import { UsageError } from './args.js';

/** What `--export` writes. */
export type ExportKind = 'perfetto' | 'ftrace';

/** One `--export KIND FILE`. */
export interface ExportTarget {
  /** What to write. */
  readonly kind: ExportKind;
  /** Where. */
  readonly path: string;
}

const KINDS: readonly ExportKind[] = ['perfetto', 'ftrace'];

/**
 * The `--export` lines of a command's `--help`.
 * @param column - where the descriptions start (the help's own column)
 * @returns the lines
 * @internal
 */
export function exportHelp(column: number): string {
  const pad = ' '.repeat(column);
  return [
    '  --export KIND FILE',
    `${pad}also write the run to FILE once it has succeeded (repeatable): perfetto:`,
    `${pad}Chrome trace-event JSON for ui.perfetto.dev or chrome://tracing (each task's`,
    `${pad}slices and thread states, CPU tracks, stolen and charged counters, anomalies`,
    `${pad}as instants); ftrace: ftrace text that Perfetto and schedacct replay read`,
  ].join('\n');
}

/**
 * Takes every `--export KIND FILE` out of a command line (before a `--`), for the parser that takes one value per
 * option.
 * @param command - the command, for messages
 * @param args - its arguments
 * @returns the other arguments, and the exports in order
 * @throws {@link UsageError} for a kind it does not know, a missing FILE, or two exports to one FILE
 * @internal
 */
export function takeExports(command: string, args: readonly string[]): { args: string[]; exports: ExportTarget[] } {
  const rest: string[] = [];
  const exports: ExportTarget[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a !== '--export' && !a.startsWith('--export=')) {
      rest.push(a);
      continue;
    }
    const kind = a === '--export' ? args[++i] : a.slice('--export='.length);
    const path = args[++i];
    if (kind === undefined || !(KINDS as readonly string[]).includes(kind))
      throw new UsageError(command, `--export takes a KIND (${KINDS.join(', ')}) and a FILE, got '${kind ?? ''}'`);
    if (path === undefined || path === '' || (path.startsWith('-') && path !== '-'))
      throw new UsageError(command, `--export ${kind} takes a FILE to write`);
    if (path === '-') throw new UsageError(command, `--export ${kind} writes a FILE, not standard output`);
    if (exports.some((e) => e.path === path)) throw new UsageError(command, `--export: ${path} given twice`);
    exports.push({ kind: kind as ExportKind, path });
  }
  return { args: rest, exports };
}

/**
 * Writes each export of a finished run: streamed to `FILE.tmp`, then renamed over FILE.
 * @param timeline - the run
 * @param exports - what to write where
 * @throws {@link SchedacctError} `unavailable` for a FILE it cannot write
 * @internal
 */
export async function writeExports(timeline: Timeline, exports: readonly ExportTarget[]): Promise<void> {
  if (exports.length === 0) return;
  const [{ writePerfettoJson }, { writeTimelineFtrace }] = await Promise.all([
    import('../export/perfetto.js'),
    import('../export/ftrace.js'),
  ]);
  for (const { kind, path } of exports) {
    const tmp = `${path}.tmp`;
    let fd: number | undefined;
    try {
      fd = openSync(tmp, 'w');
      const out = fd;
      const write = (chunk: string): void => void writeSync(out, chunk);
      if (kind === 'perfetto') writePerfettoJson(timeline, write);
      else writeTimelineFtrace(timeline, write);
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, path);
    } catch (error: unknown) {
      if (fd !== undefined) closeSync(fd);
      rmSync(tmp, { force: true });
      if (error instanceof SchedacctError) throw error;
      throw new SchedacctError(
        'unavailable',
        `--export ${kind} ${path}: ${error instanceof Error ? error.message : ''}`,
      );
    }
  }
}
