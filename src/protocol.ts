/**
 * Driving the accounting model from another simulator with JSON messages.
 *
 * `schedacct/protocol`: another simulator's host drives the accounting model with JSON messages: the in-process
 * session (`createSession().request(message)`, the same messages `schedacct serve` answers on its standard input),
 * the message types, the protocol's constants and its JSON Schema. Runtime-neutral: the transports (standard
 * streams, sockets) are in `schedacct/protocol/node`.
 * @module schedacct/protocol
 */
export { createSession } from './protocol/session.js';
export { ProtocolError } from './protocol/errors.js';
export { protocolSchema } from './protocol/schema.js';
export {
  FEATURES,
  MAX_BATCH,
  MAX_LINE_BYTES,
  MAX_REPLY_CHARS,
  METHODS,
  PROTOCOL_NAME,
  PROTOCOL_VERSION,
} from './protocol/types.js';
export { SchedacctError } from './errors.js';

export type { JsonSchema } from './sim/schema.js';
export type {
  AnomaliesGetRequest,
  AnomaliesResult,
  ByeRequest,
  Charge,
  ErrorCode,
  ErrorReply,
  Feature,
  HelloRequest,
  HelloResult,
  LedgerGetRequest,
  LedgerResult,
  Method,
  ModelOpenRequest,
  ModelOpenResult,
  OkReply,
  Reply,
  Request,
  RequestBase,
  RequestId,
  Session,
  SessionOptions,
  SessionSnapshot,
  SnapshotGetRequest,
  SnapshotResult,
  SnapshotSetRequest,
  StepEvent,
  StepOpenRequest,
  StepOpenResult,
  StepReason,
  StepRequest,
  StepResult,
  TaskEventRequest,
  TaskEventResult,
  TaskEventType,
  U64,
  VcpuResult,
  VcpuState,
  VcpuStateRequest,
  VcpuStealRequest,
  WireAnomaly,
  WireError,
  WireReading,
  WireTaskState,
  WireTotals,
  WireVcpu,
} from './protocol/types.js';
