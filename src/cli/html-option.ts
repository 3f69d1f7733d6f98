/**
 * `--html FILE` as `replay` and `simulate` take it: the option, its help, and the page written whole once the run
 * has succeeded (FILE.tmp, then renamed), so a failed run never leaves half a report.
 * @module
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { SchedacctError } from '../errors.js';
import { UsageError } from './args.js';

/**
 * The option, for `parseArgs`.
 * @internal
 */
export const HTML_OPTION = { html: { type: 'string' } } as const;

/**
 * `replay --help`'s line for it.
 * @internal
 */
export const REPLAY_HTML_HELP = `  --html FILE       also write an HTML report to FILE: the per-task summary and anomalies, a
                    per-CPU timeline with each slice's stolen part, charged and stolen time per
                    task, the scheduling-delay CDF; one self-contained file (nothing fetched when
                    viewed), written after the replay succeeds`;

/**
 * `simulate --help`'s line for it.
 * @internal
 */
export const SIMULATE_HTML_HELP = `  --html FILE      also write an HTML report to FILE: one run's (or the default comparison's runs
                   side by side) task, vCPU and fairness tables with a per-CPU timeline with the
                   host's steal, charged and stolen time per task and the delay CDF; for an
                   experiment, the table of means with 95 % intervals and each figure against
                   the swept parameter, a line per value of the other swept path. One
                   self-contained file, written after the runs succeed`;

/**
 * The `--html` value, checked.
 * @param command - the command, for the message
 * @param value - what `parseArgs` gave
 * @returns the path, or undefined without the option
 * @throws {@link UsageError} for an empty path or `-` (a report is a file, not standard output)
 * @internal
 */
export function htmlPath(command: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === '' || value === '-')
    throw new UsageError(command, `--html takes a FILE to write the report to, got '${value}'`);
  return value;
}

/**
 * Writes a page whole: to `path.tmp`, then renamed over `path` (a reader never sees half of it).
 * @param path - where
 * @param page - the page's text
 * @throws a `SchedacctError` `unavailable` when the file cannot be written
 * @internal
 */
export function writeHtml(path: string, page: string): void {
  const tmp = `${path}.tmp`;
  try {
    writeFileSync(tmp, page);
    renameSync(tmp, path);
  } catch (error: unknown) {
    rmSync(tmp, { force: true });
    throw new SchedacctError(
      'unavailable',
      `--html ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
