/**
 * Xen `struct vcpu_runstate_info` (`xen/include/public/vcpu.h`): 48 bytes, 8-byte aligned, little-endian:
 * `0: i32 state · 4: pad · 8: u64 state_entry_time (bit 63 = update in progress) · 16: u64 time[4]` (ns spent
 * running, runnable, blocked, offline). Steal = `time[runnable] + time[offline]`. The guest retries while
 * `state_entry_time` has the update bit or changed across the read.
 * @module
 */
import { argError, checkBigint, checkObject, checkOneOf } from '../check.js';
import { AbiError } from '../errors.js';
import { checkZero, structView, type Bytes } from './bytes.js';

/**
 * ABI name used in errors.
 * @example
 * ```ts
 * XEN_RUNSTATE; // 'xen-runstate'
 * ```
 */
export const XEN_RUNSTATE = 'xen-runstate';
/**
 * Size of the structure, bytes.
 * @example
 * ```ts
 * XEN_RUNSTATE_SIZE; // 48
 * ```
 */
export const XEN_RUNSTATE_SIZE = 48;
/**
 * Required alignment, bytes.
 * @example
 * ```ts
 * XEN_RUNSTATE_ALIGN; // 8
 * ```
 */
export const XEN_RUNSTATE_ALIGN = 8;
/**
 * Offset of `state_entry_time`.
 * @example
 * ```ts
 * XEN_ENTRY_TIME_OFFSET; // 8
 * ```
 */
export const XEN_ENTRY_TIME_OFFSET = 8;
/**
 * Offset of `time[0]`.
 * @example
 * ```ts
 * const memory = new Uint8Array(XEN_RUNSTATE_SIZE);
 * encodeXenRunstate(memory, { state: 'running', stateEntryTime: 0n, time: [8_000_000n, 1_500_000n, 0n, 0n] });
 * new DataView(memory.buffer).getBigUint64(XEN_TIME_OFFSET + 8, true); // 1_500_000n, time[runnable]
 * ```
 */
export const XEN_TIME_OFFSET = 16;
/**
 * Runstates, as `time[]` is indexed.
 * @example
 * ```ts
 * XEN_RUNSTATES.indexOf('runnable'); // 1
 * ```
 */
export const XEN_RUNSTATES = ['running', 'runnable', 'blocked', 'offline'] as const;
/** A Xen runstate. */
export type XenRunstate = (typeof XEN_RUNSTATES)[number];
/**
 * Bit 63 of `state_entry_time`: the hypervisor is updating the area.
 * @example
 * ```ts
 * const entryTime = 5_000_000n | XEN_UPDATE_BIT; // the hypervisor is writing
 * (entryTime & XEN_UPDATE_BIT) !== 0n; // true, so a guest retries
 * ```
 */
export const XEN_UPDATE_BIT: bigint = 1n << 63n;

/** The decoded structure. */
export interface XenRunstateInfo {
  /** Current state. */
  readonly state: XenRunstate;
  /** Entry time of the current state, ns, with the update bit. */
  readonly stateEntryTime: bigint;
  /** ns per state: running, runnable, blocked, offline. */
  readonly time: readonly [bigint, bigint, bigint, bigint];
}

/**
 * Decodes and validates the structure.
 * @param bytes - memory holding the structure
 * @param offset - its offset (default 0)
 * @returns the fields
 * @throws {@link AbiError} naming `size`, `alignment`, `state` or `pad`
 * @example
 * ```ts
 * const memory = new Uint8Array(XEN_RUNSTATE_SIZE);
 * encodeXenRunstate(memory, { state: 'running', stateEntryTime: 5_000_000n, time: [8_000_000n, 1_500_000n, 0n, 500_000n] });
 * decodeXenRunstate(memory).state; // 'running'
 * xenSteal(decodeXenRunstate(memory)); // 2_000_000n
 * ```
 */
export function decodeXenRunstate(bytes: Bytes, offset = 0): XenRunstateInfo {
  const view = structView(XEN_RUNSTATE, bytes, offset, XEN_RUNSTATE_SIZE, XEN_RUNSTATE_ALIGN);
  const stateIndex = view.getInt32(0, true);
  const state = XEN_RUNSTATES[stateIndex];
  if (state === undefined)
    throw new AbiError(
      XEN_RUNSTATE,
      'state',
      `must be 0–3 (running, runnable, blocked, offline), got ${String(stateIndex)}`,
    );
  checkZero(XEN_RUNSTATE, 'pad', view, 4, 8);
  const time: [bigint, bigint, bigint, bigint] = [0n, 0n, 0n, 0n];
  for (let i = 0; i < 4; i++) time[i] = view.getBigUint64(XEN_TIME_OFFSET + 8 * i, true);
  return { state, stateEntryTime: view.getBigUint64(XEN_ENTRY_TIME_OFFSET, true), time };
}

/**
 * Steal from a runstate: time runnable plus time offline.
 * @param info - the decoded structure
 * @returns stolen ns
 * @throws {@link SchedacctError} `invalid-argument` for an `info` without a known state and four bigint times
 * @example
 * ```ts
 * xenSteal({ state: 'running', stateEntryTime: 0n, time: [8_000_000n, 1_500_000n, 3_000_000n, 500_000n] }); // 2_000_000n: runnable + offline
 * ```
 */
export function xenSteal(info: XenRunstateInfo): bigint {
  checkRunstate('info', info);
  return info.time[1] + info.time[3];
}

// A runstate as the caller gave it: its state one of XEN_RUNSTATES, its four times bigints.
function checkRunstate(param: string, info: unknown): void {
  checkObject(param, info);
  checkOneOf(`${param}.state`, info.state, XEN_RUNSTATES);
  const time = info.time;
  if (!Array.isArray(time) || time.length !== 4 || !time.every((t) => typeof t === 'bigint'))
    throw argError(
      'invalid-argument',
      `${param}.time`,
      'an array of four bigints (running, runnable, blocked, offline)',
      time,
    );
}

/**
 * Writes a structure.
 * @param bytes - memory to write into
 * @param info - the fields
 * @param offset - the structure's offset (default 0)
 * @throws {@link AbiError} for size, alignment or a value that does not fit its field; {@link SchedacctError}
 *   `invalid-argument` for an `info` without a known state and four bigint times
 * @example
 * ```ts
 * const memory = new Uint8Array(XEN_RUNSTATE_SIZE);
 * encodeXenRunstate(memory, { state: 'runnable', stateEntryTime: 5_000_000n, time: [8_000_000n, 1_500_000n, 0n, 0n] });
 * decodeXenRunstate(memory).time[1]; // 1_500_000n
 * ```
 */
export function encodeXenRunstate(bytes: Bytes, info: XenRunstateInfo, offset = 0): void {
  const view = structView(XEN_RUNSTATE, bytes, offset, XEN_RUNSTATE_SIZE, XEN_RUNSTATE_ALIGN);
  checkRunstate('info', info);
  checkBigint('info.stateEntryTime', info.stateEntryTime, 0n, (1n << 64n) - 1n);
  for (let i = 0; i < XEN_RUNSTATE_SIZE; i++) view.setUint8(i, 0);
  view.setInt32(0, XEN_RUNSTATES.indexOf(info.state), true);
  view.setBigUint64(XEN_ENTRY_TIME_OFFSET, info.stateEntryTime, true);
  info.time.forEach((t, i) => {
    if (t < 0n || t >= 1n << 64n) throw new AbiError(XEN_RUNSTATE, `time[${String(i)}]`, 'must fit a u64');
    view.setBigUint64(XEN_TIME_OFFSET + 8 * i, t, true);
  });
}
