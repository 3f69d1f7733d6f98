/**
 * What the commands share: each parses its own options with `node:util` `parseArgs` (strict), says what is wrong
 * with a command line in one line that names the command, and checks its values; and the exit statuses every help
 * states.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SchedacctError } from '../errors.js';

/** The exit statuses, as every help states them. */
export const EXIT_STATUS: string = `exit status:
  0    done
  2    bad input or usage (what was wrong is said on standard error)
  141  the output was closed before the end (its reader stopped, as head does), as when killed by SIGPIPE
  1    anything else: an output that cannot be written, or a bug
`;

/**
 * A command line that a command does not take. Printed as `schedacct COMMAND: MESSAGE (see schedacct COMMAND
 * --help)`, and the exit status is 2.
 */
export class UsageError extends SchedacctError {
  /** The command whose line it is (`''`: schedacct's own options, before any command). */
  readonly command: string;

  /**
   * @param command - the command, or `''` for schedacct itself
   * @param message - what is wrong, in one line
   */
  constructor(command: string, message: string) {
    super('invalid-argument', message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** A command: its help text and what runs it. */
export interface Command {
  /** `--help`'s text. */
  readonly help: string;
  /**
   * Runs the command.
   * @param args - the arguments after the command's name
   * @returns the exit status
   */
  readonly run: (args: readonly string[]) => Promise<number>;
}

/** What a command takes besides its options: how many arguments at most, and what they are (for the message). */
export interface Positionals {
  /** Arguments at most. */
  readonly max: number;
  /** What they are, e.g. `one trace FILE`. */
  readonly what: string;
}

/** Options as `parseArgs` takes them. */
export type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** The options and arguments {@link parseCommand} found. */
export type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof HELP; strict: true; allowPositionals: true }>
>;

// A first match, or what to say without one.
const match = (pattern: RegExp, text: string): string | undefined => pattern.exec(text)?.[1];

// parseArgs's error as one line that names the command and the option.
function parseError(command: string, error: unknown): unknown {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (!(error instanceof Error) || !code.startsWith('ERR_PARSE_ARGS')) return error;
  const line = error.message.split('\n')[0] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = match(/'([^']+)'/, line);
    return new UsageError(command, option === undefined ? line : `unknown option '${option}'`);
  }
  const option = match(/(--[\w-]+)/, line);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    if (line.includes('does not take an argument')) return new UsageError(command, `option '${option}' takes no value`);
    if (line.includes('ambiguous'))
      return new UsageError(
        command,
        `option '${option}' needs a value (for one that starts with -, write ${option}=VALUE)`,
      );
    return new UsageError(command, `option '${option}' needs a value`);
  }
  return new UsageError(command, line);
}

/**
 * Parses a command's arguments: its own options only (and `-h`, `--help`), at most `positionals.max` arguments.
 * With `--help` it prints the help and returns undefined (even beside options it would refuse).
 * @param command - the command's name, for messages
 * @param args - the arguments after the command's name
 * @param options - the command's options, for `parseArgs`
 * @param help - the command's help text
 * @param positionals - how many arguments it takes, and what they are
 * @returns the options and arguments, or undefined when the help was asked for (and printed)
 * @throws {@link UsageError} for an option the command does not take, a missing or unwanted value, or an argument
 *   too many
 */
export function parseCommand<const O extends ParseArgsOptionsConfig>(
  command: string,
  args: readonly string[],
  options: O,
  help: string,
  positionals: Positionals,
): Parsed<O> | undefined {
  const end = args.indexOf('--');
  const asked = (end === -1 ? args : args.slice(0, end)).some((a) => a === '-h' || a === '--help');
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: [...args], options: { ...options, ...HELP }, strict: true, allowPositionals: true });
  } catch (error: unknown) {
    if (!asked) throw parseError(command, error);
    parsed = { values: { help: true }, positionals: [] } as unknown as Parsed<O>;
  }
  if (asked || (parsed.values as { help?: boolean }).help === true) {
    process.stdout.write(help);
    return undefined;
  }
  const extra = parsed.positionals[positionals.max];
  if (extra !== undefined) {
    throw new UsageError(
      command,
      `unexpected argument '${extra}': ${command} takes ${positionals.max === 0 ? 'options only' : positionals.what}`,
    );
  }
  return parsed;
}

// `a`, `a or b`, `a, b or c`.
const alternatives = (values: readonly string[]): string =>
  values.length <= 1 ? (values[0] ?? '') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1] ?? ''}`;

/**
 * Checks an option's value against the ones it takes.
 * @param command - the command, for the message
 * @param option - the option's name, without `--`
 * @param value - the value given, if any
 * @param allowed - the values it takes
 * @param fallback - the default
 * @returns the value, or the default when none was given
 * @throws {@link UsageError} for any other value
 */
export function oneOf<const T extends string>(
  command: string,
  option: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: NoInfer<T>,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(command, `--${option} must be ${alternatives(allowed)}, got '${value}'`);
}

/**
 * Checks a whole-number option.
 * @param command - the command, for the message
 * @param option - the option's name, without `--`
 * @param value - the value given, if any
 * @param fallback - the default
 * @param min - the least value it takes
 * @param what - what the number is, for the message (`a whole number`, `a thread id`, …)
 * @returns the number
 * @throws {@link UsageError} for a value that is not a whole number ≥ `min`
 */
export function wholeNumber(
  command: string,
  option: string,
  value: string | undefined,
  fallback: number,
  min: number,
  what: string,
): number {
  if (value === undefined) return fallback;
  const n = value.trim() === '' ? NaN : Number(value);
  if (Number.isSafeInteger(n) && n >= min) return n;
  throw new UsageError(command, `--${option} must be ${what}, got '${value}'`);
}

/**
 * Waits until what was written to standard output has gone out: whether it was closed (a reader that stopped, as
 * `| head` does) is known only then. A process that writes to a closed pipe is ended by SIGPIPE before it says
 * anything more; schedacct, which ends with 141 instead, asks this before it writes to standard error.
 * @returns false when standard output was closed
 */
export function outputOpen(): Promise<boolean> {
  const out = process.stdout;
  if (out.destroyed) return Promise.resolve(false);
  // Nothing written yet (or a file, which has no bytesWritten and never closes): nothing that can have failed. An
  // empty write would fail on a closed pipe, which a process that never wrote there does not see.
  if (!(out.bytesWritten > 0)) return Promise.resolve(true);
  return new Promise((resolve) => {
    out.write('', (error) => {
      resolve(error == null && !out.destroyed);
    });
  });
}
