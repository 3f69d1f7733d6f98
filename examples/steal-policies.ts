// Carry versus drop: what a guest does with steal larger than the interval it appeared in.
// A host stalls the vCPU for 30 ms, but the guest's next clock update comes only 4 ms of guest time later
// (e.g. a steal total published late). Older kernels carry the excess into later updates; current ones drop it.
import { StealAccount, type StealPolicy } from 'schedacct';

const updates = [
  { elapsedNs: 4_000_000, stolenTotalNs: 30_000_000n },
  { elapsedNs: 4_000_000, stolenTotalNs: 30_000_000n },
  { elapsedNs: 4_000_000, stolenTotalNs: 30_000_000n },
  { elapsedNs: 4_000_000, stolenTotalNs: 31_000_000n },
];

for (const policy of ['carry', 'drop'] as StealPolicy[]) {
  const steal = new StealAccount(policy, 0n);
  const charged = updates.map((u) => u.elapsedNs - steal.account(u.elapsedNs, u.stolenTotalNs));
  console.log(
    `${policy.padEnd(5)} task clock per 4 ms update: ${charged.map((ns) => (ns / 1e6).toFixed(1)).join(', ')} ms;` +
      ` accounted ${String(steal.accountedNs / 1e6)} ms, carried ${String(steal.carriedNs / 1e6)} ms, dropped ${String(steal.droppedNs / 1e6)} ms`,
  );
  if (steal.observedNs !== steal.accountedNs + steal.carriedNs + steal.droppedNs)
    throw new Error('steal not conserved');
}
