#!/usr/bin/env node
/**
 * The `schedacct` command.
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SchedacctError } from '../errors.js';
import type { MachineDefinition } from '../machines/compile.js';
import type { Abi } from '../sources/emulated.js';
import type { ReaderResult } from '../sources/race.js';

// Each command imports what it needs when it runs: start-up is part of every command's time.
async function diagrams(): Promise<Partial<Record<string, MachineDefinition>>> {
  const [{ taskMachine }, { vcpuMachine }, { stableReadMachine }] = await Promise.all([
    import('../machines/task.js'),
    import('../machines/vcpu.js'),
    import('../machines/stable-read.js'),
  ]);
  return { task: taskMachine, vcpu: vcpuMachine, 'stable-read': stableReadMachine };
}

const USAGE = `usage: schedacct <command> [options]

commands:
  replay FILE [--report timehist|state|summary|state-summary] [--format text|json]
         [--compat perf-6.1|current] [--engine compiled|xstate] [--wakeups] [--migrations] [--strict]
        perf sched timehist's reports from a perf script trace (FILE may be - or .gz)
  demo [FILE] [--task TID] [--policy carry|drop]
        per-slice wall, steal and charged time of one task of a trace (replayed)
        (default: the embedded recording fixtures/perf/migrate.perf.txt)
  diagram [task|vcpu|stable-read] [--compact]
        Mermaid stateDiagram-v2 generated from the machine definition
        (--compact: one edge per event and target, anomaly paths counted)
  race --abi arm64|x86|xen [--reads N] [--no-torn] [--format text|json]
        an emulated hypervisor in a worker thread against a naive and a protocol reader
  steal [--interval MS] [--format text|json]
        live per-CPU stolen time from /proc/stat (Linux)
  help  this text

options:
  -h, --help     this text
  -v, --version  the version
`;

const DEFAULT_TRACE = fileURLToPath(new URL('../../fixtures/perf/migrate.perf.txt', import.meta.url));

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Runs the CLI.
 * @param argv - arguments after the program name
 * @returns the exit code
 * @throws {@link SchedacctError} for bad arguments (printed by the caller)
 */
export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      task: { type: 'string' },
      policy: { type: 'string' },
      compact: { type: 'boolean' },
      abi: { type: 'string' },
      reads: { type: 'string' },
      'no-torn': { type: 'boolean' },
      format: { type: 'string' },
      interval: { type: 'string' },
      report: { type: 'string' },
      compat: { type: 'string' },
      engine: { type: 'string' },
      wakeups: { type: 'boolean', short: 'w' },
      migrations: { type: 'boolean', short: 'M' },
      strict: { type: 'boolean' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.version === true) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (values.help === true || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  if (command === 'demo') {
    const file = rest[0] ?? DEFAULT_TRACE;
    const policy = values.policy ?? 'drop';
    if (policy !== 'carry' && policy !== 'drop') {
      throw new SchedacctError('invalid-argument', `--policy must be carry or drop, got ${policy}`);
    }
    const tid = values.task === undefined ? undefined : Number(values.task);
    if (tid !== undefined && !Number.isInteger(tid)) {
      throw new SchedacctError('invalid-argument', `--task must be a thread id, got ${values.task ?? ''}`);
    }
    const [{ runDemo, formatDemo }, { traceBytes }] = await Promise.all([
      import('./demo.js'),
      import('../trace/file.js'),
    ]);
    const result = await runDemo(traceBytes(file), tid === undefined ? { policy } : { tid, policy });
    if (result.slices.length === 0) {
      process.stderr.write(`schedacct: no run slices for task ${String(result.tid)} in ${file}\n`);
      return 1;
    }
    process.stdout.write(
      `${formatDemo(result, file === DEFAULT_TRACE ? 'fixtures/perf/migrate.perf.txt (embedded)' : file)}\n`,
    );
    return 0;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new SchedacctError('invalid-argument', `--format must be text or json, got ${format}`);
  if (command === 'replay') {
    const file = rest[0];
    if (file === undefined) throw new SchedacctError('invalid-argument', 'replay needs a trace FILE (or - for stdin)');
    const compat = values.compat ?? 'current';
    if (compat !== 'perf-6.1' && compat !== 'current')
      throw new SchedacctError('invalid-argument', `--compat must be perf-6.1 or current, got ${compat}`);
    const engine = values.engine ?? 'compiled';
    if (engine !== 'compiled' && engine !== 'xstate')
      throw new SchedacctError('invalid-argument', `--engine must be compiled or xstate, got ${engine}`);
    const { reportKind, runReplay } = await import('./replay.js');
    await runReplay(
      file,
      {
        report: reportKind(values.report),
        format,
        compat,
        engine,
        wakeups: values.wakeups === true,
        migrations: values.migrations === true,
        strict: values.strict === true,
      },
      (text) => process.stdout.write(text),
      (text) => process.stderr.write(text),
      // Standard output to a pipe is written asynchronously: the replay waits while it is full (else the report of a
      // long trace would pile up in memory ahead of a slower reader, and `| head` would not stop it).
      () =>
        process.stdout.writableNeedDrain
          ? new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()))
          : undefined,
    );
    return 0;
  }
  if (command === 'race') {
    const abi = values.abi ?? '';
    const [{ ABIS }, { runRace }] = await Promise.all([import('../sources/emulated.js'), import('../sources/race.js')]);
    if (!ABIS.includes(abi as Abi))
      throw new SchedacctError('invalid-argument', `--abi must be arm64, x86 or xen, got '${abi}'`);
    const reads = values.reads === undefined ? 1_000_000 : Number(values.reads);
    if (!Number.isSafeInteger(reads) || reads <= 0)
      throw new SchedacctError('invalid-argument', `--reads must be a whole number > 0, got ${values.reads ?? ''}`);
    const result = await runRace(
      values['no-torn'] === true ? { abi: abi as Abi, reads, torn: false } : { abi: abi as Abi, reads },
    );
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    }
    const line = (name: string, r: ReaderResult) =>
      `  ${name.padEnd(9)} ${String(r.inconsistent).padStart(9)} inconsistent (${String(r.torn)} torn)` +
      (r.exhausted > 0 ? `, ${String(r.exhausted)} gave up after the retry bound` : '') +
      (r.retries > 0 ? `, ${String(r.retries)} retries` : '');
    process.stdout.write(
      [
        `race: ${abi} host in a worker thread (${result.tornWrites ? 'torn 32-bit half writes' : 'atomic 64-bit writes'}), ${String(result.hostUpdates)} updates during ${String(reads)} reads per reader`,
        line('naive', result.naive),
        line('protocol', result.protocol),
        '',
      ].join('\n'),
    );
    return 0;
  }
  if (command === 'steal') {
    const interval = values.interval === undefined ? 1000 : Number(values.interval);
    if (!Number.isSafeInteger(interval) || interval <= 0)
      throw new SchedacctError('invalid-argument', `--interval must be ms > 0, got ${values.interval ?? ''}`);
    const { formatSteal, sampleSteal } = await import('./steal.js');
    const rows = await sampleSteal(interval);
    process.stdout.write(
      format === 'json'
        ? `${JSON.stringify({ intervalMs: interval, cpus: rows })}\n`
        : `${formatSteal(rows, interval)}\n`,
    );
    return 0;
  }
  if (command === 'diagram') {
    const name = rest[0] ?? 'task';
    const [machines, { toMermaid }] = await Promise.all([diagrams(), import('../export/mermaid.js')]);
    const machine = machines[name];
    if (machine === undefined) {
      throw new SchedacctError('invalid-argument', `diagram takes task, vcpu or stable-read, got '${name}'`);
    }
    process.stdout.write(toMermaid(machine, { compact: values.compact === true }));
    return 0;
  }
  process.stderr.write(`schedacct: unknown command '${command}'\n\n${USAGE}`);
  return 2;
}

// A reader that stops early (`schedacct replay FILE | head`) closes the pipe: stop there, quietly, with the status a
// process killed by SIGPIPE has (128 + 13), as perf and coreutils end. Any other failure to write is said and is 1.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') process.stderr.write(`schedacct: cannot write the output: ${error.message}\n`);
  process.exit(error.code === 'EPIPE' ? 141 : 1);
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error: unknown) {
  if (
    error instanceof SchedacctError ||
    (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
  ) {
    process.stderr.write(`schedacct: ${error.message}\n`);
    process.exitCode = 2;
  } else if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
    process.stderr.write(`schedacct: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
