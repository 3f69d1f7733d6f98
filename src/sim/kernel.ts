/**
 * Kernel versions as data: which scheduler a version has and the tunables it boots with. Sources (Linux
 * `kernel/sched/fair.c`, `kernel/sched/rt.c`, `include/linux/sched/rt.h`): `sysctl_sched_base_slice` 750000 ns from
 * 6.6 (EEVDF, commit 147f3efaa241) and 700000 ns from 6.15 (commit 2ae891b82695 "sched: Reduce the default slice to
 * avoid tasks getting an extra tick"); CFS's `sysctl_sched_latency` 6 ms, `sysctl_sched_min_granularity` 0.75 ms,
 * `sysctl_sched_wakeup_granularity` 1 ms, `sched_nr_latency` 8 (≤ 6.5); each scaled by `1 + ilog2(min(cpus, 8))`
 * (`get_update_sysctl_factor`, SCHED_TUNABLESCALING_LOG); `RR_TIMESLICE` = 100 ms in jiffies.
 * @module
 */
import { argError, checkObject, checkString, checkWhole } from '../check.js';
import { SchedacctError } from '../errors.js';
import type { KernelVersion, PolicyName } from './types.js';

const VERSION = /^(\d{1,3})\.(\d{1,3})(?:\.\d{1,4})?(?:[-+~][0-9A-Za-z.+~-]*)?$/;

/** The oldest kernel whose rules are modelled (CFS as of the 6.x sources, applied to every kernel ≤ 6.5). */
export const OLDEST_KERNEL: KernelVersion = Object.freeze({ major: 3, minor: 0 });

/** The newest kernel whose rules are modelled (the recordings' 6.18); a later version runs with its rules. */
export const NEWEST_KERNEL: KernelVersion = Object.freeze({ major: 6, minor: 18 });

/**
 * Reads a kernel version: `"6.18"`, `"6.18.3"` or `"6.18.0-rc1"` (the release and its suffix are ignored).
 * @param kernel - the version as a scenario writes it
 * @returns major and minor
 * @throws {@link SchedacctError} `invalid-argument` for text that is not a version, `out-of-range` before 3.0
 * @example
 * ```ts
 * parseKernel('6.18'); // { major: 6, minor: 18 }
 * parseKernel('6.5.13-generic'); // { major: 6, minor: 5 }
 * ```
 */
export function parseKernel(kernel: string): KernelVersion {
  checkString('kernel', kernel);
  const m = VERSION.exec(kernel.trim());
  if (m === null) throw argError('invalid-argument', 'kernel', 'a version such as "6.18" or "6.6.30"', kernel);
  const version = { major: Number(m[1]), minor: Number(m[2]) };
  if (!kernelAtLeast(version, OLDEST_KERNEL.major, OLDEST_KERNEL.minor))
    throw argError('out-of-range', 'kernel', 'a version from 3.0 on', kernel);
  return Object.freeze(version);
}

/**
 * Whether a kernel is at least `major.minor`.
 * @param kernel - the kernel
 * @param major - major
 * @param minor - minor
 * @returns true if kernel ≥ major.minor
 * @throws {@link SchedacctError} `invalid-argument` for a kernel that is not `{ major, minor }`, or a major or minor
 *   that is not a whole number from 0 to 999
 * @example
 * ```ts
 * kernelAtLeast(parseKernel('6.18'), 6, 6); // true
 * ```
 */
export function kernelAtLeast(kernel: KernelVersion, major: number, minor: number): boolean {
  checkKernel('kernel', kernel);
  checkWhole('major', major, 0, 999);
  checkWhole('minor', minor, 0, 999);
  return kernel.major > major || (kernel.major === major && kernel.minor >= minor);
}

/**
 * Checks a kernel version argument.
 * @param param - the parameter's name
 * @param kernel - the value
 * @throws {@link SchedacctError} `invalid-argument` unless it is `{ major, minor }` of whole numbers
 * @internal
 */
export function checkKernel(param: string, kernel: unknown): asserts kernel is KernelVersion {
  checkObject(param, kernel);
  checkWhole(`${param}.major`, kernel.major, 0, 999);
  checkWhole(`${param}.minor`, kernel.minor, 0, 999);
}

/**
 * The tunables' scale factor, `1 + ilog2(min(cpus, 8))` (`get_update_sysctl_factor`, SCHED_TUNABLESCALING_LOG).
 * @param cpus - online CPUs (≥ 1)
 * @returns 1 for 1 CPU, 2 for 2–3, 3 for 4–7, 4 from 8
 * @throws {@link SchedacctError} `out-of-range` for fewer than 1 CPU
 * @example
 * ```ts
 * sysctlFactor(2); // 2
 * sysctlFactor(64); // 4
 * ```
 */
export function sysctlFactor(cpus: number): number {
  checkWhole('cpus', cpus, 1);
  return 1 + Math.floor(Math.log2(Math.min(cpus, 8)));
}

/**
 * EEVDF's base slice (`sysctl_sched_base_slice`): 0.75 ms (6.6–6.14) or 0.70 ms (from 6.15), times the CPU factor.
 * Before 6.6 the same sysctl was CFS's `sysctl_sched_min_granularity` (0.75 ms × factor), which this returns too.
 * @param kernel - the kernel
 * @param cpus - online CPUs
 * @returns ns
 * @throws {@link SchedacctError} for a bad kernel or CPU count
 * @example
 * ```ts
 * baseSliceNs(parseKernel('6.18'), 2); // 1400000: the recordings' 6.18 guest with 2 vCPUs
 * baseSliceNs(parseKernel('6.6'), 1); // 750000
 * ```
 */
export function baseSliceNs(kernel: KernelVersion, cpus: number): number {
  return (kernelAtLeast(kernel, 6, 15) ? 700_000 : 750_000) * sysctlFactor(cpus);
}

/** CFS's tunables (≤ 6.5) after scaling, ns. */
export interface CfsTunables {
  /** `sysctl_sched_latency`: the period every runnable task runs once in (6 ms × factor). */
  readonly latencyNs: number;
  /** `sysctl_sched_min_granularity`: the shortest slice (0.75 ms × factor). */
  readonly minGranularityNs: number;
  /** `sysctl_sched_wakeup_granularity`: how far ahead a waking task must be to preempt (1 ms × factor). */
  readonly wakeupGranularityNs: number;
  /** `sched_nr_latency`: past this many tasks the period stretches to n × min granularity (8, not scaled). */
  readonly nrLatency: number;
}

/**
 * CFS's scaled tunables for a CPU count.
 * @param cpus - online CPUs
 * @returns the tunables
 * @throws {@link SchedacctError} `out-of-range` for fewer than 1 CPU
 * @example
 * ```ts
 * cfsTunables(2).latencyNs; // 12000000
 * ```
 */
export function cfsTunables(cpus: number): CfsTunables {
  const factor = sysctlFactor(cpus);
  return Object.freeze({
    latencyNs: 6_000_000 * factor,
    minGranularityNs: 750_000 * factor,
    wakeupGranularityNs: 1_000_000 * factor,
    nrLatency: 8,
  });
}

/**
 * The fair policy a kernel boots with: `eevdf` from 6.6, `cfs` before.
 * @param kernel - the kernel
 * @returns the policy's name
 * @throws {@link SchedacctError} for a bad kernel
 * @example
 * ```ts
 * defaultPolicy(parseKernel('6.18')); // 'eevdf'
 * defaultPolicy(parseKernel('6.1')); // 'cfs'
 * ```
 */
export function defaultPolicy(kernel: KernelVersion): PolicyName {
  return kernelAtLeast(kernel, 6, 6) ? 'eevdf' : 'cfs';
}

/**
 * Whether a kernel has a policy: `eevdf` needs ≥ 6.6, `cfs` ≤ 6.5 (EEVDF replaced it), `rr` and `fifo` always.
 * @param name - the policy
 * @param kernel - the kernel
 * @returns true if the kernel has it
 * @throws {@link SchedacctError} for a bad kernel
 * @example
 * ```ts
 * policyAllowed('cfs', parseKernel('6.18')); // false
 * policyAllowed('rr', parseKernel('6.18')); // true
 * ```
 */
export function policyAllowed(name: string, kernel: KernelVersion): boolean {
  checkString('name', name);
  const eevdf = kernelAtLeast(kernel, 6, 6);
  if (name === 'eevdf') return eevdf;
  if (name === 'cfs') return !eevdf;
  return name === 'rr' || name === 'fifo';
}

/**
 * Throws unless a kernel has a policy, saying which kernels do.
 * @param name - the policy
 * @param kernel - the kernel
 * @throws {@link SchedacctError} `unsupported` when {@link policyAllowed} says no
 * @internal
 */
export function checkPolicyAllowed(name: PolicyName, kernel: KernelVersion): void {
  if (policyAllowed(name, kernel)) return;
  const v = `${String(kernel.major)}.${String(kernel.minor)}`;
  const needs = name === 'eevdf' ? 'kernel 6.6 or later' : 'kernel 6.5 or earlier (6.6 replaced CFS with EEVDF)';
  throw new SchedacctError('unsupported', `policy ${name} needs ${needs}, the scenario's kernel is ${v}`);
}

/** `RR_TIMESLICE` in ms: `(100 * HZ / 1000)` jiffies (`include/linux/sched/rt.h`). */
export const RR_TIMESLICE_MS = 100;

/**
 * SCHED_RR's timeslice in ticks, `100 * HZ / 1000` rounded down as the kernel's integer macro (at least 1).
 * @param hz - the tick rate
 * @returns ticks
 * @throws {@link SchedacctError} `out-of-range` for a rate below 1 Hz
 * @example
 * ```ts
 * rrTimesliceTicks(250); // 25: 100 ms at 4 ms a tick
 * rrTimesliceTicks(300); // 30
 * ```
 */
export function rrTimesliceTicks(hz: number): number {
  checkWhole('hz', hz, 1, 100_000);
  return Math.max(1, Math.floor((RR_TIMESLICE_MS * hz) / 1000));
}

/**
 * `TICK_NSEC`: ns per tick, `(NSEC_PER_SEC + HZ/2) / HZ` in integers (`include/vdso/jiffies.h`).
 * @param hz - the tick rate
 * @returns ns
 * @throws {@link SchedacctError} `out-of-range` for a rate below 1 Hz
 * @example
 * ```ts
 * tickNsec(250); // 4000000
 * tickNsec(300); // 3333333
 * ```
 */
export function tickNsec(hz: number): number {
  checkWhole('hz', hz, 1, 100_000);
  return Math.floor((1_000_000_000 + Math.floor(hz / 2)) / hz);
}
