import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { countDrawnSvgs, hasBrowser, openBrowser, openPage, screenshot } from './chromium.ts';

// A page that draws one SVG (of three: one empty, one folded in a closed <details>) and asks for one network resource: the harness must count and block the request.
const PAGE = `data:text/html,${encodeURIComponent(
  '<svg width="40" height="20"><rect width="40" height="20"/></svg><svg width="0" height="0"></svg><details><summary>s</summary><svg width="40" height="20"></svg></details>' +
    '<img src="https://example.invalid/x.png"><script>console.error("seen")</script>',
)}`;

describe.skipIf(!hasBrowser)('the headless-Chromium harness (skipped: no Chromium found)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await openBrowser();
  }, 30_000);
  afterAll(async () => {
    await browser.close();
  });

  it('counts drawn SVGs, blocks and counts network requests, collects console errors', async () => {
    const watched = await openPage(browser, PAGE);
    expect(await countDrawnSvgs(watched.page)).toBe(1);
    expect(watched.networkRequests).toEqual(['https://example.invalid/x.png']);
    expect(watched.consoleErrors).toContain('seen');
    expect(watched.pageErrors).toEqual([]);
    const path = await screenshot(watched.page, 'harness');
    expect(path).toMatch(/test-output\/screenshots\/harness\.png$/);
    await watched.page.close();
  });
});
