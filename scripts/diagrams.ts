// Writes the generated Mermaid diagrams into docs/machines.md between the markers. `npm test` checks they are
// current (test/docs-diagrams.test.ts), so the documentation cannot drift from the machine definitions.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderDiagramBlocks } from '../test/diagram-blocks.ts';

const path = new URL('../docs/machines.md', import.meta.url);
const text = readFileSync(path, 'utf8');
const next = renderDiagramBlocks(text);
if (next !== text) {
  writeFileSync(path, next);
  console.log('docs/machines.md: diagrams regenerated');
} else {
  console.log('docs/machines.md: diagrams already current');
}
