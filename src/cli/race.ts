/**
 * `schedacct race`: an emulated hypervisor in a worker thread writes a stolen-time structure flat out while a naive
 * reader and the ABI's protocol reader take snapshots of it.
 * @module
 */
import type { Abi } from '../host/emulated-writer.js';
import type { ReaderResult } from '../sources/race.js';
import { EXIT_STATUS, oneOf, parseCommand, UsageError, wholeNumber } from './args.js';

// The ABIs the race runs (cli.test.ts checks this list against the emulator's).
const ABIS = ['arm64', 'x86', 'xen'] as const satisfies readonly Abi[];
const FORMATS = ['text', 'json'] as const;

const OPTIONS = {
  abi: { type: 'string' },
  reads: { type: 'string' },
  'no-torn': { type: 'boolean' },
  format: { type: 'string' },
} as const;

/** `schedacct race --help`. */
export const help: string = `schedacct race: an emulated hypervisor in a worker thread writes a stolen-time structure flat out,
while a naive reader and the ABI's protocol reader take snapshots of it; counts the inconsistent ones

usage: schedacct race --abi ABI [options]

options:
  --abi ABI        the structure: arm64 (Arm PV time), x86 (kvm_steal_time) or xen
                   (vcpu_runstate_info); required
  --reads N        snapshots each reader takes (default 1000000)
  --no-torn        the host writes 64-bit values at once (default: in two 32-bit halves for x86
                   and xen, whose protocols guard against it; arm64's host never tears)
  --format FORMAT  text (default) or json: {"reads": N, "naive": {"inconsistent": n, ...},
                   "protocol": {"inconsistent": n, ...}, ...}
  -h, --help       this text

${EXIT_STATUS}`;

/**
 * Runs `schedacct race`.
 * @param args - the arguments after `race`
 * @returns the exit status
 * @throws {@link UsageError} for options, values or arguments it does not take
 */
export async function run(args: readonly string[]): Promise<number> {
  const parsed = parseCommand('race', args, OPTIONS, help, { max: 0, what: '' });
  if (parsed === undefined) return 0;
  const { values } = parsed;
  if (values.abi === undefined) throw new UsageError('race', '--abi is needed: arm64, x86 or xen');
  const abi = oneOf('race', 'abi', values.abi, ABIS, 'arm64');
  const reads = wholeNumber('race', 'reads', values.reads, 1_000_000, 1, 'a whole number > 0');
  const format = oneOf('race', 'format', values.format, FORMATS, 'text');
  const { runRace } = await import('../sources/race.js');
  const result = await runRace(values['no-torn'] === true ? { abi, reads, torn: false } : { abi, reads });
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
