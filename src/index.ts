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
  toBigValue,
} from './accounting/counter.js';
export {
  bookDelayTotals,
  bookSliceTotals,
  bookWaitTotals,
  emptyTotals,
  Ledger,
  TaskAccount,
  totalsOf,
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
  switchOutType,
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
export {
  ARM_PVTIME,
  ARM_PVTIME_ALIGN,
  ARM_PVTIME_SIZE,
  ARM_PVTIME_STOLEN_OFFSET,
  decodeArmPvTime,
  encodeArmPvTime,
  PV_TIME_FEATURES,
  PV_TIME_ST,
} from './abi/arm-pvtime.js';
export {
  decodeKvmStealTime,
  encodeKvmStealTime,
  KVM_FLAGS_OFFSET,
  KVM_PREEMPTED_OFFSET,
  KVM_STEAL_OFFSET,
  KVM_STEAL_TIME,
  KVM_STEAL_TIME_ALIGN,
  KVM_STEAL_TIME_SIZE,
  KVM_VCPU_FLUSH_TLB,
  KVM_VCPU_PREEMPTED,
  KVM_VERSION_OFFSET,
} from './abi/kvm-steal-time.js';
export {
  decodeXenRunstate,
  encodeXenRunstate,
  XEN_ENTRY_TIME_OFFSET,
  XEN_RUNSTATE,
  XEN_RUNSTATE_ALIGN,
  XEN_RUNSTATE_SIZE,
  XEN_RUNSTATES,
  XEN_TIME_OFFSET,
  XEN_UPDATE_BIT,
  xenSteal,
} from './abi/xen-runstate.js';
export {
  ABIS,
  createEmulatedMemory,
  createEmulatedSource,
  decodeEmulated,
  EMULATED_LAYOUT,
  emulatedStolen,
  hostWriteStolen,
  memoryViews,
  readHalves,
} from './sources/emulated.js';
export { createSimulatedSource, SimulatedHost } from './sources/simulated.js';
export { snapshotOf } from './sources/types.js';
export { createFtraceParser, decodeRawState } from './trace/ftrace.js';
export { parseFields, parsePerfScriptLine, parseTimestampNs } from './trace/perf-script.js';
export { detectFormat, readTrace } from './trace/read.js';
export { perf61StateChar, Replay } from './trace/replay.js';
export {
  msec,
  stolenLines,
  summaryLines,
  timehistHeader,
  timehistLine,
  TimehistWriter,
  timestamp,
} from './trace/report.js';
export { AbiError, SchedacctError } from './errors.js';

export type { Anomaly, AnomalyKind, TaskId } from './accounting/anomaly.js';
export type {
  ClocksourceParams,
  ConversionMode,
  CounterConversion,
  MaxNs,
  MultShift,
  ReadingValue,
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
  ActionImplementations,
  ActionImpls,
  CompiledMachine,
  CompileOptions,
  GuardImpl,
  GuardImplementations,
  GuardImpls,
  MachineDefinition,
  MachineImplementations,
  NoneByName,
  ParamsByName,
  StepperInstance,
  XArgs,
  XStateActions,
  XStateGuards,
} from './machines/compile.js';
export type { Machine, Parameterized } from './machines/machine-type.js';
export type { PersistedSnapshot } from './machines/persist.js';
export type {
  StableReadActionParams,
  StableReadContext,
  StableReadEvent,
  StableReadGuardParams,
  StableReadInput,
  StableReadMachine,
  StableReadStateValue,
} from './machines/stable-read.js';
export type {
  OffKind,
  TaskActionParams,
  TaskBlockEvent,
  TaskContext,
  TaskCreateEvent,
  TaskDispatchEvent,
  TaskEvent,
  TaskEventBase,
  TaskExitEvent,
  TaskGuardParams,
  TaskInput,
  TaskMachine,
  TaskMigrateEvent,
  TaskPreemptEvent,
  TaskReading,
  TaskStateValue,
  TaskWakeupEvent,
} from './machines/task.js';
export type { ReadingVariant, TransitionRef, TransitionSource } from './machines/testing.js';
export type {
  VcpuActionParams,
  VcpuBucket,
  VcpuContext,
  VcpuEvent,
  VcpuGuardParams,
  VcpuInput,
  VcpuMachine,
} from './machines/vcpu.js';
export type { ArmPvTime } from './abi/arm-pvtime.js';
export type { Bytes } from './abi/bytes.js';
export type { KvmStealTime } from './abi/kvm-steal-time.js';
export type { XenRunstate, XenRunstateInfo } from './abi/xen-runstate.js';
export type { Abi, EmulatedLayout, EmulatedMemory, EmulatedOptions, EmulatedSource } from './sources/emulated.js';
export type {
  BurstSteal,
  ConstantSteal,
  Interval,
  NoSteal,
  PeriodicSteal,
  RandomSteal,
  ScheduledSteal,
  SimulatedOptions,
  SimulatedSource,
  StealPattern,
  TimeBase,
} from './sources/simulated.js';
export type {
  ClockSource,
  CounterSource,
  SeqcountStolenSource,
  StableStolenSource,
  StolenProtocol,
  StolenSource,
  UpdateBitStolenSource,
} from './sources/types.js';
export type {
  ExitEvent,
  ForkEvent,
  MigrateEvent,
  RuntimeEvent,
  SwitchEvent,
  TraceEvent,
  TraceEventBase,
  WakeupEvent,
} from './trace/events.js';
export type { EventLine, LineResult, MalformedLine, SkippedLine } from './trace/perf-script.js';
export type { ReadOptions, ReadResult, TraceFormat } from './trace/read.js';
export type {
  AnomalyReport,
  Compat,
  Engine,
  InfoRow,
  ReplayOptions,
  StealEstimate,
  TaskRecord,
  TimehistRow,
} from './trace/replay.js';
export type { SummaryFormat, TimehistFormat } from './trace/report.js';
