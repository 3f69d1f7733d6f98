// Embedding the task machine in a simulator written with XState: a one-vCPU round-robin guest whose host steals the
// vCPU. The simulator is an XState v5 machine; it spawns one `taskMachine` child actor per task, sends each child
// dispatch/preempt/exit events carrying readings (counter = simulated ns, the task's stolen total as the kernel keeps
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
  readonly type: 'dispatch' | 'preempt' | 'exit';
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

type SimEvent = { type: 'steal.begin' } | { type: 'steal.end' } | { type: 'finish' };

interface SimInput {
  readonly tasks: readonly TaskId[];
  readonly quantumNs: number;
  readonly now: () => number;
}

/** Sends a task's child actor an event with its reading, and traces it. */
function sendTask(context: SimContext, task: SimTask, type: TracedEvent['type'], stolenTotalNs: number): void {
  const atNs = context.now();
  task.ref.send({ type, reading: { counter: atNs, stolenTotalNs, cpu: 0, atNs } });
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
      on: { 'steal.begin': { target: 'stolen', actions: 'beginSteal' }, finish: 'done' },
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
 * Runs the simulator: tasks share one vCPU round robin, the host steals it in the given windows, and at `endNs`
 * every task exits. Returns what each child actor charged.
 * @param options - tasks, quantum, steal windows `[beginNs, endNs]` and the end
 * @returns each task's state and totals, read from its child actor; the events sent; the ledger they booked into
 */
export function runEmbedding(options: {
  readonly tasks: readonly TaskId[];
  readonly quantumNs: number;
  readonly steal: readonly (readonly [number, number])[];
  readonly endNs: number;
}): { readonly tasks: EmbedTaskResult[]; readonly trace: readonly TracedEvent[]; readonly ledger: Ledger } {
  const clock = new EventClock();
  const sim = createActor(hostSimMachine, {
    clock,
    input: { tasks: options.tasks, quantumNs: options.quantumNs, now: () => clock.now() },
  }).start();
  for (const [beginNs, endNs] of options.steal) {
    clock.advanceTo(beginNs);
    sim.send({ type: 'steal.begin' });
    clock.advanceTo(endNs);
    sim.send({ type: 'steal.end' });
  }
  clock.advanceTo(options.endNs);
  sim.send({ type: 'finish' });
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
