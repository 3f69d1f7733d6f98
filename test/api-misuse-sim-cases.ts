// Valid arguments for every export of `schedacct/sim` and `schedacct/sim/node` (see api-misuse-cases.ts): the
// simulator's functions, its classes and their methods, each called by test/api-misuse.test.ts with bad values.
import * as sim from '../src/sim.js';
import * as simNode from '../src/sim/node.js';
import { ctor, fn, method, type Case } from './api-misuse-cases.js';

const hogs = () => ({
  durationMs: 20,
  cpus: 2,
  host: { steal: { '*': { kind: 'constant' as const, share: 0.25 } } },
  tasks: [{ name: 'hog', count: 2, nice: 5, workload: { kind: 'cpu' as const } }],
});
const resolved = () => sim.resolveScenario(hogs());
const kernel = () => ({ major: 6, minor: 18 });
const ref = () => ({ tid: 1000, name: 'hog', prio: 120 });
const reported = () => {
  const metrics = new sim.SimMetrics();
  return { result: sim.simulate(resolved(), { observer: metrics }), metrics };
};
const labelled = (label: string) => ({ ...reported(), label });
const place = () => ({ experiment: 'e1', runs: 2, index: 0, id: 'r0', seed: 1, values: { accounting: 'drop' } });
const row = (index = 0) => sim.runRow({ ...place(), index, id: `r${String(index)}` }, reported());
const runs = () => sim.expandRuns(hogs(), { seeds: 3 });
const histogram = () => {
  const h = new sim.DelayHistogram();
  for (const ns of [1_000, 2_000, 3_000]) h.record(ns);
  return h;
};

// An observer's method: a fresh observer that has heard a task's creation, the call, and what it shows after (the
// text a writer wrote, the figures the metrics hold), so a bad value that slips through into either is caught.
function observerCase<T extends object>(
  name: string,
  create: (out: string[]) => T,
  shows: (self: T, out: string[]) => unknown,
  call: (self: T, args: unknown[]) => unknown,
  params: string[],
  args: () => unknown[],
): Case {
  return {
    name,
    params,
    make: () => {
      const out: string[] = [];
      const self = create(out);
      return { args: args(), run: (a) => call(self, a), after: () => shows(self, out) };
    },
  };
}

const writer = (out: string[]) => {
  const w = new sim.FtraceWriter((chunk) => out.push(chunk), { batchLines: 1 });
  w.onCreate(0, 0, ref());
  return w;
};
const writerShows = (w: sim.FtraceWriter, out: string[]) => {
  w.end();
  return out.join('');
};
const terminal = (out: string[]) => ({ isTTY: true, columns: 60, write: (text: string) => out.push(text) });
const metrics = () => {
  const m = new sim.SimMetrics();
  m.onCreate(0, 0, ref());
  return m;
};
const metricsShows = (m: sim.SimMetrics) => ({ task: m.task(1000), all: m.all, summary: m.all.summary() });

type Observer = sim.FtraceWriter | sim.SimMetrics;
const switchArgs = () => [2_000, 0, undefined, 'R', ref()];
function observerCases(
  cls: string,
  create: (out: string[]) => Observer,
  shows: (self: never, out: string[]) => unknown,
): Case[] {
  const of = (m: string, params: string[], args: () => unknown[]) =>
    observerCase(
      `${cls}#${m}`,
      create,
      shows as (self: Observer, out: string[]) => unknown,
      (o, a) => (o as unknown as Record<string, (...x: unknown[]) => unknown>)[m]?.(...a),
      params,
      args,
    );
  const cases = [
    of('onCreate', ['atNs', 'cpu', 'task'], () => [1_000, 1, ref()]),
    of('onWakeup', ['atNs', 'cpu', 'task', 'targetCpu'], () => [1_000, 0, ref(), 1]),
    of('onSwitch', ['atNs', 'cpu', 'prev', 'prevState', 'next'], switchArgs),
  ];
  if (cls === 'SimMetrics') return cases;
  return [
    ...cases,
    of('onMigrate', ['atNs', 'task', 'fromCpu', 'toCpu'], () => [1_000, ref(), 0, 1]),
    of('onRuntime', ['atNs', 'cpu', 'task', 'runtimeNs'], () => [1_000, 0, ref(), 800]),
  ];
}

/** The cases of `schedacct/sim`. */
export function simCases(): Case[] {
  return [
    fn('simulate', sim.simulate, ['scenario', 'options'], () => [resolved(), { engine: 'compiled' }]),
    fn('simulate (options)', sim.simulate, ['scenario', 'options'], () => [
      resolved(),
      { engine: 'xstate', policy: sim.builtinPolicy('eevdf', kernel()), observer: new sim.SimMetrics() },
    ]),
    fn('resolveScenario', sim.resolveScenario, ['scenario'], () => [hogs()]),
    fn('scenarioOf', sim.scenarioOf, ['resolved'], () => [resolved()]),
    fn('canonicalJson', sim.canonicalJson, ['value'], () => [{ b: 1, a: [true, null] }]),
    fn('expandRuns', sim.expandRuns, ['base', 'options'], () => [
      hogs(),
      { set: ['hz=1000'], sweep: ['accounting=none,drop'], seeds: 2, version: '0.1.0' },
    ]),
    fn('parseAssignment', sim.parseAssignment, ['text'], () => ['tasks[0].nice=5']),
    fn('parseShard', sim.parseShard, ['text'], () => ['2/8']),
    fn('parsePath', sim.parsePath, ['path'], () => ['tasks[1].workload.runUs']),
    fn('msToNs', sim.msToNs, ['ms'], () => [0.5]),
    fn('usToNs', sim.usToNs, ['us'], () => [3600.5]),
    fn('runId', sim.runId, ['scenario', 'version'], () => [resolved(), '0.1.0'], { deep: [] }),
    // the scenario is copied as parsed and any value may be set (resolving the result checks both), so only the
    // scenario as a whole and the path are judged
    fn('setPath', sim.setPath, ['scenario', 'path', 'value'], () => [hogs(), 'tasks[0].nice', 3], {
      deep: [],
      skip: (where) => where === 'value',
    }),
    fn('shardRuns', sim.shardRuns, ['runs', 'index', 'count'], () => [runs(), 2, 3]),
    fn('scenarioSchema', sim.scenarioSchema, [], () => []),
    fn('builtinPolicy', sim.builtinPolicy, ['name', 'kernel'], () => ['eevdf', kernel()]),
    fn('calcDelta', sim.calcDelta, ['deltaNs', 'weight', 'lwWeight', 'lwInvWeight'], () => [
      6_000_000, 1024, 1359, 3_160_412,
    ]),
    fn('calcDeltaFair', sim.calcDeltaFair, ['deltaNs', 'weight'], () => [4_000_000, 335]),
    fn('weightOfNice', sim.weightOfNice, ['nice'], () => [5]),
    fn('wmultOfNice', sim.wmultOfNice, ['nice'], () => [5]),
    fn('inverseWeight', sim.inverseWeight, ['weight'], () => [1359]),
    // its messages name the value as `where` says (what the caller calls it): here, 'value'
    fn('checkPolicy', sim.checkPolicy, ['where', 'value'], () => ['value', { ...sim.builtinPolicy('rr', kernel()) }]),
    fn('parseKernel', sim.parseKernel, ['kernel'], () => ['6.18']),
    fn('baseSliceNs', sim.baseSliceNs, ['kernel', 'cpus'], () => [kernel(), 2]),
    fn('kernelAtLeast', sim.kernelAtLeast, ['kernel', 'major', 'minor'], () => [kernel(), 6, 6]),
    fn('sysctlFactor', sim.sysctlFactor, ['cpus'], () => [2]),
    fn('cfsTunables', sim.cfsTunables, ['cpus'], () => [2]),
    fn('rrTimesliceTicks', sim.rrTimesliceTicks, ['hz'], () => [250]),
    fn('tickNsec', sim.tickNsec, ['hz'], () => [300]),
    fn('defaultPolicy', sim.defaultPolicy, ['kernel'], () => [kernel()]),
    fn('policyAllowed', sim.policyAllowed, ['name', 'kernel'], () => ['eevdf', kernel()]),
    fn('combineObservers', sim.combineObservers, ['observers[0]', 'observers[1]'], () => [
      new sim.SimMetrics(),
      { onCreate: () => undefined },
    ]),
    fn('fairness', sim.fairness, ['result'], () => [reported().result], { deep: [] }),
    fn('fairness (tasks)', sim.fairness, ['result'], () => [{ tasks: reported().result.tasks }]),
    fn('jain', sim.jain, ['values'], () => [[3336, 3332, 333]]),
    fn('describeScenario', sim.describeScenario, ['scenario'], () => [resolved()]),
    fn('textReport', sim.textReport, ['run'], () => [reported()]),
    fn('jsonReport', sim.jsonReport, ['run', 'version'], () => [reported(), '0.1.0']),
    fn('csvReport', sim.csvReport, ['run'], () => [reported()]),
    fn('verdict', sim.verdict, ['runs'], () => [[labelled('a'), labelled('b')]]),
    fn('comparisonLines', sim.comparisonLines, ['runs'], () => [[labelled('a'), labelled('b')]]),
    fn('runRow', sim.runRow, ['place', 'run'], () => [place(), reported()]),
    fn('rowsCsvHeader', sim.rowsCsvHeader, ['paths'], () => [['accounting']]),
    fn('rowCsv', sim.rowCsv, ['row', 'paths'], () => [row(), ['accounting']]),
    fn('rowsTable', sim.rowsTable, ['rows'], () => [[row(0), row(1)]]),
    fn('meanInterval', sim.meanInterval, ['values'], () => [[1, 2, 3]]),
    fn('studentT975', sim.studentT975, ['df'], () => [4]),
    ctor('ScenarioError', sim.ScenarioError, ['issues'], () => [[{ path: 'hz', message: 'm' }]], { unchecked: true }),
    ctor('SchedacctError', sim.SchedacctError, ['code', 'message'], () => ['invalid-argument', 'm'], {
      unchecked: true,
    }),
    ctor('DelayHistogram', sim.DelayHistogram, [], () => []),
    method(
      'DelayHistogram#record',
      histogram,
      (h, a) => h.record(...(a as [number])),
      ['ns'],
      () => [5_000],
    ),
    method(
      'DelayHistogram#quantile',
      histogram,
      (h, a) => h.quantile(...(a as [number])),
      ['q'],
      () => [0.5],
    ),
    method(
      'DelayHistogram#merge',
      histogram,
      (h, a) => h.merge(...(a as [sim.DelayHistogram])),
      ['other'],
      () => [histogram()],
      { deep: [] },
    ),
    method(
      'DelayHistogram#summary',
      histogram,
      (h) => h.summary(),
      [],
      () => [],
    ),
    ctor('SimMetrics', sim.SimMetrics, [], () => []),
    ...observerCases('SimMetrics', metrics, metricsShows),
    method(
      'SimMetrics#task',
      metrics,
      (m, a) => m.task(...(a as [number])),
      ['tid'],
      () => [1000],
    ),
    ctor('FtraceWriter', sim.FtraceWriter, ['write', 'options'], () => [
      () => undefined,
      { offsetNs: 0, batchLines: 10 },
    ]),
    ...observerCases('FtraceWriter', writer, writerShows),
    observerCase(
      'FtraceWriter#flush',
      writer,
      writerShows,
      (w) => w.flush(),
      [],
      () => [],
    ),
    observerCase(
      'FtraceWriter#end',
      writer,
      writerShows,
      (w) => w.end(),
      [],
      () => [],
    ),
    ctor('Progress', sim.Progress, ['total', 'stream', 'now'], () => [4, terminal([]), () => 0]),
    observerCase(
      'Progress#update',
      (out) => new sim.Progress(4, terminal(out), () => 0),
      (_bar, out) => out.join(''),
      (bar, a) => bar.update(...(a as [number])),
      ['done'],
      () => [2],
    ),
    observerCase(
      'Progress#done',
      (out) => {
        const bar = new sim.Progress(4, terminal(out), () => 0);
        bar.update(1);
        return bar;
      },
      (_bar, out) => out.join(''),
      (bar) => bar.done(),
      [],
      () => [],
    ),
  ];
}

const traceScenario = () =>
  sim.resolveScenario({
    durationMs: 20,
    tasks: [{ name: 'sh', workload: { kind: 'trace', file: 'fixtures/perf/sh-loops.perf.txt', tid: 6886 } }],
  });
const job = () => ({ ...place(), runs: 1, scenario: resolved() });

/** The cases of `schedacct/sim/node`. */
export function simNodeCases(): Case[] {
  return [
    fn('loadInputs', simNode.loadInputs, ['scenario', 'baseDir'], () => [traceScenario(), '.']),
    fn('loadPolicy', simNode.loadPolicy, ['file'], () => ['examples/policies/mine.js']),
    fn('runRuns', simNode.runRuns, ['jobs', 'settings', 'options'], () => [
      [job()],
      { baseDir: '.', engine: 'compiled' },
      { workers: 1, onRow: () => undefined, onDone: () => undefined },
    ]),
    ctor('ScenarioError', simNode.ScenarioError, ['issues'], () => [[{ path: 'hz', message: 'm' }]], {
      unchecked: true,
    }),
    ctor('SchedacctError', simNode.SchedacctError, ['code', 'message'], () => ['invalid-argument', 'm'], {
      unchecked: true,
    }),
  ];
}
