/**
 * A {@link Timeline} from a replayed trace: its slices from the timehist rows as they come (`readTrace`'s `onRow`),
 * its task totals and anomalies from the ledger when the read ends.
 * @module
 */
import { checkOptions, checkString } from '../check.js';
import { argError } from '../check.js';
import { readTrace, type ReadOptions, type ReadResult } from '../trace/read.js';
import type { InfoRow, TimehistRow } from '../trace/rows.js';
import { boundsOf, placedAnomalies, sortSlices } from './timeline-build.js';
import type { Timeline, TimelineSlice, TimelineTask } from './timeline.js';

/**
 * Collects a replay's run slices from its rows; {@link ReplayTimeline.finish} makes the timeline. Every row of a
 * task (tid ≠ 0) is one slice, from `timeNs − runNs` to `timeNs`, with the row's steal, delay and state. It holds
 * every slice (about 100 bytes each): a timeline of a long trace is as big as its rows.
 * @example
 * ```ts
 * import { readTrace } from 'schedacct/trace';
 * import { ReplayTimeline } from 'schedacct/export';
 * const lines = [
 *   'sh 42 [000] 1.000000000: sched:sched_switch: prev_comm=sh prev_pid=42 prev_prio=120 prev_state=R ==> next_comm=swapper/0 next_pid=0 next_prio=120',
 *   'swapper 0 [000] 1.002000000: sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=sh next_pid=42 next_prio=120',
 *   'sh 42 [000] 1.005000000: sched:sched_switch: prev_comm=sh prev_pid=42 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
 * ];
 * const timeline = new ReplayTimeline();
 * const result = await readTrace(lines, { onRow: timeline.onRow });
 * timeline.finish(result, 'example').slices.length; // 1: sh from 1.002 s to 1.005 s
 * ```
 */
export class ReplayTimeline {
  readonly #slices: TimelineSlice[] = [];
  #firstNs: number | undefined;
  #lastNs: number | undefined;
  #finished = false;

  /**
   * Takes one row (give it as `readTrace`'s `onRow`; it is bound). Wakeup and migration lines are passed over.
   * @param row - a timehist row or an info row
   */
  readonly onRow = (row: TimehistRow | InfoRow): void => {
    if ('kind' in row) return;
    const startNs = row.timeNs - row.runNs;
    if (this.#firstNs === undefined || startNs < this.#firstNs) this.#firstNs = startNs;
    if (this.#lastNs === undefined || row.timeNs > this.#lastNs) this.#lastNs = row.timeNs;
    if (row.tid === 0) return; // the idle task: not a slice
    this.#slices.push({
      cpu: row.cpu,
      tid: row.tid,
      name: row.name,
      startNs,
      endNs: row.timeNs,
      stolenNs: row.stolenNs,
      delayNs: row.delayNs,
      state: row.state,
    });
  };

  /**
   * The timeline, once the read has ended. Call it once.
   * @param result - what `readTrace` returned
   * @param title - the title charts and reports show (the trace's file name)
   * @returns the timeline
   * @throws {@link SchedacctError} `invalid-argument` when called twice
   */
  finish(result: Pick<ReadResult, 'replay' | 'ledger'>, title = 'trace'): Timeline {
    if (this.#finished) throw argError('invalid-argument', 'finish', 'called once', 'a second call');
    checkString('title', title);
    this.#finished = true;
    const tasks: TimelineTask[] = [];
    for (const record of result.replay.tasks()) {
      if (record.tid === 0) continue; // idle tasks
      const t = record.totals;
      tasks.push({
        tid: record.tid,
        name: record.comm,
        runNs: t.runNs,
        chargedNs: t.chargedNs,
        stolenNs: t.stolenNs,
        slices: t.slices,
      });
    }
    tasks.sort((a, b) => a.tid - b.tid);
    const slices = sortSlices(this.#slices);
    return {
      source: 'replay',
      title,
      cpus: result.replay.cpus,
      ...boundsOf(slices, this.#firstNs, this.#lastNs),
      slices,
      steal: [],
      tasks,
      anomalies: placedAnomalies(result.ledger),
    };
  }
}

/** Options of {@link timelineFromTrace}: the read's, and a title. */
export interface TimelineFromTraceOptions extends Omit<ReadOptions, 'onRow'> {
  /** The title (default `trace`). */
  readonly title?: string;
  /** Also called with every row (the timeline takes them first). */
  readonly onRow?: ReadOptions['onRow'];
}

/** What {@link timelineFromTrace} gives. */
export interface TraceTimeline {
  /** The run as the views draw it. */
  readonly timeline: Timeline;
  /** What the read gave: the replay, its ledger, the format, malformed and skipped lines. */
  readonly result: ReadResult;
}

/**
 * Reads a trace and makes its timeline in one call.
 * @param input - the trace: lines or chunks, as `readTrace` takes them
 * @param options - the read's options and a title
 * @returns the timeline and what the read gave
 * @throws {@link SchedacctError} as `readTrace` does
 * @example
 * ```ts
 * import { timelineFromTrace } from 'schedacct/export';
 * const { timeline } = await timelineFromTrace([
 *   'sh 42 [000] 1.000000000: sched:sched_switch: prev_comm=sh prev_pid=42 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120',
 * ]);
 * timeline.tasks.length; // 1: sh
 * ```
 */
export async function timelineFromTrace(
  input: Parameters<typeof readTrace>[0],
  options: TimelineFromTraceOptions = {},
): Promise<TraceTimeline> {
  checkOptions('options', options);
  const { title, onRow, ...read } = options;
  const builder = new ReplayTimeline();
  const rows =
    onRow === undefined
      ? builder.onRow
      : (row: TimehistRow | InfoRow): void => {
          builder.onRow(row);
          onRow(row);
        };
  const result = await readTrace(input, { ...read, onRow: rows });
  return { timeline: builder.finish(result, title), result };
}
