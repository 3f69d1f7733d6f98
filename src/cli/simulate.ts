/**
 * `schedacct simulate [SCENARIO.json]`: runs a scenario (or the embedded default comparison) through the simulator and
 * prints its reports, or an experiment's rows (`--set`, `--sweep`, `--seeds`, `--shard`).
 * @module
 */
import { availableParallelism } from 'node:os';
import { EXIT_STATUS, oneOf, parseCommand, UsageError, wholeNumber } from './args.js';
import { exportHelp, takeExports, type ExportTarget } from './exports.js';
import { HTML_OPTION, htmlPath, SIMULATE_HTML_HELP } from './html-option.js';

const FORMATS = ['text', 'json', 'csv', 'jsonl'] as const;
const ENGINES = ['compiled', 'xstate'] as const;

const OPTIONS = {
  format: { type: 'string' },
  trace: { type: 'string' },
  set: { type: 'string', multiple: true },
  sweep: { type: 'string', multiple: true },
  seeds: { type: 'string' },
  shard: { type: 'string' },
  schema: { type: 'boolean' },
  policy: { type: 'string' },
  engine: { type: 'string' },
  workers: { type: 'string' },
  output: { type: 'string', short: 'o' },
  ...HTML_OPTION,
} as const;

/** `schedacct simulate --help`. */
export const help: string = `schedacct simulate: a kernel-faithful scheduler simulation with a hypervisor stealing the
vCPUs; steal-aware accounting against a kernel that charges wall time

usage: schedacct simulate [options] [SCENARIO.json]

Without SCENARIO.json it runs the embedded default twice, accounting none against drop, and
prints them side by side with a verdict. A scenario's keys: schedacct simulate --schema.

options:
  --format FORMAT  text (default): perf sched timehist -s's summary, real CPU and steal per task,
                   fairness (Jain's index) and scheduling delay; json: one document with the
                   resolved scenario and the schedacct version; csv: a row per task; jsonl: the
                   run's row. For an experiment, a row per run: text (a table of means with 95 %
                   intervals over seeds), csv, or json / jsonl (JSON lines, what merge reads)
  --trace FILE     the run as ftrace text (sched_switch, sched_waking, sched_wakeup_new,
                   sched_migrate_task, sched_stat_runtime), for schedacct replay and Perfetto;
                   one run only
${SIMULATE_HTML_HELP}
${exportHelp(19)}
                   one run only (the default comparison: its steal-aware run, accounting drop)
  --set PATH=VALUE set a scenario key (repeatable), e.g. --set host.steal.0.share=0.3
  --sweep PATH=V1,V2,...
                   run each value (repeatable: every combination)
  --seeds N        runs per point with seeds seed, seed+1, ... (default 1)
  --shard I/N      run part I of N of the experiment (for Slurm arrays, Kubernetes Indexed Jobs;
                   combine the parts' jsonl with schedacct merge)
  --schema         print the scenario's JSON Schema and stop
  --policy FILE    a scheduler policy module of your own (its default export) instead of the
                   scenario's policy
  --engine ENGINE  compiled (default): the stepper compiled from the task machine; xstate: the
                   machine's XState actors (slower, the same output)
  --workers N      worker threads for an experiment (default: the cores, at most one per run);
                   the output is the same for any N
  -o, --output FILE
                   write the output to FILE instead of standard output
  -h, --help       this text

${EXIT_STATUS}`;

/** What `schedacct simulate` writes to and reads from, so a test can run it in process. */
export interface SimulateIo {
  /** Standard output. */
  readonly stdout: (text: string) => void;
  /** Standard error. */
  readonly stderr: (text: string) => void;
  /** Whether standard error is a terminal (the progress bar is drawn only then). */
  readonly stderrIsTTY: boolean;
  /** Its width. */
  readonly columns?: number;
  /** The time, ms (for the progress bar only). */
  readonly now: () => number;
  /** Cores, for the default `--workers`. */
  readonly cores: number;
}

/** The command line, checked. */
export interface SimulateCommand {
  readonly file: string | undefined;
  readonly format: (typeof FORMATS)[number];
  readonly trace: string | undefined;
  readonly set: readonly string[];
  readonly sweep: readonly string[];
  readonly seeds: number;
  readonly shard: string | undefined;
  readonly policy: string | undefined;
  readonly engine: (typeof ENGINES)[number];
  readonly workers: number | undefined;
  readonly output: string | undefined;
  /** `--html FILE`: the HTML report, written after the runs. */
  readonly html: string | undefined;
  /** `--export KIND FILE`s: one run's timeline, written after it. */
  readonly exports: readonly ExportTarget[];
}

/**
 * Runs `schedacct simulate` with the given standard streams.
 * @param args - the arguments after `simulate`
 * @param io - where output goes
 * @returns the exit status (2 for a scenario that does not validate, its issues said on `io.stderr`)
 * @throws {@link UsageError} for options or arguments it does not take; a `SchedacctError` for input it cannot read
 */
export async function runSimulateCommand(args: readonly string[], io: SimulateIo): Promise<number> {
  const taken = takeExports('simulate', args);
  const parsed = parseCommand('simulate', taken.args, OPTIONS, help, { max: 1, what: 'one SCENARIO.json' });
  if (parsed === undefined) return 0;
  const { values, positionals } = parsed;
  if (values.schema === true) {
    const { scenarioSchema } = await import('../sim/schema.js');
    io.stdout(`${JSON.stringify(scenarioSchema(), null, 2)}\n`);
    return 0;
  }
  const command: SimulateCommand = {
    file: positionals[0],
    format: oneOf('simulate', 'format', values.format, FORMATS, 'text'),
    trace: values.trace,
    set: values.set ?? [],
    sweep: values.sweep ?? [],
    seeds: wholeNumber('simulate', 'seeds', values.seeds, 1, 1, 'a whole number ≥ 1'),
    shard: values.shard,
    policy: values.policy,
    engine: oneOf('simulate', 'engine', values.engine, ENGINES, 'compiled'),
    workers:
      values.workers === undefined
        ? undefined
        : wholeNumber('simulate', 'workers', values.workers, 1, 1, 'a whole number ≥ 1'),
    output: values.output,
    html: htmlPath('simulate', values.html),
    exports: taken.exports,
  };
  for (const s of [...command.set, ...command.sweep])
    if (!/^[^=]+=/.test(s)) throw new UsageError('simulate', `--set and --sweep take PATH=VALUE, got '${s}'`);
  const { simulateCommand } = await import('./simulate-run.js');
  return simulateCommand(command, io);
}

/**
 * Runs `schedacct simulate` on the process's standard streams.
 * @param args - the arguments after `simulate`
 * @returns the exit status
 * @throws as {@link runSimulateCommand}
 */
export function run(args: readonly string[]): Promise<number> {
  return runSimulateCommand(args, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY,
    columns: process.stderr.columns, // (undefined unless a terminal, whatever its type says)
    now: () => Date.now(),
    cores: availableParallelism(),
  });
}
