/**
 * The accounting core, the task, vCPU and stable-read machines, the backends and the trace readers.
 *
 * `schedacct`: how a guest kernel charges CPU time to tasks when the hypervisor steals the CPU. The accounting core
 * (counter conversion, steal, the slice charge, consistent reads, the ledger), the XState machines (guest: task
 * lifecycle, stable read; host: vCPU) with their compiled stepper, the byte-exact hypervisor structures, the simulated
 * and emulated backends, and the readers of trace text. Runtime-neutral: no `node:` imports.
 *
 * Other entries: `schedacct/trace` (replay and reports), `schedacct/linux` (Node: the real backend, files),
 * `schedacct/testing` (the backend contract, random events).
 * @module schedacct
 */

// The accounting core
export { ANOMALY_KINDS } from './accounting/anomaly.js';
export { consistentReadOf } from './sources/types.js';
export { DEFAULT_MAX_RETRIES, seqcountRead, stableRead, updateBitRead } from './accounting/consistent-read.js';
export { createConversion, ExactConversion, KernelConversion } from './accounting/conversion.js';
export {
  COUNTER_BACKWARDS,
  counterDelta,
  counterMask,
  counterWidthForHz,
  MAX_COUNTER_WIDTH,
  MIN_COUNTER_WIDTH,
} from './accounting/counter.js';
export { TaskAccount } from './accounting/account.js';
export { DEFAULT_ANOMALY_DETAILS, Ledger } from './accounting/ledger.js';
export { calcMaxNs, calcMultShift, clocksourceParams, schedClockParams } from './accounting/mult-shift.js';
export { toBigValue } from './accounting/reading.js';
export { anomalyMessage, bookSlice, chargeSlice, SliceAccountant, sliceCharge } from './accounting/slice.js';
export { accountSteal, skipSteal, STEAL_POLICIES, StealAccount, stealState } from './accounting/steal.js';

// Machines: the guest's task and stable read, the host's vCPU; the stepper, diagrams, persistence
export { compileMachine, toXStateActions, toXStateGuards, toXStateInPlaceActions } from './machines/compile.js';
export { toMermaid } from './export/mermaid.js';
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
export {
  compileVcpuMachine,
  createVcpuContext,
  stolenAt,
  VCPU_EVENT_TYPES,
  vcpuImplementations,
  vcpuMachine,
} from './host/vcpu.js';

// Hypervisor structures, byte for byte
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

// Backends and the hosts behind them
export { ABIS, checkedHostWriteStolen as hostWriteStolen, createEmulatedMemory } from './host/emulated-writer.js';
export { SimulatedHost } from './host/simulated-host.js';
export { createEmulatedSource, decodeEmulated } from './sources/emulated.js';
export { createSimulatedSource } from './sources/simulated.js';

// Readers of trace text (the replay is schedacct/trace)
export { createFtraceParser, decodeRawState } from './trace/ftrace.js';
export { parseFields } from './trace/fields.js';
export { detectFormat } from './trace/format.js';
export { parsePerfScriptLine, parseTimestampNs } from './trace/perf-script.js';

export { AbiError, SchedacctError } from './errors.js';

export type { Anomaly, AnomalyKind, TaskId } from './accounting/anomaly.js';
export type { ConsistentReading, Reading, SeqcountStolen, UpdateBitStolen } from './accounting/consistent-read.js';
export type { ConversionMode, CounterConversion } from './accounting/conversion.js';
export type { AccountRecord, TaskTotals, WaitKind } from './accounting/account.js';
export type { LedgerOptions, ReadingContext } from './accounting/ledger.js';
export type { ClocksourceParams, MaxNs, MultShift, SchedClockParams } from './accounting/mult-shift.js';
export type { ReadingValue } from './accounting/reading.js';
export type { SliceAccountantOptions, SliceCharge } from './accounting/slice.js';
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
export type {
  VcpuActionParams,
  VcpuBucket,
  VcpuContext,
  VcpuEvent,
  VcpuGuardParams,
  VcpuInput,
  VcpuMachine,
} from './host/vcpu.js';
export type { ArmPvTime } from './abi/arm-pvtime.js';
export type { Bytes } from './abi/bytes.js';
export type { KvmStealTime } from './abi/kvm-steal-time.js';
export type { XenRunstate, XenRunstateInfo } from './abi/xen-runstate.js';
export type { Abi, EmulatedMemory } from './host/emulated-writer.js';
export type {
  BurstSteal,
  ConstantSteal,
  Interval,
  NoSteal,
  PeriodicSteal,
  RandomSteal,
  ScheduledSteal,
  SimulatedOptions,
  StealPattern,
  TimeBase,
} from './host/simulated-host.js';
export type { EmulatedOptions, EmulatedSource } from './sources/emulated.js';
export type { SimulatedSource } from './sources/simulated.js';
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
export type { TextFormat, TraceFormat } from './trace/format.js';
export type { EventLine, LineResult, MalformedLine, SkippedLine } from './trace/perf-script.js';
