/**
 * schedacct: how a guest kernel charges CPU time to tasks when the hypervisor steals the CPU.
 *
 * This entry is runtime-neutral (no `node:` imports): the accounting core and, as they land, the machines,
 * emulated sources, trace readers and simulator.
 * @packageDocumentation
 */
export { ANOMALY_KINDS, anomalyError } from './accounting/anomaly.js';
export {
  calcMaxNs,
  calcMultShift,
  clocksourceParams,
  COUNTER_BACKWARDS,
  counterDelta,
  counterMask,
  counterWidthForHz,
  createConversion,
  ExactConversion,
  KernelConversion,
  MAX_COUNTER_WIDTH,
  MIN_COUNTER_WIDTH,
  NSEC_PER_SEC,
  schedClockParams,
} from './accounting/counter.js';
export {
  bookDelayTotals,
  bookSliceTotals,
  bookWaitTotals,
  emptyTotals,
  Ledger,
  TaskAccount,
} from './accounting/ledger.js';
export { anomalyMessage, bookSlice, SliceAccountant } from './accounting/slice.js';
export {
  DEFAULT_MAX_RETRIES,
  seqcountRead,
  stableRead,
  updateBitRead,
  XEN_RUNSTATE_UPDATE,
} from './accounting/snapshot.js';
export { accountSteal, skipSteal, STEAL_POLICIES, StealAccount, stealState } from './accounting/steal.js';
export { SchedacctError } from './errors.js';

export type { Anomaly, AnomalyKind, TaskId } from './accounting/anomaly.js';
export type {
  ClocksourceParams,
  ConversionMode,
  CounterConversion,
  MaxNs,
  MultShift,
  SchedClockParams,
} from './accounting/counter.js';
export type { LedgerOptions, SnapshotContext, TaskTotals, TotalsRecord, WaitKind } from './accounting/ledger.js';
export type { SliceAccountantOptions } from './accounting/slice.js';
export type { Reading, SeqcountStolen, Snapshot, UpdateBitStolen } from './accounting/snapshot.js';
export type { StealPolicy, StealState } from './accounting/steal.js';
export type { SchedacctErrorCode } from './errors.js';
