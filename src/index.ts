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
export { accountSteal, nsBetween, skipSteal, STEAL_POLICIES, StealAccount, stealState } from './accounting/steal.js';
export { toMermaid, actionText, guardText } from './export/mermaid.js';
export { compileMachine, toXStateActions, toXStateGuards, toXStateInPlaceActions } from './machines/compile.js';
export { conversionFor } from './machines/conversions.js';
export { parseSnapshot, stringifySnapshot } from './machines/persist.js';
export {
  createStableReadContext,
  stableReadByMachine,
  stableReadImplementations,
  stableReadMachine,
} from './machines/stable-read.js';
export {
  compileTaskMachine,
  createTaskContext,
  switchOutEvent,
  TASK_EVENT_TYPES,
  taskImplementations,
  taskMachine,
  taskTotals,
} from './machines/task.js';
export { nextReading, READING_VARIANTS, taskEventsFrom, transitionKey, transitionKeys } from './machines/testing.js';
export {
  compileVcpuMachine,
  createVcpuContext,
  stolenAt,
  VCPU_EVENT_TYPES,
  vcpuImplementations,
  vcpuMachine,
} from './machines/vcpu.js';
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
export type { MermaidOptions } from './export/mermaid.js';
export type {
  ActionImpl,
  CompiledMachine,
  GuardImpl,
  MachineDefinition,
  MachineImplementations,
  StepperInstance,
  XArgs,
} from './machines/compile.js';
export type { Machine } from './machines/machine-type.js';
export type { StableReadContext, StableReadEvent, StableReadInput, StableReadMachine } from './machines/stable-read.js';
export type {
  OffKind,
  TaskBlockEvent,
  TaskContext,
  TaskCreateEvent,
  TaskDispatchEvent,
  TaskEvent,
  TaskEventBase,
  TaskExitEvent,
  TaskInput,
  TaskMachine,
  TaskMigrateEvent,
  TaskPreemptEvent,
  TaskReading,
  TaskWakeupEvent,
} from './machines/task.js';
export type { ReadingVariant, TransitionRef, TransitionSource } from './machines/testing.js';
export type { VcpuBucket, VcpuContext, VcpuEvent, VcpuInput, VcpuMachine } from './machines/vcpu.js';
