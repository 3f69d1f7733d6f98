"""A client of the schedacct protocol (v1), standard library only.

Starts ``schedacct serve --stdio`` as a child process and speaks its protocol: one JSON message per line each way,
a ``hello`` handshake first, every request carrying the host's time ``now``. 64-bit values travel as decimal strings;
this client turns them into Python ints on the way in and ints into strings on the way out, so a caller works with
plain ints throughout. An error reply raises :class:`ProtocolError`; the session goes on, its state as before.

    with Client() as c:
        c.model_open(0, vcpus=1)
        c.task_event(0, task=1, type="create", vcpu=0)
        c.task_event(0, task=1, type="dispatch", vcpu=0)
        print(c.task_event(10_000_000, task=1, type="exit", vcpu=0)["charges"])
"""

import json
import os
import subprocess
import sys
import threading

__all__ = ["Client", "ProtocolError", "default_command", "replay_transcripts", "to_wire", "from_wire", "U64_FIELDS"]

#: Fields whose values are U64 strings on the wire (times, durations, counters, totals).
U64_FIELDS = frozenset(
    "now until at atNs reached nextEventAt startNs endNs counter stolenTotalNs runNs stolenNs chargedNs sleepNs "
    "iowaitNs preemptNs delayNs minSliceNs maxSliceNs meanSliceNs runningNs runnableNs pausedNs offlineNs".split()
)
#: Where a U64 field holds an opaque value that must go back unchanged (a snapshot is never converted).
_OPAQUE = frozenset(["snapshot"])

_REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def default_command():
    """The command that starts the server: ``$SCHEDACCT_CMD`` if set (split on spaces, e.g. ``npx schedacct``),
    else the repository's built CLI, ``node <repo>/dist/bin/schedacct.js``; ``serve --stdio`` is appended."""
    env = os.environ.get("SCHEDACCT_CMD")
    base = env.split() if env else ["node", os.path.join(_REPO, "dist", "bin", "schedacct.js")]
    return base + ["serve", "--stdio"]


def to_wire(value, key=None):
    """A request's value in wire form: ints of U64 fields become decimal strings (bools and other fields stay)."""
    if key in _OPAQUE:
        return value
    if isinstance(value, dict):
        return {k: to_wire(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire(v, key) for v in value]
    if key in U64_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{key} must be >= 0, got {value}")
        return str(value)
    return value


def from_wire(value, key=None):
    """A reply's value in Python form: U64 strings of U64 fields become ints; a snapshot is kept as it came."""
    if key in _OPAQUE:
        return value
    if isinstance(value, dict):
        return {k: from_wire(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [from_wire(v, key) for v in value]
    if key in U64_FIELDS and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


class ProtocolError(Exception):
    """An error reply: ``code`` (e.g. ``impossible-event``), ``message`` for people, ``path`` of the field."""

    def __init__(self, code, message, path="", reply=None):
        super().__init__(f"{code}: {message}" + (f" (at {path})" if path else ""))
        self.code = code
        self.message = message
        self.path = path
        self.reply = reply


class Client:
    """One protocol session with a ``schedacct serve --stdio`` child process.

    ``cmd`` is the command (default :func:`default_command`); ``features`` those wanted in ``hello`` (default: all
    offered); ``log`` a file object every request line is also written to (to replay them later), ``reply_log`` one
    every reply line is written to, as it came; ``stderr_file``
    where the server's log goes (default: kept in memory, last lines in :attr:`stderr_lines`, read by a thread so a
    chatty server never blocks on a full pipe).
    """

    def __init__(
        self,
        cmd=None,
        features=None,
        client="schedacct_client.py",
        log=None,
        reply_log=None,
        stderr_file=None,
        now=0,
        hello=True,
    ):
        self._log = log
        self._reply_log = reply_log
        self._next_id = 0
        self.stderr_lines = []
        self.proc = subprocess.Popen(
            cmd or default_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr_file if stderr_file is not None else subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        if stderr_file is None:
            self._stderr_thread = threading.Thread(target=self._drain_stderr, daemon=True)
            self._stderr_thread.start()
        self.hello = None
        if hello:
            params = {"protocol": "schedacct", "version": "1.0", "client": client}
            if features is not None:
                params["features"] = list(features)
            self.hello = self.request("hello", now, **params)

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.rstrip("\n"))
            del self.stderr_lines[:-200]

    # ── the wire ────────────────────────────────────────────────────────────────────────────────────────────────

    def _message(self, method, now, params):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "now": now}
        if params:
            message["params"] = params
        return to_wire(message)

    def send_line(self, line):
        """Sends one raw line (no newline) and returns the reply line, parsed but not converted or checked."""
        return json.loads(self.send_raw(line))

    def send_raw(self, line):
        """Sends one raw line (no newline) and returns the reply line as text, without its newline."""
        if self._log is not None:
            self._log.write(line + "\n")
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise ConnectionError(self._died("its input closed")) from None
        reply = self.proc.stdout.readline()
        if reply == "":
            raise ConnectionError(self._died("it closed its output"))
        if self._reply_log is not None:
            self._reply_log.write(reply)
        return reply.rstrip("\n")

    def _died(self, how):
        code = self.proc.poll()
        tail = "\n".join(self.stderr_lines[-10:])
        return f"schedacct serve ended ({how}; exit status {code})" + (f":\n{tail}" if tail else "")

    @staticmethod
    def _result(reply):
        if "error" in reply:
            e = reply["error"]
            raise ProtocolError(e.get("code"), e.get("message"), e.get("path", ""), reply)
        return from_wire(reply["result"])

    def request(self, method, now, **params):
        """Sends one request at host time ``now`` (ns, int) and returns its result (U64s as ints).

        Raises :class:`ProtocolError` for an error reply."""
        line = json.dumps(self._message(method, now, params), separators=(",", ":"))
        return self._result(self.send_line(line))

    def batch(self, requests, raise_on_error=True):
        """Sends ``[(method, now, params), ...]`` as one batch line: applied whole or not at all.

        Returns the results in order; if one failed, raises its :class:`ProtocolError` (nothing was applied), or with
        ``raise_on_error=False`` returns the replies as they came (``{"error": ...}`` ones included)."""
        messages = [self._message(m, now, dict(p or {})) for m, now, p in requests]
        replies = self.send_line(json.dumps(messages, separators=(",", ":")))
        if isinstance(replies, dict):  # the whole line was refused (e.g. batch not granted)
            return [self._result(replies)]
        if not raise_on_error:
            return [from_wire(r) for r in replies]
        failed = [r for r in replies if "error" in r and r["error"].get("code") != "batch-aborted"]
        return [self._result(r) for r in (failed[:1] or replies)]

    # ── typed helpers ───────────────────────────────────────────────────────────────────────────────────────────

    def model_open(self, now, vcpus, **options):
        """Opens model mode: ``vcpus``, and optionally ``abi``, ``stealPolicy``, ``counterHz``, ``offlineIsSteal``."""
        return self.request("model.open", now, vcpus=vcpus, **options)

    def step_open(self, now, scenario):
        """Opens step mode with a scenario (the simulator's JSON, as a dict)."""
        return self.request("step.open", now, scenario=scenario)

    def vcpu_state(self, now, vcpu, state):
        """Sets a vCPU's state: ``running``, ``runnable`` (stolen), ``paused`` or ``offline``."""
        return self.request("vcpu.state", now, vcpu=vcpu, state=state)

    def vcpu_steal(self, now, vcpu, stolen_total_ns):
        """Publishes a vCPU's stolen total (model mode)."""
        return self.request("vcpu.steal", now, vcpu=vcpu, stolenTotalNs=stolen_total_ns)

    def task_event(self, now, task, type, vcpu, **extra):
        """A task event (``create``, ``wakeup``, ``dispatch``, ``preempt``, ``block``, ``migrate``, ``exit``);
        ``extra``: ``state`` (block), ``toVcpu`` (migrate), ``reading`` (``{counter, stolenTotalNs}``)."""
        return self.request("task.event", now, task=task, type=type, vcpu=vcpu, **extra)

    def step(self, now, until, early_return=True):
        """Step mode: runs the guest to ``until`` or to the first early return; gives what happened."""
        return self.request("step", now, until=until, earlyReturn=early_return)

    def ledger(self, now, tasks=None):
        """Every task's totals and every vCPU's (or only ``tasks``)."""
        return self.request("ledger.get", now, **({} if tasks is None else {"tasks": list(tasks)}))

    def anomalies(self, now, since=0):
        """The anomalies recorded, from index ``since``."""
        return self.request("anomalies.get", now, since=since)

    def snapshot_get(self, now):
        """The whole session state: give it back to :meth:`snapshot_set` unchanged."""
        return self.request("snapshot.get", now)["snapshot"]

    def snapshot_set(self, now, snapshot):
        """Puts the session back to a snapshot (its time too)."""
        return self.request("snapshot.set", now, snapshot=snapshot)

    def close(self, now=None):
        """Says ``bye`` (at ``now``, default the last time the server gave) and waits for the server to exit."""
        if self.proc.poll() is None:
            try:
                if now is not None:
                    self.request("bye", now)
                self.proc.stdin.close()
            except (ConnectionError, BrokenPipeError, OSError):
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _is_bye(line):
    try:
        message = json.loads(line)
    except ValueError:
        return False
    return isinstance(message, dict) and message.get("method") == "bye"


def replay_transcripts(folder, cmd=None):
    """Replays the conformance transcripts in ``folder`` (``NAME.in.jsonl`` request lines, ``NAME.out.jsonl`` the
    reply lines expected) through the server, comparing each reply line byte for byte. Returns ``(passed, failures)``
    with a message per failing transcript."""
    passed, failures = 0, []
    for name in sorted(f[: -len(".in.jsonl")] for f in os.listdir(folder) if f.endswith(".in.jsonl")):
        with open(os.path.join(folder, name + ".in.jsonl"), encoding="utf-8", newline="") as f:
            requests = f.read().split("\n")
        with open(os.path.join(folder, name + ".out.jsonl"), encoding="utf-8", newline="") as f:
            expected = f.read().split("\n")
        for lines in (requests, expected):
            if lines and lines[-1] == "":
                lines.pop()
        got = []
        with Client(cmd=cmd, hello=False) as c:
            for line in requests:
                line = line[:-1] if line.endswith("\r") else line
                got.append(c.send_raw(line))
                if _is_bye(line) and '"result"' in got[-1]:
                    break  # the server ends the session after answering bye
        bad = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), None)
        if bad is None and len(got) == len(expected):
            passed += 1
        else:
            at = bad if bad is not None else min(len(got), len(expected))
            failures.append(f"{name}: reply {at + 1} differs: got {got[at] if at < len(got) else None!r}, "
                            f"expected {expected[at] if at < len(expected) else None!r}")
    return passed, failures


def _demo():
    """Two tasks on one vCPU; the host steals 1 ms of task 1's 4 ms slice; then a bad request, and the session goes on."""
    ms = 1_000_000
    with Client() as c:
        print("server:", c.hello["server"], "features:", c.hello["features"])
        c.model_open(0, vcpus=1)
        for task in (1, 2):
            c.task_event(0, task=task, type="create", vcpu=0)
        c.task_event(0, task=1, type="dispatch", vcpu=0)
        c.vcpu_state(1 * ms, vcpu=0, state="runnable")
        c.vcpu_state(2 * ms, vcpu=0, state="running")
        print("slice:", c.task_event(4 * ms, task=1, type="preempt", vcpu=0)["charges"])
        try:
            c.task_event(4 * ms, task=1, type="preempt", vcpu=0)
        except ProtocolError as e:
            print("refused, as it should be:", e)
        c.task_event(4 * ms, task=2, type="dispatch", vcpu=0)
        c.task_event(6 * ms, task=2, type="exit", vcpu=0)
        for t in c.ledger(6 * ms)["tasks"]:
            print(f"task {t['task']}: charged {t['chargedNs']} ns, stolen {t['stolenNs']} ns")
        c.close(6 * ms)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--conformance":
        ok, bad = replay_transcripts(sys.argv[2])
        print(f"conformance: {ok} transcripts passed, {len(bad)} failed", *bad, sep="\n")
        sys.exit(1 if bad else 0)
    sys.exit(_demo())
