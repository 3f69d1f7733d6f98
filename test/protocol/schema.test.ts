// The protocol's JSON Schema: the committed files are what the types generate; it has a definition per request and
// reply type; and it holds for real traffic: every request and reply line of every conformance transcript.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METHODS, protocolSchema, type JsonSchema } from '../../src/protocol.ts';
import { validate } from '../sim/json-schema.ts';
import { linesOf, transcripts } from './transcript.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const schema = protocolSchema();
const defs = schema.$defs as Record<string, JsonSchema>;
const check = (def: string, value: unknown): string[] => validate({ $ref: `#/$defs/${def}` }, value, '$', schema);

// The reply type of each method's result (snapshot.set and bye answer an empty object).
const REPLY_OF: Record<string, string> = {
  hello: 'HelloReply',
  'model.open': 'ModelOpenReply',
  'step.open': 'StepOpenReply',
  'vcpu.state': 'VcpuReply',
  'vcpu.steal': 'VcpuReply',
  'task.event': 'TaskEventReply',
  step: 'StepReply',
  'ledger.get': 'LedgerReply',
  'anomalies.get': 'AnomaliesReply',
  'snapshot.get': 'SnapshotReply',
  'snapshot.set': 'EmptyReply',
  bye: 'EmptyReply',
};
// The errors a request the schema refuses may get (anything else means the schema and the session disagree).
const SHAPE_ERRORS = ['parse-error', 'invalid-request', 'unknown-method', 'invalid-params', 'batch-aborted'];

const parse = (line: string): unknown => {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
};

describe('the protocol schema', () => {
  it('is what src/protocol/types.ts generates (npm run schema), in both committed files', () => {
    const run = spawnSync(process.execPath, ['scripts/protocol-schema.mjs', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(readFileSync(`${ROOT}schema/protocol.schema.json`, 'utf8'))).toEqual(schema);
  }, 60_000);

  it('has a definition per request (its method a const) and per reply, plus the whole lines', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const methodOf = (def: JsonSchema | undefined) =>
      (def?.properties as Record<string, JsonSchema | undefined> | undefined)?.method?.const;
    const requests = Object.keys(defs).filter((n) => n.endsWith('Request') && !['Request', 'RequestBase'].includes(n));
    expect(requests.map((n) => methodOf(defs[n])).sort()).toEqual([...METHODS].sort());
    for (const name of [
      ...new Set(Object.values(REPLY_OF)),
      'ErrorReply',
      'Request',
      'Reply',
      'RequestLine',
      'ReplyLine',
    ])
      expect(defs[name], name).toBeDefined();
    expect(defs.U64?.pattern).toBe('^(0|[1-9][0-9]{0,19})$');
  });

  it('refuses what the types refuse (the checker is not vacuous)', () => {
    const ok = { id: 1, now: '5', method: 'ledger.get' };
    expect(check('RequestLine', ok)).toEqual([]);
    expect(check('RequestLine', [ok, { ...ok, id: 'b' }])).toEqual([]);
    for (const bad of [
      { ...ok, now: 5 },
      { ...ok, now: '05' },
      { ...ok, now: '123456789012345678901' },
      { ...ok, method: 'ledger.put' },
      { ...ok, extra: true },
      { id: 1, now: '5', method: 'task.event', params: { task: 1, type: 'teleport', vcpu: 0 } },
      { id: 1, now: '5', method: 'task.event', params: { task: 1, type: 'create' } },
    ])
      expect(check('RequestLine', bad), JSON.stringify(bad)).not.toEqual([]);
    expect(check('ErrorReply', { id: null, error: { code: 'teapot', message: 'm', path: '' } })).not.toEqual([]);
  });

  for (const t of transcripts()) {
    it(`holds for every line of the ${t.name} transcript`, () => {
      const requests = linesOf(readFileSync(t.inPath, 'utf8'));
      const replies = linesOf(readFileSync(t.outPath, 'utf8'));
      expect(replies.length).toBeGreaterThan(0);
      replies.forEach((replyLine, i) => {
        const reply = JSON.parse(replyLine) as unknown;
        const request = parse(requests[i] ?? '');
        const at = `${t.name} line ${String(i + 1)}`;
        expect(check('ReplyLine', reply), at).toEqual([]);
        // a batch refused as a whole (say, the feature not granted) has one error reply: only the line is checked
        const pairs: [unknown, unknown][] = Array.isArray(reply)
          ? reply.map((r, k) => [(request as unknown[])[k], r])
          : Array.isArray(request)
            ? []
            : [[request, reply]];
        for (const [one, answer] of pairs) {
          const code = (answer as { error?: { code: string } }).error?.code;
          if (check('Request', one).length > 0) expect(SHAPE_ERRORS, `${at}: refused by the schema`).toContain(code);
          if (code !== undefined) continue;
          const method = (one as { method: string }).method;
          expect(check(REPLY_OF[method] ?? 'no such method', answer), `${at} (${method})`).toEqual([]);
        }
      });
    });
  }
});
