import { describe, expect, it } from 'vitest';
import { compileTaskMachine, createTaskContext, taskTotals } from '../machines/task.js';
import { createSimulatedSource } from '../sources/simulated.js';
import type { ClockSource } from '../sources/types.js';
import { sourceContract } from './contract.js';
import { randomTaskEvents } from './random-events.js';

describe('schedacct/testing', () => {
  it('the backend contract passes on a sound backend and names what a broken one breaks', () => {
    const sound = () => createSimulatedSource({ pattern: { kind: 'constant', share: 0.2 } });
    for (const c of sourceContract(sound, { steps: 40 })) expect(c.run).not.toThrow();
    // a counter that jumps back by a little now and then, and a stolen total that restarts
    const broken = (): ClockSource => {
      const src = sound();
      let counterReads = 0;
      let stolenReads = 0;
      const counter = (): bigint => src.counter.readCounter();
      const stolen = (): bigint => src.stolen.readStolen();
      return {
        ...src,
        counter: { ...src.counter, readCounter: () => counter() - (++counterReads % 7 === 0 ? 1_000_000n : 0n) },
        stolen: { protocol: 'stable-read', readStolen: () => (++stolenReads > 20 ? 0n : stolen()) },
      };
    };
    const failures = sourceContract(broken, { steps: 40 }).map((c) => {
      try {
        c.run();
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(failures[0]).toMatch(/counter went back/);
    expect(failures[1]).toMatch(/stolen total went back/);
  });

  it('random task events are the same for a seed, differ across seeds, and keep the ledger laws', () => {
    expect(randomTaskEvents(7, { count: 200 })).toEqual(randomTaskEvents(7, { count: 200 }));
    expect(randomTaskEvents(7, { count: 50 })).not.toEqual(randomTaskEvents(8, { count: 50 }));
    for (let seed = 0; seed < 50; seed++) {
      const task = compileTaskMachine().start(createTaskContext({ task: seed, counterHz: 1e9, policy: 'carry' }));
      for (const e of randomTaskEvents(seed, { count: 300, anomalyShare: 0.2 })) task.send(e);
      const t = taskTotals(task.context);
      expect(t.runNs).toBe(t.chargedNs + t.stolenNs);
      expect(t.chargedNs).toBeGreaterThanOrEqual(0);
    }
  });
});
