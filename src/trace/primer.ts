/**
 * A short synthetic perf script trace that takes the scanner's and the replay's rarer branches: idle on either side,
 * `R+`, `D`, `S` and `X` states, a negative tid, wakeups of every kind, a migration, a fork's child that exits,
 * `vruntime`, an event out of order, another system's event and a line that is not a trace line. Reading it once
 * before a large trace lets the optimizing compiler see every branch the first time it compiles the hot functions,
 * instead of compiling them again when the trace first meets one (see parallel.ts and scan-worker.ts).
 * @module
 * @internal
 */

const head = (comm: string, tid: number, cpu: number, ns: number): string =>
  `${comm.padStart(16)} ${String(tid).padStart(6)} [${String(cpu).padStart(3, '0')}] ` +
  `${String(Math.floor(ns / 1e9))}.${String(ns % 1e9).padStart(9, '0')}: `;

const switchLine = (ns: number, cpu: number, prev: [string, number, string], next: [string, number]): string =>
  `${head(prev[0], prev[1], cpu, ns)}      sched:sched_switch: prev_comm=${prev[0]} prev_pid=${String(prev[1])} ` +
  `prev_prio=120 prev_state=${prev[2]} ==> next_comm=${next[0]} next_pid=${String(next[1])} next_prio=120`;

const wakeLine = (ns: number, cpu: number, waker: [string, number], woken: [string, number], name: string): string =>
  `${head(waker[0], waker[1], cpu, ns)}${`sched:sched_${name}`.padStart(24)}: comm=${woken[0]} ` +
  `pid=${String(woken[1])} prio=120 target_cpu=001`;

const runtimeLine = (ns: number, cpu: number, task: [string, number], vruntime: boolean): string =>
  `${head(task[0], task[1], cpu, ns)}sched:sched_stat_runtime: comm=${task[0]} pid=${String(task[1])} runtime=50 [ns]` +
  (vruntime ? ' vruntime=1234 [ns]' : '');

/**
 * The primer's lines: four rounds of the same story, times rising (but for the one out of order).
 * @returns perf script lines (ns timestamps)
 */
export function primerLines(): string[] {
  const lines: string[] = [];
  const perf: [string, number] = ['perf', 100];
  const sh: [string, number] = ['sh', 200];
  let t = 1_000_000_000;
  for (let round = 0; round < 4; round++) {
    const kid: [string, number] = ['kid', 300 + round];
    lines.push(
      runtimeLine((t += 100), 0, perf, round % 2 === 1),
      wakeLine((t += 100), 0, perf, sh, 'waking'),
      switchLine((t += 100), 1, ['swapper/1', 0, 'R'], sh),
      switchLine((t += 100), 0, [...perf, 'S'], ['swapper/0', 0]),
      runtimeLine((t += 100), 1, sh, false),
      wakeLine((t += 100), 1, sh, perf, 'wakeup'),
      switchLine((t += 100), 1, [...sh, 'R+'], perf),
      switchLine((t += 100), 1, [...perf, 'D'], sh),
      wakeLine((t += 100), 1, sh, kid, 'wakeup_new'),
      `${head(...sh, 1, (t += 100))}sched:sched_migrate_task: comm=kid pid=${String(kid[1])} prio=120 orig_cpu=1 dest_cpu=0`,
      switchLine((t += 100), 0, ['swapper/0', 0, 'R'], kid),
      switchLine((t += 100), 0, [...kid, 'X'], ['swapper/0', 0]),
      switchLine((t += 100), 1, [...sh, 'R'], perf),
      switchLine(t - 50, 1, [...perf, 'S'], sh),
      `${head(...sh, 1, (t += 100))}   irq:irq_handler_entry: irq=1 name=timer`,
      switchLine((t += 100), 1, ['sh', -1, 'X'], ['swapper/1', 0]),
      'not a trace line',
    );
  }
  return lines;
}
