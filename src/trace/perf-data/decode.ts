/**
 * How a sample is laid out and how its tracepoint's fields are read, worked out once per attr and per tracepoint
 * (not per sample): the fixed offsets of the sample's tid, time, cpu and raw data, and each field's offset, size and
 * sign from the tracepoint's format, with the least raw size that holds them all.
 * @module
 * @internal
 */
import { PerfDataError } from './error.js';
import { LETTERS } from './layout.js';
import type { EventFormat, TraceField } from './tracing-data.js';

/**
 * What a tracepoint's samples become.
 * @internal
 */
export const TP = { SWITCH: 1, WAKEUP: 2, MIGRATE: 3, FORK: 4, EXIT: 5, RUNTIME: 6, OTHER: 7 } as const;

const KIND_OF: Readonly<Record<string, number>> = {
  sched_switch: TP.SWITCH,
  sched_waking: TP.WAKEUP,
  sched_wakeup: TP.WAKEUP,
  sched_wakeup_new: TP.WAKEUP,
  sched_migrate_task: TP.MIGRATE,
  sched_process_fork: TP.FORK,
  sched_process_exit: TP.EXIT,
  sched_stat_runtime: TP.RUNTIME,
};

const FIELDS: Readonly<Record<number, readonly string[]>> = {
  [TP.SWITCH]: ['prev_pid', 'prev_state', 'next_pid'],
  [TP.WAKEUP]: ['pid'],
  [TP.MIGRATE]: ['pid', 'orig_cpu', 'dest_cpu'],
  [TP.FORK]: ['parent_pid', 'child_pid', 'child_comm'],
  [TP.EXIT]: ['pid'],
  [TP.RUNTIME]: ['pid', 'runtime'],
  [TP.OTHER]: [],
};

/**
 * A number field: its offset in the raw data, size (1, 2, 4 or 8) and sign.
 * @internal
 */
export interface NumberField {
  readonly offset: number;
  readonly size: number;
  readonly signed: boolean;
}

/**
 * What making a tracepoint's events needs of its decoder, once its samples are rows: all the replay's thread has of
 * it when the rows were decoded on another.
 * @internal
 */
export interface StateDecoder {
  /** `wakeup`, `waking` or `wakeup_new`, for wakeups. */
  readonly variant: 'waking' | 'wakeup' | 'wakeup_new';
  /** prev_state's letters by value, filled as met. */
  readonly states: Map<number, string>;
  /** The format's preemption bit (for prev_state's `+`). */
  readonly format: { readonly preemptBit: number };
}

/**
 * One tracepoint's decoder.
 * @internal
 */
export interface Decoder extends StateDecoder {
  readonly format: EventFormat;
  readonly kind: number;
  /** The fields the kind reads, in {@link FIELDS} order (strings as their TraceField). */
  readonly fields: readonly TraceField[];
  /** wakeups: target_cpu, when the format has it. */
  readonly targetCpu: TraceField | undefined;
  /** switches: next_comm, when the format has it (read for perf's `-n` only). */
  readonly nextComm: TraceField | undefined;
  /** The least raw size that holds every field read. */
  readonly minRaw: number;
  /** `system:name`, for the skipped count. */
  readonly key: string;
}

/**
 * A tracepoint's decoder, made at its first sample: a field the kind needs that the format lacks, or whose size is
 * not a number's, is an error there.
 * @param format - the tracepoint's format
 * @param at - the first sample's raw data, for errors
 * @returns the decoder
 * @throws {@link PerfDataError} for a field missing or of a size that cannot be read
 * @internal
 */
export function decoderOf(format: EventFormat, at: number): Decoder {
  const kind = KIND_OF[format.name] ?? TP.OTHER;
  const fields = (FIELDS[kind] ?? []).map((name) => {
    const f = format.fields.get(name);
    if (f === undefined) throw new PerfDataError(`${format.name} has no field ${name} in its format`, at);
    if (!f.text && f.size !== 1 && f.size !== 2 && f.size !== 4 && f.size !== 8)
      throw new PerfDataError(`${format.name}.${name} has size ${String(f.size)}, not a number's`, at + f.offset);
    return f;
  });
  const targetCpu = kind === TP.WAKEUP ? format.fields.get('target_cpu') : undefined;
  const all = targetCpu === undefined ? fields : [...fields, targetCpu];
  const variant = format.name === 'sched_waking' ? 'waking' : format.name === 'sched_wakeup' ? 'wakeup' : 'wakeup_new';
  return {
    format,
    kind,
    fields,
    targetCpu,
    nextComm: kind === TP.SWITCH ? format.fields.get('next_comm') : undefined,
    minRaw: all.reduce((m, f) => Math.max(m, f.offset + f.size), 0),
    variant,
    states: new Map(),
    key: `${format.system}:${format.name}`,
  };
}

/**
 * The field of a decoder that lies past a raw record: for the error.
 * @param d - the decoder
 * @param rawSize - the record's raw size
 * @param at - the raw data
 * @returns the error
 * @internal
 */
export function pastRecord(d: Decoder, rawSize: number, at: number): PerfDataError {
  const all = d.targetCpu === undefined ? d.fields : [...d.fields, d.targetCpu];
  const names = [...d.format.fields].filter(([, f]) => all.includes(f) && f.offset + f.size > rawSize);
  const name = names[0]?.[0] ?? 'a field';
  return new PerfDataError(`${d.format.name}.${name} lies past the record's ${String(rawSize)} bytes`, at);
}

/**
 * A number field of a raw record.
 * @param data - the bytes
 * @param at - the raw data, in `data`
 * @param f - the field (checked: size 1, 2, 4 or 8, within the record)
 * @param little - the tracepoint's byte order
 * @returns the value (a 64-bit one exact within ±2^53)
 * @internal
 */
export function fieldValue(data: DataView, at: number, f: NumberField, little: boolean): number {
  const p = at + f.offset;
  switch (f.size) {
    case 4:
      return f.signed ? data.getInt32(p, little) : data.getUint32(p, little);
    case 8: {
      const lo = data.getUint32(p + (little ? 0 : 4), little);
      const hi = f.signed ? data.getInt32(p + (little ? 4 : 0), little) : data.getUint32(p + (little ? 4 : 0), little);
      return hi * 2 ** 32 + lo;
    }
    case 2:
      return f.signed ? data.getInt16(p, little) : data.getUint16(p, little);
    default:
      return f.signed ? data.getInt8(p) : data.getUint8(p);
  }
}

/**
 * prev_state as the print format shows it: report-bit letters or R, `+` for the format's TASK_REPORT_MAX bit.
 * @param d - the switch's decoder (its cache)
 * @param state - the value
 * @returns the letters
 * @internal
 */
export function stateLetters(d: StateDecoder, state: number): string {
  const known = d.states.get(state);
  if (known !== undefined) return known;
  const preempt = d.format.preemptBit;
  const bits = state & (preempt - 1);
  let letters = '';
  for (let i = 0; i < LETTERS.length; i++) {
    if (bits & (1 << i)) letters += (letters === '' ? '' : '|') + (LETTERS[i] as string);
  }
  const text = (letters === '' ? 'R' : letters) + (state & preempt ? '+' : '');
  if (d.states.size < 4096) d.states.set(state, text);
  return text;
}
