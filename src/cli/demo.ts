/**
 * `schedacct demo`: one task's run slices from a real trace, as the replay charges them: wall time, the steal
 * estimated from `sched_stat_runtime`, and what the accounting core charged.
 * @module
 */
import { fileURLToPath } from 'node:url';
import type { StealPolicy } from '../accounting/steal.js';
import type { Replay } from '../trace/replay.js';
import type { TimehistRow } from '../trace/rows.js';
import { msec } from '../trace/report.js';
import { EXIT_STATUS, oneOf, parseCommand, UsageError, wholeNumber } from './args.js';

// The embedded recording, two levels above this module whether it runs from dist/cli/ or bundled in dist/bin/.
const DEFAULT_TRACE = fileURLToPath(new URL('../../fixtures/perf/migrate.perf.txt', import.meta.url));
const POLICIES = ['carry', 'drop'] as const satisfies readonly StealPolicy[];

const OPTIONS = {
  task: { type: 'string' },
  policy: { type: 'string' },
} as const;

/** `schedacct demo --help`. */
export const help: string = `schedacct demo: one task of a trace, slice by slice: its wall time, the steal estimated from
sched_stat_runtime, and what the accounting core charged (wall - stolen)

usage: schedacct demo [options] [FILE|-]

FILE is a trace as schedacct replay reads it (perf script, ftrace or trace-cmd text, gzip or not;
- for standard input); default: the embedded recording fixtures/perf/migrate.perf.txt.

options:
  --task TID       the thread to show (default: the one with the most run time)
  --policy POLICY  steal beyond the time it appeared in: drop (default): discarded, as current
                   kernels do; carry: kept and charged to later slices (kernels before 2024)
  -h, --help       this text

${EXIT_STATUS}`;

/**
 * Runs `schedacct demo`.
 * @param args - the arguments after `demo`
 * @returns the exit status
 * @throws {@link UsageError} for options or arguments it does not take, and for a task with no run slices in the
 *   trace; a `SchedacctError` for input it cannot read
 */
export async function run(args: readonly string[]): Promise<number> {
  const parsed = parseCommand('demo', args, OPTIONS, help, { max: 1, what: 'one trace FILE at most' });
  if (parsed === undefined) return 0;
  const { values, positionals } = parsed;
  const file = positionals[0] ?? DEFAULT_TRACE;
  const policy = oneOf('demo', 'policy', values.policy, POLICIES, 'drop');
  const tid =
    values.task === undefined ? undefined : wholeNumber('demo', 'task', values.task, 0, 0, 'a thread id (0 or more)');
  const { traceBytes } = await import('../trace/file.js');
  const result = await runDemo(traceBytes(file), tid === undefined ? { policy } : { tid, policy });
  if (result.slices.length === 0) {
    throw new UsageError('demo', `no run slices for task ${String(result.tid)} in ${file}`);
  }
  process.stdout.write(
    `${formatDemo(result, file === DEFAULT_TRACE ? 'fixtures/perf/migrate.perf.txt (embedded)' : file)}\n`,
  );
  return 0;
}

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The task to show (default: the one with the most run time). */
  readonly tid?: number;
  /** Steal policy (default `'drop'`). */
  readonly policy?: StealPolicy;
}

/** The demo's result. */
export interface DemoResult {
  /** The task shown. */
  readonly tid: number;
  /** Its name. */
  readonly comm: string;
  /** Its slices (timehist rows). */
  readonly slices: readonly TimehistRow[];
  /** The replay, for every task's totals. */
  readonly replay: Replay;
}

/**
 * Replays a trace and picks one task's slices.
 * @param trace - the trace's lines, or its bytes in chunks (see `readTrace`)
 * @param options - see {@link DemoOptions}
 * @returns the task's slices and the replay
 */
export async function runDemo(
  trace: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  options: DemoOptions = {},
): Promise<DemoResult> {
  const rows: TimehistRow[] = [];
  const { readTrace } = await import('../trace/read.js'); // the machines, XState: loaded when the demo runs
  const { replay } = await readTrace(trace, {
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    onRow: (row) => {
      if (!('kind' in row) && row.tid > 0) rows.push(row);
    },
  });
  let tid = options.tid;
  if (tid === undefined) {
    let best = -1;
    for (const t of replay.tasks()) {
      if (t.tid > 0 && t.totals.runNs > best) {
        best = t.totals.runNs;
        tid = t.tid;
      }
    }
  }
  const chosen = tid ?? -1;
  const slices = rows.filter((r) => r.tid === chosen);
  return { tid: chosen, comm: slices[0]?.name ?? '?', slices, replay };
}

/**
 * Renders the demo as a table.
 * @param result - what {@link runDemo} returned
 * @param source - the trace's name, for the heading
 * @returns the text to print
 */
export function formatDemo(result: DemoResult, source: string): string {
  const out: string[] = [];
  out.push(`schedacct worked example: ${source}`);
  out.push(
    `task ${result.comm}[${String(result.tid)}], every run slice; ms. Stolen = wall time the kernel's task clock`,
  );
  out.push('(sched_stat_runtime) did not count; the accounting core charges wall − stolen.');
  out.push('');
  out.push('  cpu        end (s)       wall      stolen     charged');
  let wall = 0;
  let stolen = 0;
  for (const s of result.slices) {
    out.push(
      `  ${String(s.cpu).padStart(3)}   ${(s.timeNs / 1e9).toFixed(6).padStart(14)} ${msec(s.runNs)}  ${msec(s.stolenNs)}  ${msec(s.runNs - s.stolenNs)}`,
    );
    wall += s.runNs;
    stolen += s.stolenNs;
  }
  out.push(`  total${' '.repeat(15)} ${msec(wall)}  ${msec(stolen)}  ${msec(wall - stolen)}`);
  out.push('');
  const s = result.replay.steal;
  out.push(
    `all tasks: ${String(s.slices)} slices estimated, steal charged ${(s.clampedNs / 1e6).toFixed(3)} ms (signed sum ${(s.signedNs / 1e6).toFixed(3)} ms)`,
  );
  return out.join('\n');
}
