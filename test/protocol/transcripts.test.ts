// The conformance transcripts (conformance/*.in.jsonl → *.out.jsonl) replayed two ways, byte for byte: through an
// in-process session's requestLine, and through the built `schedacct serve --stdio`, as any client replays them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN } from './serve-helpers.ts';
import { replayTranscript, transcripts } from './transcript.ts';

const TIMEOUT = 60_000;
const all = transcripts();

describe('conformance transcripts', () => {
  it('include the handshake transcript and pair every request file with its replies', () => {
    expect(all.map((t) => t.name)).toContain('hello');
    for (const t of all) expect(() => readFileSync(t.outPath), t.outPath).not.toThrow();
  });

  for (const t of all) {
    it(`${t.name}: an in-process session answers exactly ${t.name}.out.jsonl`, () => {
      const { got, want } = replayTranscript(t);
      expect(got).toBe(want);
    });

    it(
      `${t.name}: schedacct serve --stdio answers exactly ${t.name}.out.jsonl`,
      () => {
        const run = spawnSync(process.execPath, [BIN, 'serve', '--stdio', '--quiet'], {
          input: readFileSync(t.inPath),
          encoding: 'utf8',
          maxBuffer: 1 << 28,
        });
        expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
        expect(run.stdout).toBe(readFileSync(t.outPath, 'utf8'));
      },
      TIMEOUT,
    );
  }
});
