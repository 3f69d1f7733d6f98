// The entries of the simulator: `schedacct/sim` runtime-neutral (no node: module anywhere in its built import graph),
// the Node-only parts in `schedacct/sim/node`; both wired into package.json's exports.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as sim from '../../src/sim.js';
import * as simNode from '../../src/sim/node.js';

function importGraph(entry: URL): string[] {
  const seen = new Set<string>();
  const specifiers: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const url = queue.pop() as URL;
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    for (const m of readFileSync(url, 'utf8').matchAll(
      /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      const spec = m[1] ?? m[2] ?? '';
      specifiers.push(spec);
      if (spec.startsWith('.')) queue.push(new URL(spec, url));
    }
  }
  return specifiers;
}

describe('the simulator entries', () => {
  it('schedacct/sim imports no node: module, directly or through any file it reaches; schedacct/sim/node does', () => {
    const neutral = importGraph(new URL('../../dist/sim.js', import.meta.url));
    expect(neutral.length).toBeGreaterThan(10);
    expect(neutral.filter((s) => s.startsWith('node:'))).toEqual([]);
    expect(importGraph(new URL('../../dist/sim/node.js', import.meta.url))).toContain('node:worker_threads');
  });

  it('package.json exports both, and each exports what it says', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, { default: string }>;
    };
    expect(pkg.exports['./sim']?.default).toBe('./dist/sim.js');
    expect(pkg.exports['./sim/node']?.default).toBe('./dist/sim/node.js');
    for (const name of [
      'simulate',
      'resolveScenario',
      'ScenarioError',
      'expandRuns',
      'shardRuns',
      'builtinPolicy',
      'parseKernel',
      'SimMetrics',
      'jain',
      'fairness',
      'textReport',
      'jsonReport',
      'FtraceWriter',
    ])
      expect({ name, type: typeof (sim as Record<string, unknown>)[name] }).toEqual({ name, type: 'function' });
    expect(Object.keys(simNode).sort()).toEqual([
      'ScenarioError',
      'SchedacctError',
      'loadInputs',
      'loadPolicy',
      'runRuns',
    ]);
  });
});
