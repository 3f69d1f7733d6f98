// The conformance transcripts (conformance/NAME.in.jsonl → NAME.out.jsonl): read, and replayed in process through
// createSession().requestLine, as any client replays them through `schedacct serve --stdio`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSession } from '../../src/protocol.ts';

/** The folder of the transcripts. */
export const CONFORMANCE = fileURLToPath(new URL('../../conformance/', import.meta.url));

/** One transcript: its name and the paths of its two files. */
export interface Transcript {
  readonly name: string;
  readonly inPath: string;
  readonly outPath: string;
}

/** Every transcript, by name. */
export function transcripts(): Transcript[] {
  return readdirSync(CONFORMANCE)
    .filter((f) => f.endsWith('.in.jsonl'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.in.jsonl'.length);
      return { name, inPath: join(CONFORMANCE, f), outPath: join(CONFORMANCE, `${name}.out.jsonl`) };
    });
}

/** A file's lines as a transport reads them: split at `\n`, the empty piece after the last newline not a line. */
export function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** The reply text a session gives a transcript's request lines: a line each, until `bye` closes it. */
export function replay(requestText: string): string {
  const session = createSession();
  const out: string[] = [];
  for (const line of linesOf(requestText)) {
    out.push(session.requestLine(line));
    if (session.closed) break;
  }
  return out.map((l) => `${l}\n`).join('');
}

/** A transcript's replay, and what its out file holds. */
export function replayTranscript(t: Transcript): { readonly got: string; readonly want: string } {
  return { got: replay(readFileSync(t.inPath, 'utf8')), want: readFileSync(t.outPath, 'utf8') };
}
