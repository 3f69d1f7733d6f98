// `--html FILE` through the built command, as a user runs it: the page written whole after the run, the report on
// standard output unchanged, usage errors with exit status 2 and no file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withProgress } from '../../src/cli/html-replay.js';

const BIN = new URL('../../dist/bin/schedacct.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'schedacct-html-'));
const svgs = (html: string): number => html.split('<svg').length - 1;
const TRACE = 'fixtures/perf/migrate.perf.txt';

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay --html', () => {
  it('writes the report with its three charts and leaves standard output as it was', () => {
    const out = join(dir, 'replay.html');
    const plain = cli('replay', TRACE, '--report', 'summary');
    const withHtml = cli('replay', TRACE, '--report', 'summary', '--html', out);
    expect(withHtml.status).toBe(0);
    expect(withHtml.stdout).toBe(plain.stdout);
    const page = readFileSync(out, 'utf8');
    expect(svgs(page)).toBe(3);
    expect(page).toContain('<h1>schedacct replay: migrate.perf.txt</h1>');
    // the ledger's tasks (idle excluded) and the total line
    expect(page).toContain('<td>total</td>');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('with the timehist rows too, and the same page whatever the report', () => {
    const a = join(dir, 'a.html');
    const b = join(dir, 'b.html');
    expect(cli('replay', TRACE, '--html', a).status).toBe(0);
    expect(cli('replay', TRACE, '--report', 'summary', '--html', b).status).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  }, 60_000);

  it('refuses a missing, empty or - FILE with exit status 2, and writes nothing for a trace it cannot read', () => {
    for (const args of [['--html'], ['--html', ''], ['--html', '-']]) {
      const run = cli('replay', TRACE, ...args);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^schedacct replay: .*--html/);
    }
    const out = join(dir, 'never.html');
    expect(cli('replay', 'no-such-trace.txt', '--html', out).status).not.toBe(0);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.tmp`)).toBe(false);
  }, 60_000);

  it('is documented in --help', () => {
    expect(cli('replay', '--help').stdout).toMatch(/--html FILE/);
  });
});

describe('simulate --html', () => {
  it("writes a sweep's report: the means table and a chart per figure", () => {
    const out = join(dir, 'sweep.html');
    const args = ['examples/scenarios/steal-sweep.json', '--set', 'durationMs=100', '--sweep', 'accounting=none,drop'];
    const run = cli('simulate', ...args, '--seeds', '2', '--format', 'jsonl', '--html', out);
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(4);
    const page = readFileSync(out, 'utf8');
    expect(svgs(page)).toBe(4);
    expect(page).toContain('<td>none</td><td class="n">2</td>');
  }, 60_000);

  it('writes one run and the default comparison side by side', () => {
    const one = join(dir, 'one.html');
    expect(
      cli('simulate', 'examples/scenarios/steal-sweep.json', '--set', 'durationMs=100', '--html', one).status,
    ).toBe(0);
    const single = readFileSync(one, 'utf8');
    expect(single).toContain('<caption>Per vCPU (host time)</caption>');
    // the timeline (with the host's steal), the task bars and the delay CDF
    expect(svgs(single)).toBe(3);
    expect(single).toContain('dark: host steal');
    const both = join(dir, 'both.html');
    expect(cli('simulate', '--set', 'durationMs=100', '--html', both).status).toBe(0);
    const page = readFileSync(both, 'utf8');
    expect(page).toContain('<h2>accounting none</h2>');
    expect(page).toContain('<h2>accounting drop</h2>');
    expect(svgs(page)).toBe(6);
  }, 60_000);

  it('refuses - as FILE, and documents the option', () => {
    const run = cli('simulate', '--html', '-');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--html takes a FILE/);
    expect(cli('simulate', '--help').stdout).toMatch(/--html FILE/);
  });
});

describe("replay --html's progress line", () => {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < 4; i++) {
      await Promise.resolve(); // as a file's chunks come: one per turn
      yield new Uint8Array(500_000);
    }
  }
  const collect = async (bytes: AsyncIterable<Uint8Array>): Promise<number> => {
    let n = 0;
    for await (const c of bytes) n += c.length;
    return n;
  };

  it('draws bytes read and the share of the file on a terminal, redrawn at most every 100 ms, then clears it', async () => {
    const written: string[] = [];
    let nowMs = 0;
    const out = { isTTY: true, write: (t: string) => written.push(t), now: () => (nowMs += 60) };
    expect(await collect(withProgress(chunks(), 2_000_000, out))).toBe(2_000_000);
    // chunks at 60, 120, 180, 240 ms: drawn at 60 and 180
    expect(written).toEqual([
      '\rschedacct replay: 0.5 MB of 2.0 MB (25 %) read\x1b[K',
      '\rschedacct replay: 1.5 MB of 2.0 MB (75 %) read\x1b[K',
      '\r\x1b[K',
    ]);
  });

  it('draws nothing when standard error is not a terminal, and only the count past a compressed file size', async () => {
    const written: string[] = [];
    const quiet = { isTTY: false, write: (t: string) => written.push(t), now: () => 0 };
    expect(await collect(withProgress(chunks(), 1, quiet))).toBe(2_000_000);
    expect(written).toEqual([]);
    const tty = { isTTY: true, write: (t: string) => written.push(t), now: () => 1000 };
    await collect(withProgress(chunks(), 100, tty));
    expect(written[0]).toBe('\rschedacct replay: 0.5 MB read\x1b[K');
  });
});

describe('schedacct/export', () => {
  it('is runtime-neutral: nothing its built files reach imports a node: module; Vega is loaded lazily', () => {
    const seen = new Set<string>();
    const specifiers: string[] = [];
    const queue = [new URL('../../dist/export.js', import.meta.url)];
    for (let url = queue.pop(); url !== undefined; url = queue.pop()) {
      if (seen.has(url.href)) continue;
      seen.add(url.href);
      const code = readFileSync(url, 'utf8').replace(/\/\*[\s\S]*?\*\//g, ''); // (the @examples in comments import too)
      for (const m of code.matchAll(
        /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
      )) {
        const spec = m[1] ?? m[2] ?? '';
        specifiers.push(spec);
        if (spec.startsWith('.')) queue.push(new URL(spec, url));
      }
    }
    expect(seen.size).toBeGreaterThan(5);
    expect(specifiers.filter((s) => s.startsWith('node:'))).toEqual([]);
    const render = readFileSync(new URL('../../dist/export/charts-render.js', import.meta.url), 'utf8');
    expect(render).toMatch(/import\('vega'\)/);
    expect(render).not.toMatch(/^import .* from 'vega'/m);
  });
});
