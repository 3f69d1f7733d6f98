import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AbiError } from '../errors.js';
import { decodeArmPvTime, encodeArmPvTime } from './arm-pvtime.js';
import { decodeKvmStealTime, encodeKvmStealTime, KVM_VCPU_PREEMPTED } from './kvm-steal-time.js';
import { decodeXenRunstate, encodeXenRunstate, XEN_UPDATE_BIT, xenSteal } from './xen-runstate.js';

const rejects = (fn: () => unknown, field: string) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AbiError);
    expect((e as AbiError).field).toBe(field);
    expect((e as AbiError).code).toBe('invalid-abi');
    return;
  }
  throw new Error(`expected a rejection naming ${field}`);
};

describe('Arm PV time (DEN 0057A)', () => {
  it('is 64 little-endian bytes with stolen_time at offset 8', () => {
    const buf = new Uint8Array(64);
    encodeArmPvTime(buf, 0x0102030405060708n);
    expect([...buf.slice(8, 16)]).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(decodeArmPvTime(buf)).toEqual({ revision: 0, attributes: 0, stolenNs: 0x0102030405060708n });
  });

  it('rejects what a guest must not trust, naming the field', () => {
    const good = new Uint8Array(64);
    rejects(() => decodeArmPvTime(new Uint8Array(63)), 'size');
    rejects(() => decodeArmPvTime(new Uint8Array(128), 32), 'alignment');
    rejects(() => decodeArmPvTime(good, -1), 'offset');
    const rev = good.slice();
    rev[0] = 1;
    rejects(() => decodeArmPvTime(rev), 'revision');
    const attr = good.slice();
    attr[4] = 1;
    rejects(() => decodeArmPvTime(attr), 'attributes');
    const reserved = good.slice();
    reserved[63] = 9;
    rejects(() => decodeArmPvTime(reserved), 'reserved');
    rejects(() => encodeArmPvTime(good, -1n), 'stolen_time');
    expect(decodeArmPvTime(new Uint8Array(192), 128).stolenNs).toBe(0n); // an aligned structure inside larger memory
  });
});

describe('x86 kvm_steal_time', () => {
  it('round-trips and lays out steal, version, flags and preempted', () => {
    const buf = new Uint8Array(64);
    encodeKvmStealTime(buf, { stealNs: 123n, version: 4, preempted: KVM_VCPU_PREEMPTED });
    expect(buf[8]).toBe(4);
    expect(buf[16]).toBe(1);
    expect(decodeKvmStealTime(buf)).toEqual({ stealNs: 123n, version: 4, flags: 0, preempted: 1 });
  });

  it('rejects bad layouts and fields, naming them', () => {
    rejects(() => decodeKvmStealTime(new ArrayBuffer(32)), 'size');
    rejects(() => decodeKvmStealTime(new Uint8Array(128), 8), 'alignment');
    const flags = new Uint8Array(64);
    flags[12] = 1;
    rejects(() => decodeKvmStealTime(flags), 'flags');
    const pre = new Uint8Array(64);
    pre[16] = 4;
    rejects(() => decodeKvmStealTime(pre), 'preempted');
    const pad = new Uint8Array(64);
    pad[40] = 1;
    rejects(() => decodeKvmStealTime(pad), 'pad');
    rejects(() => encodeKvmStealTime(new Uint8Array(64), { stealNs: 0n, version: -1, preempted: 0 }), 'version');
  });
});

describe('Xen vcpu_runstate_info', () => {
  it('round-trips; steal is runnable + offline', () => {
    const buf = new Uint8Array(48);
    const info = {
      state: 'runnable' as const,
      stateEntryTime: XEN_UPDATE_BIT | 5n,
      time: [10n, 20n, 30n, 40n] as const,
    };
    encodeXenRunstate(buf, info);
    const back = decodeXenRunstate(buf);
    expect(back).toEqual(info);
    expect(xenSteal(back)).toBe(60n);
  });

  it('rejects bad layouts and fields, naming them', () => {
    rejects(() => decodeXenRunstate(new Uint8Array(40)), 'size');
    rejects(() => decodeXenRunstate(new Uint8Array(64), 4), 'alignment');
    const state = new Uint8Array(48);
    state[0] = 4;
    rejects(() => decodeXenRunstate(state), 'state');
    const pad = new Uint8Array(48);
    pad[5] = 1;
    rejects(() => decodeXenRunstate(pad), 'pad');
  });
});

describe('fuzz: random buffers never crash or hang, and every rejection is typed', () => {
  const decoders = [decodeArmPvTime, decodeKvmStealTime, decodeXenRunstate];
  fcTest.prop([fc.uint8Array({ maxLength: 160 }), fc.integer({ min: -4, max: 160 }), fc.constantFrom(0, 1, 2)], {
    numRuns: 3000,
  })('decoders accept or throw AbiError', (bytes, offset, which) => {
    const decode = decoders[which] ?? decodeArmPvTime;
    try {
      const out = decode(bytes, offset);
      expect(out).toBeTypeOf('object');
    } catch (e) {
      expect(e).toBeInstanceOf(AbiError);
      expect((e as AbiError).field.length).toBeGreaterThan(0);
    }
  });
});
