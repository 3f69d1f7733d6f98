/**
 * Which perf the replay agrees with, and the rules that differ between them: how a switch-out's state is shown and
 * filed. perf 6.1 is the perf installed where the oracle recordings were made; `current` is upstream perf today.
 * @module
 */
import { checkString, checkWhole, describe } from '../check.js';
import { SchedacctError } from '../errors.js';
import { switchOutType, type TaskEvent } from '../machines/task.js';

/** Which perf to agree with. */
export type Compat = 'perf-6.1' | 'current';

/**
 * Every {@link Compat}.
 * @example
 * ```ts
 * COMPATS; // ['perf-6.1', 'current']
 * ```
 */
export const COMPATS: readonly Compat[] = ['perf-6.1', 'current'];

/**
 * Checks a compat value.
 * @param compat - what the caller gave (default `'current'`)
 * @returns the compat
 * @throws {@link SchedacctError} `invalid-argument` for an unknown one
 */
export function checkCompat(compat: Compat | undefined): Compat {
  const value = compat ?? 'current';
  if (!COMPATS.includes(value)) {
    throw new SchedacctError('invalid-argument', `compat must be perf-6.1 or current, got ${describe(value)}`);
  }
  return value;
}

/** The kernel's TASK_REPORT bit for each state letter `sched_switch` prints (`R+` is TASK_REPORT_MAX: preempted). */
const REPORT_BITS: Readonly<Record<string, number>> = {
  R: 0,
  'R+': 0x100,
  S: 0x1,
  D: 0x2,
  T: 0x4,
  t: 0x8,
  X: 0x10,
  Z: 0x20,
  P: 0x40,
  I: 0x80,
};

/**
 * The state character perf 6.1 shows for a `prev_state` text: it maps the report bit through its old table
 * `RSDTtZXxKWP` (so preempted `R+` shows `W`, idle `I` shows `K`, zombie `Z` shows `X`). Combined letters (old
 * kernels, e.g. `D|K`) use their lowest bit.
 * @param prevState - the letters as printed
 * @returns perf 6.1's character
 * @throws {@link SchedacctError} `invalid-argument` for a state that is not a string
 * @example
 * ```ts
 * perf61StateChar('R+'); // 'W'
 * perf61StateChar('S'); // 'S'
 * ```
 */
export function perf61StateChar(prevState: string): string {
  checkString('prevState', prevState);
  let char = perf61Chars.get(prevState);
  if (char === undefined) {
    char = perf61Char(prevState);
    if (perf61Chars.size < 64) perf61Chars.set(prevState, char);
  }
  return char;
}

// The few state texts a trace holds, each mapped once.
const perf61Chars = new Map<string, string>();

function perf61Char(prevState: string): string {
  let bits = REPORT_BITS[prevState];
  if (bits === undefined) {
    bits = 0;
    for (const part of prevState.split('|')) bits |= REPORT_BITS[part] ?? 0;
  }
  if (bits === 0) return 'R';
  const ffs = 32 - Math.clz32(bits & -bits);
  return 'RSDTtZXxKWP'[ffs] ?? 'R';
}

/** How a switch-out is filed: the task event it sends, the state a `block` carries, and the state column's text. */
export interface SwitchOut {
  /** The task machine event. */
  readonly type: Extract<TaskEvent['type'], 'preempt' | 'block' | 'exit'>;
  /** The state letters a `block` event carries (`D…` files the wait as iowait). */
  readonly blockState: string;
  /** What the `--state` column shows. */
  readonly stateChar: string;
  /** The state is a dead one (`X`, `Z`): the task is gone, whichever event files it. */
  readonly dead: boolean;
}

/**
 * How perf files a switch-out in `prevState`. perf 6.1 files a wait by its own state character: only `R` is preempt
 * and `D` iowait; everything else, including a preempted `R+` (its `W`), is sleep. Current perf treats `R` and `R+`
 * alike as preempted. A dead state (`X`, `Z`) ends the task, except for perf's thread −1, which lives on (perf drops
 * a thread at its EXIT record, so an exiting task's last switch belongs to thread −1).
 * @param compat - which perf
 * @param prevState - the letters `sched_switch` printed
 * @param tid - the task the row is for
 * @returns how to file it
 * @throws {@link SchedacctError} `invalid-argument` for an unknown compat, a state that is not a string or a tid that is not a safe integer ≥ −1
 * @example
 * ```ts
 * switchOut('current', 'R+', 42); // { type: 'preempt', blockState: '', stateChar: 'R', dead: false }
 * switchOut('perf-6.1', 'R+', 42); // { type: 'block', blockState: 'W', stateChar: 'W', dead: false }
 * switchOut('current', 'X', -1).type; // 'block': perf's thread -1 lives on
 * ```
 */
export function switchOut(compat: Compat, prevState: string, tid: number): SwitchOut {
  checkString('prevState', prevState);
  checkWhole('tid', tid, -1);
  return { ...switchOutOf(compat, prevState, tid) };
}

// Filed switch-outs by compat, thread sign (perf's −1) and state text: a trace holds a few states.
const filed = [
  new Map<string, SwitchOut>(),
  new Map<string, SwitchOut>(),
  new Map<string, SwitchOut>(),
  new Map<string, SwitchOut>(),
];

/**
 * {@link switchOut} for the replay (its arguments checked already): one shared, frozen answer per state text.
 * @param compat - which perf
 * @param prevState - the letters `sched_switch` printed
 * @param tid - the task the row is for
 * @returns how to file it (do not change it)
 * @internal
 */
export function switchOutOf(compat: Compat, prevState: string, tid: number): SwitchOut {
  const cache = filed[(compat === 'perf-6.1' ? 0 : 2) + (tid < 0 ? 1 : 0)] as Map<string, SwitchOut>;
  let out = cache.get(prevState);
  if (out === undefined) {
    out = Object.freeze(fileSwitchOut(compat, prevState, tid));
    if (cache.size < 256) cache.set(prevState, out);
  }
  return out;
}

function fileSwitchOut(compat: Compat, prevState: string, tid: number): SwitchOut {
  const perf61 = compat === 'perf-6.1';
  const stateChar = perf61 ? perf61StateChar(prevState) : (prevState[0] ?? 'R');
  const first = prevState.charCodeAt(0);
  const dead = first === 88 || first === 90; // X or Z
  let type: SwitchOut['type'] = dead
    ? 'exit'
    : perf61
      ? stateChar === 'R'
        ? 'preempt'
        : 'block'
      : switchOutType(prevState);
  let blockState = perf61 ? stateChar : prevState;
  if (tid < 0 && type === 'exit') {
    type = 'block';
    blockState = prevState;
  }
  return { type, blockState: type === 'block' ? blockState : '', stateChar, dead };
}
