// Embedding the task machine in a simulator written with XState: a one-vCPU round-robin guest whose host steals the
// vCPU. The simulator is an XState v5 machine; it spawns one `taskMachine` child actor per task, sends each child
// dispatch/preempt/block/wakeup/exit events carrying readings (counter = simulated ns, the task's stolen total as the kernel keeps
// it per run queue), and reads every child's charges with `taskTotals(child.getSnapshot().context)`. Time is a
// discrete-event clock in ns handed to XState as its `clock`: the quantum is a delayed transition, fired at its time.
import { pathToFileURL } from 'node:url';
import { assign, createActor, setup, type ActorRefFrom } from 'xstate';
import { Ledger, taskMachine, taskTotals, type TaskId, type TaskTotals } from 'schedacct';

/**
 * XState's clock as a discrete-event queue: `advanceTo` fires each timer at its own due time, in order (XState's
 * `SimulatedClock.set` would fire them all at the new time, and the readings would be late).
 */
export class EventClock {
  #nowNs = 0;
  #nextId = 0;
  readonly #timers = new Map<number, { readonly atNs: number; readonly fn: () => void }>();
  now(): number {
    return this.#nowNs;
  }
  setTimeout(fn: () => void, timeoutNs: number): number {
    this.#timers.set(++this.#nextId, { atNs: this.#nowNs + timeoutNs, fn });
    return this.#nextId;
  }
  clearTimeout(id: number): void {
    this.#timers.delete(id);
  }
  advanceTo(nowNs: number): void {
    for (;;) {
      // earliest due timer, ties by creation order (Map keeps insertion order)
      let next: [number, { readonly atNs: number; readonly fn: () => void }] | undefined;
      for (const entry of this.#timers)
        if (entry[1].atNs <= nowNs && (next === undefined || entry[1].atNs < next[1].atNs)) next = entry;
      if (next === undefined) break;
      this.#timers.delete(next[0]);
      this.#nowNs = next[1].atNs;
      next[1].fn();
    }
    this.#nowNs = nowNs;
  }
}

/** One task as the simulator holds it: its child actor and its steal bookkeeping. */
interface SimTask {
  readonly id: TaskId;
  readonly ref: ActorRefFrom<typeof taskMachine>;
  /** The task's stolen total: the vCPU's steal during each of its slices, summed. */
  stolenTotalNs: number;
  /** The vCPU's stolen total when it was last dispatched. */
  vcpuStolenAtDispatchNs: number;
}

/** An event the simulator sent a task's child actor, at `atNs`. */
export interface TracedEvent {
  readonly type: 'dispatch' | 'preempt' | 'block' | 'wakeup' | 'exit';
  readonly task: TaskId;
  readonly atNs: number;
}

interface SimContext {
  readonly now: () => number;
  readonly quantumNs: number;
  readonly ledger: Ledger;
  readonly tasks: SimTask[];
  /** Run queue, as indexes into `tasks`; the head is current while the vCPU runs a task. */
  readonly queue: number[];
  current: number;
  vcpuStolenTotalNs: number;
  /** Every event sent to a child, in order, for a caller who wants to replay them elsewhere. */
  readonly trace: TracedEvent[];
  stealBeganNs: number;
}

type SimEvent =
  | { type: 'steal.begin' }
  | { type: 'steal.end' }
  | { type: 'block' }
  | { type: 'wake'; task: TaskId }
  | { type: 'finish' };

interface SimInput {
  readonly tasks: readonly TaskId[];
  readonly quantumNs: number;
  readonly now: () => number;
}

/** Sends a task's child actor an event with its reading, and traces it. */
function sendTask(context: SimContext, task: SimTask, type: TracedEvent['type'], stolenTotalNs: number): void {
  const atNs = context.now();
  const reading = { counter: atNs, stolenTotalNs, cpu: 0, atNs };
  // a block is an I/O wait here: state D books it as iowait
  task.ref.send(type === 'block' ? { type, reading, state: 'D' } : { type, reading });
  context.trace.push({ type, task: task.id, atNs });
}

/** The guest's side of a switch-out: the slice's steal is the vCPU's steal since the dispatch. */
function switchOutStolen(context: SimContext, task: SimTask): number {
  task.stolenTotalNs += context.vcpuStolenTotalNs - task.vcpuStolenAtDispatchNs;
  return task.stolenTotalNs;
}

/** The simulator: a vCPU that is `running` (round robin, one quantum per slice) or `stolen` by the host. */
export const hostSimMachine = setup({
  types: { context: {} as SimContext, events: {} as SimEvent, input: {} as SimInput },
  actors: { task: taskMachine },
  delays: { quantum: ({ context }) => context.quantumNs },
  guards: { idle: ({ context }) => context.current === -1 },
  actions: {
    dispatchNext: ({ context }) => {
      const index = context.queue[0];
      if (index === undefined || context.current !== -1) return;
      const task = context.tasks[index];
      if (task === undefined) return;
      context.current = index;
      task.vcpuStolenAtDispatchNs = context.vcpuStolenTotalNs;
      sendTask(context, task, 'dispatch', task.stolenTotalNs);
    },
    preemptCurrent: ({ context }) => {
      const task = context.tasks[context.current];
      if (task === undefined || context.queue.length < 2) return;
      sendTask(context, task, 'preempt', switchOutStolen(context, task));
      context.queue.push(context.queue.shift() ?? context.current);
      context.current = -1;
    },
    blockCurrent: ({ context }) => {
      const task = context.tasks[context.current];
      if (task === undefined) return;
      sendTask(context, task, 'block', switchOutStolen(context, task));
      context.queue.shift();
      context.current = -1;
    },
    wakeTask: ({ context, event }) => {
      if (event.type !== 'wake') return;
      const index = context.tasks.findIndex((t) => t.id === event.task);
      const task = context.tasks[index];
      if (task === undefined || context.queue.includes(index)) return;
      sendTask(context, task, 'wakeup', task.stolenTotalNs);
      context.queue.push(index);
    },
    beginSteal: assign({ stealBeganNs: ({ context }) => context.now() }),
    endSteal: assign({
      vcpuStolenTotalNs: ({ context }) => context.vcpuStolenTotalNs + context.now() - context.stealBeganNs,
    }),
    exitAll: ({ context }) => {
      for (const [index, task] of context.tasks.entries()) {
        const stolen = index === context.current ? switchOutStolen(context, task) : task.stolenTotalNs;
        sendTask(context, task, 'exit', stolen);
      }
      context.current = -1;
    },
  },
}).createMachine({
  id: 'hostSim',
  context: ({ input, spawn }) => {
    const ledger = new Ledger();
    const tasks = input.tasks.map((id) => ({
      id,
      ref: spawn('task', { id: `task-${String(id)}`, input: { task: id, counterHz: 1e9, ledger } }),
      stolenTotalNs: 0,
      vcpuStolenAtDispatchNs: 0,
    }));
    return {
      now: input.now,
      quantumNs: input.quantumNs,
      ledger,
      tasks,
      queue: tasks.map((_, i) => i),
      current: -1,
      vcpuStolenTotalNs: 0,
      stealBeganNs: 0,
      trace: [],
    };
  },
  initial: 'running',
  states: {
    running: {
      entry: 'dispatchNext',
      after: { quantum: { target: 'running', reenter: true, actions: 'preemptCurrent' } },
      on: {
        'steal.begin': { target: 'stolen', actions: 'beginSteal' },
        // the task leaves for I/O; the next one starts a fresh quantum
        block: { target: 'running', reenter: true, actions: 'blockCurrent' },
        // a wakeup on an idle vCPU dispatches at once; otherwise the task queues behind the current one
        wake: [{ guard: 'idle', target: 'running', reenter: true, actions: 'wakeTask' }, { actions: 'wakeTask' }],
        finish: 'done',
      },
    },
    // While stolen the task keeps its slice (the guest cannot act); the quantum restarts when the vCPU runs again.
    stolen: {
      on: { 'steal.end': { target: 'running', actions: 'endSteal' }, finish: { target: 'done', actions: 'endSteal' } },
    },
    done: { type: 'final', entry: 'exitAll' },
  },
});

/** One task's result: what the ledger booked for it, through its child actor. */
export interface EmbedTaskResult {
  readonly task: TaskId;
  readonly state: unknown;
  readonly totals: TaskTotals;
}

/**
 * Runs the simulator: tasks share one vCPU round robin, the host steals it in the given windows, the running task
 * blocks for I/O at the given times, and at `endNs` every task exits. Returns what each child actor charged.
 * @param options - tasks, quantum, steal windows `[beginNs, endNs]`, I/O `[atNs, waitNs]` (outside steal) and the end
 * @returns each task's state and totals, read from its child actor; the events sent; the ledger they booked into
 */
export function runEmbedding(options: {
  readonly tasks: readonly TaskId[];
  readonly quantumNs: number;
  readonly steal: readonly (readonly [number, number])[];
  readonly io?: readonly (readonly [number, number])[];
  readonly endNs: number;
}): { readonly tasks: EmbedTaskResult[]; readonly trace: readonly TracedEvent[]; readonly ledger: Ledger } {
  const clock = new EventClock();
  const sim = createActor(hostSimMachine, {
    clock,
    input: { tasks: options.tasks, quantumNs: options.quantumNs, now: () => clock.now() },
  }).start();
  // the host's and the devices' events, in time order (ties in the order they were planned)
  const timeline: { readonly atNs: number; readonly seq: number; readonly run: () => void }[] = [];
  const plan = (atNs: number, run: () => void) => {
    timeline.push({ atNs, seq: timeline.length, run });
    timeline.sort((a, b) => a.atNs - b.atNs || a.seq - b.seq);
  };
  const guest = (event: SimEvent) => {
    if (sim.getSnapshot().value === 'stolen')
      throw new Error(`${event.type} while the vCPU is stolen: the guest cannot act`);
    sim.send(event);
  };
  for (const [beginNs, endNs] of options.steal) {
    plan(beginNs, () => sim.send({ type: 'steal.begin' }));
    plan(endNs, () => sim.send({ type: 'steal.end' }));
  }
  // at each I/O time the running task (if any) blocks for the given ns, then wakes
  for (const [atNs, waitNs] of options.io ?? []) {
    plan(atNs, () => {
      const { context } = sim.getSnapshot();
      const id = context.tasks[context.current]?.id;
      if (id === undefined) return;
      guest({ type: 'block' });
      plan(atNs + waitNs, () => guest({ type: 'wake', task: id }));
    });
  }
  plan(options.endNs, () => sim.send({ type: 'finish' }));
  for (let next = timeline.shift(); next !== undefined; next = timeline.shift()) {
    clock.advanceTo(next.atNs);
    next.run();
  }
  const { context } = sim.getSnapshot();
  const tasks = context.tasks.map((t) => {
    const snapshot = t.ref.getSnapshot();
    return { task: t.id, state: snapshot.value, totals: taskTotals(snapshot.context) };
  });
  return { tasks, trace: context.trace, ledger: context.ledger };
}

// Two CPU-bound tasks, a 4 ms quantum, the host steals 5–6 ms; the hand-computed charges are checked below.
const MS = 1_000_000;
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { tasks: results } = runEmbedding({
    tasks: [1, 2],
    quantumNs: 4 * MS,
    steal: [[5 * MS, 6 * MS]],
    endNs: 15 * MS,
  });
  for (const r of results) {
    const t = r.totals;
    console.log(
      `task ${String(r.task)} (${JSON.stringify(r.state)}): run ${String(t.runNs)} ns, stolen ${String(t.stolenNs)} ns, charged ${String(t.chargedNs)} ns, ${String(t.slices)} slices`,
    );
  }
  // 1 runs 0–4 and 10–14; 2 runs 4–10 (1 ms of it stolen, so its quantum restarted at 6) and 14–15.
  const [one, two] = results.map((r) => r.totals);
  if (one?.chargedNs !== 8 * MS || one.stolenNs !== 0) throw new Error('task 1: expected 8 ms charged, none stolen');
  if (two?.chargedNs !== 6 * MS || two.stolenNs !== MS) throw new Error('task 2: expected 6 ms charged, 1 ms stolen');
}
