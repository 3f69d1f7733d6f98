// The docs site in a real browser: every Mermaid diagram drawn from the bundled copy, no network, no page errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countDrawnSvgs,
  hasBrowser,
  SCREENSHOT_DIR,
  openBrowser,
  openPage,
  screenshot,
  type WatchedPage,
} from './chromium.ts';

// typedoc's icons are <use href="assets/icons.svg#…">, which Chromium refuses across file: origins; its icons.js
// inlines the same sprite, so the icons still show: the one console error that is not ours.
const TYPEDOC_ICONS = /^Unsafe attempt to load URL file:.*\/assets\/icons\.svg#/;

// In the page: the diagrams mermaid drew (and the error diagrams it drew instead), and what text is left outside
// the folded sources. A string, because the tests are compiled without the DOM library.
const INSPECT = `(() => {
  const blocks = document.querySelectorAll('pre.mermaid');
  const drawn = [...blocks].filter((b) => b.querySelector('svg') !== null);
  const kinds = drawn.map((b) => b.querySelector('svg').getAttribute('aria-roledescription'));
  const body = document.body.cloneNode(true);
  body.querySelectorAll('details.mermaid-source').forEach((d) => d.remove());
  return { blocks: blocks.length, drawn: drawn.length, kinds, text: body.textContent };
})()`;

interface Inspected {
  blocks: number;
  drawn: number;
  kinds: (string | null)[];
  text: string;
}

async function open(browser: Browser, site: string, page: string, colorScheme?: 'dark'): Promise<WatchedPage> {
  const url = pathToFileURL(join(site, page)).href;
  const watched = await openPage(browser, url, colorScheme === undefined ? {} : { colorScheme });
  // mermaid replaces each block's text with an <svg> (or an error diagram) when it has laid it out
  await watched.page.waitForFunction(ALL_DRAWN, undefined, { timeout: 30_000 });
  return watched;
}

const MACHINES = 'The_machines.html';
const ALL_DRAWN = `[...document.querySelectorAll('pre.mermaid')].every((b) => b.querySelector('svg') !== null)`;

// The fill of the first diagram's first box, which mermaid's themes colour differently.
const FIRST_FILL = `(() => { const box = document.querySelector('pre.mermaid svg rect'); return box && getComputedStyle(box).fill; })()`;
const SET_LIGHT_THEME = `(() => {
  const select = document.getElementById('tsd-theme');
  select.value = 'light';
  select.dispatchEvent(new Event('change'));
})()`;

async function firstFill(watched: WatchedPage): Promise<string> {
  return String(await watched.page.evaluate(FIRST_FILL));
}

/** What every page must show: each Mermaid block drawn, no raw source left, nothing fetched, no errors. */
function expectClean(page: string, watched: WatchedPage, seen: Inspected): void {
  expect(seen.drawn, page).toBe(seen.blocks);
  expect(
    seen.kinds.filter((k) => k === 'error'),
    page,
  ).toEqual([]);
  expect(seen.text, page).not.toMatch(/stateDiagram-v2|flowchart TD|Syntax error/);
  expect(watched.networkRequests, page).toEqual([]);
  expect(watched.pageErrors, page).toEqual([]);
  expect(
    watched.consoleErrors.filter((e) => !TYPEDOC_ICONS.test(e)),
    page,
  ).toEqual([]);
}

async function inspect(watched: WatchedPage): Promise<Inspected> {
  return watched.page.evaluate<Inspected>(INSPECT);
}

describe.skipIf(!hasBrowser)('the docs site in headless Chromium (skipped: no Chromium found)', () => {
  let browser: Browser;
  let site: string;
  let guides: string[];

  beforeAll(async () => {
    site = mkdtempSync(join(tmpdir(), 'schedacct-site-'));
    // `npm run docs` as users run it (generated pages first, then typedoc), into the temp dir
    const build = spawnSync('npm', ['run', '--silent', 'docs', '--', '--out', site], { encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run docs failed:\n${build.stdout}${build.stderr}`);
    guides = readdirSync(join(site, 'documents')).filter((f) => f.endsWith('.html'));
    browser = await openBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser.close();
    rmSync(site, { recursive: true, force: true });
  });

  it('builds every guide into the site', () => {
    expect(guides.length).toBeGreaterThanOrEqual(7);
    expect(guides).toContain('The_machines.html');
  });

  it('front page and every guide: diagrams drawn, no raw Mermaid, no network, no page errors', async () => {
    // the machines' page has its own test below, in both themes
    const pages = ['index.html', 'modules.html', ...guides.filter((g) => g !== MACHINES).map((g) => `documents/${g}`)];
    for (const page of pages) {
      const watched = await open(browser, site, page);
      const seen = await inspect(watched);
      expectClean(page, watched, seen);
      await screenshot(watched.page, `docs-${page.replace(/\W+/g, '-').replace(/-html$/, '')}`);
      await watched.page.close();
    }
  }, 180_000);

  it("the machines' page: every diagram drawn, the folded ones once opened, in typedoc's light and dark themes", async () => {
    const fills: string[] = [];
    for (const scheme of [undefined, 'dark'] as const) {
      const watched = await open(browser, site, `documents/${MACHINES}`, scheme);
      const seen = await inspect(watched);
      expectClean(MACHINES, watched, seen);
      expect(seen.blocks).toBe(6); // task: lifecycle, guard ladder, full; vcpu: lifecycle, full; stable read
      fills.push(await firstFill(watched));
      expect(seen.kinds).toContain('stateDiagram');
      expect(seen.kinds).toContain('flowchart-v2');
      // the readable views are shown without a click; the full edge sets wait in <details>
      const shown = await countDrawnSvgs(watched.page, 'div.mermaid-diagram');
      await watched.page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
      expect(shown).toBe(4);
      expect(await countDrawnSvgs(watched.page, 'div.mermaid-diagram')).toBe(seen.blocks);
      await screenshot(watched.page, `docs-machines-open-${scheme ?? 'light'}`);
      const lifecycle = watched.page.locator('div.mermaid-diagram').first();
      await lifecycle.screenshot({ path: join(SCREENSHOT_DIR, `docs-task-lifecycle-${scheme ?? 'light'}.png`) });
      if (scheme === 'dark') {
        // the reader picks typedoc's light theme in its settings: the diagrams are drawn again, in light
        await watched.page.evaluate(SET_LIGHT_THEME);
        await watched.page.waitForFunction(`${FIRST_FILL} !== ${JSON.stringify(fills[1])}`, undefined, {
          timeout: 30_000,
        });
        await watched.page.waitForFunction(ALL_DRAWN, undefined, { timeout: 30_000 });
        expect(await firstFill(watched)).toBe(fills[0]);
        expect((await inspect(watched)).drawn).toBe(seen.blocks);
      }
      await watched.page.close();
    }
    expect(fills[0]).not.toBe(fills[1]); // mermaid drew in the theme of the page
  }, 120_000);
});
