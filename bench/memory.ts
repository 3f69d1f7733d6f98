// Memory of a replay that sees millions of short-lived tasks (fork → wakeup_new → run → exit → dead switch): peak RSS
// and the bytes each finished task costs above the live set, measured in a child `node --expose-gc` per size. The
// per-task figure is the slope between two sizes (fixed costs cancel) and the heap kept after a collection.
// `node --import tsx bench/memory.ts [TASKS…]`; SCHEDACCT_SRC=DIR measures another checkout's src/ (today's figure).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SIZES = [200_000, 2_000_000];

/** What one child measured. */
interface Sample {
  readonly tasks: number;
  readonly peakRssBytes: number;
  readonly heapKeptBytes: number;
  readonly summaryBytes: number;
  readonly seconds: number;
}

// The trace, one line at a time: parent sh (tid 1) forks each child on CPU 0; the child runs 20 µs and exits.
function* forkExitTrace(tasks: number): Generator<string> {
  const line = (comm: string, tid: number, ns: number, what: string): string => {
    const s = Math.floor(ns / 1e9);
    return `${comm.padStart(16)} ${String(tid).padStart(7)} [000] ${String(s)}.${String(ns - s * 1e9).padStart(9, '0')}: sched:${what}`;
  };
  const sw = (ns: number, prev: number, state: string, next: number): string => {
    const pc = prev === 1 ? 'sh' : 'true';
    const nc = next === 1 ? 'sh' : 'true';
    return line(
      pc,
      prev,
      ns,
      `sched_switch: prev_comm=${pc} prev_pid=${String(prev)} prev_prio=120 prev_state=${state} ==> next_comm=${nc} next_pid=${String(next)} next_prio=120`,
    );
  };
  let ns = 1_000_000_000;
  for (let i = 0; i < tasks; i++) {
    // tids from 2, wrapping below Linux's pid_max (4194304) as a long run does
    const child = 2 + (i % 4_194_300);
    yield line('sh', 1, ns, `sched_process_fork: comm=sh pid=1 child_comm=sh child_pid=${String(child)}`);
    yield line('sh', 1, (ns += 1_000), `sched_wakeup_new: comm=sh pid=${String(child)} prio=120 target_cpu=000`);
    yield sw((ns += 1_000), 1, 'S', child);
    yield line('true', child, (ns += 20_000), `sched_process_exit: comm=true pid=${String(child)} prio=120`);
    yield sw((ns += 1_000), child, 'X', 1);
    ns += 1_000;
  }
}

async function child(tasks: number): Promise<Sample> {
  const src = process.env.SCHEDACCT_SRC ?? fileURLToPath(new URL('../src/', import.meta.url));
  const trace = (await import(`${src}/trace.ts`)) as typeof import('../src/trace.ts');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  // what a collection cannot free: the heap and the typed arrays' buffers outside it
  const kept = (): number => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const heapBefore = kept();
  let peak = process.memoryUsage.rss();
  const started = process.hrtime.bigint();
  let n = 0;
  const lines = function* (): Generator<string> {
    for (const l of forkExitTrace(tasks)) {
      if (++n % 100_000 === 0) peak = Math.max(peak, process.memoryUsage.rss());
      yield l;
    }
  };
  const { replay } = await trace.readTrace(lines(), { compat: 'perf-6.1' });
  const heapKept = kept() - heapBefore;
  peak = Math.max(peak, process.memoryUsage.rss());
  // the summary, streamed where the checkout can (else its array of lines)
  let summaryBytes = 0;
  const each = (trace as { eachSummaryLine?: typeof trace.eachSummaryLine }).eachSummaryLine;
  const out = each === undefined ? trace.summaryLines(replay) : each(replay);
  for (const l of out) {
    summaryBytes += l.length + 1;
    if (summaryBytes % 4096 === 0) peak = Math.max(peak, process.memoryUsage.rss());
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { tasks, peakRssBytes: peak, heapKeptBytes: heapKept, summaryBytes, seconds };
}

/** Runs each size in a child `node --expose-gc` and prints peak RSS and bytes per finished task. */
export function runMemoryBench(sizes: readonly number[] = SIZES): void {
  const me = fileURLToPath(import.meta.url);
  const samples: Sample[] = [];
  for (const tasks of sizes) {
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', me, 'child', String(tasks)], {
      encoding: 'utf8',
      env: process.env,
      maxBuffer: 1 << 20,
    });
    if (run.status !== 0) throw new Error(`memory bench child failed: ${run.stderr}`);
    const sample = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Sample;
    samples.push(sample);
    const mib = (b: number): string => (b / 2 ** 20).toFixed(0).padStart(6);
    console.log(
      `${String(tasks).padStart(9)} tasks: peak RSS ${mib(sample.peakRssBytes)} MiB, kept ${mib(sample.heapKeptBytes)} MiB (${(sample.heapKeptBytes / tasks).toFixed(0)} B/task), summary ${mib(sample.summaryBytes)} MiB, ${sample.seconds.toFixed(1)} s`,
    );
  }
  const [a, b] = [samples[0], samples[samples.length - 1]];
  if (a !== undefined && b !== undefined && b.tasks > a.tasks) {
    const perTask = (b.peakRssBytes - a.peakRssBytes) / (b.tasks - a.tasks);
    const heapPerTask = (b.heapKeptBytes - a.heapKeptBytes) / (b.tasks - a.tasks);
    console.log(
      `→ ${perTask.toFixed(0)} B of peak RSS and ${heapPerTask.toFixed(0)} B kept (heap and buffers) per finished task above the live set (goal: ≤ 300 B) ${perTask <= 300 ? 'MET' : 'NOT MET'}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'child') console.log(JSON.stringify(await child(Number(process.argv[3]))));
  else runMemoryBench(process.argv.length > 2 ? process.argv.slice(2).map(Number) : SIZES);
}
