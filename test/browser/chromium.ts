// Headless Chromium for the browser tests: Debian's `chromium` driven by playwright-core (no bundled download).
// Use: `describe.skipIf(!hasBrowser)('… (skipped: no Chromium found)', …)`, then `openBrowser()` / `openPage(url)`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where screenshots go: gitignored, under the test output. */
export const SCREENSHOT_DIR: string = join(ROOT, 'test-output', 'screenshots');

function onPath(name: string): string | undefined {
  try {
    const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    return found === '' ? undefined : found;
  } catch {
    return undefined; // `command -v` exits 1 when the name is not on PATH
  }
}

/** Finds a Chromium: `CHROMIUM_PATH`, then /usr/bin/chromium, then chromium, chromium-browser, google-chrome on PATH. */
export function findChromium(): string | undefined {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv !== undefined && fromEnv !== '' && existsSync(fromEnv)) return fromEnv;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = onPath(name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The Chromium the tests use, if any. */
export const chromiumPath: string | undefined = findChromium();

/** False where no Chromium exists: the browser tests then show as skipped, with the reason in their name. */
export const hasBrowser: boolean = chromiumPath !== undefined;

/** Launches headless Chromium (`--no-sandbox`: CI runs as root). Close it in `afterAll`. */
export async function openBrowser(): Promise<Browser> {
  if (chromiumPath === undefined) throw new Error('no Chromium: set CHROMIUM_PATH or install chromium');
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

/** A page opened by {@link openPage}, with what it tried to fetch from the network and what it reported. */
export interface WatchedPage {
  readonly page: Page;
  /** Every request to a non-`file:` URL (blocked, so a page that needs the network fails to draw). */
  readonly networkRequests: string[];
  /** `console.error` messages. */
  readonly consoleErrors: string[];
  /** Uncaught exceptions in the page. */
  readonly pageErrors: string[];
}

/** Opens `url` (a `file:` URL) in a new page, blocking and counting every non-`file:` request. */
export async function openPage(
  browser: Browser,
  url: string,
  options: { readonly colorScheme?: 'light' | 'dark' } = {},
): Promise<WatchedPage> {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const watched: WatchedPage = { page, networkRequests: [], consoleErrors: [], pageErrors: [] };
  await page.route('**/*', async (route) => {
    const requested = route.request().url();
    // data: and blob: URLs are the page's own bytes, not the network
    if (/^(file|data|blob):/.test(requested)) return route.continue();
    watched.networkRequests.push(requested);
    return route.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') watched.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => watched.pageErrors.push(error.message));
  await page.goto(url, { waitUntil: 'load' });
  return watched;
}

/** Saves a full-page screenshot as test-output/screenshots/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Counts the `<svg>` elements under `selector` that are drawn: visible (not in a closed `<details>`), nonzero box. */
export async function countDrawnSvgs(page: Page, selector = 'body'): Promise<number> {
  // a string, evaluated in the page: the tests are compiled without the DOM library
  const drawn = await page.evaluate(`Array.from(document.querySelectorAll(${JSON.stringify(`${selector} svg`)}))
    .filter((svg) => { const box = svg.getBoundingClientRect(); return box.width > 0 && box.height > 0 && svg.checkVisibility(); }).length`);
  return Number(drawn);
}
