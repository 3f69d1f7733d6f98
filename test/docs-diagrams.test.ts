import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderDiagramBlocks } from './diagram-blocks.ts';

describe('docs/machines.md', () => {
  it('holds the diagrams generated from the current machine definitions (run `npm run docs:diagrams`)', () => {
    const text = readFileSync(new URL('../docs/machines.md', import.meta.url), 'utf8');
    expect(text).toMatch(/<!-- diagram:task:compact -->/);
    expect(renderDiagramBlocks(text)).toBe(text);
  });
});
