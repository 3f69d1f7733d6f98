// The generated page "The accounting algorithm, worked" (scripts/algorithm-page.ts): the same bytes every time, its
// numbers what the accounting core computes from its own readings, its flow what the machine definition says, its
// charts drawn.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { createConversion } from '../src/accounting/conversion.ts';
import { Ledger } from '../src/accounting/ledger.ts';
import { bookSlice, chargeSlice, sliceCharge, SliceAccountant } from '../src/accounting/slice.ts';
import { skipSteal, stealState, type StealPolicy } from '../src/accounting/steal.ts';
import { readAction, readGuard, type GuardRef } from '../src/machines/definition.ts';
import { taskMachine } from '../src/machines/task.ts';
import { readFlow } from '../scripts/algorithm-flow.ts';
import { algorithmPage } from '../scripts/algorithm-page.ts';
import { walk, WALK_COUNTER_HZ, WALK_WIDTH_BITS } from '../scripts/algorithm-walk.ts';
import { markCount, xmlProblem } from './export/svg-check.ts';

const GENERATION_MS = 60_000;
let page = '';

beforeAll(async () => {
  page = await algorithmPage();
}, GENERATION_MS);

// The rows of the markdown table under a heading, each a map from the header's cells.
function tableUnder(heading: string, nth = 0): Record<string, string>[] {
  const start = page.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThan(0);
  const lines = page.slice(start).split('\n');
  const tables: string[][] = [];
  let current: string[] | undefined;
  for (const line of lines.slice(2)) {
    if (line.startsWith('## ')) break;
    if (line.startsWith('|')) (current ??= []).push(line);
    else if (current !== undefined) {
      tables.push(current);
      current = undefined;
    }
  }
  if (current !== undefined) tables.push(current);
  const rows = (tables[nth] ?? []).map((l) =>
    l
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim()),
  );
  const [head = [], , ...body] = rows;
  return body.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i] ?? ''])));
}

const digits = (cell: string | undefined): string => (cell ?? '').replace(/[ \u202f]/g, '');
const num = (cell: string | undefined): number => Number(digits(cell));
const big = (cell: string | undefined): bigint => BigInt(digits(cell));
// The page writes ns as exact ms (up to six decimals): back to whole ns without floating point.
function ns(cell: string | undefined): number {
  const [whole = '', frac = ''] = digits(cell).split('.');
  expect(frac.length, `${String(cell)} has at most six decimals`).toBeLessThanOrEqual(6);
  return Number(BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, '0')));
}

interface Reading {
  event: string;
  slice: number;
  counter: bigint;
  stolenTotalNs: bigint;
  state: string;
}
const readings = (): Reading[] =>
  tableUnder('The readings').map((r) => ({
    event: r.event ?? '',
    slice: num(r.slice),
    counter: big(r['counter (ticks)']),
    stolenTotalNs: BigInt(ns(r['stolen total (ms)'])),
    state: r['state after'] ?? '',
  }));

describe('the generated algorithm page', () => {
  it(
    'is the same bytes when generated again',
    async () => {
      expect(await algorithmPage()).toBe(page);
    },
    GENERATION_MS,
  );

  it("walks the quickstart's task: counter 1 000 → 241 000 at 24 MHz, stolen 5 → 7 ms, 8 ms charged", () => {
    const r = readings();
    // examples/quickstart.ts: switchIn { counter: 1_000n, stolenTotalNs: 5_000_000n }, switchOut 241_000n / 7_000_000n
    expect(r.slice(0, 3).map((x) => x.event)).toEqual(['create', 'dispatch', 'preempt']);
    expect([r[1]?.counter, r[1]?.stolenTotalNs, r[2]?.counter, r[2]?.stolenTotalNs]).toEqual([
      1_000n,
      5_000_000n,
      241_000n,
      7_000_000n,
    ]);
    expect(tableUnder('The readings').every((row) => num(row.counterHz) === WALK_COUNTER_HZ)).toBe(true);
    // the quickstart's own API on the page's readings: the same 8 ms
    const ledger = new Ledger();
    const acct = new SliceAccountant({ counterHz: WALK_COUNTER_HZ, policy: 'drop' });
    const [, dispatch, preempt] = r;
    if (dispatch === undefined || preempt === undefined) throw new Error('no first slice on the page');
    bookSlice(ledger, 42, acct, dispatch, preempt);
    const slice1 = tableUnder('Each slice charged', 1).filter((row) => row.slice === '1');
    expect(slice1.map((row) => ns(row['charged (ms)']))).toEqual([ledger.get(42)?.chargedNs, 8_000_000]);
  });

  it("every slice's figures are what chargeSlice computes from the page's readings, under each policy", () => {
    const r = readings();
    const wall = tableUnder('Each slice charged', 0);
    const rows = tableUnder('Each slice charged', 1);
    expect([wall.length, rows.length]).toEqual([3, 6]);
    const conversion = createConversion('exact', WALK_COUNTER_HZ, WALK_WIDTH_BITS);
    for (const policy of ['carry', 'drop'] as StealPolicy[]) {
      const steal = stealState(policy, 0n);
      for (const [i, end] of r.entries()) {
        const start = r[i - 1];
        if (end.event !== 'preempt' || start === undefined) continue;
        const row = rows.find((x) => num(x.slice) === end.slice && x.policy === policy);
        const w = wall.find((x) => num(x.slice) === end.slice);
        if (row === undefined || w === undefined) throw new Error(`no rows for slice ${String(end.slice)} (${policy})`);
        skipSteal(steal, start.stolenTotalNs); // what the machine's startSlice does at the switch-in
        const carriedIn = steal.carriedNs;
        const dropped = steal.droppedNs;
        const out = chargeSlice(steal, conversion, start.counter, end.counter, end.stolenTotalNs, sliceCharge());
        expect(num(w['Δcounter (ticks)'])).toBe(Number(end.counter - start.counter));
        expect(ns(w['to_ns(Δcounter) (ms)'])).toBe(out.elapsedNs);
        expect(ns(w['Δstolen (ms)'])).toBe(Number(end.stolenTotalNs - start.stolenTotalNs));
        expect(ns(row['carried in (ms)'])).toBe(carriedIn);
        expect(ns(row['stolen (ms)'])).toBe(out.stolenNs);
        expect(ns(row['carried out (ms)'])).toBe(steal.carriedNs);
        expect(ns(row['dropped (ms)'])).toBe(steal.droppedNs - dropped);
        expect(ns(row['charged (ms)'])).toBe(out.chargedNs);
        // the rule the page states: charge = to_ns − min(Δstolen + carried in, to_ns)
        const pending = ns(w['Δstolen (ms)']) + carriedIn;
        expect(out.chargedNs).toBe(out.elapsedNs - Math.min(pending, out.elapsedNs));
        expect(row['clamp (ms)'] === 'no').toBe(pending <= out.elapsedNs);
      }
    }
  });

  it('shows the clamp, and carry and drop differing as documented', () => {
    const rows = tableUnder('Each slice charged', 1);
    const at = (slice: string, policy: string) => rows.find((x) => x.slice === slice && x.policy === policy) ?? {};
    // slice 2: 30 ms of steal in a 4 ms slice, clamped under both; carry keeps the excess, drop drops it
    expect(at('2', 'carry')['clamp (ms)']).toBe('30 → 4');
    expect([ns(at('2', 'carry')['carried out (ms)']), ns(at('2', 'drop')['dropped (ms)'])]).toEqual([
      26_000_000, 26_000_000,
    ]);
    // slice 3: nothing stolen in it; carry charges the carried steal to it, drop charges the whole slice
    expect([ns(at('3', 'carry')['charged (ms)']), ns(at('3', 'drop')['charged (ms)'])]).toEqual([0, 4_000_000]);
    for (const row of rows) {
      if (row.policy === 'carry') expect(ns(row['dropped (ms)'])).toBe(0);
      else expect(ns(row['carried out (ms)'])).toBe(0);
    }
    const totals = tableUnder('Totals');
    expect(totals.map((t) => t['accounted + carried + dropped (ms)']?.endsWith('= observed'))).toEqual([true, true]);
    expect(totals.map((t) => t.anomalies)).toEqual(['steal-exceeds-elapsed', 'steal-exceeds-elapsed']);
  });

  it("draws the flow with the machine definition's own guards and actions, in the order it takes them", () => {
    const block = /```mermaid\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    const boxes = readFlow(block);
    const r = readings();
    expect(boxes.map((b) => b.event)).toEqual(r.map((x) => x.event));
    let state = 'unknown';
    for (const [i, box] of boxes.entries()) {
      const node: AnyStateNode | undefined = (taskMachine.root.states as Record<string, AnyStateNode>)[state];
      const transitions: readonly AnyTransitionDefinition[] = node?.on[box.event] ?? [];
      expect(transitions.length, `${state} takes ${box.event}`).toBeGreaterThan(0);
      const results = new Map(box.guards.map((g) => [g.name, g.result]));
      const holds = (g: GuardRef): boolean => {
        if (g.kind === 'named') {
          const result = results.get(g.type);
          if (result === undefined) throw new Error(`guard ${g.type} is not on the diagram`);
          return result;
        }
        if (g.kind === 'not') return !g.of.every(holds);
        if (g.kind === 'and') return g.of.every(holds);
        if (g.kind === 'or') return g.of.some(holds);
        throw new Error('an inline guard');
      };
      // XState takes the first transition whose guard holds: its actions are the diagram's, its target the next state
      const taken = transitions.find((t) => t.guard === undefined || holds(readGuard(t.guard)));
      if (taken === undefined) throw new Error(`no transition of ${state} on ${box.event} holds`);
      const names = taken.actions.map((a) => {
        const ref = readAction(a);
        return ref.kind === 'named' ? ref.type : 'inline';
      });
      expect(box.actions, `event ${String(i + 1)}`).toEqual(names);
      state = taken.target?.[0]?.key ?? state;
      expect(state).toBe(r[i]?.state);
    }
    // the one diagram is right for both policies: drop takes the same guards and actions as carry
    const steps = (policy: StealPolicy) => walk(policy).map((s) => s.steps);
    expect(steps('drop')).toEqual(steps('carry'));
    // the clamped slice took the path of the failed steal check
    expect(boxes[4]?.guards).toEqual([
      { name: 'readingValid', result: false },
      { name: 'monotonic', result: true },
      { name: 'consistentRead', result: true },
      { name: 'stealWithinElapsed', result: false },
    ]);
  });

  it('charts the resonant-steal sweep: a bar per task and accounting, a line over the accountings', () => {
    const svgs = [...page.matchAll(/<div class="algorithm-chart">(<svg[\s\S]*?<\/svg>)<\/div>/g)].map(
      (m) => m[1] ?? '',
    );
    expect(svgs).toHaveLength(2);
    for (const svg of svgs) expect(xmlProblem(svg)).toBeUndefined();
    const [shares = '', jain = ''] = svgs;
    expect(markCount(shares, 'shares_marks')).toBe(9); // 3 accountings × 3 tasks
    expect(markCount(jain, 'lines_marks')).toBe(1);
    expect(markCount(jain, 'band_marks')).toBe(1);
    // the experiment's point: without steal accounting the third hog starves; with it the three are fair
    const shareOf = tableUnder('The resonant-steal experiment').map((row) => [
      row.accounting,
      num(row['real CPU share (mean)']),
    ]);
    const none = shareOf.filter(([a]) => a === 'none').map(([, s]) => Number(s));
    const drop = shareOf.filter(([a]) => a === 'drop').map(([, s]) => Number(s));
    expect(Math.min(...none)).toBeLessThan(0.1);
    expect(Math.min(...drop)).toBeGreaterThan(0.33);
  });

  it('is linked from docs/accounting.md and listed in typedoc.json, and links back', () => {
    expect(readFileSync(new URL('../docs/accounting.md', import.meta.url), 'utf8')).toContain(
      '(generated/algorithm.md)',
    );
    const typedoc = JSON.parse(readFileSync(new URL('../typedoc.json', import.meta.url), 'utf8')) as {
      projectDocuments: string[];
    };
    expect(typedoc.projectDocuments).toContain('docs/generated/algorithm.md');
    expect(page).toContain('](../accounting.md)');
    expect(page.startsWith('---\ntitle: The accounting algorithm, worked\ngroup: Guides\n---\n')).toBe(true);
  });
});
