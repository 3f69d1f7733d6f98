import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The root entry must run anywhere (browsers, Deno, workers): nothing it reaches may import a node: module.
// Walk the built import graph from dist/index.js and collect every specifier.
function importGraph(entry: URL): { files: string[]; specifiers: string[] } {
  const seen = new Set<string>();
  const specifiers: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const url = queue.pop() as URL;
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    const code = readFileSync(url, 'utf8');
    for (const m of code.matchAll(
      /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      const spec = m[1] ?? m[2] ?? '';
      specifiers.push(spec);
      if (spec.startsWith('.')) queue.push(new URL(spec, url));
    }
  }
  return { files: [...seen], specifiers };
}

describe('the root entry is runtime-neutral', () => {
  it('imports no node: module, directly or through any file it reaches', () => {
    const { files, specifiers } = importGraph(new URL('../dist/index.js', import.meta.url));
    expect(files.length).toBeGreaterThan(5);
    expect(
      specifiers.filter((s) => s.startsWith('node:') || ['fs', 'path', 'os', 'worker_threads'].includes(s)),
    ).toEqual([]);
  });

  it('schedacct/protocol is runtime-neutral too; schedacct/protocol/node is where its transports import node:net', () => {
    const { files, specifiers } = importGraph(new URL('../dist/protocol.js', import.meta.url));
    expect(files.some((f) => f.endsWith('/protocol/session.js'))).toBe(true);
    expect(specifiers.filter((s) => s.startsWith('node:'))).toEqual([]);
    expect(importGraph(new URL('../dist/protocol/node.js', import.meta.url)).specifiers).toContain('node:net');
  });

  it('package.json exports both protocol entries', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, { default: string; types: string }>;
      files: string[];
    };
    expect(pkg.exports['./protocol']).toEqual({ types: './dist/protocol.d.ts', default: './dist/protocol.js' });
    expect(pkg.exports['./protocol/node']).toEqual({
      types: './dist/protocol/node.d.ts',
      default: './dist/protocol/node.js',
    });
    expect(pkg.files).toEqual(expect.arrayContaining(['schema', 'conformance']));
  });

  it('the walker does see node: imports where they exist (the CLI)', () => {
    const { specifiers } = importGraph(new URL('../dist/cli/main.js', import.meta.url));
    expect(specifiers).toContain('node:fs');
  });
});
