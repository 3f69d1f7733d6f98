import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import type { RunRow } from '../sim/report-rows.js';
import { cpuTimelineSvg, taskBarsSvg } from './charts.js';
import { delayCdfSvg } from './charts-cdf.js';
import { sweepSvg } from './charts-sweep.js';
import { longTimeline, replayTimeline, simTimeline } from '../../test/export/timelines.js';
import { markCount, xmlProblem } from '../../test/export/svg-check.js';

const FIGURES = {
  jainCharged: 1,
  jainReal: 1,
  delayP50Ns: 0,
  delayP99Ns: 0,
  delayMaxNs: 0,
  stolenNs: 0,
  accountedStealNs: 0,
  runNs: 0,
  chargedNs: 0,
  realNs: 0,
  busyNs: 0,
  idleNs: 0,
  pausedNs: 0,
  events: 0,
};

// 3 accountings × 2 fractions × 3 seeds; jainCharged depends on all three so each point has a band.
function sweepRows(): RunRow[] {
  const rows: RunRow[] = [];
  for (const accounting of ['none', 'drop', 'carry'])
    for (const fraction of [0.1, 0.3])
      for (const seed of [1, 2, 3]) {
        const index = rows.length;
        const jainCharged = 1 - fraction * (accounting === 'none' ? 1 : 0.1) + seed * 0.01;
        rows.push({
          experiment: 'e',
          runs: 18,
          index,
          id: `r${String(index)}`,
          seed,
          values: { accounting, fraction },
          ...FIGURES,
          jainCharged,
        });
      }
  return rows;
}

describe('cpuTimelineSvg', () => {
  it('draws a bar per slice and a dark part per slice with steal for a replay', async () => {
    const svg = await cpuTimelineSvg(replayTimeline());
    expect(xmlProblem(svg)).toBeUndefined();
    expect(markCount(svg, 'slices_marks')).toBe(6);
    expect(markCount(svg, 'steal_marks')).toBe(2);
    expect(svg).toContain('6 slices, one bar each');
  });

  it("shades the host's steal intervals for a simulation, and draws no steal where there is none", async () => {
    expect(markCount(await cpuTimelineSvg(simTimeline()), 'steal_marks')).toBe(2);
    const t = replayTimeline();
    const none = { ...t, slices: t.slices.map((s) => ({ ...s, stolenNs: 0 })) };
    expect(markCount(await cpuTimelineSvg(none), 'steal_marks')).toBe(0);
  });

  it('gives the same bytes for the same timeline, whatever was drawn before', async () => {
    const first = await cpuTimelineSvg(simTimeline());
    await taskBarsSvg(replayTimeline());
    await sweepSvg(sweepRows(), { parameter: 'fraction', metric: 'jainCharged', by: 'accounting' });
    expect(await cpuTimelineSvg(simTimeline())).toBe(first);
  });

  it('merges a long run into pixel columns, at most one bar per column per CPU, and says so', async () => {
    const svg = await cpuTimelineSvg(longTimeline(100_000, 2), { widthPx: 300 });
    expect(xmlProblem(svg)).toBeUndefined();
    const bars = markCount(svg, 'slices_marks');
    expect(bars).toBeGreaterThan(0);
    expect(bars).toBeLessThanOrEqual(2 * 300);
    expect(markCount(svg, 'steal_marks')).toBeLessThanOrEqual(2 * 300);
    expect(svg).toContain('200000 slices merged into');
  });

  it('draws only the window asked for', async () => {
    // slices 0-4 ms and 0-3 ms and 3-7 ms overlap [1, 3.5] ms; clipped to it
    const svg = await cpuTimelineSvg(replayTimeline(), { startNs: 1_000_000, endNs: 3_500_000 });
    expect(markCount(svg, 'slices_marks')).toBe(3);
    expect(svg).toContain('window 1.000–3.500 ms');
  });

  it('escapes task names (a comm of <script> stays text)', async () => {
    const svg = await cpuTimelineSvg(replayTimeline());
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('throws on misuse', async () => {
    await expect(cpuTimelineSvg(null as never)).rejects.toThrow(SchedacctError);
    await expect(cpuTimelineSvg(replayTimeline(), { endNs: 0 })).rejects.toThrow(/options.endNs/);
    await expect(cpuTimelineSvg(replayTimeline(), { widthPx: 1.5 })).rejects.toThrow(/options.widthPx/);
  });
});

describe('taskBarsSvg', () => {
  it('draws a segment per nonzero charged or stolen part', async () => {
    const svg = await taskBarsSvg(replayTimeline());
    expect(xmlProblem(svg)).toBeUndefined();
    // three tasks charged, two of them with steal
    expect(markCount(svg, 'marks')).toBe(5);
  });

  it('sums the tasks beyond the top into others', async () => {
    const svg = await taskBarsSvg(replayTimeline(), { topTasks: 1 });
    expect(svg).toContain('others (2 tasks)');
    // the top task (8 ms, 0.5 stolen) and others (7 + 4 ms, 1 stolen): two segments each
    expect(markCount(svg, 'marks')).toBe(4);
  });
});

describe('delayCdfSvg', () => {
  it('draws a line for all slices and one per top task, log-x when the delays are wide', async () => {
    const svg = await delayCdfSvg(replayTimeline());
    expect(xmlProblem(svg)).toBeUndefined();
    expect(markCount(svg, 'marks')).toBe(4);
    expect(svg).toContain('symmetric-log');
    expect(markCount(await delayCdfSvg(replayTimeline(), { topTasks: 1 }), 'marks')).toBe(2);
  });

  it('bounds its points: a long run draws as fast and as large as a short one', async () => {
    const svg = await delayCdfSvg(longTimeline(100_000, 2), { topTasks: 2 });
    expect(markCount(svg, 'marks')).toBe(3);
    expect(svg.length).toBeLessThan(100_000);
  });
});

describe('sweepSvg', () => {
  it('draws a line and a band per value of by', async () => {
    const svg = await sweepSvg(sweepRows(), { parameter: 'fraction', metric: 'jainCharged', by: 'accounting' });
    expect(xmlProblem(svg)).toBeUndefined();
    expect(markCount(svg, 'band_marks')).toBe(3);
    expect(markCount(svg, 'lines_marks')).toBe(3);
    expect(svg).toContain('95 % interval');
  });

  it('throws for a path not swept or a metric that is not a figure', async () => {
    await expect(sweepSvg(sweepRows(), { parameter: 'cpus', metric: 'jainCharged' })).rejects.toThrow(
      /swept path cpus/,
    );
    await expect(sweepSvg(sweepRows(), { parameter: 'fraction', metric: 'nope' as never })).rejects.toThrow(
      SchedacctError,
    );
    await expect(sweepSvg([], { parameter: 'fraction', metric: 'jainCharged' })).rejects.toThrow(/non-empty/);
  });
});
