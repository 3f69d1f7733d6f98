// A scheduler policy of your own, in plain JavaScript: least attained service (LAS). The task that has run least so
// far runs next; a tick hands the CPU over when someone queued has run less; a woken task that has run less
// preempts. Weights and nice are ignored, so every task converges to an equal share.
//
// Run it:   schedacct simulate --policy ./examples/policies/mine.js [SCENARIO.json]
//
// The default export is a SchedPolicy (schedacct/sim's types): `createRunQueue(cpu, env)` returns one CPU's run
// queue with the hooks the engine calls. `nowNs` is the CPU's task clock (steal removed as the scenario's
// `accounting` says), never decreasing. Keep your per-task state in `task.sched`.

/** @type {import('schedacct/sim').SchedPolicy} */
const las = {
  name: 'las',
  realtime: false,
  createRunQueue(cpu, env) {
    void cpu;
    void env;
    /** @type {Set<any>} the runnable tasks, the current one included */
    const runnable = new Set();
    let current;
    let sinceNs = 0;
    const charge = (nowNs) => {
      if (current !== undefined) current.sched.ranNs += nowNs - sinceNs;
      sinceNs = nowNs;
    };
    const least = () => {
      let best;
      for (const t of runnable) if (best === undefined || t.sched.ranNs < best.sched.ranNs) best = t;
      return best;
    };
    return {
      get current() {
        return current !== undefined && runnable.has(current) ? current : undefined;
      },
      get nrRunning() {
        return runnable.size;
      },
      enqueue(task, nowNs) {
        charge(nowNs);
        task.sched ??= { ranNs: 0 };
        runnable.add(task);
      },
      dequeue(task, nowNs) {
        charge(nowNs);
        runnable.delete(task);
      },
      pickNext(nowNs) {
        charge(nowNs);
        current = least();
        return current;
      },
      tick(nowNs) {
        charge(nowNs);
        return least() !== current;
      },
      wakeupPreempt(task, nowNs) {
        charge(nowNs);
        return current === undefined || !runnable.has(current) || task.sched.ranNs < current.sched.ranNs;
      },
      queued() {
        return [...runnable].filter((t) => t !== current);
      },
    };
  },
};

export default las;
