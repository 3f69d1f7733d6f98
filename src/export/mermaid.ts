/**
 * Mermaid `stateDiagram-v2` generated from a machine definition: every state (with its description as a note) and
 * every transition (event, guard, actions) is read from `machine.root`, so the diagram cannot drift from the code.
 * @module
 */
import { checkMachine, checkOptionalBoolean, checkOptions } from '../check.js';
import type { AnyStateNode, AnyTransitionDefinition } from 'xstate';
import type { MachineDefinition } from '../machines/compile.js';
import { readAction, readGuard, type GuardRef } from '../machines/definition.js';
import { lifecycleMermaid } from './mermaid-lifecycle.js';

function guardRefText(ref: GuardRef): string {
  if (ref.kind === 'named') return ref.type;
  if (ref.kind === 'inline') return 'inline';
  const parts = ref.of.map(guardRefText);
  if (ref.kind === 'not') return `¬${parts[0] ?? ''}`;
  return parts.join(ref.kind === 'and' ? ' ∧ ' : ' ∨ ');
}

/**
 * A guard as text: named guards by name, `not`/`and`/`or` as `¬`, `∧`, `∨`.
 * @param guard - a guard from a transition definition
 * @returns its text
 */
export function guardText(guard: unknown): string {
  return guardRefText(readGuard(guard));
}

/**
 * An action as text: its name, with parameter values in parentheses.
 * @param action - an action from a transition definition
 * @returns its text
 */
export function actionText(action: unknown): string {
  const ref = readAction(action);
  if (ref.kind === 'inline') return 'inline';
  const { params } = ref;
  const values = typeof params === 'object' && params !== null ? Object.values(params).map(String) : [];
  return values.length > 0 ? `${ref.type}(${values.join(', ')})` : ref.type;
}

const id = (node: AnyStateNode): string => (node.path.length === 0 ? 'root' : node.path.join('_'));

/** Options of {@link toMermaid}. */
export interface MermaidOptions {
  /** Leave out the action lists (guards and events stay). Default false. */
  readonly hideActions?: boolean;
  /**
   * Draw one edge per source, event and target: the first transition of the group (the ordinary path), with the
   * number of further guarded alternatives (the anomaly paths) in the label. Default false: every transition.
   */
  readonly compact?: boolean;
  /**
   * Draw the lifecycle only, the view a person can follow: top-level states, one edge per pair of states with its
   * events and the number of guarded (anomaly) paths folded in; no actions, self-loops, notes or root transitions.
   * Default false. `compact` and `hideActions` do not apply to it.
   */
  readonly lifecycle?: boolean;
}

/**
 * The machine as a Mermaid `stateDiagram-v2`.
 * @param machine - any XState machine with named guards and actions
 * @param options - see {@link MermaidOptions}
 * @returns the diagram's text
 * @throws {@link SchedacctError} `invalid-argument` for a machine that is not an XState machine, or options that are not
 * an object of booleans
 * @example
 * ```ts
 * console.log(toMermaid(taskMachine)); // paste into any Mermaid renderer
 * console.log(toMermaid(taskMachine, { lifecycle: true })); // the readable view
 * ```
 */
export function toMermaid(machine: MachineDefinition, options: MermaidOptions = {}): string {
  checkMachine('machine', machine);
  checkOptions('options', options);
  for (const name of ['compact', 'hideActions', 'lifecycle'] as const)
    checkOptionalBoolean(`options.${name}`, options[name]);
  if (options.lifecycle === true) return lifecycleMermaid(machine);
  const root = machine.root;
  const lines = ['stateDiagram-v2'];
  const label = (event: string, t: AnyTransitionDefinition): string => {
    let text = event;
    if (t.guard !== undefined) text += ` [${guardText(t.guard)}]`;
    if (options.hideActions !== true && t.actions.length > 0) text += ` / ${t.actions.map(actionText).join(', ')}`;
    return text.replaceAll(':', ' ').replaceAll(';', ',');
  };
  const edges: string[] = [];
  const declare = (node: AnyStateNode, indent: string): void => {
    const children = Object.values(node.states);
    if (node !== root) {
      if (children.length > 0) lines.push(`${indent}state "${node.key}" as ${id(node)} {`);
      else lines.push(`${indent}state "${node.key}" as ${id(node)}`);
    }
    const inner = node === root ? indent : `${indent}  `;
    const initial = node.initial.target[0];
    if (children.length > 0 && initial !== undefined) lines.push(`${inner}[*] --> ${id(initial)}`);
    for (const child of children) declare(child, inner);
    if (node !== root && children.length > 0) lines.push(`${indent}}`);
    if (node.type === 'final') edges.push(`${id(node)} --> [*]`);
    if (node.description !== undefined && node !== root) {
      edges.push(`note right of ${id(node)}`, `  ${node.description.replaceAll(':', ' –')}`, 'end note');
    }
    if (node === root) return;
    // Mermaid draws only the last of several self-loops on a state (mermaid-js/mermaid#6034), so a state's
    // self-loops become one edge with one label line each.
    const loops: string[] = [];
    const edge = (target: AnyStateNode, text: string): void => {
      if (target === node) loops.push(text);
      else edges.push(`${id(node)} --> ${id(target)} : ${text}`);
    };
    for (const [event, transitions] of node.transitions) {
      if (options.compact === true) {
        const groups = new Map<AnyStateNode, AnyTransitionDefinition[]>();
        for (const t of transitions) {
          const target = t.target?.[0] ?? node;
          groups.set(target, [...(groups.get(target) ?? []), t]);
        }
        for (const [target, group] of groups) {
          const main = group[0];
          if (main === undefined) continue;
          const more = group.length > 1 ? ` (+${String(group.length - 1)} guarded)` : '';
          edge(target, `${label(event, main)}${more}`);
        }
        continue;
      }
      for (const t of transitions) edge(t.target?.[0] ?? node, label(event, t));
    }
    if (loops.length > 0) edges.push(`${id(node)} --> ${id(node)} : ${loops.join('<br/>')}`);
  };
  declare(root, '  ');
  lines.push(...edges.map((e) => `  ${e}`));
  if (root.transitions.size > 0) {
    // Root transitions apply in every state that does not handle the event itself.
    const first = root.initial.target[0];
    const text = [...root.transitions].flatMap(([event, ts]) => ts.map((t) => label(event, t)));
    if (first !== undefined)
      lines.push(
        `  note left of ${id(first)}`,
        '    in any state that does not handle it',
        ...text.map((t) => `    ${t}`),
        '  end note',
      );
  }
  return `${lines.join('\n')}\n`;
}
