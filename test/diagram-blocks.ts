// Replaces each `<!-- diagram:NAME[:compact] -->` … `<!-- /diagram -->` block with the diagram generated now.
import { stableReadMachine, taskMachine, toMermaid, vcpuMachine, type MachineDefinition } from '../src/index.ts';

const MACHINES: Record<string, MachineDefinition> = {
  task: taskMachine,
  vcpu: vcpuMachine,
  'stable-read': stableReadMachine,
};

export function renderDiagramBlocks(markdown: string): string {
  return markdown.replace(
    /<!-- diagram:([a-z-]+)(:compact)? -->\n[\s\S]*?<!-- \/diagram -->/g,
    (_all, name: string, compact: string | undefined) => {
      const machine = MACHINES[name];
      if (machine === undefined) throw new Error(`docs: no machine named ${name}`);
      const diagram = toMermaid(machine, { compact: compact !== undefined });
      return `<!-- diagram:${name}${compact ?? ''} -->\n\n\`\`\`mermaid\n${diagram}\`\`\`\n\n<!-- /diagram -->`;
    },
  );
}
