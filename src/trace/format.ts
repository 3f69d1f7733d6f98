/**
 * Telling a trace's text format from its first lines (a light module: no replay, no machines).
 * @module
 */
import { argError } from '../check.js';
import { isComment } from './fields.js';
import { ftraceHead } from './ftrace.js';
import { isPerfScriptHead } from './perf-script.js';
export { isComment } from './fields.js';

/** Trace formats: the text ones, and perf.data (perf record's binary format). */
export type TraceFormat = TextFormat | 'perf-data';

/** Trace text formats. */
export type TextFormat = 'perf-script' | 'ftrace' | 'trace-cmd';

/**
 * Detects the format from the first lines (comments and blank lines are passed over): the first line that reads as
 * the head of one of them tells it (perf script's `COMM TID [CPU] TIME: SYSTEM:EVENT:`; ftrace's `COMM-PID [CPU]
 * FLAGS TIME: EVENT:`, trace-cmd's without the flags and the tgid column). The heads are read by the formats' own
 * one-pass readers, so detection takes time linear in the lines.
 * @param lines - the first lines of the trace
 * @returns the format, or undefined when no line looks like any of them
 * @throws {@link SchedacctError} `invalid-argument` for lines that are not an array of strings
 * @example
 * ```ts
 * detectFormat(['# tracer: nop', '  ping-1234  [001] d..2.  100.000500: sched_switch: prev_comm=ping']); // 'ftrace'
 * detectFormat(['ping-1234 [001] 100.000500: sched_switch: ping:1234 [120] S ==> swapper/1:0 [120]']); // 'trace-cmd'
 * detectFormat(['hello']); // undefined
 * ```
 */
export function detectFormat(lines: readonly string[]): TextFormat | undefined {
  if (!Array.isArray(lines) || !lines.every((l) => typeof l === 'string'))
    throw argError('invalid-argument', 'lines', 'an array of strings', lines);
  for (const line of lines) {
    if (isComment(line)) continue;
    if (isPerfScriptHead(line)) return 'perf-script';
    const head = ftraceHead(line);
    if (head?.flags === true) return 'ftrace';
    if (head !== undefined && !head.tgid) return 'trace-cmd';
  }
  return undefined;
}
