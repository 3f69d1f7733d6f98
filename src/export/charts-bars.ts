/**
 * The bars of a per-CPU timeline, bounded: a window of the run, and, when its slices are more than a chart can
 * draw, one bar per run of pixel columns in which one task was most on the CPU.
 * @module
 * @internal
 */
import { argError, checkObject } from '../check.js';
import type { Timeline, TimelineInterval, TimelineSlice } from './timeline.js';

/**
 * Checks that a timeline is one (an object with its arrays), before a chart reads it.
 * @param timeline - the value passed
 * @throws {@link SchedacctError} `invalid-argument` naming what is missing
 * @internal
 */
export function checkTimeline(timeline: unknown): asserts timeline is Timeline {
  checkObject('timeline', timeline);
  const t = timeline as Partial<Record<keyof Timeline, unknown>>;
  for (const key of ['slices', 'steal', 'tasks'] as const)
    if (!Array.isArray(t[key])) throw argError('invalid-argument', `timeline.${key}`, 'an array', t[key]);
}

/**
 * One bar of the Gantt: a task (or steal) on a CPU over a stretch, ms from the run's start.
 * @internal
 */
export interface GanttBar {
  /** `CPU n`. */
  readonly cpu: string;
  /** The task's label (`comm[tid]`), or `others`. */
  readonly task: string;
  /** Start, ms from the window's start. */
  readonly startMs: number;
  /** End, ms. */
  readonly endMs: number;
}

/**
 * The bars and what was done to bound them.
 * @internal
 */
export interface GanttData {
  /** Run bars. */
  readonly bars: GanttBar[];
  /** Stolen stretches (the host's intervals, or each slice's stolen part at its end). */
  readonly stolen: GanttBar[];
  /** Slices in the window. */
  readonly slicesInWindow: number;
  /** Whether slices were merged into pixel columns. */
  readonly merged: boolean;
}

/**
 * The window and bounds the Gantt is drawn with.
 * @internal
 */
export interface GanttBounds {
  /** Window start, ns. */
  readonly startNs: number;
  /** Window end, ns. */
  readonly endNs: number;
  /** Plot width, px (pixel columns when merging). */
  readonly widthPx: number;
  /** Slices drawn one bar each at most; beyond, merged. */
  readonly maxSlices: number;
  /** Task labels that keep their own colour; the rest are `others`. */
  readonly named: ReadonlySet<string>;
}

/**
 * A task's label as charts show it.
 * @param name - comm
 * @param tid - thread id
 * @returns `comm[tid]`
 * @internal
 */
export const taskLabel = (name: string, tid: number): string => `${name}[${String(tid)}]`;

const cpuLabel = (cpu: number): string => `CPU ${String(cpu)}`;

// A slice's label, folded into `others` when it has no colour of its own.
const labelOf = (s: TimelineSlice, named: ReadonlySet<string>): string => {
  const label = taskLabel(s.name, s.tid);
  return named.has(label) ? label : 'others';
};

function clipped(b: GanttBounds, cpu: number, task: string, startNs: number, endNs: number): GanttBar | undefined {
  const from = Math.max(startNs, b.startNs);
  const to = Math.min(endNs, b.endNs);
  if (to <= from) return undefined;
  return { cpu: cpuLabel(cpu), task, startMs: (from - b.startNs) / 1e6, endMs: (to - b.startNs) / 1e6 };
}

function push(into: GanttBar[], bar: GanttBar | undefined): void {
  if (bar !== undefined) into.push(bar);
}

// Per CPU and pixel column, the ns each task ran there; then adjacent columns with the same leader join.
function mergeColumns(slices: readonly TimelineSlice[], b: GanttBounds): GanttBar[] {
  const nsPerPx = (b.endNs - b.startNs) / b.widthPx;
  const columns = new Map<number, Map<string, number>[]>();
  for (const s of slices) {
    const label = labelOf(s, b.named);
    const from = Math.max(s.startNs, b.startNs);
    const to = Math.min(s.endNs, b.endNs);
    let cols = columns.get(s.cpu);
    if (cols === undefined) columns.set(s.cpu, (cols = []));
    for (let c = Math.floor((from - b.startNs) / nsPerPx); c * nsPerPx + b.startNs < to && c < b.widthPx; c++) {
      const colStart = b.startNs + c * nsPerPx;
      const ns = Math.min(to, colStart + nsPerPx) - Math.max(from, colStart);
      const col = (cols[c] ??= new Map());
      col.set(label, (col.get(label) ?? 0) + ns);
    }
  }
  const bars: GanttBar[] = [];
  for (const cpu of [...columns.keys()].sort((x, y) => x - y)) {
    const cols = columns.get(cpu) ?? [];
    let open: { task: string; from: number; to: number } | undefined;
    const close = (): void => {
      if (open !== undefined)
        push(bars, clipped(b, cpu, open.task, b.startNs + open.from * nsPerPx, b.startNs + open.to * nsPerPx));
    };
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c];
      if (col === undefined) continue;
      const leader = [...col.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]?.[0] ?? 'others';
      if (open !== undefined && open.task === leader && open.to === c) open.to = c + 1;
      else {
        close();
        open = { task: leader, from: c, to: c + 1 };
      }
    }
    close();
  }
  return bars;
}

// Steal stretches narrower than a pixel would be more marks than pixels: adjacent ones within a pixel join.
function stealBars(steal: readonly TimelineInterval[], b: GanttBounds): GanttBar[] {
  const nsPerPx = (b.endNs - b.startNs) / b.widthPx;
  const byCpu = new Map<number, { from: number; to: number }[]>();
  for (const i of steal) {
    if (i.endNs <= b.startNs || i.startNs >= b.endNs) continue;
    let runs = byCpu.get(i.cpu);
    if (runs === undefined) byCpu.set(i.cpu, (runs = []));
    const last = runs[runs.length - 1];
    if (last !== undefined && i.startNs - last.to < nsPerPx) last.to = Math.max(last.to, i.endNs);
    else runs.push({ from: i.startNs, to: i.endNs });
  }
  const bars: GanttBar[] = [];
  for (const cpu of [...byCpu.keys()].sort((x, y) => x - y))
    for (const r of byCpu.get(cpu) ?? []) push(bars, clipped(b, cpu, 'steal', r.from, r.to));
  return bars;
}

/**
 * The Gantt's bars in a window: a bar per slice, or merged pixel columns beyond `maxSlices`; the host's steal
 * intervals, or (a replay has none) each slice's stolen part drawn at its end.
 * @param timeline - the run
 * @param b - the window and bounds
 * @returns the bars
 * @internal
 */
export function ganttData(timeline: Timeline, b: GanttBounds): GanttData {
  const inWindow = timeline.slices.filter((s) => s.endNs > b.startNs && s.startNs < b.endNs && s.endNs > s.startNs);
  const merged = inWindow.length > b.maxSlices;
  const bars: GanttBar[] = [];
  if (merged) bars.push(...mergeColumns(inWindow, b));
  else for (const s of inWindow) push(bars, clipped(b, s.cpu, labelOf(s, b.named), s.startNs, s.endNs));
  let stolen: GanttBar[];
  if (timeline.steal.length > 0) stolen = stealBars(timeline.steal, b);
  else {
    // The trace gives only how much of each slice was stolen, not when: drawn as the slice's last part.
    const parts: TimelineInterval[] = inWindow
      .filter((s) => s.stolenNs > 0)
      .map((s) => ({ cpu: s.cpu, startNs: s.endNs - s.stolenNs, endNs: s.endNs }))
      .sort((x, y) => x.cpu - y.cpu || x.startNs - y.startNs);
    stolen = merged ? stealBars(parts, b) : parts.flatMap((p) => clipped(b, p.cpu, 'steal', p.startNs, p.endNs) ?? []);
  }
  return { bars, stolen, slicesInWindow: inWindow.length, merged };
}
