// The flow diagram of docs/generated/algorithm.md: a Mermaid flowchart whose nodes are the task machine's guards and
// actions in the order XState ran them for the walked example (recorded from the implementations themselves),
// chargeSlice annotated with what the accounting core computed.
import type { WalkState, WalkStep } from './algorithm-walk.ts';

/** A count grouped by thousands with narrow no-break spaces, as the docs write numbers (a table cell keeps it whole). */
export const grouped = (n: number | bigint): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');

/** Whole ns as exact ms: as many decimals as the value needs, up to six. */
export function msText(ns: number | bigint): string {
  const v = BigInt(ns);
  const sign = v < 0n ? '−' : '';
  const a = v < 0n ? -v : v;
  const frac = String(a % 1_000_000n)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${sign}${grouped(a / 1_000_000n)}${frac === '' ? '' : `.${frac}`}`;
}

/** What chargeSlice computed for one slice, under both policies. */
export interface SliceFigures {
  /** The slice, from 1. */
  readonly slice: number;
  /** Δcounter, ticks. */
  readonly deltaTicks: bigint;
  /** to_ns(Δcounter). */
  readonly elapsedNs: number;
  /** Δstolen over the slice. */
  readonly deltaStolenNs: number;
  /** Per policy: steal carried in, steal subtracted, carried out, dropped in this slice, charged. */
  readonly byPolicy: Readonly<
    Record<
      'carry' | 'drop',
      {
        readonly carriedInNs: number;
        readonly stolenNs: number;
        readonly carriedOutNs: number;
        readonly droppedNs: number;
        readonly chargedNs: number;
      }
    >
  >;
}

const label = (text: string): string => `"${text.replaceAll('"', "'")}"`;

function chargeLabel(f: SliceFigures): string {
  const c = f.byPolicy.carry;
  const d = f.byPolicy.drop;
  const lines = [
    'chargeSlice',
    `to_ns(${grouped(f.deltaTicks)} ticks) = ${msText(f.elapsedNs)} ms`,
    `Δstolen ${msText(f.deltaStolenNs)} ms`,
  ];
  if (c.carriedInNs !== 0) lines.push(`carry: + ${msText(c.carriedInNs)} ms carried`);
  if (f.deltaStolenNs + c.carriedInNs > f.elapsedNs) lines.push(`clamped to ${msText(f.elapsedNs)} ms`);
  if (c.carriedOutNs !== 0 || d.droppedNs !== 0)
    lines.push(`carry keeps ${msText(c.carriedOutNs)} ms, drop drops ${msText(d.droppedNs)} ms`);
  lines.push(
    c.chargedNs === d.chargedNs
      ? `charged ${msText(c.chargedNs)} ms`
      : `charged: carry ${msText(c.chargedNs)} ms, drop ${msText(d.chargedNs)} ms`,
  );
  return lines.join('<br/>');
}

function stepLabel(step: WalkStep, figures: SliceFigures | undefined, anomalies: readonly string[]): string {
  if (step.kind === 'guard') return `${step.name} ${step.result ? '✓' : '✗'}`;
  if (step.name === 'chargeSlice' && figures !== undefined) return chargeLabel(figures);
  if (step.name === 'recordStealAnomaly') return `recordStealAnomaly<br/>${anomalies.at(-1) ?? ''}`;
  const params = step.params as { kind?: string } | null;
  return params?.kind === undefined ? step.name : `${step.name}(${params.kind})`;
}

/**
 * The flowchart: the states the task passes through, each event a box of the guards and actions it ran, in order.
 * @param states - the walk under one policy (the steps are the same under both)
 * @param figures - each slice's numbers, for the chargeSlice nodes
 * @returns the Mermaid source
 */
export function flowDiagram(states: readonly WalkState[], figures: readonly SliceFigures[]): string {
  const out = ['flowchart TD', '  S0(["unknown"])'];
  let previous = 'S0';
  let previousAnomalies = 0;
  for (const [i, s] of states.entries()) {
    const n = String(i + 1);
    const e = s.event;
    const title = `${n} · ${e.type}: counter ${grouped(e.counter)}, stolen total ${msText(e.stolenTotalNs)} ms`;
    out.push(`  subgraph E${n}[${label(title)}]`, '    direction LR');
    const fig = e.type === 'preempt' ? figures.find((f) => f.slice === e.slice) : undefined;
    const fresh = s.anomalies.slice(previousAnomalies);
    // The guards XState tried, in order, in one hexagon (one line each); then each action, in order.
    const guards = s.steps.filter((step) => step.kind === 'guard');
    const ids = guards.length === 0 ? [] : [`E${n}G`];
    if (guards.length !== 0)
      out.push(`    E${n}G{{${label(guards.map((g) => stepLabel(g, fig, fresh)).join('<br/>'))}}}`);
    for (const [k, step] of s.steps.filter((x) => x.kind === 'action').entries()) {
      const id = `E${n}A${String(k + 1)}`;
      out.push(`    ${id}[${label(stepLabel(step, fig, fresh))}]`);
      ids.push(id);
    }
    if (ids.length > 1) out.push(`    ${ids.join(' --> ')}`);
    out.push('  end', `  S${n}(["${s.state}"])`, `  ${previous} -- ${e.type} --> E${n} --> S${n}`);
    previous = `S${n}`;
    previousAnomalies = s.anomalies.length;
  }
  return out.join('\n');
}

/** A box of the diagram read back: the event and the names of its guards and actions, in order. */
export interface FlowBox {
  /** The event type. */
  readonly event: string;
  /** Guards in order with their results. */
  readonly guards: readonly { readonly name: string; readonly result: boolean }[];
  /** Action names in order (params in parentheses dropped). */
  readonly actions: readonly string[];
}

/**
 * Reads a flow diagram back into its boxes (what the tests compare with the machine definition).
 * @param mermaid - {@link flowDiagram}'s text
 * @returns the boxes, in order
 */
export function readFlow(mermaid: string): FlowBox[] {
  const boxes: { event: string; guards: { name: string; result: boolean }[]; actions: string[] }[] = [];
  for (const line of mermaid.split('\n')) {
    const title = /^ {2}subgraph E\d+\["\d+ · (\w+):/.exec(line);
    if (title?.[1] !== undefined) boxes.push({ event: title[1], guards: [], actions: [] });
    const box = boxes.at(-1);
    const guards = /^ {4}E\d+G\{\{"(.*)"\}\}$/.exec(line)?.[1]?.split('<br/>') ?? [];
    for (const g of guards) {
      const m = /^(\w+) ([✓✗])$/.exec(g);
      if (box !== undefined && m?.[1] !== undefined) box.guards.push({ name: m[1], result: m[2] === '✓' });
    }
    const action = /^ {4}E\d+A\d+\["(\w+)/.exec(line);
    if (box !== undefined && action?.[1] !== undefined) box.actions.push(action[1]);
  }
  return boxes;
}
