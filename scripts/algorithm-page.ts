// Writes docs/generated/algorithm.md, "The accounting algorithm, worked", at docs-build time (`npm run docs` runs it
// before typedoc): every number on it comes from running the library now, so the page cannot drift from the code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { counterDelta } from '../src/accounting/counter.ts';
import { createConversion } from '../src/accounting/conversion.ts';
import { nsBetween } from '../src/accounting/steal.ts';
import { flowDiagram, grouped, msText, type SliceFigures } from './algorithm-flow.ts';
import { resonantCharts, runResonant, RESONANT_SCENARIO, RESONANT_SWEEP } from './algorithm-resonant.ts';
import {
  walk,
  walkEvents,
  WALK_COUNTER_HZ,
  WALK_COUNTER_START,
  WALK_STEALS,
  WALK_TASK,
  WALK_WIDTH_BITS,
  type WalkState,
} from './algorithm-walk.ts';

const ROOT = new URL('../', import.meta.url);
/** Where the page goes (gitignored: generated, never committed). */
export const PAGE_PATH: URL = new URL('docs/generated/algorithm.md', ROOT);

const ms = (ns: number): string => (ns / 1e6).toFixed(3);
const row = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] => [
  row(head),
  row(head.map(() => '---')),
  ...rows.map(row),
];

/**
 * Each slice's figures: Δcounter, to_ns and Δstolen from the readings with the core's own helpers, the rest from the
 * task machine's state after the switch-in and after the switch-out.
 * @param carry - the walk under carry
 * @param drop - the walk under drop
 * @returns a record per slice
 */
export function sliceFigures(carry: readonly WalkState[], drop: readonly WalkState[]): SliceFigures[] {
  const conversion = createConversion('exact', WALK_COUNTER_HZ, WALK_WIDTH_BITS);
  const out: SliceFigures[] = [];
  for (const [i, end] of carry.entries()) {
    if (end.event.type !== 'preempt' || i === 0) continue;
    const policy = (states: readonly WalkState[]) => {
      const before = states[i - 1];
      const after = states[i];
      if (before === undefined || after === undefined) throw new Error('a slice without its switch-in');
      return {
        carriedInNs: before.carriedNs,
        stolenNs: after.stolenNs - before.stolenNs,
        carriedOutNs: after.carriedNs,
        droppedNs: after.droppedNs - before.droppedNs,
        chargedNs: after.chargedNs - before.chargedNs,
      };
    };
    const start = carry[i - 1]?.event;
    if (start?.type !== 'dispatch') throw new Error('a slice must start with a dispatch');
    out.push({
      slice: end.event.slice,
      deltaTicks: counterDelta(start.counter, end.event.counter, WALK_WIDTH_BITS),
      elapsedNs: conversion.elapsedNs(start.counter, end.event.counter),
      deltaStolenNs: nsBetween(start.stolenTotalNs, end.event.stolenTotalNs),
      byPolicy: { carry: policy(carry), drop: policy(drop) },
    });
  }
  return out;
}

function setupSection(): string[] {
  const steals = WALK_STEALS.map((s) => `${ms(s.startNs)}–${ms(s.endNs)} ms`).join(', ');
  return [
    '## The setup',
    '',
    `Task ${String(WALK_TASK)} of the README's quickstart, on a ${String(WALK_COUNTER_HZ / 1e6)} MHz Arm generic timer ` +
      `(${String(WALK_WIDTH_BITS)} bits, as Linux picks for it). The readings come from the emulated backend ` +
      '(`createEmulatedSource({ abi: "arm64" })`): a host writes the Arm PV-time structure byte for byte and moves ' +
      `the counter; the guest reads both with the Arm stable read (\`consistentReadOf\`). The host deschedules the vCPU ` +
      `at host ${steals}. Its counter starts at ${grouped(WALK_COUNTER_START)}, ` +
      `${grouped((1n << BigInt(WALK_WIDTH_BITS)) - WALK_COUNTER_START)} ticks before the 56-bit wrap, so the switch-in ` +
      "reads the quickstart's 1 000 (the wrap is before the task exists). The events go to the task machine " +
      '(`taskMachine`, the XState actor) with the reading each carries, once with `policy: "carry"` and once with ' +
      '`"drop"`.',
    '',
    "Slice 1 is the quickstart's. Slice 2 ends with a pair read **without** the stable read: the counter, then a " +
      '30 ms stall of the vCPU, then the stolen total (as when the total is published late): 30 ms of steal appear in ' +
      'a 4 ms slice, so the guard `stealWithinElapsed` fails, the anomaly is recorded and the steal is clamped. ' +
      'Slice 3 runs 4 ms with nothing stolen: under carry the excess of slice 2 is charged here, under drop it is gone.',
    '',
  ];
}

function readingsSection(carry: readonly WalkState[], drop: readonly WalkState[]): string[] {
  const rows = carry.map((s, i) => [
    String(i + 1),
    s.event.type,
    String(s.event.slice),
    ms(s.event.hostNs),
    s.event.how,
    grouped(s.event.counter),
    grouped(WALK_COUNTER_HZ),
    msText(s.event.stolenTotalNs),
    s.state === drop[i]?.state ? s.state : `${s.state} / ${drop[i]?.state ?? ''}`,
  ]);
  const head = ['#', 'event', 'slice', 'host (ms)', 'read by', 'counter (ticks)', 'counterHz', 'stolen total (ms)'];
  return ['## The readings', '', ...table([...head, 'state after'], rows), ''];
}

function slicesSection(figures: readonly SliceFigures[]): string[] {
  const wall = figures.map((f) => [
    String(f.slice),
    grouped(f.deltaTicks),
    msText(f.elapsedNs),
    msText(f.deltaStolenNs),
  ]);
  const rows = figures.flatMap((f) =>
    (['carry', 'drop'] as const).map((policy) => {
      const p = f.byPolicy[policy];
      const pending = f.deltaStolenNs + p.carriedInNs;
      const clamp = pending > f.elapsedNs ? `${msText(pending)} → ${msText(f.elapsedNs)}` : 'no';
      return [
        String(f.slice),
        policy,
        msText(p.carriedInNs),
        clamp,
        msText(p.stolenNs),
        msText(p.carriedOutNs),
        msText(p.droppedNs),
        msText(p.chargedNs),
      ];
    }),
  );
  const head = ['slice', 'policy', 'carried in (ms)', 'clamp (ms)', 'stolen (ms)', 'carried out (ms)'];
  return [
    '## Each slice charged',
    '',
    'What the two readings of a slice give, whatever the policy: the counter delta (wrap-safe), its ns, and the ' +
      'growth of the stolen total.',
    '',
    ...table(['slice', 'Δcounter (ticks)', 'to_ns(Δcounter) (ms)', 'Δstolen (ms)'], wall),
    '',
    'Then `charged = to_ns(Δcounter) − min(Δstolen + carried in, to_ns(Δcounter))`: the steal is clamped to the ' +
      'slice; what is left over is carried to the next slice (carry) or dropped (drop).',
    '',
    ...table([...head, 'dropped (ms)', 'charged (ms)'], rows),
    '',
  ];
}

function totalsSection(walks: Readonly<Record<'carry' | 'drop', readonly WalkState[]>>): string[] {
  const rows = (['carry', 'drop'] as const).map((policy) => {
    const s = walks[policy].at(-1);
    if (s === undefined) throw new Error('an empty walk');
    const law = s.observedNs === s.accountedNs + s.carriedNs + s.droppedNs ? '=' : '≠';
    return [
      policy,
      msText(s.runNs),
      msText(s.stolenNs),
      msText(s.chargedNs),
      msText(s.observedNs),
      `${msText(s.accountedNs)} + ${msText(s.carriedNs)} + ${msText(s.droppedNs)} ${law} observed`,
      s.anomalies.join(', ') || 'none',
    ];
  });
  const head = ['policy', 'run (ms)', 'stolen (ms)', 'charged (ms)', 'steal observed (ms)'];
  return [
    '## Totals',
    '',
    ...table([...head, 'accounted + carried + dropped (ms)', 'anomalies'], rows),
    '',
    'Slice 1 alone is the quickstart: 10 ms on the CPU, 2 ms stolen, 8 ms charged.',
    '',
  ];
}

async function resonantSection(): Promise<string[]> {
  const result = runResonant(ROOT);
  const charts = await resonantCharts(result);
  const groups = new Map<string, number[]>();
  for (const t of result.tasks) {
    const key = JSON.stringify([t.accounting, t.task]);
    groups.set(key, [...(groups.get(key) ?? []), t.share]);
  }
  const rows = [...groups].map(([key, shares]) => [
    ...(JSON.parse(key) as string[]),
    (shares.reduce((a, b) => a + b, 0) / shares.length).toFixed(4),
  ]);
  const jain = (['none', 'carry', 'drop'] as const).map((a) => {
    const rs = result.rows.filter((r) => r.values.accounting === a);
    return [a, (rs.reduce((sum, r) => sum + r.jainReal, 0) / rs.length).toFixed(4), String(rs.length)];
  });
  const sweep = `--set ${RESONANT_SWEEP.set.join(' ')} --sweep ${RESONANT_SWEEP.sweep.join(' ')} --seeds ${String(RESONANT_SWEEP.seeds)}`;
  return [
    '## The resonant-steal experiment',
    '',
    `\`schedacct simulate ${RESONANT_SCENARIO} ${sweep}\`, run in the docs build: three CPU-bound tasks on one vCPU ` +
      'whose host steals 3.6 ms at the end of every 12 ms; the 4 ms tick hands each task one tick in turn, so the ' +
      'third always runs into the steal. Charged wall time (`accounting: none`) it gets a fraction of the others; ' +
      'charged what it ran (`carry` or `drop`) the three stay fair. Nothing in this scenario is random: the seeds agree.',
    '',
    ...table(['accounting', 'task', 'real CPU share (mean)'], rows),
    '',
    "Jain's index over the tasks' real CPU (1: equal shares; 1/3: one task has it all):",
    '',
    ...table(['accounting', "Jain's index over real CPU (mean)", 'runs'], jain),
    '',
    `<div class="algorithm-chart">${charts.shares.replaceAll('\n', ' ')}</div>`,
    '',
    `<div class="algorithm-chart">${charts.jain.replaceAll('\n', ' ')}</div>`,
    '',
  ];
}

/**
 * The page's text: the same library, the same text (no clock, no randomness without its seed).
 * @returns the markdown
 */
export async function algorithmPage(): Promise<string> {
  const events = walkEvents();
  const carry = walk('carry', events);
  const drop = walk('drop', events);
  const figures = sliceFigures(carry, drop);
  // The page draws one flow for both policies: it must be the same one.
  if (JSON.stringify(carry.map((s) => s.steps)) !== JSON.stringify(drop.map((s) => s.steps)))
    throw new Error('carry and drop took different steps: the flow diagram would be wrong for one of them');
  const lines = [
    '---',
    'title: The accounting algorithm, worked',
    'group: Guides',
    '---',
    '',
    '# The accounting algorithm, worked',
    '',
    'Generated by `scripts/algorithm-page.ts` when the docs are built: every number here was computed by running ' +
      'the library, so it cannot drift from the code. The story behind it is in [The accounting algorithm](../accounting.md).',
    '',
    ...setupSection(),
    ...readingsSection(carry, drop),
    ...slicesSection(figures),
    ...totalsSection({ carry, drop }),
    '## The flow, from the machine’s own steps',
    '',
    "Each box is one event; its nodes are the task machine's guards (✓ passed, ✗ failed) and actions in the order " +
      'XState called them for this walk, recorded from the implementations themselves (`taskImplementations`); ' +
      '`chargeSlice` calls the accounting core (`chargeSlice` in accounting/slice.ts: `to_ns(Δcounter)`, then ' +
      '`accountSteal`: Δstolen, the clamp, carry or drop). Both policies take the same steps.',
    '',
    '```mermaid',
    flowDiagram(carry, figures),
    '```',
    '',
    ...(await resonantSection()),
  ];
  return lines.join('\n');
}

/**
 * Writes the page.
 * @returns the path written
 */
export async function writeAlgorithmPage(): Promise<URL> {
  const text = await algorithmPage();
  mkdirSync(new URL('./', PAGE_PATH), { recursive: true });
  writeFileSync(PAGE_PATH, text);
  return PAGE_PATH;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = await writeAlgorithmPage();
  console.log(`${path.pathname.slice(ROOT.pathname.length)}: generated`);
}
