// The simulator's reports, from made-up results: every figure printed is the one the result and the metrics hold.
import { describe, expect, it } from 'vitest';
import { TaskAccount } from '../../src/accounting/account.js';
import { Ledger } from '../../src/accounting/ledger.js';
import { jain, SimMetrics } from '../../src/sim/metrics.js';
import { comparisonLines, verdict, type LabelledRun } from '../../src/sim/report-compare.js';
import {
  meanInterval,
  rowCsv,
  rowsCsvHeader,
  rowsTable,
  runRow,
  studentT975,
  type RunRow,
} from '../../src/sim/report-rows.js';
import { csvReport, describeHost, jsonReport, textReport } from '../../src/sim/report.js';
import { resolveScenario } from '../../src/sim/scenario.js';
import type { ResolvedScenario, SimResult, SimTaskResult } from '../../src/sim/types.js';

const SCENARIO: ResolvedScenario = {
  kernel: '6.18',
  policy: 'eevdf',
  hz: 250,
  cpus: 1,
  durationMs: 100,
  seed: 1,
  accounting: 'drop',
  host: { steal: [{ kind: 'none' }], pauses: [], abi: 'x86' },
  tasks: [],
};

// A task with these slices (wall ns, stolen ns) and real CPU.
function task(tid: number, name: string, weight: number, slices: [number, number][], realNs: number): SimTaskResult {
  const account = new TaskAccount(tid);
  for (const [run, stolen] of slices) account.addSlice(run, stolen);
  return {
    name,
    tid,
    nice: weight === 1024 ? 0 : 5,
    priority: 50,
    weight,
    totals: account.toJSON(),
    realNs,
    migrations: tid % 2,
  };
}

function made(
  accounting: 'none' | 'drop',
  tasks: SimTaskResult[],
  stolenNs: number,
): { result: SimResult; metrics: SimMetrics } {
  const metrics = new SimMetrics();
  for (const t of tasks) {
    const ref = { tid: t.tid, name: t.name, prio: 120 };
    metrics.onCreate(0, 0, ref);
    metrics.onSwitch(t.tid - 999, 0, undefined, 'R', ref); // delays 1, 2, 3 … ns
  }
  const busyNs = tasks.reduce((s, t) => s + t.totals.runNs, 0);
  const elapsedNs = 100_000_000;
  const vcpus = [{ vcpu: 0, busyNs, idleNs: elapsedNs - busyNs - stolenNs, stolenNs, pausedNs: 0 }];
  const result: SimResult = {
    scenario: { ...SCENARIO, accounting },
    ledger: new Ledger(),
    tasks,
    vcpus,
    elapsedNs,
    events: 42,
  };
  return { result, metrics };
}

const hogs = () => [
  task(
    1000,
    'hog',
    1024,
    [
      [12_000_000, 3_600_000],
      [12_000_000, 3_600_000],
    ],
    16_800_000,
  ),
  task(1001, 'nice5', 335, [[4_000_000, 0]], 4_000_000),
];

describe('textReport', () => {
  it("perf's summary columns, then real CPU, steal, charged and delay per task, vCPUs and fairness", () => {
    const run = made('drop', hogs(), 7_200_000);
    const lines = textReport(run);
    expect(lines[0]).toBe('schedacct simulate: eevdf, kernel 6.18, 1 vCPU, HZ=250, 100 ms, accounting drop, seed 1');
    const summary = lines.find((l) => l.trim().startsWith('hog[1000]') && l.includes('-1'));
    // sched-in 2, run-time 24 ms, min/avg/max 12 ms, stddev 0, migrations 0
    expect(summary?.trim().split(/\s+/)).toEqual([
      'hog[1000]',
      '-1',
      '2',
      '24.000',
      '12.000',
      '12.000',
      '12.000',
      '0.00',
      '0',
    ]);
    expect(lines).toContain('Total number of context switches: 3');
    const real = lines.filter((l) => l.trim().startsWith('hog[1000]'))[1];
    // nice, run-time, real CPU, stolen (run − real), charged, delay p50/p99/max
    expect(real?.trim().split(/\s+/)).toEqual([
      'hog[1000]',
      '0',
      '24.000',
      '16.800',
      '7.200',
      '16.800',
      '0.000',
      '0.000',
      '0.000',
    ]);
    expect(lines.find((l) => l.startsWith('Fairness'))).toContain(
      `real CPU per weight ${jain([16_800_000 / 1024, 4_000_000 / 335]).toFixed(4)}`,
    );
    // vCPU 0: busy 28 ms (both tasks' wall time), idle 100 − 28 − 7.2, stolen 7.2, paused 0
    expect(lines).toContain('     0     28.000     64.800      7.200      0.000');
  });
});

describe('jsonReport and csvReport', () => {
  it('JSON: the version, the resolved scenario, the replay summary fields by name and tid, vCPUs and fairness', () => {
    const run = made('drop', hogs(), 7_200_000);
    const doc = jsonReport(run, '9.9.9');
    expect(doc.schedacct).toBe('9.9.9');
    expect(doc.scenario).toBe(run.result.scenario);
    const hog = doc.tasks[0];
    expect(Object.keys(hog ?? {})).toEqual([
      'name',
      'tid',
      'nice',
      'priority',
      'weight',
      'runNs',
      'chargedNs',
      'stolenNs',
      'sleepNs',
      'iowaitNs',
      'preemptNs',
      'delayNs',
      'slices',
      'minSliceNs',
      'maxSliceNs',
      'meanSliceNs',
      'sliceVarianceNs2',
      'realNs',
      'migrations',
      'switches',
      'delay',
    ]);
    expect(hog).toMatchObject({
      name: 'hog',
      tid: 1000,
      runNs: 24_000_000,
      chargedNs: 16_800_000,
      stolenNs: 7_200_000,
      switches: 1,
    });
    expect(doc.tasks[1]?.delay).toEqual({ p50Ns: 2, p99Ns: 2, maxNs: 2 });
    expect(doc.vcpus).toEqual(run.result.vcpus);
    expect(doc.fairness.jainCharged).toBeCloseTo(jain([16_800_000 / 1024, 4_000_000 / 335]), 12);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc); // plain data
  });

  it('CSV: a header and a row per task whose fields are the JSON ones; a comm with a comma is quoted', () => {
    const tasks = [...hogs(), task(1002, 'a,"b"', 1024, [[1_000, 0]], 1_000)];
    const run = made('none', tasks, 0);
    const [header, ...rows] = csvReport(run);
    const columns = header?.split(',') ?? [];
    expect(columns.slice(-3)).toEqual(['delayP50Ns', 'delayP99Ns', 'delayMaxNs']);
    expect(rows).toHaveLength(3);
    const doc = jsonReport(run, '');
    const first = rows[0]?.split(',') ?? [];
    const hog = doc.tasks[0];
    const flat: Record<string, unknown> = {
      ...hog,
      delayP50Ns: hog?.delay.p50Ns,
      delayP99Ns: hog?.delay.p99Ns,
      delayMaxNs: hog?.delay.maxNs,
    };
    expect(first).toEqual(columns.map((c) => (typeof flat[c] === 'string' ? flat[c] : JSON.stringify(flat[c]))));
    expect(rows[2]?.startsWith('"a,""b""",1002,')).toBe(true);
  });
});

describe('runs side by side', () => {
  const resonant = (accounting: 'none' | 'drop', real: number[]): LabelledRun => ({
    label: `accounting ${accounting}`,
    ...made(
      accounting,
      real.map((r, i) => task(1000 + i, 'hog', 1024, [[1e9, 0]], r)),
      0,
    ),
  });

  it('the verdict names the fairer run and the starved task of the other, from the numbers', () => {
    const none = resonant('none', [3336e6, 3332e6, 333e6]);
    const drop = resonant('drop', [2334e6, 2333e6, 2334e6]);
    const v = verdict([none, drop]);
    expect(v).toMatch(
      /^verdict: accounting drop keeps real CPU per weight fair \(Jain 1\.0000\); accounting none does not \(Jain 0\.7313\)/,
    );
    expect(v).toContain('hog[1002] got 333.000 msec of real CPU against 3334.000 on average');
    expect(verdict([drop, none])).toBe(v); // the order of the columns does not change it
    expect(verdict([drop, resonant('none', [2334e6, 2334e6, 2333e6])])).toMatch(/equally fair/);
  });

  it('a column per run: each task real CPU and charged, Jain, delay, then the verdict', () => {
    const lines = comparisonLines([
      resonant('none', [3336e6, 3332e6, 333e6]),
      resonant('drop', [2334e6, 2333e6, 2334e6]),
    ]);
    expect(lines[2]).toMatch(/accounting none\s+accounting drop$/);
    expect(
      lines
        .find((l) => l.includes('hog[1002] real CPU'))
        ?.trim()
        .split(/\s{2,}/),
    ).toEqual(['hog[1002] real CPU (msec)', '333.000', '2334.000']);
    expect(lines.find((l) => l.includes('real CPU/weight'))).toMatch(/0\.7313\s+1\.0000$/);
    expect(lines.at(-1)).toMatch(/^verdict: /);
    expect(() => comparisonLines([resonant('none', [1])])).toThrow(/two or more/);
  });
});

describe('experiment rows', () => {
  const row = (index: number, seed: number, values: Record<string, unknown>, jainReal: number): RunRow => ({
    ...runRow(
      { experiment: 'e', runs: 4, index, id: `r${String(index)}`, seed, values },
      made('drop', hogs(), 7_200_000),
    ),
    jainReal,
  });

  it('runRow sums the tasks and vCPUs of a run', () => {
    const r = runRow(
      { experiment: 'e', runs: 1, index: 0, id: 'r0', seed: 1, values: {} },
      made('drop', hogs(), 7_200_000),
    );
    expect(r).toMatchObject({
      stolenNs: 7_200_000,
      accountedStealNs: 7_200_000,
      runNs: 28_000_000,
      chargedNs: 20_800_000,
      realNs: 20_800_000,
      events: 42,
    });
    expect([r.delayMaxNs, r.delayP50Ns]).toEqual([2, 1]);
  });

  it('CSV: index, id, seed, each swept path, then the figures', () => {
    const r = row(3, 7, { accounting: 'none', 'host.steal.0.share': 0.3 }, 0.5);
    const header = rowsCsvHeader(['accounting', 'host.steal.0.share']).split(',');
    const cells = rowCsv(r, ['accounting', 'host.steal.0.share']).split(',');
    expect(header.slice(0, 7)).toEqual([
      'index',
      'id',
      'seed',
      'accounting',
      'host.steal.0.share',
      'jainCharged',
      'jainReal',
    ]);
    expect(cells.slice(0, 7)).toEqual(['3', 'r3', '7', 'none', '0.3', String(r.jainCharged), '0.5']);
    expect(cells).toHaveLength(header.length);
  });

  it('the table groups runs that differ only by seed, with the mean ± the 95 % half-width (Student t)', () => {
    const rows = [
      row(0, 1, { accounting: 'none' }, 0.7),
      row(1, 2, { accounting: 'none' }, 0.8),
      row(2, 3, { accounting: 'none' }, 0.9),
      row(3, 1, { accounting: 'drop' }, 1),
    ];
    const lines = rowsTable(rows);
    expect(lines).toHaveLength(4);
    // mean 0.8, s = 0.1, half-width = t(2) · 0.1/√3 = 4.303 · 0.0577 = 0.2484
    expect(lines[2]).toMatch(/^\s*none\s+3\s.*0\.8000 ± 0\.2484/);
    expect(lines[3]).toMatch(/^\s*drop\s+1\s.*1\.0000(?! ±)/);
    expect(meanInterval([5])).toEqual({ mean: 5, halfWidth: 0 });
  });

  it("Student's t against its tables (df 1, 10, 30, 40, 60, 120)", () => {
    expect(studentT975(1)).toBe(12.706);
    expect(studentT975(10)).toBe(2.228);
    expect(studentT975(30)).toBe(2.042);
    // beyond the table: Cornish–Fisher within 0.001 of 2.021, 2.000, 1.980
    expect(studentT975(40)).toBeCloseTo(2.021, 2);
    expect(Math.abs(studentT975(60) - 2.0003)).toBeLessThan(0.001);
    expect(Math.abs(studentT975(120) - 1.9799)).toBeLessThan(0.001);
    expect(() => studentT975(0)).toThrow(/df/);
  });
});

describe('describeHost', () => {
  const tasks = [{ name: 'hog', workload: { kind: 'cpu' } }];
  it('names each vCPU the host steals from, how, and the pauses; nothing when it takes nothing', () => {
    expect(describeHost(resolveScenario({ tasks }))).toBeUndefined();
    const host = {
      steal: { '1': { kind: 'periodic', periodUs: 12000, stealUs: 3600 }, '0': { kind: 'constant', share: 0.25 } },
      pauses: [{ startMs: 10, endMs: 20 }],
    };
    expect(describeHost(resolveScenario({ cpus: 3, host, tasks }))).toBe(
      'host steals from vCPU 0: 25 % of every 1000 µs; vCPU 1: 3600 µs at the end of every 12000 µs; 1 whole-VM pause(s)',
    );
    expect(describeHost(resolveScenario({ host: { pauses: [{ startMs: 1, endMs: 2 }] }, tasks }))).toBe(
      'host steals nothing; 1 whole-VM pause(s)',
    );
  });
});
