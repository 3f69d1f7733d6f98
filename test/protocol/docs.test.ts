// docs/protocol.md against the server: its worked session is what a session answers, line for line, and it
// documents every method, every error code and every feature.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSession, FEATURES, METHODS, protocolSchema, type JsonSchema } from '../../src/protocol.ts';

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

// The first fenced block after a heading, as its lines.
function blockAfter(heading: string): string[] {
  const at = doc.indexOf(`\n${heading}\n`);
  if (at === -1) throw new Error(`no heading ${heading}`);
  const open = doc.indexOf('\n```', at);
  const start = doc.indexOf('\n', open + 1) + 1;
  const end = doc.indexOf('\n```', start);
  return doc.slice(start, end).split('\n');
}

describe('docs/protocol.md', () => {
  it.each(['## A worked session', '### A step-mode session'])(
    '%s is what the server answers, reply for reply',
    (heading) => {
      const lines = blockAfter(heading);
      const requests = lines.filter((l) => l.startsWith('→ ')).map((l) => l.slice(2));
      const replies = lines.filter((l) => l.startsWith('← ')).map((l) => l.slice(2));
      expect(requests.length).toBeGreaterThan(6);
      expect(lines.length).toBe(requests.length + replies.length);
      const session = createSession();
      expect(requests.map((l) => session.requestLine(l))).toEqual(replies);
      expect(session.closed).toBe(true);
    },
  );

  it('documents every method, error code and feature', () => {
    const codes = (protocolSchema().$defs as Record<string, JsonSchema>).ErrorCode?.enum as string[];
    expect(codes.length).toBeGreaterThan(10);
    for (const name of [...METHODS, ...codes, ...FEATURES]) expect(doc, name).toContain(`| \`${name}\``);
  });
});
