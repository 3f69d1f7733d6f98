#!/usr/bin/env python3
"""An independent oracle for `perf sched timehist`: a small transliteration of upstream perf's timehist code.

It reads `perf script --ns` text (the sched tracepoints) and, optionally, perf's side-band task records
(`perf script --ns --show-task-events`, the PERF_RECORD_FORK / COMM / EXIT lines), replays them the way
tools/perf/builtin-sched.c does, and writes what `perf sched timehist` would print:

  NAME.timehist.txt        perf sched timehist
  NAME.timehist-state.txt  perf sched timehist --state
  NAME.summary.txt         perf sched timehist -s
  NAME.state-summary.txt   perf sched timehist --state -s

It shares no code with schedacct (it is written from perf's source, not from src/**), so it can judge
schedacct's `--compat current`, for which no perf binary exists on this machine.

Two rule sets:

  --compat current  upstream perf: torvalds/linux tools/perf/builtin-sched.c, the stored version at commit
                    00093b3133984ffe80697b5d2e7f204983660dd9 (the file with `perf sched stats`, schedstat
                    v15-v17 and `-P/--pre-migrations`). "L<n>" below are lines of that file. With
                    --keep-exited: the same with symbol_conf.keep_exited_threads (exited threads kept).
  --compat perf-6.1 the perf installed here (6.1). Its rules are the lines Ze Gao's "perf sched: reorganize
                    sched-out task state report code" (2023, v4 3/7) removed: raw prev_state compared with
                    TASK_RUNNING / TASK_UNINTERRUPTIBLE, task_state_char() over "RSDTtZXxKWP", ready_to_run = 0 at
                    every switch-out; plus the pre-2023 thread table (exited threads stay, flagged dead, printed
                    under "Terminated tasks:"). Used only to show the transliteration reproduces perf 6.1's real
                    output in fixtures/perf/ (see --check).

Usage:
  scripts/perf-timehist-oracle.py --compat current --out DIR NAME.perf.txt [--sideband NAME.sideband.txt]
  scripts/perf-timehist-oracle.py --compat perf-6.1 --check fixtures/perf NAME.perf.txt [--sideband ...]
"""

import argparse
import gzip
import math
import os
import re
import struct
import sys

NSEC_PER_SEC = 1_000_000_000
NSEC_PER_MSEC = 1_000_000
NSEC_PER_USEC = 1_000
COMM_WIDTH = 30  # L2043 `static int comm_width = 30;` (grows in timehist_get_commstr, L2062-2063)
THREADS_TABLE_SIZE = 256  # tools/perf/util/threads.h: THREADS__TABLE_BITS 8 (the same 256 buckets in 6.1)

# prev_state as the kernel reports it (include/trace/events/sched.h, kernel >= 4.14): one TASK_REPORT bit per
# letter, "R" = 0, and "+" = TASK_REPORT_MAX (0x100, preempted). perf reads the number; the text gives letters.
REPORT_BITS = {'S': 0x1, 'D': 0x2, 'T': 0x4, 't': 0x8, 'X': 0x10, 'Z': 0x20, 'P': 0x40, 'I': 0x80}
TASK_REPORT_MAX = 0x100


def prev_state_value(text):
    val = 0
    if text.endswith('+'):
        val |= TASK_REPORT_MAX
        text = text[:-1]
    if text != 'R':
        for part in text.split('|'):
            val |= REPORT_BITS.get(part, 0)
    return val


def ffs(val):
    return (val & -val).bit_length() if val else 0


# The state letters of the kernel's print_fmt for prev_state, as perf's parse_task_states()/convert_sym() builds
# them (tools/perf/util/trace-event-parse.c): states[i] = letter of bit i -> "SDTtXZPI" on this kernel.
KERNEL_STATES = 'SDTtXZPI'


def state_char_current(val):
    # tools/perf/util/evsel.c evsel__taskstate(): bit = val ? ffs(val) : 0;
    # state = (!bit || bit > strlen(states)) ? 'R' : states[bit-1];  -> R+ (bit 9) is 'R'
    bit = ffs(val)
    return 'R' if (bit == 0 or bit > len(KERNEL_STATES)) else KERNEL_STATES[bit - 1]


def state_char_61(val):
    # perf 6.1 task_state_char(): state_to_char[] = TASK_STATE_TO_CHAR_STR "RSDTtZXxKWP";
    # bit = state ? ffs(state) : 0; return bit < sizeof(state_to_char) - 1 ? state_to_char[bit] : '?';
    table = 'RSDTtZXxKWP'
    bit = ffs(val)
    return table[bit] if bit < len(table) else '?'


class Stats:
    """tools/perf/util/stat.c init_stats / update_stats / avg_stats / stddev_stats / rel_stddev_stats."""

    def __init__(self):
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0
        self.max = 0
        self.min = 2**64 - 1  # init_stats: min = (u64) -1

    def update(self, val):
        self.n += 1
        delta = val - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (val - self.mean)
        self.max = max(self.max, val)
        self.min = min(self.min, val)

    def rel_stddev(self):
        # stddev_stats: the standard error of the mean; timehist keeps it in a float (L2953 `float stddev`)
        stddev = 0.0 if self.n < 2 else math.sqrt(self.m2 / (self.n - 1) / self.n)
        pct = 100.0 * stddev / self.mean if self.mean else 0.0
        return struct.unpack('f', struct.pack('f', pct))[0]


class Runtime:
    """struct thread_runtime (L248-275), zeroed by thread__init_runtime (L938-951)."""

    def __init__(self):
        self.last_time = 0
        self.dt_run = self.dt_sleep = self.dt_iowait = self.dt_preempt = self.dt_delay = 0
        self.ready_to_run = 0
        self.run_stats = Stats()
        self.total_run_time = self.total_sleep_time = self.total_iowait_time = 0
        self.total_preempt_time = self.total_delay_time = 0
        self.last_state = None


class Thread:
    def __init__(self, pid, tid):
        self.pid = pid
        self.tid = tid
        self.ppid = -1
        self.comm = ':%d' % tid  # thread__new: comm ":<tid>", comm_set false
        self.comm_set = False
        self.priv = None
        self.dead = False  # perf 6.1 thread->dead (set at PERF_RECORD_EXIT)

    def runtime(self):
        # thread__get_runtime (L953-965): allocated at first use
        if self.priv is None:
            self.priv = Runtime()
        return self.priv

    def commstr(self):
        # timehist_get_commstr (L2045-2066)
        if self.pid == 0:
            return self.comm
        if self.tid != self.pid:
            return '%s[%d/%d]' % (self.comm, self.tid, self.pid)
        return '%s[%d]' % (self.comm, self.tid)


def sched_time(nsecs, width):
    # print_sched_time (L1964-1976): msec.usec, truncated, then a space
    msecs = nsecs // NSEC_PER_MSEC
    usecs = (nsecs - msecs * NSEC_PER_MSEC) // NSEC_PER_USEC
    return '%*d.%03d ' % (width, msecs, usecs)


def timestamp_usec(t):
    # timestamp__scnprintf_usec: "%lu.%06lu", truncated
    return '%d.%06d' % (t // NSEC_PER_SEC, (t % NSEC_PER_SEC) // NSEC_PER_USEC)


LINE = re.compile(r'^\s*(?P<comm>.*?)\s+(?P<tid>-?\d+)\s+\[(?P<cpu>\d+)\]\s+(?P<sec>\d+)\.(?P<frac>\d+):\s+(?P<ev>\S+?):?\s+(?P<rest>.*)$')
SWITCH = re.compile(r'prev_comm=(?P<pc>.*) prev_pid=(?P<pp>-?\d+) prev_prio=(?P<ppr>-?\d+) prev_state=(?P<ps>\S+) ==> next_comm=(?P<nc>.*) next_pid=(?P<np>-?\d+) next_prio=(?P<npr>-?\d+)')
WAKE = re.compile(r'comm=(?P<c>.*) pid=(?P<p>-?\d+) prio=(?P<pr>-?\d+)')
FORK_EXIT = re.compile(r'PERF_RECORD_(?P<k>FORK|EXIT)\((?P<pid>-?\d+):(?P<tid>-?\d+)\):\((?P<ppid>-?\d+):(?P<ptid>-?\d+)\)')
COMM_REC = re.compile(r'PERF_RECORD_COMM(?: exec)?: (?P<c>.*):(?P<pid>-?\d+)/(?P<tid>-?\d+)$')


def parse_time(sec, frac):
    return int(sec) * NSEC_PER_SEC + int(frac.ljust(9, '0')[:9])


def read_events(trace_lines, sideband_lines):
    """perf's ordered event stream: tracepoint samples and side-band records merged by time (perf sorts all of
    them by timestamp). A side-band record and a sample never share a timestamp in these recordings (checked)."""
    events = []
    for order, line in enumerate(trace_lines):
        m = LINE.match(line)
        if not m:
            continue
        events.append((parse_time(m['sec'], m['frac']), 1, order, m))
    side_times = set()
    for order, line in enumerate(sideband_lines or []):
        if 'PERF_RECORD_' not in line:
            continue
        m = re.match(r'^\s*(?P<comm>.*?)\s+(?P<tid>-?\d+)\s+\[(?P<cpu>\d+)\]\s+(?P<sec>\d+)\.(?P<frac>\d+):\s+(?P<rest>PERF_RECORD_.*)$', line)
        if not m:
            continue
        t = parse_time(m['sec'], m['frac'])
        if t:
            side_times.add(t)
        events.append((t, 0, order, m))
    sample_times = {e[0] for e in events if e[1] == 1}
    assert not (side_times & sample_times), 'a side-band record shares a timestamp with a sample: order is ambiguous'
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    return events


class Timehist:
    def __init__(self, compat, ncpus, keep_exited=False, summary_only=False):
        self.current = compat == 'current'
        self.keep_exited = keep_exited
        self.summary_only = summary_only
        self.threads = {}  # machine->threads, keyed by tid
        self.removed = []  # perf 6.1: threads->dead list (threads removed by a FORK of their tid)
        self.idle = {}  # idle_threads[cpu] (get_idle_thread, L2451-2483)
        self.cpu_last = {}  # evsel__save_time / evsel__get_time (L1997-2031): previous switch per CPU
        self.hist_start = 0
        self.hist_end = 0
        self.ncpus = ncpus
        self.comm_width = COMM_WIDTH
        self.rows = []  # (cpu, tid, t, wait, delay, run, state, label)
        self.waking = False

    # -- machine (tools/perf/util/machine.c, threads.c) --
    def findnew(self, pid, tid):
        th = self.threads.get(tid)
        if th is None:
            th = Thread(pid, tid)
            self.threads[tid] = th
        return th

    def remove(self, th):
        # machine__remove_thread: out of the table. perf 6.1 kept it on the dead list (still walked by
        # machine__for_each_thread); current perf drops it (threads__remove).
        if self.threads.get(th.tid) is th:
            del self.threads[th.tid]
        if not self.current:
            self.removed.append(th)

    def sideband(self, m):
        rest = m['rest']
        fe = FORK_EXIT.search(rest)
        if fe and fe['k'] == 'FORK':
            # machine__process_fork_event: an existing thread of that tid is removed, the child made anew,
            # thread__fork() sets ppid = parent's tid and copies the parent's comm
            old = self.threads.get(int(fe['tid']))
            parent = self.findnew(int(fe['ppid']), int(fe['ptid']))
            if old is not None:
                self.remove(old)
            child = self.findnew(int(fe['pid']), int(fe['tid']))
            child.ppid = parent.tid
            if parent.comm_set:
                child.comm, child.comm_set = parent.comm, True
        elif fe and fe['k'] == 'EXIT':
            th = self.threads.get(int(fe['tid']))
            if th is not None:
                if self.current and not self.keep_exited:
                    # machine__process_exit_event (current): symbol_conf.keep_exited_threads is not set by
                    # perf sched, so the thread is removed ("perf machine thread: Remove exited threads by
                    # default", Ian Rogers, 2023): its runtime goes with it, and a later sample of the tid
                    # gets a new thread with a zeroed thread_runtime.
                    self.remove(th)
                elif self.current:
                    # keep_exited_threads (set by perf_session__open for a recording with AUXTRACE):
                    # thread__set_exited(thread, true), the thread stays in the table
                    pass
                else:
                    th.dead = True  # perf 6.1 thread__exited(): stays in the table, flagged dead
        else:
            c = COMM_REC.search(rest)
            if c:
                th = self.findnew(int(c['pid']), int(c['tid']))
                th.comm, th.comm_set = c['c'], True

    # -- builtin-sched.c --
    def wakeup(self, m):
        # timehist_sched_wakeup_event (L2639-2671): the wakee's ready_to_run, if not set yet
        if m['ev'] == 'sched:sched_wakeup' and self.waking:
            return  # L3346-3348: sched_wakeup is ignored when sched_waking was recorded
        w = WAKE.search(m['rest'])
        th = self.findnew(0, int(w['p']))
        tr = th.runtime()
        if tr.ready_to_run == 0:
            tr.ready_to_run = self.t

    def update_runtime_stats(self, r, t, tprev):
        # timehist_update_runtime_stats (L2270-2314)
        r.dt_delay = r.dt_sleep = r.dt_iowait = r.dt_preempt = r.dt_run = 0
        if tprev:
            r.dt_run = t - tprev  # L2281
            if r.ready_to_run:
                if r.ready_to_run <= tprev:  # L2282-2286 (else: "time travel", no delay)
                    r.dt_delay = tprev - r.ready_to_run
            if r.last_time and r.last_time <= tprev:  # L2292-2295
                dt_wait = tprev - r.last_time
                if self.current:
                    preempt, iowait = r.last_state == 'R', r.last_state == 'D'  # L2297-2302
                else:
                    # 6.1: `if (r->last_state == TASK_RUNNING) ... else if (== TASK_UNINTERRUPTIBLE)` on the
                    # raw value, so a preempted R+ (0x100) is sleep
                    preempt, iowait = r.last_state == 0, r.last_state == 2
                if preempt:
                    r.dt_preempt = dt_wait
                elif iowait:
                    r.dt_iowait = dt_wait
                else:
                    r.dt_sleep = dt_wait
        r.run_stats.update(r.dt_run)  # L2306
        r.total_run_time += r.dt_run  # L2308-2313
        r.total_delay_time += r.dt_delay
        r.total_sleep_time += r.dt_sleep
        r.total_iowait_time += r.dt_iowait
        r.total_preempt_time += r.dt_preempt

    def switch(self, m):
        # timehist_sched_switch_event (L2925-2932) -> timehist_sched_change_event (L2787-2923)
        s = SWITCH.search(m['rest'])
        t = self.t
        cpu = int(m['cpu'])
        val = prev_state_value(s['ps'])
        # L2800 `const char state = evsel__taskstate(...)`; 6.1 kept the raw int and mapped it only to print
        state = state_char_current(val) if self.current else val
        # timehist_get_thread (L2501-2547): prev_pid 0 is the CPU's idle thread (is_idle_sample, L2316-2324);
        # otherwise the sample's thread (machine__findnew_thread(sample->pid, sample->tid), L2515)
        if int(s['pp']) == 0:
            th = self.idle.get(cpu)
            if th is None:
                th = Thread(0, 0)
                th.comm, th.comm_set = '<idle>', True  # init_idle_thread (L2380-2397)
                th.priv = Runtime()
                self.idle[cpu] = th
        else:
            tid = int(m['tid'])
            known = self.threads.get(tid)
            th = self.findnew(known.pid if known else tid, tid)
        tr = th.runtime()  # L2822
        tprev = self.cpu_last.get(cpu, 0)  # L2828
        self.update_runtime_stats(tr, t, tprev)  # L2858-2860
        # timehist_print_sample (L2162-2242), called unless -s (L2892-2893); its comm fix-up (L2199-2202)
        if not th.comm_set and not self.summary_only:
            th.comm, th.comm_set = s['pc'], True
        label = th.commstr()
        self.comm_width = max(self.comm_width, len(label))
        wait = tr.dt_sleep + tr.dt_iowait + tr.dt_preempt  # L2209
        shown = 'I' if th.tid == 0 else (state if self.current else state_char_61(val))  # L2218
        self.rows.append((t, cpu, label, wait, tr.dt_delay, tr.dt_run, shown))
        # out: (L2896-2900) the window of the summary's "Total scheduling time"
        if self.hist_start == 0:
            self.hist_start = t
        self.hist_end = t
        # L2902-2916: last_time, last_state, and the ready time a switch-out leaves
        tr.last_time = t
        tr.last_state = state
        if self.current:
            tr.ready_to_run = t if state == 'R' else 0  # L2910-2913 (Fernand Sieber, 2024): R and R+ alike
        else:
            tr.ready_to_run = 0  # 6.1: "sched out event for task so reset ready to run time"
        self.cpu_last[cpu] = t  # L2918 evsel__save_time

    def run(self, events):
        self.waking = any(e[1] == 1 and e[3]['ev'] == 'sched:sched_waking' for e in events)
        for t, kind, _order, m in events:
            self.t = t
            if kind == 0:
                self.sideband(m)
                continue
            ev = m['ev']
            if ev == 'sched:sched_switch':
                self.switch(m)
            elif ev in ('sched:sched_waking', 'sched:sched_wakeup', 'sched:sched_wakeup_new'):
                self.wakeup(m)
            # sched_migrate_task has no handler without -M/-P (L3360-3362); sched_stat_runtime and
            # sched_process_fork have none in timehist

    # -- output --
    def header(self, state):
        cw = self.comm_width
        # timehist_header (L2086-2160)
        a = '%15s %6s ' % ('time', 'cpu') + ' %-*s' % (cw, 'task name') + '  %9s  %9s  %9s' % ('wait time', 'sch delay', 'run time')
        b = '%15s %-6s ' % ('', '') + ' %-*s' % (cw, '[tid/pid]') + '  %9s  %9s  %9s' % ('(msec)', '(msec)', '(msec)')
        c = '%.15s %.6s ' % ('-' * 15, '-' * 6) + ' %s' % ('-' * cw) + '  %s  %s  %s' % ('-' * 9, '-' * 9, '-' * 9)
        if state:
            a += '  state'
            c += '  -----'
        return [a, b, c]

    def timehist(self, state):
        out = self.header(state)
        for t, cpu, label, wait, delay, run, shown in self.rows:
            line = '%15s [%04d] ' % (timestamp_usec(t), cpu) + ' %-*s ' % (self.comm_width, label)
            line += sched_time(wait, 6) + sched_time(delay, 6) + sched_time(run, 6)
            if state:
                line += ' %5c ' % shown
            out.append(line)
        return out

    def summary_threads(self):
        """machine__for_each_thread: 256 buckets by (unsigned) tid; 6.1 walks each bucket's rb-tree in tid order,
        then its dead list. Current perf walks each shard's hashmap, whose order within a shard is not derivable
        from perf script text: this writes it in tid order (the test compares rows of one shard as a set)."""
        out = []
        for b in range(THREADS_TABLE_SIZE):
            tree = sorted((th for th in self.threads.values() if (th.tid & 0xFFFFFFFF) % THREADS_TABLE_SIZE == b), key=lambda th: th.tid)
            dead_list = [th for th in self.removed if (th.tid & 0xFFFFFFFF) % THREADS_TABLE_SIZE == b]
            out.extend(tree + dead_list)
        return [th for th in out if th.priv is not None and th.priv.run_stats.n]  # show_thread_runtime (L2997-3018)

    def summary(self, state):
        cw = self.comm_width
        # timehist_print_summary (L3074-3175)
        out = ['']
        if state:
            out.append('Wait-time summary')
            out.append('%*s  parent   sched-in  ' % (cw, 'comm') + '   run-time      sleep      iowait     preempt       delay')
        else:
            out.append('Runtime summary')
            out.append('%*s  parent   sched-in  ' % (cw, 'comm') + '   run-time    min-run     avg-run     max-run  stddev  migrations')
        out.append('%*s            (count)  ' % (cw, '') + '     (msec)     (msec)      (msec)      (msec)       %s' % ('(msec)' if state else '%'))
        out.append('-' * 117)
        totals = {'tasks': 0, 'sched': 0, 'run': 0}

        def row(th):
            r = th.priv
            totals['tasks'] += 1
            totals['sched'] += r.run_stats.n
            totals['run'] += r.total_run_time
            head = '%*s   %5d  %9d ' % (cw, th.commstr(), th.ppid, r.run_stats.n) + sched_time(r.total_run_time, 8)
            if state:  # print_thread_waittime (L2972-2988)
                return head + sched_time(r.total_sleep_time, 6) + ' ' + sched_time(r.total_iowait_time, 6) + ' ' + sched_time(r.total_preempt_time, 6) + ' ' + sched_time(r.total_delay_time, 6)
            # print_thread_runtime (L2949-2970)
            s = r.run_stats
            return head + sched_time(s.min, 6) + ' ' + sched_time(int(s.mean), 6) + ' ' + sched_time(s.max, 6) + '  ' + '%5.2f' % s.rel_stddev() + '   %5d' % 0

        shown = self.summary_threads()
        if self.current:
            for th in shown:  # L3106: one pass, no "Terminated tasks" (exited threads were removed)
                out.append(row(th))
            if not shown:
                out.append('<no still running tasks>')
        else:
            alive = [th for th in shown if not th.dead]
            dead = [th for th in shown if th.dead]
            for th in alive:
                out.append(row(th))
            if not alive:
                out.append('<no still running tasks>')
            out.extend(['', 'Terminated tasks:'])
            for th in dead:
                out.append(row(th))
            if not dead:
                out.append('<no terminated tasks>')
        hist = self.hist_end - self.hist_start  # L3083
        out.extend(['', 'Idle stats:'])
        for cpu in range(self.ncpus):  # L3116-3131
            th = self.idle.get(cpu)
            if th is not None and th.priv.run_stats.n:
                totals['sched'] += th.priv.run_stats.n
                out.append('    CPU %2d idle for ' % cpu + sched_time(th.priv.total_run_time, 6) + ' msec  (%6.2f%%)' % (100.0 * th.priv.total_run_time / hist))
            else:
                out.append('    CPU %2d idle entire time window' % cpu)
        out.append('')
        out.append('    Total number of unique tasks: %d' % totals['tasks'])  # L3163-3166
        out.append('Total number of context switches: %d' % totals['sched'])
        out.append('           Total run time (msec): ' + sched_time(totals['run'], 2))  # L3168-3170
        out.append('    Total scheduling time (msec): ' + sched_time(hist, 2) + ' (x %d)' % self.ncpus)  # L3172-3174
        return out


def read_text(path):
    """A text file, or its .gz."""
    if not os.path.exists(path) and os.path.exists(path + '.gz'):
        path += '.gz'
    if path.endswith('.gz'):
        with gzip.open(path, 'rt', encoding='utf-8') as f:
            return f.read()
    with open(path, encoding='utf-8') as f:
        return f.read()


def replay(trace, sideband, compat, ncpus, keep_exited=False, summary_only=False):
    lines = read_text(trace).split('\n')
    side = read_text(sideband).split('\n') if sideband else None
    events = read_events(lines, side)
    if ncpus is None:
        ncpus = 1 + max(int(e[3]['cpu']) for e in events if e[1] == 1)
    th = Timehist(compat, ncpus, keep_exited, summary_only)
    th.run(events)
    return th


def reports(args):
    # -s is summary_only (cmd_sched's timehist_options: 's', "summary" -> sched.summary_only; L3371-3376): no rows
    # are printed (L2892), so no comm fix-up either
    rows = replay(*args)
    summary = replay(*args, summary_only=True)
    return {
        'timehist': rows.timehist(False),
        'timehist-state': rows.timehist(True),
        'summary': summary.summary(False),
        'state-summary': summary.summary(True),
    }


# The comparison test/oracle.ts makes: whitespace-normalised fields, labels by tid, no parent column in summaries.
def norm(line):
    line = ' '.join(line.split())
    return re.sub(r'\S*\[(-?\d+)(/\d+)?\]', r'[\1]', line)


def norm_summary(line):
    f = norm(line).split(' ')
    if re.search(r'\[-?\d+\]$', f[0]) and len(f) >= 3:
        f[1] = 'parent'
    return ' '.join(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('trace', help='perf script --ns text')
    ap.add_argument('--sideband', help='perf script --ns --show-task-events output (PERF_RECORD_* lines are used)')
    ap.add_argument('--compat', choices=['current', 'perf-6.1'], required=True)
    ap.add_argument('--cpus', type=int, help="perf's nr_cpus_online (default: highest CPU in the trace + 1)")
    ap.add_argument('--keep-exited', action='store_true', help='current perf with symbol_conf.keep_exited_threads (as for a recording with AUXTRACE)')
    ap.add_argument('--suffix', default='', help='inserted in the output names: NAME.SUFFIXtimehist.txt ...')
    ap.add_argument('--out', help='directory for NAME.{timehist,timehist-state,summary,state-summary}.txt')
    ap.add_argument('--check', help="directory with perf's real output (NAME.timehist.txt, ...) to compare with")
    a = ap.parse_args()
    name = os.path.basename(a.trace).split('.')[0]
    rep = reports((a.trace, a.sideband, a.compat, a.cpus, a.keep_exited))
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        for kind, lines in rep.items():
            with open(os.path.join(a.out, '%s.%s%s.txt' % (name, a.suffix, kind)), 'w', encoding='utf-8') as f:
                f.write('\n'.join(lines) + '\n')
    if a.check:
        bad = 0
        for kind, lines in rep.items():
            real = [x for x in read_text(os.path.join(a.check, '%s.%s.txt' % (name, kind))).split('\n') if x.strip()]
            ours = [x for x in lines if x.strip()]
            n = norm_summary if 'summary' in kind else norm
            skip = 0 if 'summary' in kind else 3
            diff = [i for i in range(max(len(ours), len(real))) if i < skip or n(ours[i] if i < len(ours) else '') != n(real[i] if i < len(real) else '')]
            diff = [i for i in diff if i >= skip]
            print('%s.%s: %d lines, %d differ' % (name, kind, len(real), len(diff)))
            for i in diff[:5]:
                print('  line %d\n    ours: %s\n    perf: %s' % (i, ours[i] if i < len(ours) else '', real[i] if i < len(real) else ''))
            bad += len(diff)
        sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
