import { describe, expect, it } from 'vitest';
import { Ledger } from '../accounting/ledger.js';
import { SchedacctError } from '../errors.js';
import { compileVcpuMachine, createVcpuContext, stolenAt, type VcpuEvent } from './vcpu.js';

function run(events: readonly VcpuEvent[], offlineIsSteal = false) {
  const v = compileVcpuMachine().start(createVcpuContext({ vcpu: 0, offlineIsSteal }));
  for (const e of events) v.send(e);
  return v;
}

describe('vcpu machine', () => {
  it('publishes runnable time as steal when the vCPU runs again (KVM: at vcpu_load); pauses are not steal', () => {
    const v = run([
      { type: 'deschedule', atNs: 1000 },
      { type: 'schedule', atNs: 4000 }, // 3 µs runnable: steal
      { type: 'pause', atNs: 5000 },
      { type: 'resume', atNs: 9000 }, // 4 µs paused: a gap, not steal
      { type: 'deschedule', atNs: 9500 },
    ]);
    expect(v.value).toBe('runnable');
    expect(v.context).toMatchObject({ stolenTotalNs: 3000n, runnableNs: 3000, pausedNs: 4000, runningNs: 2500 });
    expect(stolenAt(v.context, 'runnable', 10_000)).toBe(3500n); // a continuous publisher (Xen) shows the open interval
  });

  it('offline counts as steal only where the ABI says so (Xen)', () => {
    const events: VcpuEvent[] = [
      { type: 'offline', atNs: 100 },
      { type: 'online', atNs: 600 },
    ];
    expect(run(events, false).context.stolenTotalNs).toBe(0n);
    expect(run(events, true).context.stolenTotalNs).toBe(500n);
  });

  it('anomalies: host time going backwards counts as 0; an impossible event is ignored', () => {
    const v = run([
      { type: 'deschedule', atNs: 1000 },
      { type: 'schedule', atNs: 500 },
      { type: 'resume', atNs: 2000 },
    ]);
    expect(v.value).toBe('running');
    expect(v.context.stolenTotalNs).toBe(0n);
    expect(v.context.ledger.anomalies().map((a) => a.kind)).toEqual(['counter-backwards', 'impossible-transition']);
  });

  it('strict and input validation', () => {
    const v = compileVcpuMachine().start(createVcpuContext({ vcpu: 2, ledger: new Ledger({ strict: true }) }));
    expect(() => v.send({ type: 'schedule', atNs: 1 })).toThrow(SchedacctError);
    expect(() => createVcpuContext({ vcpu: 0, startNs: -1 })).toThrow(/startNs/);
  });
});
