/**
 * The lifecycle view of a machine: the diagram a person can follow, derived from the same definition as the full one.
 * @module
 */
import type { AnyStateNode } from 'xstate';
import type { MachineDefinition } from '../machines/compile.js';
import { argError } from '../check.js';
import { actionText, guardText } from './mermaid.js';

/** What the lifecycle view drew: one edge per pair of top-level states, with the events and guarded paths folded in. */
interface LifecycleEdge {
  readonly events: string[];
  /** transitions beyond the first of each (state, event, target) group: the anomaly paths */
  guarded: number;
}

const topId = (node: AnyStateNode): string => node.path[0] ?? 'root';

function descendants(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...descendants(child)]);
}

function collectEdges(root: AnyStateNode): Map<string, LifecycleEdge> {
  const edges = new Map<string, LifecycleEdge>();
  for (const node of descendants(root)) {
    for (const [event, transitions] of node.transitions) {
      const targets = new Set<AnyStateNode>();
      for (const t of transitions) {
        const target = t.target?.[0] ?? node;
        // a self-loop (a wakeup while running, a migration) does not move the lifecycle: the full view has it
        if (topId(target) === topId(node)) continue;
        const key = `${topId(node)} --> ${topId(target)}`;
        const edge = edges.get(key) ?? { events: [], guarded: 0 };
        if (!edge.events.includes(event)) edge.events.push(event);
        if (targets.has(target)) edge.guarded += 1;
        targets.add(target);
        edges.set(key, edge);
      }
    }
  }
  return edges;
}

/**
 * The machine as a small `stateDiagram-v2`: top-level states only (a compound state drawn as one), one edge per
 * pair of states labelled with its events and the number of guarded (anomaly) paths folded into it; no actions,
 * no self-loops, no notes, no root transitions. {@link toMermaid} without `lifecycle` keeps every transition.
 * @param machine - a machine already checked by {@link toMermaid}
 * @returns the diagram's text
 * @internal
 */
export function lifecycleMermaid(machine: MachineDefinition): string {
  const root = machine.root;
  const lines = ['stateDiagram-v2'];
  const initial = root.initial.target[0];
  if (initial !== undefined) lines.push(`  [*] --> ${topId(initial)}`);
  const tops = Object.values(root.states);
  for (const state of tops) lines.push(`  state "${state.key}" as ${topId(state)}`);
  for (const [key, edge] of collectEdges(root)) {
    const more = edge.guarded > 0 ? ` (+${String(edge.guarded)} guarded)` : '';
    lines.push(`  ${key} : ${edge.events.join(', ')}${more}`);
  }
  for (const state of tops) if (state.type === 'final') lines.push(`  ${topId(state)} --> [*]`);
  return `${lines.join('\n')}\n`;
}

function stateAt(root: AnyStateNode, path: string): AnyStateNode {
  let node = root;
  for (const key of path.split('.')) {
    const next = node.states[key];
    if (next === undefined) throw argError('invalid-argument', 'state', 'a state path of the machine', path);
    node = next;
  }
  return node;
}

/**
 * The guard ladder of one event in one state as a Mermaid flowchart: XState tries the transitions in order, so each
 * guard is a decision whose "no" leads to the next; each "yes" to the actions it runs and the state it reaches.
 * @param machine - the machine
 * @param state - a dotted state path (`running`, `blocked.sleep`)
 * @param event - an event the state handles
 * @returns the flowchart's text
 * @throws {@link SchedacctError} `invalid-argument` for a state the machine lacks or an event it does not handle
 * @internal
 */
export function guardsMermaid(machine: MachineDefinition, state: string, event: string): string {
  const node = stateAt(machine.root, state);
  const transitions = node.transitions.get(event);
  if (transitions === undefined) throw argError('invalid-argument', 'event', `an event ${state} handles`, event);
  const quote = (text: string): string => `"${text.replaceAll('"', "'")}"`;
  const lines = ['flowchart TD', `  event([${quote(`${event} in ${state}`)}])`];
  let from = 'event';
  let branch = '';
  transitions.forEach((t, i) => {
    const target = t.target?.[0] ?? node;
    const actions = t.actions.length > 0 ? t.actions.map(actionText).join(', ') : '(no actions)';
    if (t.guard !== undefined) {
      lines.push(`  ${from} ${branch}--> g${String(i)}{${quote(guardText(t.guard))}}`);
      from = `g${String(i)}`;
      branch = '-- no ';
    }
    lines.push(`  ${from} ${t.guard !== undefined ? '-- yes ' : branch}--> a${String(i)}[${quote(actions)}]`);
    lines.push(`  a${String(i)} --> s_${target.path.join('_')}([${quote(target.path.join('.'))}])`);
    if (t.guard === undefined) from = '';
  });
  if (from !== '') lines.push(`  ${from} ${branch}--> none[${quote('none taken here: the enclosing state decides')}]`);
  return `${lines.join('\n')}\n`;
}
