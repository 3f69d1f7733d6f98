/**
 * The checks of what an observer hears ({@link SimMetrics}, {@link FtraceWriter}): the engine passes sane values, but
 * the observers are public, so a caller's bad call is a `SchedacctError` naming the parameter, never a crash or a
 * trace line reading `NaN`. Each check is a few comparisons: they run on every scheduling event.
 * @module
 */
import { argError } from '../check.js';
import { MAX_CPUS } from '../trace/events.js';
import type { SimTaskRef } from './types.js';

/**
 * Checks a time in guest ns.
 * @param atNs - the value
 * @throws {@link SchedacctError} `invalid-argument` unless a whole number of ns ≥ 0 (a safe integer)
 * @internal
 */
export function checkAtNs(atNs: unknown): asserts atNs is number {
  if (!(Number.isSafeInteger(atNs) && (atNs as number) >= 0))
    throw argError('invalid-argument', 'atNs', 'a whole number of ns ≥ 0', atNs);
}

/**
 * Checks a CPU index.
 * @param param - its name
 * @param cpu - the value
 * @throws {@link SchedacctError} `invalid-argument` unless a whole number from 0 to MAX_CPUS − 1
 * @internal
 */
export function checkCpu(param: string, cpu: unknown): asserts cpu is number {
  if (!(Number.isInteger(cpu) && (cpu as number) >= 0 && (cpu as number) < MAX_CPUS))
    throw argError('invalid-argument', param, `a CPU index from 0 to ${String(MAX_CPUS - 1)}`, cpu);
}

/**
 * Checks a task as observers see it.
 * @param param - its name
 * @param task - the value
 * @throws {@link SchedacctError} `invalid-argument` naming the field that is wrong
 * @internal
 */
export function checkRef(param: string, task: unknown): asserts task is SimTaskRef {
  if (typeof task !== 'object' || task === null)
    throw argError('invalid-argument', param, 'a task { tid, name, prio }', task);
  const t = task as Partial<Record<keyof SimTaskRef, unknown>>;
  if (!(Number.isSafeInteger(t.tid) && (t.tid as number) >= 0))
    throw argError('invalid-argument', `${param}.tid`, 'a whole number ≥ 0', t.tid);
  if (typeof t.name !== 'string') throw argError('invalid-argument', `${param}.name`, 'a string', t.name);
  if (!(Number.isInteger(t.prio) && (t.prio as number) >= 0 && (t.prio as number) <= 139))
    throw argError('invalid-argument', `${param}.prio`, 'a kernel prio from 0 to 139', t.prio);
}

/**
 * Checks the arguments of `onSwitch`.
 * @param atNs - guest time
 * @param cpu - the CPU
 * @param prev - the task switched out (undefined: idle)
 * @param prevState - `R`, `S` or `X`
 * @param next - the task switched in (undefined: idle)
 * @throws {@link SchedacctError} `invalid-argument` naming the parameter that is wrong
 * @internal
 */
export function checkSwitch(atNs: unknown, cpu: unknown, prev: unknown, prevState: unknown, next: unknown): void {
  checkAtNs(atNs);
  checkCpu('cpu', cpu);
  if (prev !== undefined) checkRef('prev', prev);
  if (prevState !== 'R' && prevState !== 'S' && prevState !== 'X')
    throw argError('invalid-argument', 'prevState', "'R', 'S' or 'X'", prevState);
  if (next !== undefined) checkRef('next', next);
}
