// Replay a real perf recording as a library: perf sched timehist's per-task totals, plus the steal perf cannot see.
import { readFileSync } from 'node:fs';
import { readTrace, summaryLines } from 'schedacct/trace';

const trace = readFileSync(new URL('../fixtures/perf/migrate.perf.txt', import.meta.url), 'utf8');
const { replay, malformed } = await readTrace(trace.split('\n'), { compat: 'perf-6.1' });

const busiest = replay
  .tasks()
  .filter((t) => t.tid > 0)
  .sort((a, b) => b.totals.runNs - a.totals.runNs)
  .slice(0, 3);
for (const t of busiest) {
  const c = t.totals;
  console.log(
    `${`${t.comm}[${String(t.tid)}]`.padEnd(22)} ${String(c.slices).padStart(3)} slices  run ${(c.runNs / 1e6).toFixed(3)} ms` +
      `  stolen ${(c.stolenNs / 1e6).toFixed(3)} ms  charged ${(c.chargedNs / 1e6).toFixed(3)} ms`,
  );
  if (c.runNs !== c.chargedNs + c.stolenNs) throw new Error('ledger not conserved');
}
console.log(`(${String(replay.counts.switch)} switches, ${String(malformed.count)} malformed lines; perf's summary:)`);
console.log(summaryLines(replay).slice(-4).join('\n'));
if (malformed.count !== 0) throw new Error('the fixture should parse cleanly');
