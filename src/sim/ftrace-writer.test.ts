import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTrace } from '../trace/read.js';
import { FtraceWriter } from './ftrace-writer.js';
import { combineObservers, SimMetrics } from './metrics.js';
import type { SimObserver, SimTaskRef } from './types.js';

/** One slice of a made-up schedule: a task runs `runNs` of wall time, `stealNs` of it stolen, and leaves in `state`. */
interface Step {
  readonly task: number;
  readonly runNs: number;
  readonly stealNs: number;
  readonly state: 'R' | 'S';
  readonly idleNs: number;
}

type Event = { readonly atNs: number; readonly emit: (o: SimObserver) => void };

const ref = (tid: number): SimTaskRef => ({ tid, name: `t${String(tid)}`, prio: 120 + (tid % 3) });

// The events one CPU's steps imply, with each task's run and charged time; a task off the CPU asleep is woken first.
function cpuEvents(cpu: number, tids: readonly number[], steps: readonly Step[], totals: Map<number, number[]>) {
  const events: Event[] = [];
  const at = (atNs: number, emit: (o: SimObserver) => void) => events.push({ atNs, emit });
  for (const tid of tids) at(0, (o) => o.onCreate?.(0, cpu, ref(tid)));
  const asleep = new Set<number>();
  let t = 10_000;
  let prev: { tid: number; state: 'R' | 'S' } | undefined;
  for (const s of steps) {
    const tid = tids[s.task % tids.length] as number;
    const now = t;
    if (prev?.tid === tid && prev.state === 'R') {
      // the same task again: its slice goes on (no switch), as a kernel that picks it again does
    } else {
      if (asleep.delete(tid)) at(now, (o) => o.onWakeup?.(now, cpu, ref(tid), cpu));
      const p = prev;
      at(now, (o) => o.onSwitch?.(now, cpu, p === undefined ? undefined : ref(p.tid), p?.state ?? 'R', ref(tid)));
    }
    const runtime = s.runNs - s.stealNs;
    const half = Math.floor(runtime / 2);
    at(now + Math.floor(s.runNs / 2), (o) => o.onRuntime?.(now + Math.floor(s.runNs / 2), cpu, ref(tid), half));
    at(now + s.runNs, (o) => o.onRuntime?.(now + s.runNs, cpu, ref(tid), runtime - half));
    const sum = totals.get(tid) ?? [0, 0];
    totals.set(tid, [(sum[0] ?? 0) + s.runNs, (sum[1] ?? 0) + runtime]);
    t += s.runNs;
    prev = { tid, state: s.state };
    if (s.state === 'S') {
      const end = t;
      at(end, (o) => o.onSwitch?.(end, cpu, ref(tid), 'S', undefined));
      asleep.add(tid);
      prev = undefined;
      t += s.idleNs;
    }
  }
  if (prev !== undefined) {
    const last = prev.tid;
    const end = t;
    at(end, (o) => o.onSwitch?.(end, cpu, ref(last), 'S', undefined));
  }
  return events;
}

const step = fc.record({
  task: fc.nat(3),
  runNs: fc.integer({ min: 1_000, max: 8_000_000 }),
  stealNs: fc.nat(500_000),
  state: fc.constantFrom<'R' | 'S'>('R', 'S'),
  idleNs: fc.integer({ min: 0, max: 3_000_000 }),
});

describe('FtraceWriter', () => {
  it('a made-up run read back by readTrace: ftrace, 0 malformed lines, each task run, charged, stolen and delay as the events imply', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 40 }),
        fc.array(step, { maxLength: 40 }),
        fc.integer({ min: 1, max: 64 }),
        async (s0, s1, batchLines) => {
          const totals = new Map<number, number[]>();
          const fix = (steps: Step[]) => steps.map((s) => ({ ...s, stealNs: Math.min(s.stealNs, s.runNs) }));
          const events = [
            ...cpuEvents(0, [1000, 1001], fix(s0), totals),
            ...cpuEvents(1, [1002, 1003, 1004], fix(s1), totals),
          ];
          events.sort((a, b) => a.atNs - b.atNs); // stable: each CPU's own order kept
          const chunks: string[] = [];
          const writer = new FtraceWriter((chunk) => chunks.push(chunk), { batchLines });
          const metrics = new SimMetrics();
          const observer = combineObservers(writer, metrics);
          for (const e of events) e.emit(observer);
          writer.end();
          expect(chunks.length).toBeGreaterThan(Math.floor(events.length / batchLines)); // streamed in batches
          // as bytes, the chunks as written (strings would be taken for lines)
          const encoder = new TextEncoder();
          const result = await readTrace(chunks.map((c) => encoder.encode(c)));
          expect(result.format).toBe('ftrace');
          expect(result.malformed.count).toBe(0);
          expect(result.replay.anomalies().count).toBe(0);
          const replayed = new Map(
            result.replay
              .tasks()
              .filter((t) => t.tid !== 0)
              .map((t) => [t.tid, t.totals]),
          );
          for (const [tid, [runNs, chargedNs]] of totals) {
            const got = replayed.get(tid);
            const delayNs = metrics.task(tid)?.delay.sumNs;
            expect({ tid, runNs: got?.runNs, chargedNs: got?.chargedNs, delayNs: got?.delayNs }).toEqual({
              tid,
              runNs,
              chargedNs,
              delayNs,
            });
            expect(got?.stolenNs).toBe((runNs ?? 0) - (chargedNs ?? 0));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes the kernel formats: R+ for a preemption, <idle>-0 and swapper/N for idle, ns timestamps from 1 s', () => {
    let text = '';
    const writer = new FtraceWriter((chunk) => (text += chunk));
    const a = ref(1000);
    writer.onCreate(0, 1, a);
    writer.onSwitch(1, 1, undefined, 'R', a);
    writer.onMigrate(2_000, a, 1, 0);
    writer.onRuntime(4_000_123, 1, a, 4_000_000);
    writer.onSwitch(4_000_123, 1, a, 'R', undefined);
    writer.onWakeup(5_000_000, 0, a, 0);
    writer.end();
    const lines = text.split('\n');
    expect(lines[0]).toBe('# tracer: nop');
    expect(lines.slice(4, 10)).toEqual([
      '              <idle>-0 [001] d..2.     1.000000000: sched_wakeup_new: comm=t1000 pid=1000 prio=121 target_cpu=001',
      '              <idle>-0 [001] d..2.     1.000000001: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=t1000 next_pid=1000 next_prio=121',
      '              <idle>-0 [000] d..2.     1.000002000: sched_migrate_task: comm=t1000 pid=1000 prio=121 orig_cpu=1 dest_cpu=0',
      '            t1000-1000 [001] d..2.     1.004000123: sched_stat_runtime: comm=t1000 pid=1000 runtime=4000000 [ns]',
      '            t1000-1000 [001] d..2.     1.004000123: sched_switch: prev_comm=t1000 prev_pid=1000 prev_prio=121 prev_state=R+ ==> next_comm=swapper/1 next_pid=0 next_prio=120',
      '              <idle>-0 [000] d..2.     1.005000000: sched_waking: comm=t1000 pid=1000 prio=121 target_cpu=000',
    ]);
    expect(writer.lines).toBe(6);
  });

  it('refuses a write that is not a function and options out of range', () => {
    expect(() => new FtraceWriter(undefined as never)).toThrow(/write must be/);
    expect(() => new FtraceWriter(() => undefined, { batchLines: 0 })).toThrow(/batchLines/);
    expect(() => new FtraceWriter(() => undefined, { offsetNs: -1 })).toThrow(/offsetNs/);
  });
});
