/**
 * Telling a trace's text format from its first lines (a light module: no replay, no machines).
 * @module
 */
import { argError } from '../check.js';

/** Trace text formats. */
export type TraceFormat = 'perf-script' | 'ftrace' | 'trace-cmd';

const PERF_LINE = /^\s*.*?\s+-?\d+\s+\[\d+\]\s+\d+\.\d+:\s+(?:\d+\s+)?[\w-]+:[\w-]+:/;
const FTRACE_LINE = /^\s*.+-\d+\s+(?:\(\s*[\d-]+\)\s+)?\[\d+\]\s+\S{4,5}\s+\d+\.\d+:\s+\w+:/;
const TRACE_CMD_LINE = /^\s*.+-\d+\s+\[\d+\]\s+\d+\.\d+:\s+\w+:/;

/**
 * Whether a line is a comment or blank (`#…`, trace-cmd's `cpus=N`).
 * @param line - the line
 * @returns true for a comment or a blank line
 */
export const isComment = (line: string): boolean => {
  const t = line.trim();
  return t === '' || t.startsWith('#') || /^cpus=\d+$/.test(t);
};

/**
 * Detects the format from the first lines (comments and blank lines are passed over).
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
export function detectFormat(lines: readonly string[]): TraceFormat | undefined {
  if (!Array.isArray(lines) || !lines.every((l) => typeof l === 'string'))
    throw argError('invalid-argument', 'lines', 'an array of strings', lines);
  for (const line of lines) {
    if (isComment(line)) continue;
    if (PERF_LINE.test(line)) return 'perf-script';
    if (FTRACE_LINE.test(line)) return 'ftrace';
    if (TRACE_CMD_LINE.test(line)) return 'trace-cmd';
  }
  return undefined;
}
