/**
 * `replay --format csv|jsonl`: the timehist rows (a row per slice, wakeup and migration lines among them with `-w`,
 * `-M`) and the summaries (a line per task) as CSV with a header row, or as one JSON object per line.
 * @module
 * @internal
 */
import type { Replay } from '../trace/replay.js';
import type { TaskRecord } from '../trace/records.js';
import type { InfoRow, TimehistRow } from '../trace/rows.js';

/** The columns of a rows CSV. */
export const ROW_COLUMNS: readonly string[] = [
  'kind',
  'time_ns',
  'cpu',
  'tid',
  'name',
  'wait_ns',
  'delay_ns',
  'run_ns',
  'stolen_ns',
  'state',
  'target',
];

/** The columns of a tasks CSV (every total the ledger keeps). */
export const TASK_COLUMNS: readonly string[] = [
  'tid',
  'cpu',
  'comm',
  'dead',
  'migrations',
  'run_ns',
  'charged_ns',
  'stolen_ns',
  'sleep_ns',
  'iowait_ns',
  'preempt_ns',
  'delay_ns',
  'slices',
  'min_slice_ns',
  'max_slice_ns',
];

// The columns -I adds: the idle time booked to the task, and the idle periods it came in.
const IDLE_COLUMNS = ['idle_ns', 'idle_periods'];

/**
 * A task's booked idle time (perf's -I) as JSON shows it: its totals without the task id, where it has any.
 * @param t - the task
 * @returns `{ idle }`, or nothing
 * @internal
 */
export function idleOf(t: TaskRecord): { idle?: object } {
  return t.idleTotals === undefined ? {} : { idle: { ...t.idleTotals, task: undefined } };
}

/**
 * A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180); a comm may hold any of them.
 * @param value - the value
 * @returns the field
 * @internal
 */
export function csvField(value: string | number | boolean): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One timehist row as a CSV line.
 * @param row - the row
 * @returns the line, without its line break
 * @internal
 */
export function rowCsv(row: TimehistRow | InfoRow): string {
  const fields =
    'kind' in row
      ? [row.kind, row.timeNs, row.cpu, row.tid, row.name, '', '', '', '', '', row.target]
      : [
          'switch',
          row.timeNs,
          row.cpu,
          row.tid,
          row.name,
          row.waitNs,
          row.delayNs,
          row.runNs,
          row.stolenNs,
          row.state,
          '',
        ];
  return fields.map(csvField).join(',');
}

/**
 * One row as a JSON line (the object `--format json` lists, with its kind).
 * @param row - the row
 * @returns the line, without its line break
 * @internal
 */
export function rowJsonl(row: TimehistRow | InfoRow): string {
  return JSON.stringify('kind' in row ? row : { kind: 'switch', ...row });
}

/**
 * The summary's tasks as CSV lines (the header first) or JSON lines, one per task in perf's order.
 * @param replay - the replay
 * @param tids - only these tasks (`-p`, `-t`), or all
 * @param format - csv or jsonl
 * @yields {string} each line
 * @internal
 */
export function* taskLines(
  replay: Replay,
  tids: ReadonlySet<number> | undefined,
  format: 'csv' | 'jsonl',
): Generator<string> {
  // -I: the idle time booked to each task, in two more columns (an `idle` object in JSON lines)
  const idle = replay.idleHist;
  if (format === 'csv') yield [...TASK_COLUMNS, ...(idle ? IDLE_COLUMNS : [])].join(',');
  for (const t of replay.tasks()) {
    if (tids !== undefined && !tids.has(t.tid)) continue;
    const k = t.totals;
    if (format === 'jsonl') {
      // the ledger's task id is the tid already on the line
      yield JSON.stringify({
        tid: t.tid,
        ...(t.tid === 0 ? { cpu: t.cpu } : {}),
        comm: t.comm,
        dead: t.dead,
        migrations: t.migrations,
        ...k,
        task: undefined,
        ...idleOf(t),
      });
      continue;
    }
    const cpu = t.tid === 0 ? t.cpu : '';
    yield [
      t.tid,
      cpu,
      t.comm,
      t.dead,
      t.migrations,
      k.runNs,
      k.chargedNs,
      k.stolenNs,
      k.sleepNs,
      k.iowaitNs,
      k.preemptNs,
      k.delayNs,
      k.slices,
      k.minSliceNs,
      k.maxSliceNs,
      ...(idle ? [t.idleTotals?.runNs ?? 0, t.idleTotals?.slices ?? 0] : []),
    ]
      .map(csvField)
      .join(',');
  }
}
