// Valid arguments for every export of `schedacct/protocol` and `schedacct/protocol/node` (see api-misuse-cases.ts):
// each called by test/api-misuse.test.ts with bad values.
import { PassThrough, Readable } from 'node:stream';
import * as protocol from '../src/protocol.js';
import * as protocolNode from '../src/protocol/node.js';
import { ctor, fn, method, type Case } from './api-misuse-cases.js';

const HELLO = '{"id":1,"now":"0","method":"hello","params":{"protocol":"schedacct","version":"1"}}\n';

/** The cases of `schedacct/protocol`. */
export function protocolCases(): Case[] {
  return [
    fn('createSession', protocol.createSession, ['options'], () => [{ engine: 'compiled', log: () => undefined }]),
    fn('protocolSchema', protocol.protocolSchema, [], () => []),
    ctor('ProtocolError', protocol.ProtocolError, ['code', 'message', 'path'], () => ['invalid-params', 'm', 'vcpu'], {
      unchecked: true,
    }),
    method(
      'ProtocolError#toWire',
      () => new protocol.ProtocolError('invalid-params', 'm', 'vcpu'),
      (e, a) => e.toWire(...(a as [string])),
      ['prefix'],
      () => ['params'],
    ),
    ctor('SchedacctError', protocol.SchedacctError, ['code', 'message'], () => ['invalid-argument', 'm'], {
      unchecked: true,
    }),
  ];
}

// A server listened on and closed at once: the case judges the call, and leaves nothing listening.
async function listenAndClose(options: protocolNode.ListenOptions): Promise<{ address: string }> {
  const server = await protocolNode.listen(options);
  await server.close();
  return { address: server.address };
}

/** The cases of `schedacct/protocol/node`. */
export function protocolNodeCases(): Case[] {
  return [
    fn('serveStdio', protocolNode.serveStdio, ['options'], () => [
      { input: Readable.from([HELLO]), output: new PassThrough(), log: () => undefined, engine: 'compiled' },
    ]),
    fn('listen', listenAndClose, ['options'], () => [
      { port: 0, host: '127.0.0.1', allowRemote: false, log: () => undefined, engine: 'compiled' },
    ]),
    ctor('SchedacctError', protocolNode.SchedacctError, ['code', 'message'], () => ['invalid-argument', 'm'], {
      unchecked: true,
    }),
  ];
}
