// The HTML reports and a bare chart in headless Chromium: every chart drawn (its <svg> with a nonzero box, marks with
// nonzero boxes in each), no console or page error, nothing fetched; a screenshot of each under test-output/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuTimelineSvg } from '../../src/export/charts.js';
import { simTimeline } from '../export/timelines.js';
import { countDrawnSvgs, hasBrowser, openBrowser, openPage, screenshot } from './chromium.ts';

const BIN = new URL('../../dist/bin/schedacct.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });

// Per chart (each top-level svg of class marks): how many of its marks have a nonzero box.
async function drawnMarks(page: Page): Promise<number[]> {
  const counts = await page.evaluate(`Array.from(document.querySelectorAll('svg.marks')).map((svg) =>
    Array.from(svg.querySelectorAll('.role-mark > *')).filter((m) => {
      const box = m.getBoundingClientRect();
      return box.width > 0 || box.height > 0;
    }).length)`);
  return counts as number[];
}

describe.skipIf(!hasBrowser)('the HTML reports in headless Chromium (skipped: no Chromium found)', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await openBrowser();
    dir = mkdtempSync(join(tmpdir(), 'schedacct-report-'));
  }, 30_000);
  afterAll(async () => {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function check(file: string, charts: number, name: string): Promise<Page> {
    const watched = await openPage(browser, pathToFileURL(file).href);
    expect(await countDrawnSvgs(watched.page)).toBe(charts);
    const marks = await drawnMarks(watched.page);
    expect(marks).toHaveLength(charts);
    for (const m of marks) expect(m).toBeGreaterThan(0);
    expect(watched.consoleErrors).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
    expect(watched.networkRequests).toEqual([]);
    expect(await screenshot(watched.page, name)).toMatch(new RegExp(`${name}\\.png$`));
    return watched.page;
  }

  it('draws the replay report of migrate.perf.txt: the timeline, the task bars and the delay CDF', async () => {
    const out = join(dir, 'replay.html');
    const run = cli('replay', 'fixtures/perf/migrate.perf.txt', '--report', 'summary', '--html', out);
    // (the fixture's lost events are noted on standard error; the run succeeds)
    expect(run.status).toBe(0);
    const page = await check(out, 3, 'report-replay');
    expect(await page.locator('table').first().locator('tbody tr').count()).toBeGreaterThan(1);
    await page.close();
  }, 60_000);

  it('draws the sweep report of steal-sweep.json: a chart per figure, a line and a band per accounting', async () => {
    const out = join(dir, 'sweep.html');
    const run = cli(
      'simulate',
      'examples/scenarios/steal-sweep.json',
      '--set',
      'durationMs=200',
      '--sweep',
      'accounting=none,drop',
      '--sweep',
      'host.steal.*.share=0.1,0.3',
      '--seeds',
      '2',
      '--format',
      'jsonl',
      '--html',
      out,
    );
    expect(run.status).toBe(0);
    const page = await check(out, 4, 'report-sweep');
    // 2 accountings × 2 shares: four lines of means
    expect(await page.locator('table tbody tr').count()).toBe(4);
    await page.close();
  }, 60_000);

  it('draws the default comparison: both runs side by side, three charts each', async () => {
    const out = join(dir, 'comparison.html');
    expect(cli('simulate', '--set', 'durationMs=300', '--html', out).status).toBe(0);
    const page = await check(out, 6, 'report-comparison');
    expect(await page.locator('h2').allTextContents()).toEqual(['accounting none', 'accounting drop']);
    await page.close();
  }, 60_000);

  it('draws a bare chart: the per-CPU timeline of a simulation with its steal shaded', async () => {
    const out = join(dir, 'timeline.html');
    // an SVG document opened directly draws the same; inside a page, its size is measured the same way as the reports'
    writeFileSync(out, `<!doctype html><meta charset="utf-8"><body>${await cpuTimelineSvg(simTimeline())}</body>`);
    const page = await check(out, 1, 'chart-timeline');
    // the six slices and the two steal intervals
    expect(await page.locator('.slices_marks > path').count()).toBe(6);
    expect(await page.locator('.steal_marks > path').count()).toBe(2);
    await page.close();
  }, 60_000);
});
