/**
 * The engine's vCPUs: each guest CPU over its vCPU on the host. A scenario's vCPU is driven by the steal intervals
 * and pauses the scenario gives (its host events planned ahead); a host-driven one (step mode) has none planned: its
 * events are pushed as the host sends them. Either way the vCPU machine publishes steal into the ABI structure the
 * guest reads back.
 * @module
 */
import { SchedacctError } from '../errors.js';
import type { VcpuEvent } from '../host/vcpu.js';
import { HOST, START, STOP, type EngineSetup, type SimTask } from './engine-task.js';
import type { EventQueue } from './event-queue.js';
import { GuestCpu } from './guest.js';
import { msToNs, nsIntervals, stealIntervals, TimeMap, VcpuHost, vcpuEvents } from './host.js';

/** A vCPU with no host events planned: the host pushes them ({@link VcpuHost.push}). */
const NO_EVENTS: Iterator<VcpuEvent> = { next: () => ({ done: true, value: undefined }) };

/**
 * A run's host-to-guest time map: guest time is host time minus the scenario's pauses (none when host-driven).
 * @param setup - the run
 * @returns the map
 * @internal
 */
export function timeMapOf(setup: EngineSetup): TimeMap {
  return new TimeMap(setup.hostDriven === true ? [] : nsIntervals(setup.scenario.host.pauses));
}

/**
 * The guest CPUs of a run, each over its vCPU.
 * @param setup - the run
 * @returns the CPUs, in index order
 * @internal
 */
export function createCpus(setup: EngineSetup): GuestCpu[] {
  const { scenario, policy, env } = setup;
  const pauses = setup.hostDriven === true ? [] : nsIntervals(scenario.host.pauses);
  return Array.from({ length: scenario.cpus }, (_, i) => {
    const spec = scenario.host.steal[i] ?? { kind: 'none' };
    const events =
      setup.hostDriven === true ? NO_EVENTS : vcpuEvents(stealIntervals(spec, i, scenario.seed, setup.inputs), pauses);
    const host = new VcpuHost(i, events, scenario.host.abi, setup.engine);
    return new GuestCpu(i, policy.createRunQueue(i, env), host, scenario.accounting);
  });
}

/**
 * The error of a host event pushed at another time than the one the engine reached, or on no vCPU.
 * @param cpu - the vCPU named
 * @returns the error to throw
 * @internal
 */
export function hostEventError(cpu: number): SchedacctError {
  return new SchedacctError('invalid-argument', `a host event on vCPU ${String(cpu)} must come at the time reached`);
}

/**
 * Closes CPU `c`'s busy, idle or frozen stretch at host ns `hostNs`; busy time is its current task's real CPU.
 * @param c - the CPU
 * @param hostNs - host ns now
 * @param tasks - the run's tasks
 * @internal
 */
export function closePhase(c: GuestCpu, hostNs: number, tasks: readonly SimTask[]): void {
  const open = c.phase(hostNs);
  if (open > 0) (tasks[c.curr] as SimTask).realOpenNs += open;
}

/**
 * Applies CPU `c`'s pending host event at host ns `hostNs`: stolen, paused or offline, it freezes (its burst end
 * forgotten: planned again when it runs); running again, the host has published and it thaws. The vCPU's next planned
 * event is queued.
 * @param c - the CPU
 * @param q - the run's event queue
 * @param hostNs - host ns now
 * @param tasks - the run's tasks
 * @returns whether the CPU thawed: the engine then runs what it deferred
 * @internal
 */
export function applyHostEvent(c: GuestCpu, q: EventQueue, hostNs: number, tasks: readonly SimTask[]): boolean {
  const vh = c.host;
  const type = vh.pending?.type;
  const thaws = type === 'schedule' || type === 'resume' || type === 'online';
  if (type === 'deschedule' || type === 'pause' || type === 'offline') {
    closePhase(c, hostNs, tasks);
    c.frozen = true;
    c.endSeq = -1;
    vh.apply();
  } else {
    vh.apply();
    if (thaws) {
      closePhase(c, hostNs, tasks);
      c.frozen = false;
      c.published = true;
    }
  }
  if (vh.pending !== undefined) q.push(vh.pending.atNs, HOST, c.index);
  return thaws;
}

/**
 * Queues a run's first events: each vCPU's first planned host event, each task's start and stop (guest ms).
 * @param q - the run's event queue
 * @param cpus - its CPUs
 * @param tasks - its tasks
 * @param time - its time map
 * @internal
 */
export function queueFirst(q: EventQueue, cpus: readonly GuestCpu[], tasks: readonly SimTask[], time: TimeMap): void {
  for (const c of cpus) if (c.host.pending !== undefined) q.push(c.host.pending.atNs, HOST, c.index);
  for (const t of tasks) {
    q.push(time.host(msToNs(t.spec.startMs)), START, t.index);
    if (t.spec.stopMs !== null) q.push(time.host(msToNs(t.spec.stopMs)), STOP, t.index);
  }
}
