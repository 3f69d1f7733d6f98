"""A small discrete-event host simulator that drives schedacct through its protocol (standard library only).

MODEL mode: this simulator runs everything. N vCPUs; CPU-bound and sleeping tasks on a round-robin guest scheduler
with a quantum (one run queue per vCPU, tasks placed round robin at creation); a host that steals each vCPU by a
seeded pattern (runnable for 1-3 ms once every 10 ms, at a seeded phase). It sends ``vcpu.state`` and ``task.event``
(create, dispatch, preempt, block, wakeup, exit; optionally batched) and collects each task's charged and stolen
totals from the charges the replies carry and from the final ``ledger.get``.

The guest cannot act while its vCPU is stolen: a timer or wakeup due then is handled when the vCPU runs again, and
a task's quantum and burst are counted in the time it really ran (as the kernel's steal-aware task clock does).

STEP mode: schedacct simulates the guest (a scenario); this host only supplies steal, with ``vcpu.state`` between
``step`` calls, and reacts to early returns: an idle vCPU is not runnable, so a steal window that begins while the
guest left it idle is skipped.

    python3 host_sim.py --mode model --seed 1 --json [--log requests.jsonl] [--events N --batch K]
"""

import argparse
import collections
import heapq
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from schedacct_client import Client, ProtocolError  # noqa: E402

MS = 1_000_000
US = 1_000


class Host:
    """The host's steal pattern for each vCPU: a window of 1-3 ms runnable once every ``period_ns``, seeded."""

    def __init__(self, vcpus, seed, period_ns=10 * MS):
        self.rng = random.Random(seed)
        self.period_ns = period_ns
        self.phase = [self.rng.randrange(period_ns) for _ in range(vcpus)]

    def window(self, vcpu, k):
        """The k-th steal window of a vCPU: (begin, end) in ns."""
        begin = self.phase[vcpu] + k * self.period_ns
        return begin, begin + self.rng.randrange(1 * MS, 3 * MS + 1)


class ModelSim:
    """Model mode: a guest with a round-robin scheduler per vCPU, and the host's steal, all simulated here."""

    def __init__(self, client, args):
        self.c = client
        self.batch_size = args.batch
        self.readings = args.readings
        self.quantum_ns = args.quantum_us * US
        self.max_events = args.events
        self.end_ns = args.duration_ms * MS if args.events is None else None
        self.host = Host(args.vcpus, args.seed)
        self.rng = random.Random(args.seed + 1)
        self.heap, self.seq, self.now = [], 0, 0
        self.out, self.task_events, self.requests = [], 0, 0
        self.vcpus = [
            {"running": True, "current": None, "queue": collections.deque(), "pending": [], "mark": 0,
             "quantum": 0, "token": 0, "k": 0, "stolen": 0, "stealBegan": 0}
            for _ in range(args.vcpus)
        ]
        self.tasks = {}
        for i in range(args.hogs + args.sleepers):
            tid = 100 + i
            sleeper = i >= args.hogs
            self.tasks[tid] = {
                "task": tid, "name": f"{'sleeper' if sleeper else 'hog'}-{i}", "vcpu": i % args.vcpus,
                "sleeper": sleeper, "burst": self._burst() if sleeper else None, "state": "S" if i % 2 else "D",
                "charges": {"runNs": 0, "stolenNs": 0, "chargedNs": 0, "slices": 0},
            }
            self.at(i * 100 * US, self.create, tid)
        for v in range(args.vcpus):
            self.at(self.host.window(v, 0)[0], self.steal_begin, v)

    def _burst(self):
        return self.rng.randrange(500 * US, 4 * MS)

    # ── plumbing ───────────────────────────────────────────────────────────────────────────────────────────────

    def at(self, t, fn, *args):
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, fn, args))

    def send(self, method, **params):
        """Queues one request at the current time; sent as soon as a batch is full (or at once, unbatched)."""
        self.out.append((method, self.now, params))
        if method == "task.event":
            self.task_events += 1
        if len(self.out) >= self.batch_size:
            self.flush()

    def flush(self):
        if not self.out:
            return
        out, self.out = self.out, []
        self.requests += len(out)
        if self.batch_size == 1:
            results = [self.c.request(m, now, **p) for m, now, p in out]
        else:
            results = self.c.batch(out)
        for (method, _, _), result in zip(out, results):
            if method != "task.event":
                continue
            for charge in result["charges"]:
                acc = self.tasks[charge["task"]]["charges"]
                for key in ("runNs", "stolenNs", "chargedNs"):
                    acc[key] += charge[key]
                acc["slices"] += 1

    def event(self, task, type, **extra):
        t = self.tasks[task]
        if self.readings:
            extra["reading"] = self._reading(t, type)
        self.send("task.event", task=task, type=type, vcpu=t["vcpu"], **extra)

    def _reading(self, t, type):
        """The reading the host takes itself (feature ``readings``), as the protocol defines the session's own:
        counter = now (1 GHz), and the task's stolen total grown at a switch-out by its vCPU's steal since dispatch."""
        vcpu_stolen = self.vcpus[t["vcpu"]]["stolen"]  # no task event happens while the vCPU is stolen
        if type == "dispatch":
            t["running"], t["atDispatch"] = True, vcpu_stolen
        elif type in ("preempt", "block", "exit") and t.get("running"):
            t["running"] = False
            t["stolen"] = t.get("stolen", 0) + vcpu_stolen - t["atDispatch"]
        return {"counter": self.now, "stolenTotalNs": t.get("stolen", 0)}

    # ── the guest ──────────────────────────────────────────────────────────────────────────────────────────────

    def on_vcpu(self, v, fn, *args):
        """Runs a guest action now if the vCPU runs, else when it runs again."""
        if self.vcpus[v]["running"]:
            fn(*args)
        else:
            self.vcpus[v]["pending"].append((fn, args))

    def create(self, tid):
        self.on_vcpu(self.tasks[tid]["vcpu"], self._create, tid)

    def _create(self, tid):
        self.tasks[tid]["live"] = True
        self.event(tid, "create")
        self._enqueue(tid)

    def wake(self, tid):
        self.on_vcpu(self.tasks[tid]["vcpu"], self._wake, tid)

    def _wake(self, tid):
        self.event(tid, "wakeup")
        self._enqueue(tid)

    def _enqueue(self, tid):
        v = self.vcpus[self.tasks[tid]["vcpu"]]
        v["queue"].append(tid)
        if v["current"] is None:
            self._dispatch(self.tasks[tid]["vcpu"])

    def _dispatch(self, vi):
        v = self.vcpus[vi]
        if v["current"] is not None or not v["queue"] or not v["running"]:
            return
        tid = v["queue"].popleft()
        v["current"], v["mark"], v["quantum"] = tid, self.now, self.quantum_ns
        self.event(tid, "dispatch")
        self._arm(vi)

    def _arm(self, vi):
        """Sets the guest's timer: the end of the quantum or of the current task's burst, whichever is first."""
        v = self.vcpus[vi]
        v["token"] += 1
        tid = v["current"]
        if tid is None:
            return
        burst = self.tasks[tid]["burst"]
        due = v["quantum"] if burst is None else min(v["quantum"], burst)
        self.at(self.now + due, self.timer, vi, v["token"])

    def _progress(self, vi):
        """Counts the time the current task ran since the mark against its quantum and its burst."""
        v = self.vcpus[vi]
        ran = self.now - v["mark"]
        v["mark"] = self.now
        v["quantum"] -= ran
        task = self.tasks[v["current"]]
        if task["burst"] is not None:
            task["burst"] -= ran

    def timer(self, vi, token):
        v = self.vcpus[vi]
        if token != v["token"] or v["current"] is None:
            return
        self._progress(vi)
        tid = v["current"]
        task = self.tasks[tid]
        if task["burst"] is not None and task["burst"] <= 0:
            v["current"] = None
            self.event(tid, "block", state=task["state"])
            task["burst"] = self._burst()
            self.at(self.now + self.rng.randrange(1 * MS, 6 * MS), self.wake, tid)
        elif v["queue"]:
            v["current"] = None
            self.event(tid, "preempt")
            v["queue"].append(tid)
        else:
            v["quantum"] = self.quantum_ns
            self._arm(vi)
            return
        self._dispatch(vi)

    # ── the host ───────────────────────────────────────────────────────────────────────────────────────────────

    def steal_begin(self, vi):
        v = self.vcpus[vi]
        if v["current"] is not None:
            self._progress(vi)
        v["token"] += 1
        v["running"], v["stealBegan"] = False, self.now
        self.send("vcpu.state", vcpu=vi, state="runnable")
        self.at(self.host.window(vi, v["k"])[1], self.steal_end, vi)

    def steal_end(self, vi):
        v = self.vcpus[vi]
        v["running"], v["mark"] = True, self.now
        v["stolen"] += self.now - v["stealBegan"]
        self.send("vcpu.state", vcpu=vi, state="running")
        v["k"] += 1
        self.at(max(self.now, self.host.window(vi, v["k"])[0]), self.steal_begin, vi)
        pending, v["pending"] = v["pending"], []
        for fn, args in pending:
            fn(*args)
        self._arm(vi)
        self._dispatch(vi)

    # ── the run ────────────────────────────────────────────────────────────────────────────────────────────────

    def run(self):
        self.c.model_open(0, vcpus=len(self.vcpus))
        while self.heap:
            t, _, fn, args = self.heap[0]
            if self.end_ns is not None and t >= self.end_ns:
                break
            if self.max_events is not None and self.task_events >= self.max_events:
                break
            heapq.heappop(self.heap)
            self.now = t
            fn(*args)
        self.now = self.end_ns if self.end_ns is not None else self.now
        self.finish()

    def finish(self):
        """Ends the run: every stolen vCPU runs again, every task exits (a running one closes its slice)."""
        for vi, v in enumerate(self.vcpus):
            if not v["running"]:
                v["running"] = True
                v["stolen"] += self.now - v["stealBegan"]
                self.send("vcpu.state", vcpu=vi, state="running")
        for tid in sorted(self.tasks):
            if self.tasks[tid].get("live"):
                self.event(tid, "exit")
        self.flush()


def model_mode(args, client):
    sim = ModelSim(client, args)
    started = time.perf_counter()
    sim.run()
    elapsed = time.perf_counter() - started
    ledger = client.ledger(sim.now)
    by_id = {t["task"]: t for t in ledger["tasks"]}
    tasks, agree = [], True
    for tid in sorted(t for t in sim.tasks if t in by_id):
        task, totals = sim.tasks[tid], by_id[tid]
        row = {"task": tid, "name": task["name"]}
        row.update({k: totals[k] for k in ("chargedNs", "stolenNs", "runNs", "slices")})
        row["fromCharges"] = task["charges"]
        agree = agree and all(task["charges"][k] == totals[k] for k in ("chargedNs", "stolenNs", "runNs", "slices"))
        tasks.append(row)
    return {
        "mode": "model", "seed": args.seed, "readings": args.readings, "nowNs": sim.now, "taskEvents": sim.task_events,
        "requests": sim.requests, "batch": args.batch, "elapsedS": elapsed,
        "taskEventsPerSecond": sim.task_events / elapsed if elapsed > 0 else None,
        "chargesMatchLedger": agree, "tasks": tasks, "vcpus": ledger["vcpus"],
    }


def step_scenario(args):
    """The guest step mode simulates: hogs and periodic sleepers on ``args.vcpus`` vCPUs, no steal of its own."""
    tasks = []
    if args.hogs:
        tasks.append({"name": "hog", "count": args.hogs, "workload": {"kind": "cpu"}})
    if args.sleepers:
        tasks.append({"name": "sleeper", "count": args.sleepers,
                      "workload": {"kind": "periodic", "runUs": 2000, "sleepUs": 3000}})
    return {"kernel": "6.18", "hz": 250, "cpus": args.vcpus, "seed": args.seed, "durationMs": args.duration_ms,
            "tasks": tasks}


def step_mode(args, client):
    """Step mode: the host supplies steal between steps and tracks which vCPUs the guest left idle."""
    host = Host(args.vcpus, args.seed)
    opened = client.step_open(0, step_scenario(args))
    names = {t["task"]: t["name"] for t in opened["tasks"]}
    charges = {tid: {"runNs": 0, "stolenNs": 0, "chargedNs": 0, "slices": 0} for tid in names}
    idle = [False] * args.vcpus
    # each vCPU's next host toggle: (time, vcpu, "begin"/"end", window index)
    toggles = [(host.window(v, 0)[0], v, "begin", 0) for v in range(args.vcpus)]
    heapq.heapify(toggles)
    end_ns, now, steps, early, skipped, stuck = args.duration_ms * MS, 0, 0, 0, 0, 0
    started = time.perf_counter()
    while now < end_ns:
        until = min(end_ns, toggles[0][0])
        if until > now:
            # two early returns in a row with neither time nor events: step on without them (a guard, not expected)
            r = client.step(now, until, early_return=stuck < 2)
            steps += 1
            stuck = stuck + 1 if r["reached"] == now and not r["events"] else 0
            now = r["reached"]
            for e in r["events"]:
                if e["type"] == "switch":
                    idle[e["vcpu"]] = e.get("next") is None
                    ch = e.get("charge")
                    if ch is not None:
                        acc = charges.setdefault(ch["task"], {"runNs": 0, "stolenNs": 0, "chargedNs": 0, "slices": 0})
                        for key in ("runNs", "stolenNs", "chargedNs"):
                            acc[key] += ch[key]
                        acc["slices"] += 1
            if r["reason"] != "until":
                early += 1
                continue
        while toggles and toggles[0][0] <= now:
            _, v, kind, k = heapq.heappop(toggles)
            if kind == "begin":
                begin, stop = host.window(v, k)
                if idle[v]:
                    skipped += 1  # an idle vCPU is not runnable: nothing to steal
                    heapq.heappush(toggles, (host.window(v, k + 1)[0], v, "begin", k + 1))
                    continue
                client.vcpu_state(now, v, "runnable")
                heapq.heappush(toggles, (stop, v, "end", k))
            else:
                client.vcpu_state(now, v, "running")
                heapq.heappush(toggles, (max(now, host.window(v, k + 1)[0]), v, "begin", k + 1))
    elapsed = time.perf_counter() - started
    try:
        ledger = client.ledger(now)
        by_id = {t["task"]: t for t in ledger["tasks"]}
    except ProtocolError:
        ledger, by_id = None, {}
    tasks, agree = [], True
    for tid in sorted(charges):
        row = {"task": tid, "name": names.get(tid, str(tid)), "fromCharges": charges[tid]}
        totals = by_id.get(tid)
        if totals is not None:
            row.update({k: totals[k] for k in ("chargedNs", "stolenNs", "runNs", "slices")})
            agree = agree and all(charges[tid][k] == totals[k] for k in ("chargedNs", "stolenNs", "runNs", "slices"))
        tasks.append(row)
    return {
        "mode": "step", "seed": args.seed, "nowNs": now, "steps": steps, "earlyReturns": early,
        "skippedSteal": skipped, "elapsedS": elapsed, "chargesMatchLedger": agree if ledger else None,
        "tasks": tasks, "vcpus": ledger["vcpus"] if ledger else None,
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mode", choices=["model", "step"], default="model")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--vcpus", type=int, default=2)
    p.add_argument("--hogs", type=int, default=2, help="CPU-bound tasks")
    p.add_argument("--sleepers", type=int, default=2, help="tasks that run a burst, then sleep")
    p.add_argument("--quantum-us", type=int, default=3000, help="round-robin quantum (model mode)")
    p.add_argument("--duration-ms", type=int, default=200)
    p.add_argument("--events", type=int, default=None, help="model mode: run until N task events were sent")
    p.add_argument("--batch", type=int, default=1, help="model mode: requests per line (1: unbatched)")
    p.add_argument("--readings", action="store_true", help="model mode: send the readings the host takes itself")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--log", help="write every request line sent to this file")
    p.add_argument("--replies", help="write every reply line received to this file")
    p.add_argument("--cmd", help="the server command (default: node <repo>/dist/bin/schedacct.js serve --stdio)")
    args = p.parse_args(argv)
    if args.batch < 1:
        p.error("--batch must be at least 1")
    log = open(args.log, "w", encoding="utf-8") if args.log else None
    replies = open(args.replies, "w", encoding="utf-8") if args.replies else None
    try:
        with Client(cmd=args.cmd.split() if args.cmd else None, log=log, reply_log=replies) as client:
            result = (model_mode if args.mode == "model" else step_mode)(args, client)
            client.close(result["nowNs"])
    finally:
        for f in (log, replies):
            if f is not None:
                f.close()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for t in result["tasks"]:
            print(f"{t['name']:>12} (task {t['task']}): charged {t.get('chargedNs')} ns, stolen {t.get('stolenNs')} ns")
        if result["mode"] == "step":
            print(f"{result['steps']} steps, {result['earlyReturns']} early returns, "
                  f"{result['skippedSteal']} steal windows skipped on an idle vCPU")
        rate = result.get("taskEventsPerSecond")
        if rate:
            print(f"{result['taskEvents']} task events in {result['elapsedS']:.3f} s: {rate:,.0f}/s")
    return 0 if result["chargesMatchLedger"] is not False else 1


if __name__ == "__main__":
    sys.exit(main())
