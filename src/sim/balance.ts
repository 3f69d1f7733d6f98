/**
 * Where tasks run: placement at fork and wakeup, and a simple load balancer. Not the kernel's (no scheduling domains,
 * no PELT load, no capacity); the rules, in full:
 * - **Placement** (fork and wakeup, `select_task_rq`): the task's previous CPU if its affinity allows it and it is
 *   idle (nothing runnable there, and its vCPU not stolen or paused: `available_idle_cpu` asks `vcpu_is_preempted`);
 *   otherwise the allowed CPU with the fewest runnable tasks, at equal numbers one whose vCPU runs, ties to the
 *   previous CPU, then to the lowest index. A new task has no previous CPU.
 * - **Periodic balance** (at each tick of a CPU): if another CPU has at least 2 more runnable tasks, pull one of its
 *   queued (not running) tasks that may run here; the busiest such CPU first, ties to the lowest index.
 * - **Idle balance** (`newidle_balance`, when a CPU is about to go idle; and the NO_HZ idle balance, which each tick
 *   of a busy CPU kicks for every idle CPU): pull one queued task that may run here from the busiest CPU that has
 *   one.
 * A CPU whose vCPU is stolen or whose VM is paused is neither a source nor, for balance, a destination (nothing runs
 * there to take the run queue's lock); its deferred wakeups count as runnable there. Affinity always holds.
 * Migrations go through the task machine (`migrate`) and the observer's `onMigrate`.
 * @module
 */
import type { GuestCpu } from './guest.js';
import type { SchedTask } from './types.js';

/**
 * The CPU a waking or new task is placed on.
 * @param cpus - every CPU
 * @param allowed - the CPUs the task may run on (a flag per CPU)
 * @param prev - its previous CPU, −1 for a new task
 * @returns the CPU
 * @internal
 */
export function placeTask(cpus: readonly GuestCpu[], allowed: Uint8Array, prev: number): number {
  const prevCpu = prev >= 0 ? cpus[prev] : undefined;
  if (prevCpu !== undefined && allowed[prev] === 1 && prevCpu.load === 0 && !prevCpu.frozen) return prev;
  let best = -1;
  let bestKey = Infinity;
  for (let i = 0; i < cpus.length; i++) {
    if (allowed[i] !== 1) continue;
    const c = cpus[i] as GuestCpu;
    const key = 2 * c.load + (c.frozen ? 1 : 0); // fewest runnable; at equal load, a running vCPU first
    if (key < bestKey || (key === bestKey && i === prev)) {
      best = i;
      bestKey = key;
    }
  }
  return best;
}

/** A task to move: which, and from where. */
export interface Pull {
  /** The task. */
  readonly task: SchedTask;
  /** The CPU it leaves. */
  readonly from: number;
}

/**
 * The task a CPU pulls, if any.
 * @param cpus - every CPU
 * @param here - the pulling CPU
 * @param minGap - how many more runnable tasks a source must have (2 periodic, 1 idle: any queued task)
 * @param allows - whether a task may run on a CPU
 * @returns the task and its CPU, or undefined
 * @internal
 */
export function findPull(
  cpus: readonly GuestCpu[],
  here: number,
  minGap: number,
  allows: (task: SchedTask, cpu: number) => boolean,
): Pull | undefined {
  const own = (cpus[here] as GuestCpu).load;
  // Sources by load, busiest first, ties to the lowest index (a stable sort keeps index order).
  const sources: number[] = [];
  for (let i = 0; i < cpus.length; i++) {
    const c = cpus[i] as GuestCpu;
    const queued = c.rq.nrRunning - (c.rq.current === undefined ? 0 : 1);
    if (i !== here && !c.frozen && queued >= 1 && c.load - own >= minGap) sources.push(i);
  }
  sources.sort((a, b) => (cpus[b] as GuestCpu).load - (cpus[a] as GuestCpu).load);
  for (const from of sources) {
    for (const task of (cpus[from] as GuestCpu).rq.queued()) if (allows(task, here)) return { task, from };
  }
  return undefined;
}

/**
 * The NO_HZ idle balance a busy CPU's tick kicks: each idle CPU (running, not frozen, nothing queued) pulls one
 * queued task it may run.
 * @param cpus - every CPU
 * @param allows - whether a task may run on a CPU
 * @param pull - moves the task to the idle CPU `to` and runs it there
 * @internal
 */
export function kickIdle(
  cpus: readonly GuestCpu[],
  allows: (task: SchedTask, cpu: number) => boolean,
  pull: (found: Pull, to: number) => void,
): void {
  for (const i of cpus) {
    if (i.frozen || i.curr >= 0 || i.load > 0) continue;
    const found = findPull(cpus, i.index, 1, allows);
    if (found !== undefined) pull(found, i.index);
  }
}
