import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagramFor, renderDiagramBlocks } from './diagram-blocks.ts';

const machinesMd = (): string => readFileSync(new URL('../docs/machines.md', import.meta.url), 'utf8');

/** A stateDiagram-v2's size: states declared, transitions (edges between states, not [*]) and the longest label. */
function size(diagram: string): { states: number; edges: number; longestLabel: number; lines: number } {
  const lines = diagram.trimEnd().split('\n');
  const edges = lines.filter((l) => / --> /.test(l) && !l.includes('[*]'));
  const labels = edges.map((l) => l.split(' : ').slice(1).join(' : '));
  return {
    states: lines.filter((l) => /^\s*state "/.test(l)).length,
    edges: edges.length,
    longestLabel: Math.max(0, ...labels.map((l) => l.length)),
    lines: lines.length,
  };
}

describe('docs/machines.md', () => {
  it('holds the diagrams generated from the current machine definitions (run `npm run docs:diagrams`)', () => {
    const text = machinesMd();
    expect(renderDiagramBlocks(text)).toBe(text);
  });

  it('shows the readable task view by default and the full edge set folded in a <details>', () => {
    const text = machinesMd();
    const lifecycle = text.indexOf('<!-- diagram:task:lifecycle -->');
    const full = text.indexOf('<!-- diagram:task -->');
    expect(lifecycle).toBeGreaterThan(0);
    expect(full).toBeGreaterThan(lifecycle);
    expect(text.lastIndexOf('<details>', full)).toBeGreaterThan(lifecycle); // the full diagram opens on demand
    expect(text.indexOf('</details>', full)).toBeGreaterThan(full);
  });
});

describe('the task diagram stays readable', () => {
  it('the lifecycle view: few states, few edges, short labels, no actions (cannot silently grow back)', () => {
    const diagram = diagramFor('task', 'lifecycle');
    const bounds = size(diagram);
    expect(bounds.states).toBeLessThanOrEqual(8);
    expect(bounds.edges).toBeLessThanOrEqual(16);
    expect(bounds.longestLabel).toBeLessThanOrEqual(32);
    expect(bounds.lines).toBeLessThanOrEqual(26);
    expect(diagram).not.toMatch(/\/ |note |<br\/>/); // no action lists, notes or stacked self-loop labels
    // the full diagram it summarises is several times larger: the bound measures something real
    const full = size(diagramFor('task', undefined));
    expect(full.edges).toBeGreaterThan(3 * bounds.edges);
  });

  it('the guard ladder: one decision per guarded transition, every path ends in a state or the fall-through', () => {
    const diagram = diagramFor('task', 'guards:running:preempt');
    const decisions = diagram.split('\n').filter((l) => /g\d+\{/.test(l));
    expect(decisions.length).toBe(4); // readingValid, then one per failing check
    expect(diagram.split('\n').length).toBeLessThanOrEqual(16);
    expect(diagram).toContain('s_preempted(["preempted"])');
  });
});
