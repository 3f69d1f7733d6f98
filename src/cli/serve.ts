/**
 * `schedacct serve`: the protocol on standard input and output (`--stdio`, one JSON value per line), or on a Unix
 * socket or a loopback TCP port (`--listen`), each connection its own session.
 * @module
 */
import { EXIT_STATUS, oneOf, parseCommand, UsageError } from './args.js';

const ENGINES = ['compiled', 'xstate'] as const;

const OPTIONS = {
  stdio: { type: 'boolean' },
  listen: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  schema: { type: 'boolean' },
  engine: { type: 'string' },
} as const;

/** `schedacct serve --help`. */
export const help: string = `schedacct serve: the accounting model for another simulator, driven by JSON messages

usage: schedacct serve [--stdio] [options]
       schedacct serve --listen SOCKET|PORT|HOST:PORT [options]

One JSON request per line in (UTF-8, \\n or \\r\\n), one reply line out, in order: hello first,
then model.open (the host sends vCPU states and task events; schedacct charges each slice) or
step.open (schedacct simulates the guest; the host supplies steal). Every request carries the
host's time, now. A bad line gets an error reply and changes nothing; the session goes on. The
protocol, every method and a worked session: docs/protocol.md (in the package); its JSON Schema:
--schema, or schema/protocol.schema.json.

options:
  --stdio          serve one session on standard input and output (the default): it ends at the
                   input's end or after bye (exit status 0); logs go to standard error
  --listen ADDRESS serve each connection as its own session, until SIGINT or SIGTERM: a Unix
                   socket's path, or PORT, or HOST:PORT on loopback (127.0.0.1, ::1, localhost;
                   PORT 0 picks a free one); one line on standard error says where it listens
  --allow-remote   let --listen take an address other machines reach: the protocol has no
                   authentication, so anyone who reaches it can drive sessions; without it such
                   an address is refused (exit status 2)
  -q, --quiet      no log lines on standard error (errors still are)
  --schema         print the protocol's JSON Schema (draft 2020-12) and stop
  --engine ENGINE  compiled (default): the stepper compiled from the task machine; xstate: the
                   machine's XState actors (slower, the same replies)
  -h, --help       this text

${EXIT_STATUS}`;

const logTo =
  (quiet: boolean) =>
  (line: string): void => {
    // the session's own lines already say who speaks
    if (!quiet) process.stderr.write(line.startsWith('schedacct') ? `${line}\n` : `schedacct serve: ${line}\n`);
  };

/**
 * Runs `schedacct serve`.
 * @param args - the arguments after `serve`
 * @returns the exit status
 * @throws {@link UsageError} for options or values it does not take, `--stdio` with `--listen`, or a non-loopback
 *   address without `--allow-remote`; a `SchedacctError` when the address cannot be listened on
 */
export async function run(args: readonly string[]): Promise<number> {
  const parsed = parseCommand('serve', args, OPTIONS, help, { max: 0, what: '' });
  if (parsed === undefined) return 0;
  const { values } = parsed;
  const engine = oneOf('serve', 'engine', values.engine, ENGINES, 'compiled');
  if (values.schema === true) {
    const { protocolSchema } = await import('../protocol/schema.js');
    process.stdout.write(`${JSON.stringify(protocolSchema(), null, 2)}\n`);
    return 0;
  }
  const log = logTo(values.quiet === true);
  if (values.listen === undefined) {
    if (values['allow-remote'] === true) throw new UsageError('serve', '--allow-remote goes with --listen');
    const { serveStdio } = await import('../protocol/serve.js');
    const outcome = await serveStdio({ input: process.stdin, output: process.stdout, log, engine });
    // after bye the client may keep its end open: stop reading, so that the process can end
    process.stdin.destroy();
    return outcome.end === 'closed' ? 141 : 0;
  }
  if (values.stdio === true) throw new UsageError('serve', '--stdio and --listen go alone: give one');
  return listenUntilSignal(values.listen, values['allow-remote'] === true, log, engine);
}

async function listenUntilSignal(
  text: string,
  allowRemote: boolean,
  log: (line: string) => void,
  engine: (typeof ENGINES)[number],
): Promise<number> {
  const { isLoopback, listen, parseListenAddress } = await import('../protocol/serve.js');
  const at = parseListenAddress(text);
  if ('host' in at && !allowRemote && !isLoopback(at.host))
    throw new UsageError(
      'serve',
      `--listen ${text}: ${at.host} is not a loopback address; the protocol has no authentication, so anyone who ` +
        'reaches it could drive sessions (--allow-remote listens there anyway)',
    );
  const server = await listen({ ...at, allowRemote, log, engine });
  // the one line a starter waits for, even with --quiet: it says where to connect
  process.stderr.write(`schedacct serve: listening on ${server.address}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log(`${signal}: closing (${server.sessions} sessions open)`);
  await server.close();
  return 0;
}
