import { describe, expect, it } from 'vitest';
import { SchedacctError } from '../errors.js';
import { SimMetrics } from '../sim/metrics.js';
import type { RunRow } from '../sim/report-rows.js';
import { resolveScenario } from '../sim/scenario.js';
import { simulate } from '../sim/simulate.js';
import { cpuTimelineSvg } from './charts.js';
import { htmlReport } from './html.js';
import { replayReport, simulationReport } from './html-reports.js';
import { sweepReport } from './html-sweep.js';
import { replayTimeline, simTimeline } from '../../test/export/timelines.js';

// Every URL a page holds; the only ones allowed are the SVG and XLink namespace names, which are never fetched.
const urls = (html: string): string[] =>
  [...html.matchAll(/[a-z]+:\/\/[^\s"'<>)]*/gi)].map((m) => m[0]).filter((u) => !u.startsWith('http://www.w3.org/'));

const svgCount = (html: string): number => html.split('<svg').length - 1;

function rows(): RunRow[] {
  const figures = {
    jainReal: 1,
    delayP50Ns: 0,
    delayP99Ns: 2e6,
    delayMaxNs: 0,
    stolenNs: 0,
    accountedStealNs: 1e6,
    runNs: 0,
    chargedNs: 0,
    realNs: 0,
    busyNs: 0,
    idleNs: 0,
    pausedNs: 0,
    events: 0,
  };
  const out: RunRow[] = [];
  for (const accounting of ['none', 'drop'])
    for (const share of [0.1, 0.3])
      for (const seed of [1, 2]) {
        const index = out.length;
        const values = { 'host.steal.*.share': share, accounting };
        out.push({
          experiment: 'e',
          runs: 8,
          index,
          id: `r${String(index)}`,
          seed,
          values,
          ...figures,
          jainCharged: 1 - share / seed,
        });
      }
  return out;
}

describe('htmlReport', () => {
  it('escapes every string and rejects a chart with script in it', () => {
    const page = htmlReport({
      title: '<t>',
      sections: [{ heading: 'a&b', tables: [{ head: ['"x"'], rows: [['<i>']] }] }],
    });
    expect(page).toContain('<h1>&lt;t&gt;</h1>');
    expect(page).toContain('<h2>a&amp;b</h2>');
    expect(page).toContain('<td>&lt;i&gt;</td>');
    const evil = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    expect(() => htmlReport({ title: 't', sections: [{ heading: 'h', charts: [evil] }] })).toThrow(SchedacctError);
    const fetching = '<svg><image href="https://example.com/x.png"/></svg>';
    expect(() => htmlReport({ title: 't', sections: [{ heading: 'h', charts: [fetching] }] })).toThrow(/external/);
    expect(() =>
      htmlReport({ title: 't', sections: [{ heading: 'h', tables: [{ head: ['a', 'b'], rows: [['1']] }] }] }),
    ).toThrow(/2 cells/);
  });

  it('accepts the charts as they are drawn', async () => {
    const page = htmlReport({
      title: 't',
      sections: [{ heading: 'h', charts: [await cpuTimelineSvg(simTimeline())] }],
    });
    expect(svgCount(page)).toBe(1);
  });
});

describe('replayReport', () => {
  it('holds the per-task table with its totals, the three charts, and nothing to fetch', async () => {
    const t = replayTimeline();
    const page = await replayReport(t, { notes: ['schedacct replay x.txt --html r.html'] });
    expect(svgCount(page)).toBe(3);
    expect(urls(page)).toEqual([]);
    expect(page).not.toMatch(/<script|<link|\ssrc=/i);
    // one row per task and the total: 8 + 7 + 4 ms run, 1.5 ms stolen
    expect(page.match(/<tr><td>/g)?.length).toBe(t.tasks.length + 1);
    expect(page).toMatch(
      /<td>total<\/td><td><\/td><td class="n">6<\/td><td class="n">19\.000<\/td><td class="n">17\.500<\/td><td class="n">1\.500<\/td>/,
    );
  });

  it("keeps a trace's comm of <script> as text", async () => {
    const page = await replayReport(replayTimeline());
    expect(page).not.toContain('<script');
    expect(page).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
  });
});

describe('simulationReport', () => {
  it('has a section per run with its task, vCPU and fairness tables, and charts when it has a timeline', async () => {
    const scenario = resolveScenario({
      durationMs: 50,
      accounting: 'drop',
      host: { steal: { '0': { kind: 'constant', share: 0.3, periodUs: 12000 } } },
      tasks: [{ name: 'hog', count: 2, workload: { kind: 'cpu' } }],
    });
    const metrics = new SimMetrics();
    const result = simulate(scenario, { observer: metrics });
    const page = await simulationReport([
      { label: 'accounting drop', result, metrics },
      { label: 'with charts', result, metrics, timeline: simTimeline() },
    ]);
    expect(page).toContain('<h1>schedacct simulate: accounting drop against with charts</h1>');
    expect(page.match(/<h2>/g)?.length).toBe(2);
    expect(page.match(/<caption>Per vCPU/g)?.length).toBe(2);
    expect(page).toContain('<td>hog</td><td class="n">1000</td>');
    expect(svgCount(page)).toBe(3);
    await expect(simulationReport([])).rejects.toThrow(/non-empty/);
  });
});

describe('sweepReport', () => {
  it('tabulates the means with intervals and charts each figure, a line per other swept value', async () => {
    const page = await sweepReport(rows());
    expect(page).toContain('<th>host.steal.*.share</th><th>accounting</th><th>runs</th>');
    // four points of two seeds: jainCharged 1 − share/seed, e.g. share 0.1 → 0.9 and 0.95
    expect(page.match(/<tr><td class="n">0.1<\/td>/g)?.length).toBe(2);
    // mean 0.925, half-width t(1) · s/√2 = 12.706 · 0.025 = 0.31765
    expect(page.includes('0.9250 ± 0.3176')).toBe(true);
    expect(svgCount(page)).toBe(4);
    expect(page).toContain('against host.steal.*.share');
    expect(urls(page)).toEqual([]);
  });
});
