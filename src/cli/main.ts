#!/usr/bin/env node
/**
 * The `schedacct` command: dispatches to the command named first, which parses its own options (src/cli/*.ts, one
 * file per command).
 * @module
 */
import { readFileSync } from 'node:fs';
import { SchedacctError } from '../errors.js';
import { EXIT_STATUS, outputOpen, parseCommand, UsageError, type Command } from './args.js';

// Each command is imported when it runs, and imports what it needs then: start-up is part of every command's time.
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  replay: () => import('./replay.js'),
  demo: () => import('./demo.js'),
  diagram: () => import('./diagram.js'),
  race: () => import('./race.js'),
  steal: () => import('./steal.js'),
  simulate: () => import('./simulate.js'),
  merge: () => import('./merge.js'),
  serve: () => import('./serve.js'),
};
const NAMES = [...Object.keys(COMMANDS), 'help'];

const USAGE = `usage: schedacct [-h | -v] <command> [options] [arguments]

How a kernel scheduler charges CPU time to tasks when a hypervisor steals the CPU.

commands:
  replay FILE|-    perf sched timehist's reports from a trace (perf script, ftrace or trace-cmd
                   text, gzip or not), with the steal per task that perf does not give
  demo [FILE|-]    one task of a trace, slice by slice: wall, stolen and charged time
                   (default: the embedded recording fixtures/perf/migrate.perf.txt)
  diagram [NAME]   a machine (task, vcpu or stable-read) as a Mermaid stateDiagram-v2
  race --abi ABI   an emulated hypervisor in a worker thread against a naive and a protocol reader
  steal            live per-CPU stolen time from /proc/stat (Linux)
  simulate [FILE]  a scheduler simulation with steal (default: accounting none against drop,
                   side by side); experiments with --set, --sweep, --seeds, --shard
  merge PART...    the parts of a sharded experiment (simulate --shard) in one
  serve            the model for another simulator: JSON messages on standard input and output
                   (--stdio), or on a socket (--listen); see docs/protocol.md
  help [COMMAND]   this text, or a command's

Each command takes its own options: schedacct <command> --help lists them.

options:
  -h, --help       this text
  -v, --version    the version

${EXIT_STATUS}`;

const GLOBAL_OPTIONS = { version: { type: 'boolean', short: 'v' } } as const;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function command(name: string): () => Promise<Command> {
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    throw new UsageError('', `unknown command '${name}'; the commands are ${NAMES.join(', ')}`);
  }
  return load;
}

/**
 * Runs the CLI.
 * @param argv - arguments after the program name
 * @returns the exit status
 * @throws {@link UsageError} for a command line that is not schedacct's (printed by the caller, exit status 2);
 *   {@link SchedacctError} for bad input (the same)
 */
export async function main(argv: readonly string[]): Promise<number> {
  // schedacct's own options come before the command; everything after it is the command's.
  const at = argv.findIndex((arg) => arg === '-' || !arg.startsWith('-'));
  const name = at === -1 ? undefined : argv[at];
  const rest = at === -1 ? [] : argv.slice(at + 1);
  let parsed;
  try {
    parsed = parseCommand('', at === -1 ? argv : argv.slice(0, at), GLOBAL_OPTIONS, USAGE, { max: 0, what: '' });
  } catch (error: unknown) {
    if (!(error instanceof UsageError) || name === undefined) throw error;
    throw new UsageError('', `${error.message}: a command's options go after its name`);
  }
  if (parsed === undefined) return 0;
  if (parsed.values.version === true) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (name === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (name === 'help') {
    const [topic, extra] = rest;
    if (extra !== undefined) throw new UsageError('', `help takes one COMMAND at most, got '${extra}' too`);
    process.stdout.write(topic === undefined ? USAGE : (await command(topic)()).help);
    return 0;
  }
  return (await command(name)()).run(rest);
}

// A reader that stops early (`schedacct replay FILE | head`, or `2>&1 | head`) closes the pipe: stop there, quietly,
// with the status a process killed by SIGPIPE has (128 + 13), as perf and coreutils end. Any other failure to write
// the output is said and is 1; one of standard error cannot be said.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') process.stderr.write(`schedacct: cannot write the output: ${error.message}\n`);
  process.exit(error.code === 'EPIPE' ? 141 : 1);
});
process.stderr.on('error', (error: NodeJS.ErrnoException) => {
  process.exit(error.code === 'EPIPE' ? 141 : 1);
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error: unknown) {
  if (!(await outputOpen())) {
    // the output was closed: a write failed with EPIPE, and the 'error' handler above ends the process with 141
    process.exitCode = 141;
  } else if (error instanceof UsageError) {
    const at = error.command === '' ? 'schedacct' : `schedacct ${error.command}`;
    process.stderr.write(`${at}: ${error.message} (see ${at} --help)\n`);
    process.exitCode = 2;
  } else if (error instanceof SchedacctError) {
    process.stderr.write(`schedacct: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
