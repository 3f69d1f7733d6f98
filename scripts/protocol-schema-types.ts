// What scripts/protocol-schema.mjs generates the protocol's JSON Schema from: every message type of
// src/protocol/types.ts, and a reply type per method (OkReply of the method's result), which types.ts leaves generic.
import type {
  AnomaliesResult,
  ErrorReply,
  HelloResult,
  LedgerResult,
  ModelOpenResult,
  OkReply,
  Request,
  SnapshotResult,
  StepOpenResult,
  StepResult,
  TaskEventResult,
  VcpuResult,
} from '../src/protocol/types.ts';

export type * from '../src/protocol/types.ts';

/** `hello`'s reply. */
export type HelloReply = OkReply<HelloResult>;
/** `model.open`'s reply. */
export type ModelOpenReply = OkReply<ModelOpenResult>;
/** `step.open`'s reply. */
export type StepOpenReply = OkReply<StepOpenResult>;
/** `vcpu.state`'s and `vcpu.steal`'s reply. */
export type VcpuReply = OkReply<VcpuResult>;
/** `task.event`'s reply. */
export type TaskEventReply = OkReply<TaskEventResult>;
/** `step`'s reply. */
export type StepReply = OkReply<StepResult>;
/** `ledger.get`'s reply. */
export type LedgerReply = OkReply<LedgerResult>;
/** `anomalies.get`'s reply. */
export type AnomaliesReply = OkReply<AnomaliesResult>;
/** `snapshot.get`'s reply. */
export type SnapshotReply = OkReply<SnapshotResult>;
/** `snapshot.set`'s and `bye`'s reply: the result is an empty object. */
export type EmptyReply = OkReply<Record<string, never>>;

/** One request line: a request, or a batch of them (a JSON array), applied whole or not at all. */
export type RequestLine = Request | Request[];
/** One reply line: a reply, or (to a batch) an array of them, one per request in order. */
export type ReplyLine = Reply | Reply[];
/** Any reply: an error, or the reply of one of the methods. */
export type Reply =
  | ErrorReply
  | HelloReply
  | ModelOpenReply
  | StepOpenReply
  | VcpuReply
  | TaskEventReply
  | StepReply
  | LedgerReply
  | AnomaliesReply
  | SnapshotReply
  | EmptyReply;
