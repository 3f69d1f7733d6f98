import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../src/cli/demo.js';
import { ABIS } from '../src/host/emulated-writer.js';
import { traceLines } from '../src/trace/file.js';
import { body, expectSameLines, fixture as perfFixture, gz, normSummary, TRACES } from './oracle.ts';

// The CLI as a user runs it: the bundle package.json's bin points at, which test/global-setup.ts builds from the
// sources before the suite (so that it is never stale).
const BIN = new URL('../dist/bin/schedacct.js', import.meta.url).pathname;
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const fixturePath = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;

// Tests that start many processes at once: on a 2-core machine under load they took up to 5 s, the default timeout.
const SPAWNS_TIMEOUT = 60_000;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}
// The command run asynchronously, so that a table of cases runs at once; `input` goes to its standard input.
const cliAsync = (args: readonly string[], input?: Uint8Array): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.on('error', () => undefined); // a command that does not read its input closes it
    child.stdin.end(input);
  });
// An error as the command says it: exit status 2, nothing on standard output, one line on standard error.
const failure = (stderr: string | RegExp) => ({
  status: 2,
  stdout: '',
  stderr: typeof stderr === 'string' ? stderr : (expect.stringMatching(stderr) as unknown),
});

describe('schedacct demo (npm start)', () => {
  it('prints the busiest task of the embedded recording, slice by slice', () => {
    const run = cli('demo');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('fixtures/perf/migrate.perf.txt (embedded)');
    expect(run.stdout).toMatch(/task sh\[7263\]/);
    expect(run.stdout).toMatch(/^ {2}total /m);
  });

  it('on the real recording: every slice charged = wall − stolen, steal only where it can be told', async () => {
    const result = await runDemo(fixture('perf/migrate.perf.txt').split('\n'));
    expect(result.tid).toBe(7263);
    expect(result.slices.length).toBe(34); // perf sched timehist -s: sh[7263] sched-in 34
    for (const s of result.slices) {
      expect(s.stolenNs).toBeGreaterThanOrEqual(0);
      expect(s.stolenNs).toBeLessThanOrEqual(s.runNs);
    }
    const task = result.replay.tasks().find((t) => t.tid === 7263);
    expect(task?.totals.runNs).toBe(result.slices.reduce((sum, s) => sum + s.runNs, 0));
    expect(task?.totals.chargedNs).toBe(result.slices.reduce((sum, s) => sum + s.runNs - s.stolenNs, 0));
  });

  it('follows --task and --policy, and works on another recording', async () => {
    const run = cli(
      'demo',
      new URL('../fixtures/perf/sh-loops.perf.txt', import.meta.url).pathname,
      '--task',
      '6886',
      '--policy',
      'carry',
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/task sh\[6886\]/);
    const result = await runDemo(fixture('perf/sh-loops.perf.txt').split('\n'), { tid: 6886, policy: 'carry' });
    expect(result.slices.length).toBe(6); // perf sched timehist -s: sh[6886] sched-in 6
  });

  it('says what is wrong, with exit status 2: usage, a missing file, a task the trace does not have', () => {
    expect(cli('frobnicate')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/unknown command 'frobnicate'/) as unknown,
    });
    expect(cli('demo', '--policy', 'keep')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--policy must be carry or drop/) as unknown,
    });
    expect(cli('demo', '--task', 'abc')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--task must be a thread id/) as unknown,
    });
    expect(cli('demo', '--bogus')).toMatchObject({ status: 2, stderr: expect.stringMatching(/bogus/) as unknown });
    expect(cli('demo', '/nonexistent/trace.txt')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/no such trace file/) as unknown,
    });
    expect(cli('replay', '/nonexistent/trace.txt')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/no such trace file/) as unknown,
    });
    // a task the trace does not have is bad input: 2, as every command's help says (it was 1)
    expect(cli('demo', '--task', '999999')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(
        /^schedacct demo: no run slices for task 999999 in .*migrate\.perf\.txt/,
      ) as unknown,
    });
  });

  it('prints help and the version', () => {
    const pkg = JSON.parse(fixture('../package.json')) as { version: string };
    expect(cli('--version').stdout.trim()).toBe(pkg.version);
    expect(cli('--help')).toMatchObject({ status: 0, stdout: expect.stringMatching(/usage: schedacct/) as unknown });
    expect(cli().status).toBe(2);
  });
});

// The command end to end against perf's own output: the rows it writes as bytes, and the summaries.
describe.each(TRACES)('schedacct replay %s --compat perf-6.1 prints what perf sched timehist prints', (name) => {
  const trace = new URL(`../fixtures/perf/${name}.perf.txt${gz(name)}`, import.meta.url).pathname;
  const replay = (...args: string[]) => cli('replay', trace, '--compat', 'perf-6.1', ...args);
  const cases = [
    ['timehist', [], 'timehist'],
    ['--report state', ['--report', 'state'], 'timehist-state'],
    ['-w -M', ['-w', '-M'], 'timehist-wM'],
  ] as const;
  it.each(cases)('%s', (_, args, oracle) => {
    const run = replay(...args);
    expect(run.status).toBe(0);
    const perf = perfFixture(`${name}.${oracle}.txt${gz(name)}`);
    expectSameLines(run.stdout.split('\n').slice(0, 3), perf.split('\n').slice(0, 3)); // the header
    expectSameLines(body(run.stdout, 3), body(perf, 3));
  });

  it('--report summary and --report state-summary', () => {
    for (const [report, oracle] of [
      ['summary', 'summary'],
      ['state-summary', 'state-summary'],
    ] as const) {
      const run = replay('--report', report);
      expect(run.status).toBe(0);
      expectSameLines(body(run.stdout, 0), body(perfFixture(`${name}.${oracle}.txt`), 0), normSummary);
    }
  });

  it('--format json streams the same rows in one document, its keys in a fixed order', () => {
    const text = replay('-w', '-M');
    const run = replay('-w', '-M', '--format', 'json');
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as { rows: { timeNs: number; kind?: string }[] };
    expect(Object.keys(doc)).toEqual([
      'format',
      'report',
      'compat',
      'rows',
      'steal',
      'outOfOrder',
      'switchBugs',
      'anomalies',
      'malformed',
      'skipped',
    ]);
    expect(doc.rows.length).toBe(body(text.stdout, 3).length);
    expect(doc.rows.filter((r) => r.kind === undefined).length).toBe(
      body(perfFixture(`${name}.timehist.txt${gz(name)}`), 3).length,
    );
  });
});

describe('schedacct replay into a pipe', () => {
  it('stops quietly with the status of SIGPIPE (141) when the reader closes the pipe, as perf does', async () => {
    const trace = new URL('../fixtures/perf/pingpong.perf.txt.gz', import.meta.url).pathname;
    const child = spawn(process.execPath, [BIN, 'replay', trace], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy()); // `| head -c …`: one chunk, then the pipe is closed
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 141, stderr: '' });
  });
});

describe('schedacct diagram', () => {
  it('prints the task, vcpu and stable-read machines as Mermaid', () => {
    for (const name of ['task', 'vcpu', 'stable-read']) {
      const run = cli('diagram', name);
      expect(run.status).toBe(0);
      expect(run.stdout.startsWith('stateDiagram-v2\n')).toBe(true);
    }
    expect(cli('diagram').stdout).toContain('running --> preempted');
    expect(cli('diagram', 'task', '--compact').stdout).toContain('(+3 guarded)');
    expect(cli('diagram', 'task', '--lifecycle').stdout).toContain('  running --> preempted : preempt (+3 guarded)\n');
    expect(cli('diagram', 'task', '--lifecycle', '--compact')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/two views/) as unknown,
    });
    expect(cli('diagram', 'nope')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/task, vcpu or stable-read/) as unknown,
    });
  });
});

describe('schedacct race and steal', { timeout: SPAWNS_TIMEOUT }, () => {
  it('race --format json prints the documented shape', () => {
    const run = cli('race', '--abi', 'xen', '--reads', '50000', '--format', 'json');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as {
      reads: number;
      naive: { inconsistent: number };
      protocol: { inconsistent: number };
    };
    expect(result.reads).toBe(50_000);
    expect(result.protocol.inconsistent).toBe(0);
    expect(result.naive.inconsistent).toBeGreaterThanOrEqual(0);
    expect(result.protocol).toHaveProperty('gaveUp');
    expect(cli('race', '--abi', 'vax')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--abi must be/) as unknown,
    });
    expect(cli('race', '--abi', 'x86', '--seed', '4294967296')).toMatchObject(failure(/--seed must be/));
  });

  it('race --no-torn puts no tear on the host: the naive reader’s tears are its own split loads', () => {
    const args = ['race', '--abi', 'x86', '--no-torn', '--seed', '9', '--reads', '20000'];
    const json = JSON.parse(cli(...args, '--format', 'json').stdout) as {
      tornWrites: boolean;
      seed: number;
      naive: { inconsistent: number; stale: number; hostTorn: number; readerTorn: number };
      protocol: { inconsistent: number; gaveUp: number };
    };
    expect(json).toMatchObject({ tornWrites: false, seed: 9, protocol: { inconsistent: 0, gaveUp: 0 } });
    expect(json.naive.hostTorn).toBe(0);
    expect(json.naive.readerTorn).toBeGreaterThan(0);
    const text = cli(...args).stdout;
    expect(text).toMatch(/^race: x86 host interleaved by seed 9 \(atomic 64-bit writes\)/);
    expect(text).toMatch(
      new RegExp(
        `naive +${String(json.naive.inconsistent)} inconsistent: ${String(json.naive.stale)} stale, 0 torn by the host, ${String(json.naive.readerTorn)} torn by the reader's split loads`,
      ),
    );
    expect(text).toMatch(/protocol +0 inconsistent: .*; 0 gave up after the retry bound/);
    const torn = JSON.parse(
      cli('race', '--abi', 'x86', '--seed', '9', '--reads', '20000', '--format', 'json').stdout,
    ) as {
      naive: { hostTorn: number };
    };
    expect(torn.naive.hostTorn).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync('/proc/stat'))('steal prints per-CPU stolen time from /proc/stat', () => {
    const run = cli('steal', '--interval', '50', '--format', 'json');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { cpus: { cpu: number | 'all'; totalNs: number }[] };
    expect(out.cpus[0]?.cpu).toBe('all');
    expect(out.cpus.every((c) => c.totalNs >= 0)).toBe(true);
    expect(cli('steal', '--interval', '50').stdout).toMatch(/10 ms resolution/);
  });
});

describe('each command parses its own options', { timeout: SPAWNS_TIMEOUT }, () => {
  // every option of each command, and every value an option takes, as its --help must list them
  const OPTIONS: Record<string, readonly string[]> = {
    replay: [
      '--report',
      'timehist',
      'state',
      'summary',
      'state-summary',
      '--format',
      'text',
      'json',
      '--compat',
      'current',
      'perf-6.1',
      '--engine',
      'compiled',
      'xstate',
      '-w, --wakeups',
      '-M, --migrations',
      '--strict',
    ],
    demo: ['--task', '--policy', 'drop', 'carry'],
    diagram: ['--compact', '--lifecycle', '--format', 'mermaid', 'task', 'vcpu', 'stable-read'],
    race: ['--abi', ...ABIS, '--reads', '--no-torn', '--seed', '--format', 'text', 'json'],
    steal: ['--interval', '--format', 'text', 'json'],
    serve: ['--stdio', '--listen', '--allow-remote', '-q, --quiet', '--schema', '--engine', 'compiled', 'xstate'],
  };
  const COMMANDS = Object.keys(OPTIONS);

  it('each command has its own --help: what it does, usage, every option with its values and default, exit statuses', async () => {
    const global = cli('--help').stdout;
    const runs = await Promise.all(
      COMMANDS.flatMap((name) => [cliAsync([name, '--help']), cliAsync([name, '-h']), cliAsync(['help', name])]),
    );
    COMMANDS.forEach((name, i) => {
      const [long, short, viaHelp] = runs.slice(3 * i, 3 * i + 3);
      expect(long).toMatchObject({ status: 0, stderr: '' });
      const text = long?.stdout ?? '';
      expect(text).not.toBe(global); // (replay --help printed the global text)
      expect(text.startsWith(`schedacct ${name}: `)).toBe(true);
      expect(text).toMatch(new RegExp(`^usage: schedacct ${name} `, 'm'));
      for (const option of [...(OPTIONS[name] ?? []), '-h, --help']) expect(text).toContain(option);
      if (name !== 'race') expect(text).toMatch(/\(default[):;]/); // race's one value option without default: --abi
      expect(text).toMatch(/^exit status:\n {2}0 .*\n {2}2 .*bad input or usage.*\n {2}141 /m);
      expect(short?.stdout).toBe(text);
      expect(viaHelp?.stdout).toBe(text);
    });
  });

  it('the global help lists every command and the exit statuses; help for an unknown command is refused', () => {
    const run = cli('help');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(cli('--help').stdout);
    for (const name of [...COMMANDS, 'help']) expect(run.stdout).toMatch(new RegExp(`^ {2}${name} `, 'm'));
    expect(run.stdout).toContain('schedacct <command> --help');
    expect(run.stdout).toMatch(/^exit status:\n {2}0 .*\n {2}2 .*\n {2}141 /m);
    expect(cli('help', 'frobnicate')).toMatchObject(failure(/^schedacct: unknown command 'frobnicate'/));
  });

  it('an unknown command: exit status 2, with the list of commands', () => {
    expect(cli('frobnicate')).toMatchObject(
      failure(
        "schedacct: unknown command 'frobnicate'; the commands are replay, demo, diagram, race, steal, simulate, merge, serve, help (see schedacct --help)\n",
      ),
    );
    expect(cli()).toMatchObject({ status: 2, stdout: '', stderr: cli('--help').stdout }); // no command: the usage
  });

  it("rejects another command's options, in one line that names the command and the option", async () => {
    const trace = fixturePath('perf/migrate.perf.txt');
    const cases: [string[], string][] = [
      [['replay', trace, '--abi', 'x86'], "schedacct replay: unknown option '--abi' (see schedacct replay --help)\n"],
      [['replay', trace, '--compact'], "schedacct replay: unknown option '--compact' (see schedacct replay --help)\n"],
      [['replay', trace, '-wx'], "schedacct replay: unknown option '-x' (see schedacct replay --help)\n"],
      [['demo', '--report', 'summary'], "schedacct demo: unknown option '--report' (see schedacct demo --help)\n"],
      [['demo', '--format', 'json'], "schedacct demo: unknown option '--format' (see schedacct demo --help)\n"],
      [
        ['diagram', '--interval', '5'],
        "schedacct diagram: unknown option '--interval' (see schedacct diagram --help)\n",
      ],
      [['diagram', '-w'], "schedacct diagram: unknown option '-w' (see schedacct diagram --help)\n"],
      [
        ['race', '--abi', 'x86', '--task', '1'],
        "schedacct race: unknown option '--task' (see schedacct race --help)\n",
      ],
      [['steal', '--compact'], "schedacct steal: unknown option '--compact' (see schedacct steal --help)\n"],
      [
        ['--format', 'json', 'replay', trace],
        "schedacct: unknown option '--format': a command's options go after its name (see schedacct --help)\n",
      ],
      [['replay', trace, '--version'], "schedacct replay: unknown option '--version' (see schedacct replay --help)\n"],
    ];
    const runs = await Promise.all(cases.map(([args]) => cliAsync(args)));
    runs.forEach((run, i) =>
      expect({ args: cases[i]?.[0], ...run }).toEqual({ args: cases[i]?.[0], ...failure(cases[i]?.[1] ?? '') }),
    );
  });

  it('rejects extra arguments, missing and unwanted values, and values an option does not take', async () => {
    const trace = fixturePath('perf/migrate.perf.txt');
    const cases: [string[], string][] = [
      [
        ['replay', trace, trace],
        `schedacct replay: unexpected argument '${trace}': replay takes one trace FILE, or - for standard input (see schedacct replay --help)\n`,
      ],
      [
        ['replay'],
        'schedacct replay: a trace FILE is needed (or - for standard input); no perf.data in this folder (see schedacct replay --help)\n',
      ],
      [
        ['demo', trace, 'more'],
        "schedacct demo: unexpected argument 'more': demo takes one trace FILE at most (see schedacct demo --help)\n",
      ],
      [
        ['diagram', 'task', 'vcpu'],
        "schedacct diagram: unexpected argument 'vcpu': diagram takes one MACHINE at most (see schedacct diagram --help)\n",
      ],
      [
        ['race', '--abi', 'x86', 'extra'],
        "schedacct race: unexpected argument 'extra': race takes options only (see schedacct race --help)\n",
      ],
      [
        ['steal', 'extra'],
        "schedacct steal: unexpected argument 'extra': steal takes options only (see schedacct steal --help)\n",
      ],
      [
        ['replay', trace, '--format'],
        "schedacct replay: option '--format' needs a value (see schedacct replay --help)\n",
      ],
      [
        ['replay', trace, '--strict=yes'],
        "schedacct replay: option '--strict' takes no value (see schedacct replay --help)\n",
      ],
      [
        ['replay', trace, '--format', 'xml'],
        "schedacct replay: --format must be text, json, csv or jsonl, got 'xml' (see schedacct replay --help)\n",
      ],
      [
        ['replay', trace, '--report', 'all'],
        "schedacct replay: --report must be timehist, state, summary or state-summary, got 'all' (see schedacct replay --help)\n",
      ],
      [
        ['replay', trace, '--compat', 'perf-5.4'],
        "schedacct replay: --compat must be perf-6.1 or current, got 'perf-5.4' (see schedacct replay --help)\n",
      ],
      [
        ['replay', trace, '--engine', 'wasm'],
        "schedacct replay: --engine must be compiled or xstate, got 'wasm' (see schedacct replay --help)\n",
      ],
      [
        ['diagram', 'task', '--format', 'json'],
        "schedacct diagram: --format must be mermaid, got 'json' (see schedacct diagram --help)\n",
      ],
      [['race'], 'schedacct race: --abi is needed: arm64, x86 or xen (see schedacct race --help)\n'],
      [
        ['race', '--abi', 'x86', '--reads', '0'],
        "schedacct race: --reads must be a whole number > 0, got '0' (see schedacct race --help)\n",
      ],
      [
        ['race', '--abi', 'x86', '--format', 'csv'],
        "schedacct race: --format must be text or json, got 'csv' (see schedacct race --help)\n",
      ],
      [
        ['steal', '--interval', 'soon'],
        "schedacct steal: --interval must be a whole number of ms > 0, got 'soon' (see schedacct steal --help)\n",
      ],
      [
        ['steal', '--format', 'csv'],
        "schedacct steal: --format must be text or json, got 'csv' (see schedacct steal --help)\n",
      ],
      [
        ['demo', '--task=-1'],
        "schedacct demo: --task must be a thread id (0 or more), got '-1' (see schedacct demo --help)\n",
      ],
    ];
    const runs = await Promise.all(cases.map(([args]) => cliAsync(args)));
    runs.forEach((run, i) =>
      expect({ args: cases[i]?.[0], ...run }).toEqual({ args: cases[i]?.[0], ...failure(cases[i]?.[1] ?? '') }),
    );
  });

  it('diagram --format mermaid prints what diagram prints without it; --help wins over options it would refuse', () => {
    const plain = cli('diagram', 'vcpu');
    expect(plain.stdout.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(cli('diagram', 'vcpu', '--format', 'mermaid')).toMatchObject({
      status: 0,
      stdout: plain.stdout,
      stderr: '',
    });
    expect(cli('replay', '--abi', '--help')).toMatchObject({ status: 0, stdout: cli('replay', '--help').stdout });
  });

  it('a SchedacctError is one line on standard error, exit status 2, no stack trace', () => {
    const run = cli('replay', fixturePath('perf/migrate.perf.txt'), '--strict');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^schedacct: lost-event: the trace lost this task's switch-in .* line 33\); run without strict to record it and go on\n$/,
    );
  });
});

// Which modules a command loads, in the modules tsc built (which the bundle splits along the same dynamic imports).
describe('what the command loads', () => {
  // The relative modules a built module imports: statically only, or with its dynamic imports too.
  function graph(entry: string, dynamic: boolean): { files: string[]; specifiers: string[] } {
    const seen = new Set<string>();
    const specifiers: string[] = [];
    const queue = [new URL(`../dist/${entry}`, import.meta.url)];
    for (let url = queue.pop(); url !== undefined; url = queue.pop()) {
      if (seen.has(url.href)) continue;
      seen.add(url.href);
      const code = readFileSync(url, 'utf8');
      // import … from '…', export … from '…', import '…'; and import('…')
      const pattern = dynamic
        ? /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g
        : /(?:import|export)[^'"(]*?from\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]/g;
      for (const m of code.matchAll(pattern)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? '';
        specifiers.push(spec);
        if (spec.startsWith('.')) queue.push(new URL(spec, url));
      }
    }
    return { files: [...seen].map((f) => f.replace(/^.*\/dist\//, '')), specifiers };
  }

  it('reads traces on one thread: nothing reaches parallel.ts or its worker', () => {
    const { files } = graph('cli/main.js', true);
    expect(files).toContain('trace/read.js');
    expect(files).toContain('trace/file.js');
    expect(files.filter((f) => /parallel|scan-worker/.test(f))).toEqual([]);
  });

  it('starts lazily: main and each command load no machine, XState or reader until the command runs', () => {
    for (const entry of ['main', 'replay', 'demo', 'diagram', 'race', 'steal', 'simulate', 'merge', 'serve']) {
      const { files, specifiers } = graph(`cli/${entry}.js`, false);
      expect({
        entry,
        heavy: files.filter((f) => /^machines\/|^trace\/(read|replay|file|parallel)\.js$/.test(f)),
      }).toEqual({ entry, heavy: [] });
      expect({ entry, xstate: specifiers.includes('xstate') }).toEqual({ entry, xstate: false });
    }
  });
});

describe(
  'input kinds, each with its own message (told by their bytes, not their names)',
  { timeout: SPAWNS_TIMEOUT },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'schedacct-cli-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const plain = readFileSync(fixturePath('perf/migrate.perf.txt'));
    const at = (name: string, data?: Uint8Array): string => {
      const path = join(dir, name);
      if (data !== undefined) writeFileSync(path, data);
      return path;
    };
    const u64 = (n: number) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(n));
      return b;
    };
    // perf.data's headers: the file's (perf_file_header, 104 bytes) and the pipe mode's (magic and size, 16)
    const perfData = Buffer.concat([
      Buffer.from('PERFILE2'),
      u64(104),
      u64(136),
      Buffer.alloc(80),
      Buffer.alloc(200, 7),
    ]);
    const perfPipe = Buffer.concat([Buffer.from('PERFILE2'), u64(16), Buffer.alloc(64, 3)]);
    const compressed = gzipSync(plain);
    const expected = cli('replay', fixturePath('perf/migrate.perf.txt'), '--compat', 'perf-6.1');

    it('gzip by its magic: a .gz file, gzip named .txt, gzip on standard input; text named .gz reads as text', async () => {
      expect(expected.status).toBe(0);
      const runs = await Promise.all([
        cliAsync(['replay', at('gz.txt', compressed), '--compat', 'perf-6.1']),
        cliAsync(['replay', at('text.gz', plain), '--compat', 'perf-6.1']),
        cliAsync(['replay', '-', '--compat', 'perf-6.1'], compressed),
        cliAsync(['replay', '-', '--compat', 'perf-6.1'], plain),
        cliAsync(
          ['replay', '-', '--compat', 'perf-6.1'],
          Buffer.concat([gzipSync(plain.subarray(0, 5000)), gzipSync(plain.subarray(5000))]),
        ),
      ]);
      for (const run of runs) expect(run).toEqual({ status: 0, stdout: expected.stdout, stderr: expected.stderr });
    });

    it('gzip on standard input as perf script --ns | gzip gives it: the same rows as the file', () => {
      const name = fixturePath('perf/pingpong.perf.txt.gz');
      const piped = spawnSync(process.execPath, [BIN, 'replay', '-', '-w', '-M'], {
        input: readFileSync(name),
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      expect(piped.status).toBe(0);
      expect(piped.stdout).toBe(cli('replay', name, '-w', '-M').stdout);
      expect(piped.stdout.split('\n').length).toBeGreaterThan(20_000);
    });

    it('says what each input that is not a trace is, in one line, exit status 2', async () => {
      mkdirSync(at('a-directory'));
      const cases: [string[], Uint8Array | undefined, string | RegExp][] = [
        [
          ['replay', at('a-directory')],
          undefined,
          `schedacct: ${at('a-directory')}: is a directory, not a trace file\n`,
        ],
        [['replay', at('missing.txt')], undefined, `schedacct: no such trace file: ${at('missing.txt')}\n`],
        [
          ['replay', join(fixturePath('perf/migrate.perf.txt'), 'x')],
          undefined,
          /^schedacct: no such trace file: .*migrate\.perf\.txt\/x \(a part of the path is not a directory\)\n$/,
        ],
        [
          ['replay', at('empty.txt', new Uint8Array(0))],
          undefined,
          `schedacct: empty input: no trace lines in ${at('empty.txt')}\n`,
        ],
        [['replay', '-'], new Uint8Array(0), 'schedacct: empty input: no trace lines in standard input\n'],
        [
          ['replay', at('empty.gz', gzipSync(new Uint8Array(0)))],
          undefined,
          `schedacct: empty input: no trace lines in ${at('empty.gz')} (it decompresses to nothing)\n`,
        ],
        [
          ['replay', at('perf.data', perfData)],
          undefined,
          `schedacct: ${at('perf.data')}: perf.data: attr size 136 in a section of 0 bytes (at byte 16)\n`,
        ],
        [
          ['replay', '-'],
          perfPipe,
          'schedacct: standard input: perf.data: a record of 771 bytes past the end of the data (at byte 22)\n',
        ],
        [['demo', '-'], perfData, /^schedacct: perf\.data: attr size 136 in a section of 0 bytes \(at byte 16\)\n$/],
        [
          ['replay', at('perf.data.gz', gzipSync(perfData))],
          undefined,
          /^schedacct: .*perf\.data\.gz: perf\.data: attr size 136 in a section of 0 bytes \(at byte 16\)\n$/,
        ],
        [
          ['replay', at('truncated.gz', compressed.subarray(0, compressed.length >> 1))],
          undefined,
          `schedacct: ${at('truncated.gz')}: truncated gzip data (unexpected end of file): the file ends before its compressed stream does\n`,
        ],
        [
          ['replay', '-'],
          compressed.subarray(0, 100),
          'schedacct: standard input: truncated gzip data (unexpected end of file): the file ends before its compressed stream does\n',
        ],
        [
          ['replay', at('corrupt.gz', Buffer.concat([compressed.subarray(0, 10), Buffer.alloc(4000, 0xff)]))],
          undefined,
          /^schedacct: .*corrupt\.gz: corrupt gzip data \(.+\)\n$/,
        ],
        [
          ['replay', at('words.txt', Buffer.from('hello\nworld\n'))],
          undefined,
          'schedacct: not a trace schedacct reads: expected perf script, ftrace or trace-cmd report text\n',
        ],
      ];
      const runs = await Promise.all(cases.map(([args, input]) => cliAsync(args, input)));
      runs.forEach((run, i) => {
        const [args, , stderr] = cases[i] ?? [[], undefined, ''];
        // a truncated gzip may end after rows were written: standard output is not asked about there
        const want = failure(stderr);
        expect({ args, status: run.status, stderr: run.stderr }).toEqual({
          args,
          status: want.status,
          stderr: want.stderr,
        });
        if (!run.stderr.includes('truncated')) expect(run.stdout).toBe('');
      });
    });

    it('a file it may not read: permission denied, exit status 2', () => {
      const path = at('secret.txt', plain);
      chmodSync(dir, 0o755);
      chmodSync(path, 0o000);
      // root reads any file: run as nobody then (the bundle and node are readable by all)
      const asRoot = process.getuid?.() === 0;
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'));
      const run = spawnSync(process.execPath, [BIN, 'replay', path], {
        encoding: 'utf8',
        env,
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      expect(run).toMatchObject(failure(`schedacct: ${path}: permission denied (cannot read the trace file)\n`));
    });

    it('traceLines tells the kinds as traceBytes does', async () => {
      const lines = async (path: string) => {
        const out: string[] = [];
        for await (const line of traceLines(path)) out.push(line);
        return out;
      };
      const text = plain.toString('utf8').split('\n');
      if (text[text.length - 1] === '') text.pop();
      expect(await lines(at('gz.txt', compressed))).toEqual(text);
      expect(await lines(at('text.gz', plain))).toEqual(text);
      await expect(lines(at('perf.data', perfData))).rejects.toThrow(
        /is perf\.data \(binary\): read it with readTrace\(traceBytes/,
      );
      await expect(lines(at('empty.txt', new Uint8Array(0)))).rejects.toThrow(/^empty input: no trace lines/);
      await expect(lines(at('truncated.gz', compressed.subarray(0, 4000)))).rejects.toThrow(/truncated gzip data/);
      expect(() => traceLines(dir)).toThrow(/is a directory/);
    });
  },
);

describe('a closed pipe ends the command quietly with 141', { timeout: SPAWNS_TIMEOUT }, () => {
  // The reader of standard output or standard error is gone before the command writes (`| true`, `2>&1 | head -c1`).
  const closed = async (stream: 'stdout' | 'stderr', args: readonly string[]) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child[stream].destroy();
    const other = stream === 'stdout' ? child.stderr : child.stdout;
    let text = '';
    other.on('data', (d: Buffer) => (text += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, [stream === 'stdout' ? 'stderr' : 'stdout']: text };
  };
  const trace = fixturePath('perf/migrate.perf.txt'); // its replay writes notes to standard error

  it('standard output closed: 141, and nothing on standard error (not the notes the replay would write)', async () => {
    expect(cli('replay', trace).stderr).toMatch(/switches do not follow/); // the notes there are
    expect(await closed('stdout', ['replay', trace])).toEqual({ code: 141, stderr: '' });
    expect(await closed('stdout', ['replay', trace, '--format', 'json'])).toEqual({ code: 141, stderr: '' });
    expect(await closed('stdout', ['diagram'])).toEqual({ code: 141, stderr: '' });
    expect(await closed('stdout', ['replay', '--help'])).toEqual({ code: 141, stderr: '' });
  });

  it('standard error closed: 141 (the replay after its report, a usage error at once)', async () => {
    const full = cli('replay', trace).stdout;
    expect(await closed('stderr', ['replay', trace])).toEqual({ code: 141, stdout: full });
    expect(await closed('stderr', ['replay', trace, '--bogus'])).toEqual({ code: 141, stdout: '' });
    expect(await closed('stderr', ['frobnicate'])).toEqual({ code: 141, stdout: '' });
  });
});
