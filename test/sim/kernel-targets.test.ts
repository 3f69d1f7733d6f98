// The targets measured from each kernel recording agree with what perf itself printed for it (perf sched timehist -s
// and --state, perf 6.1, in fixtures/kernel): the numbers the simulator is compared with are perf's, not ours.
import { describe, expect, it } from 'vitest';
import { traceLines } from '../../src/trace/file.js';
import { parsePerfScriptLine } from '../../src/trace/perf-script.js';
import type { SimTaskRef } from '../../src/sim/types.js';
import {
  kernelFixture,
  measureRecording,
  ms3,
  perfSummaryRows,
  RECORDINGS,
  TARGET_COMMS,
  TargetObserver,
  type Recording,
  type RecordingName,
  type TargetFigures,
} from './kernel-targets.js';

// What the shell started in each recording, in tid order (fixtures/kernel/README.md): comm and nice.
const STARTED: Record<RecordingName, readonly (readonly [string, number])[]> = {
  nice0v5: [
    ['hog', 0],
    ['hog', 5],
  ],
  'two-hogs': [
    ['hog', 0],
    ['hog', 0],
  ],
  'periodic-vs-hog': [
    ['hog', 0],
    ['periodic', 0],
  ],
  'three-hogs': [
    ['hog', 0],
    ['hog', 5],
    ['hog', 10],
  ],
  'nice-5v0': [
    ['hog', 0],
    ['hog', -5],
  ],
  'two-periodic-vs-hog': [
    ['hog', 0],
    ['periodic', 0],
    ['periodic', 0],
  ],
};

const cache = new Map<RecordingName, Promise<Recording>>();
const recording = (name: RecordingName): Promise<Recording> => {
  let got = cache.get(name);
  if (got === undefined) cache.set(name, (got = measureRecording(name)));
  return got;
};

describe.each(RECORDINGS)('kernel recording %s', (name) => {
  it('has the targets the shell started, pinned to CPU 1, in start order', async () => {
    const { targets } = await recording(name);
    expect(targets.map((t) => [t.comm, t.nice])).toEqual(STARTED[name]);
    expect(targets.every((t) => TARGET_COMMS.includes(t.comm))).toBe(true);
    expect(targets.reduce((sum, t) => sum + t.share, 0)).toBeCloseTo(1, 12);
  });

  it("agrees with perf's summary (run time, sched-in, mean and max slice) to perf's printed precision", async () => {
    const { targets, totals } = await recording(name);
    const perf = perfSummaryRows(`${name}.summary.txt`);
    for (const t of targets) {
      // sched-in, run-time, min-run, avg-run, max-run, stddev, migrations
      const row = perf.get(t.tid);
      expect(row, `perf's summary has task ${String(t.tid)}`).toBeDefined();
      const [schedIn, runMs, , avgMs, maxMs] = row ?? [];
      const replayed = totals.get(t.tid);
      expect(replayed).toBeDefined();
      expect(replayed?.slices).toBe(schedIn);
      expect(ms3(replayed?.runNs ?? -1)).toBe(runMs?.toFixed(3));
      expect(ms3(replayed?.meanSliceNs ?? -1)).toBe(avgMs?.toFixed(3));
      expect(ms3(replayed?.maxSliceNs ?? -1)).toBe(maxMs?.toFixed(3));
      // the figures the comparison uses, counted from the rows, are the replay's totals
      expect(t.switches).toBe(replayed?.slices);
      expect(t.runNs).toBe(replayed?.runNs);
      expect(t.maxSliceNs).toBe(replayed?.maxSliceNs);
    }
  });

  it("agrees with perf's state summary (scheduling delay) to perf's printed precision", async () => {
    const { targets, totals } = await recording(name);
    const perf = perfSummaryRows(`${name}.state-summary.txt`);
    for (const t of targets) {
      // sched-in, run-time, sleep, iowait, preempt, delay
      const row = perf.get(t.tid) ?? [];
      expect(row[0]).toBe(t.switches);
      expect(ms3(totals.get(t.tid)?.delayNs ?? -1)).toBe(row[5]?.toFixed(3));
      // perf 6.1 counts a delay only after a wakeup (and before the first run): the mean's parts add up to it
      expect(t.delayNs + t.firstDelayNs).toBe(totals.get(t.tid)?.delayNs);
      expect(t.wakeups).toBeLessThanOrEqual(t.switches - 1);
    }
  });
});

// The observer that measures a simulation, fed the recording's own switches and wakeups, measures what the replay
// measured: the simulation and the kernel are counted by one rule.
describe.each(RECORDINGS)('TargetObserver on recording %s', (name) => {
  it('gives the replay figures of every target (run, switches, max slice, delays after wakeups)', async () => {
    const observer = new TargetObserver();
    const ref = (tid: number, comm: string): SimTaskRef | undefined =>
      tid === 0 ? undefined : { tid, name: comm, prio: 120 };
    let n = 0;
    for await (const line of traceLines(kernelFixture(`${name}.perf.txt.gz`))) {
      const got = parsePerfScriptLine(line, ++n);
      if (got.type !== 'event') continue;
      const e = got.event;
      // perf takes the task switched out from the sample's thread, not from prev_pid (they differ in a lost event)
      if (e.kind === 'switch')
        observer.onSwitch(e.timeNs, e.cpu, ref(e.tid, e.comm), e.prevState, ref(e.nextTid, e.nextComm));
      else if (e.kind === 'wakeup' && e.variant !== 'wakeup_new')
        observer.onWakeup(e.timeNs, e.cpu, { tid: e.targetTid, name: e.targetComm, prio: 120 });
    }
    const { targets } = await recording(name);
    const tids = new Set(targets.map((t) => t.tid));
    const observed = observer.targets().filter((t) => tids.has(t.tid));
    const pick = (t: TargetFigures) => [t.tid, t.runNs, t.switches, t.maxSliceNs, t.delayNs, t.wakeups, t.share];
    expect(observed.map(pick)).toEqual(targets.map(pick));
  });
});

it('prints the recorded targets (the table of fixtures/kernel/README.md)', async () => {
  const lines = ['| recording | task | nice | share | switches | mean slice (ms) | max slice (ms) | mean delay (ms) |'];
  for (const name of RECORDINGS) {
    for (const t of (await recording(name)).targets) {
      const share = `${(t.share * 100).toFixed(2)} %`;
      lines.push(
        `| ${name} | ${t.comm} | ${String(t.nice)} | ${share} | ${String(t.switches)} | ${ms3(t.meanSliceNs)} | ` +
          `${ms3(t.maxSliceNs)} | ${ms3(t.meanDelayNs)} (${String(t.wakeups)} wakeups) |`,
      );
    }
  }
  console.log(lines.join('\n'));
  // the recorded hogs at nice 0 and 5 split the CPU by weight 1024 : 335 to within a point
  const [hog0] = (await recording('nice0v5')).targets;
  expect(Math.abs((hog0?.share ?? 0) - 1024 / (1024 + 335))).toBeLessThan(0.01);
});
