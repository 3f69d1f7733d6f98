/**
 * Node only: the protocol's transports on standard streams and sockets.
 *
 * `schedacct/protocol/node`: the protocol's transports, Node only: one session on a pair of streams (standard input
 * and output, as `schedacct serve --stdio`; or any socket), and a server on a Unix socket or a loopback TCP port
 * whose connections are each a session of their own. The messages and the in-process session are in
 * `schedacct/protocol`.
 * @module schedacct/protocol/node
 */
export { listen, serveStdio } from './serve.js';
export { SchedacctError } from '../errors.js';

export type {
  ListenAddress,
  ListenOptions,
  ProtocolServer,
  ServeEnd,
  ServeOutcome,
  ServeStdioOptions,
} from './serve.js';
