// Replaces each `<!-- diagram:NAME[:VIEW] -->` … `<!-- /diagram -->` block with the diagram generated now. VIEW is
// `compact`, `lifecycle` or `guards:STATE:EVENT` (the guard ladder of one event in one state); none is every edge.
import { stableReadMachine, taskMachine, toMermaid, vcpuMachine, type MachineDefinition } from '../src/index.ts';
import { guardsMermaid } from '../src/export/mermaid-lifecycle.ts';

const MACHINES: Record<string, MachineDefinition> = {
  task: taskMachine,
  vcpu: vcpuMachine,
  'stable-read': stableReadMachine,
};

/** The marker of a generated block: machine name, then an optional view. */
export const DIAGRAM_BLOCK: RegExp =
  /<!-- diagram:([a-z-]+)(?::(compact|lifecycle|guards:[a-z.]+:[a-z]+))? -->\n[\s\S]*?<!-- \/diagram -->/g;

/** The diagram one marker asks for. */
export function diagramFor(name: string, view: string | undefined): string {
  const machine = MACHINES[name];
  if (machine === undefined) throw new Error(`docs: no machine named ${name}`);
  if (view?.startsWith('guards:') === true) {
    const [, state = '', event = ''] = view.split(':');
    return guardsMermaid(machine, state, event);
  }
  return toMermaid(machine, { compact: view === 'compact', lifecycle: view === 'lifecycle' });
}

export function renderDiagramBlocks(markdown: string): string {
  return markdown.replace(DIAGRAM_BLOCK, (_all, name: string, view: string | undefined) => {
    const marker = view === undefined ? name : `${name}:${view}`;
    return `<!-- diagram:${marker} -->\n\n\`\`\`mermaid\n${diagramFor(name, view)}\`\`\`\n\n<!-- /diagram -->`;
  });
}
