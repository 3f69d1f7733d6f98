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
  seed: { type: 'string' },
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
                   and xen, whose protocols guard against it; arm64's host never tears); the
                   readers' own split loads still tear, and are counted apart
  --seed N         the seeded race: the host runs in this thread and makes a PRNG-chosen number of
                   its stores before every load of the readers (the same N gives the same result;
                   default: none, race a host in a worker thread)
  --format FORMAT  text (default) or json: {"reads": N, "naive": {"inconsistent": n, ...},
                   "protocol": {"inconsistent": n, "gaveUp": n, ...}, ...}

each reader's figures: inconsistent = snapshots it returned as consistent that were not: stale
(stolen from another moment than the counter), torn by the host (memory held halves of two
writes), torn by the reader (its two 32-bit loads straddled a write); gave up = snapshots it
returned as inconsistent when its retry bound (1000) ran out, never counted as consistent
  -h, --help       this text

${EXIT_STATUS}`;

const SEED_RANGE = 'a whole number from 0 to 4294967295';

// One reader's figures; a tear is put on the host only when the memory itself held halves of two writes.
function line(name: string, r: ReaderResult): string {
  return (
    `  ${name.padEnd(9)} ${String(r.inconsistent).padStart(9)} inconsistent: ${String(r.stale)} stale, ` +
    `${String(r.hostTorn)} torn by the host, ${String(r.readerTorn)} torn by the reader's split loads; ` +
    `${String(r.gaveUp)} gave up after the retry bound, ${String(r.retries)} retries`
  );
}

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
  const seed = values.seed === undefined ? undefined : wholeNumber('race', 'seed', values.seed, 0, 0, SEED_RANGE);
  if (seed !== undefined && seed >= 2 ** 32)
    throw new UsageError('race', `--seed must be ${SEED_RANGE}, got '${String(values.seed)}'`);
  const format = oneOf('race', 'format', values.format, FORMATS, 'text');
  const { runRace } = await import('../sources/race.js');
  const result = await runRace({
    abi,
    reads,
    ...(values['no-torn'] === true ? { torn: false } : {}),
    ...(seed === undefined ? {} : { seed }),
  });
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const host = seed === undefined ? 'in a worker thread' : `interleaved by seed ${String(seed)}`;
  process.stdout.write(
    [
      `race: ${abi} host ${host} (${result.tornWrites ? 'torn 32-bit half writes' : 'atomic 64-bit writes'}), ${String(result.hostUpdates)} updates during ${String(reads)} reads per reader`,
      line('naive', result.naive),
      line('protocol', result.protocol),
      '',
    ].join('\n'),
  );
  return 0;
}
