/**
 * The shape a policy must have, checked where a user's policy enters (a `--policy` module, `SimulateOptions.policy`):
 * a missing member is a {@link SchedacctError} naming every one missing, not a crash deep in a run.
 * @module
 */
import { checkObject, checkString, checkWhole, describe } from '../../check.js';
import { SchedacctError } from '../../errors.js';
import { checkKernel } from '../kernel.js';
import type { PolicyEnv, RunQueue, SchedPolicy, SchedTask } from '../types.js';

const RUN_QUEUE_METHODS = ['enqueue', 'dequeue', 'pickNext', 'tick', 'wakeupPreempt', 'queued'] as const;

/**
 * Checks that a value is a {@link SchedPolicy}, and makes its run queues checked when they are created.
 * @param where - what it is, for the message (`policy module ./mine.js`)
 * @param value - the value
 * @returns the policy, whose `createRunQueue` checks each run queue it returns
 * @throws {@link SchedacctError} `invalid-argument` naming each missing or mistyped member (or for a `where` that is
 *   not a string)
 * @example
 * ```ts
 * try {
 *   checkPolicy('my policy', { name: 'mine' });
 * } catch (e) {
 *   console.log((e as Error).message); // my policy: missing realtime (true or false), createRunQueue (a function)
 * }
 * ```
 */
export function checkPolicy(where: string, value: unknown): SchedPolicy {
  checkString('where', where);
  if (typeof value !== 'object' || value === null)
    throw new SchedacctError('invalid-argument', `${where} must be a policy object, got ${describe(value)}`);
  const v = value as Record<string, unknown>;
  const missing: string[] = [];
  if (typeof v.name !== 'string' || v.name === '') missing.push('name (a string)');
  if (typeof v.realtime !== 'boolean') missing.push('realtime (true or false)');
  if (typeof v.createRunQueue !== 'function') missing.push('createRunQueue (a function)');
  if (missing.length > 0) throw new SchedacctError('invalid-argument', `${where}: missing ${missing.join(', ')}`);
  const policy = value as SchedPolicy;
  return Object.freeze({
    name: policy.name,
    realtime: policy.realtime,
    createRunQueue(cpu: number, env: PolicyEnv): RunQueue {
      const rq: unknown = policy.createRunQueue(cpu, env);
      checkRunQueue(`${where}: createRunQueue(${String(cpu)})`, rq);
      return rq;
    },
  });
}

/**
 * Checks that a value is a {@link RunQueue}.
 * @param where - what it is, for the message
 * @param rq - the value
 * @throws {@link SchedacctError} `invalid-argument` naming each missing member
 * @internal
 */
export function checkRunQueue(where: string, rq: unknown): asserts rq is RunQueue {
  if (typeof rq !== 'object' || rq === null)
    throw new SchedacctError('invalid-argument', `${where} must return a run queue object, got ${describe(rq)}`);
  const r = rq as Record<string, unknown>;
  const missing: string[] = RUN_QUEUE_METHODS.filter((m) => typeof r[m] !== 'function').map((m) => `${m}()`);
  if (!('current' in r)) missing.push('current');
  if (!('nrRunning' in r)) missing.push('nrRunning');
  if (missing.length > 0)
    throw new SchedacctError('invalid-argument', `${where} returned a run queue missing ${missing.join(', ')}`);
}

/**
 * Checks `createRunQueue`'s arguments.
 * @param cpu - the CPU
 * @param env - the machine
 * @throws {@link SchedacctError} naming the bad field
 * @internal
 */
export function checkEnv(cpu: number, env: PolicyEnv): void {
  checkObject('env', env);
  checkWhole('env.cpus', env.cpus, 1, 4096);
  checkWhole('cpu', cpu, 0, env.cpus - 1);
  checkWhole('env.hz', env.hz, 1, 100_000);
  checkWhole('env.tickNs', env.tickNs, 1);
  checkKernel('env.kernel', env.kernel);
}

/**
 * A task's entity of a fair class (EEVDF, CFS), made when it is first queued: its weight is checked then.
 * @param task - the task
 * @param Entity - the class's entity
 * @returns its entity
 * @throws {@link SchedacctError} for a task without a whole weight
 * @internal
 */
export function fairEntityOf<E>(task: SchedTask, Entity: new (task: SchedTask) => E): E {
  if (task.sched instanceof Entity) return task.sched;
  checkObject('task', task);
  checkWhole('task.weight', task.weight, 1, 0xffff_ffff);
  const se = new Entity(task);
  task.sched = se;
  return se;
}
