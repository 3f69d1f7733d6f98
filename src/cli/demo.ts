/**
 * `schedacct demo`: one task's run slices from a real trace, as the replay charges them: wall time, the steal
 * estimated from `sched_stat_runtime`, and what the accounting core charged.
 * @module
 */
import type { StealPolicy } from '../accounting/steal.js';
import { readTrace } from '../trace/read.js';
import type { Replay } from '../trace/replay.js';
import type { TimehistRow } from '../trace/rows.js';
import { msec } from '../trace/report.js';

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
 * @param trace - the trace's lines, or its bytes in chunks (see {@link readTrace})
 * @param options - see {@link DemoOptions}
 * @returns the task's slices and the replay
 */
export async function runDemo(
  trace: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  options: DemoOptions = {},
): Promise<DemoResult> {
  const rows: TimehistRow[] = [];
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
