// Protocol readers with one deliberate bug each, for the race to catch (test/race.test.ts): each one reads what the
// real reader reads, in the same order unless the bug is the order, and differs in what it accepts.
import type { Abi, ClockSource, ConsistentReading } from '../src/index.ts';
import { XEN_UPDATE_BIT } from '../src/index.ts';
import type { RaceResult } from '../src/linux.ts';

type Reader = (source: ClockSource, maxRetries: number) => ConsistentReading;

interface Attempt {
  readonly counter: bigint;
  readonly stolenTotalNs: bigint;
  readonly ok: boolean;
}

function bounded(maxRetries: number, attempt: () => Attempt): ConsistentReading {
  for (let retries = 0; ; retries++) {
    const a = attempt();
    if (a.ok || retries === maxRetries)
      return { counter: a.counter, stolenTotalNs: a.stolenTotalNs, retries, consistent: a.ok };
  }
}

function seqcount(source: ClockSource, maxRetries: number, accept: (v1: number, v2: number) => boolean) {
  const { stolen, counter } = source;
  if (stolen.protocol !== 'seqcount') throw new Error('an x86 mutant races x86');
  return bounded(maxRetries, () => {
    const v1 = stolen.readVersion();
    const stolenTotalNs = stolen.readStolenRaw();
    const c = counter.readCounter();
    return { counter: c, stolenTotalNs, ok: accept(v1, stolen.readVersion()) };
  });
}

function updateBit(source: ClockSource, maxRetries: number, accept: (e1: bigint, e2: bigint) => boolean) {
  const { stolen, counter } = source;
  if (stolen.protocol !== 'update-bit') throw new Error('a Xen mutant races Xen');
  return bounded(maxRetries, () => {
    const e1 = stolen.readEntryTime();
    const stolenTotalNs = stolen.readStolenRaw();
    const c = counter.readCounter();
    return { counter: c, stolenTotalNs, ok: accept(e1, stolen.readEntryTime()) };
  });
}

function armStolen(source: ClockSource): () => bigint {
  const { stolen } = source;
  if (stolen.protocol !== 'stable-read') throw new Error('an Arm mutant races arm64');
  return () => stolen.readStolen();
}

/** A protocol reader with one bug, and the ABI it reads. */
export interface Mutant {
  readonly name: string;
  readonly abi: Abi;
  readonly reader: Reader;
}

export const MUTANTS: readonly Mutant[] = [
  {
    name: 'x86 seqcount ignoring a version change',
    abi: 'x86',
    reader: (s, n) => seqcount(s, n, (v1) => (v1 & 1) === 0),
  },
  { name: 'x86 seqcount ignoring an odd version', abi: 'x86', reader: (s, n) => seqcount(s, n, (v1, v2) => v1 === v2) },
  { name: 'Xen ignoring the update bit', abi: 'xen', reader: (s, n) => updateBit(s, n, (e1, e2) => e1 === e2) },
  {
    name: 'Xen ignoring an entry-time change',
    abi: 'xen',
    reader: (s, n) => updateBit(s, n, (e1) => (e1 & XEN_UPDATE_BIT) === 0n),
  },
  {
    name: 'Arm stable read without the re-read',
    abi: 'arm64',
    reader: (s) => {
      const readStolen = armStolen(s);
      const stolenTotalNs = readStolen();
      return { counter: s.counter.readCounter(), stolenTotalNs, retries: 0, consistent: true };
    },
  },
  {
    name: 'Arm stable read with the counter read first',
    abi: 'arm64',
    reader: (s, n) => {
      const readStolen = armStolen(s);
      return bounded(n, () => {
        const c = s.counter.readCounter();
        const s1 = readStolen();
        const s2 = readStolen();
        return { counter: c, stolenTotalNs: s2, ok: s1 === s2 };
      });
    },
  },
];

/** A reader that never succeeds: every snapshot given up after the bound, none inconsistent. */
export const neverConsistent: Reader = (s, n) => ({
  counter: s.counter.readCounter(),
  stolenTotalNs: 0n,
  retries: n,
  consistent: false,
});

/**
 * What the race tests require of a protocol reader: no inconsistent snapshot accepted, and at most `maxGaveUp`
 * given up (so a reader that never succeeds fails too); the message says which figure broke.
 */
export function protocolFailure(r: RaceResult, maxGaveUp = 0): string | undefined {
  if (r.protocol.inconsistent > 0)
    return `${String(r.protocol.inconsistent)} inconsistent (${String(r.protocol.stale)} stale, ${String(r.protocol.hostTorn + r.protocol.readerTorn)} torn)`;
  if (r.protocol.gaveUp > maxGaveUp) return `${String(r.protocol.gaveUp)} gave up (bound ${String(maxGaveUp)})`;
  return undefined;
}
