/**
 * perf.data's tracing data (the HEADER_TRACING_DATA feature, or the payload after record 66 in pipe mode): the
 * kernel's format description of each tracepoint recorded, from which every field's offset and size are read, never
 * hard-coded (kernel 6.16 moved some sched comms to `__data_loc`). Layout: trace-event-read.c in tools/perf.
 * @module
 * @internal
 */
import { PerfDataError } from './error.js';
import { ByteView, utf8 } from './view.js';

/** One field of a tracepoint's record. */
export interface TraceField {
  /** Byte offset in the raw record. */
  readonly offset: number;
  /** Size in bytes (a `char x[16]` is 16; a `__data_loc` is 4: offset and length of the data). */
  readonly size: number;
  /** Signed. */
  readonly signed: boolean;
  /** `__data_loc`: the u32 holds the data's offset (low 16 bits) and length (high 16 bits). */
  readonly dataLoc: boolean;
  /** A char array (a string). */
  readonly text: boolean;
}

/** A tracepoint's format. */
export interface EventFormat {
  /** `sched_switch`. */
  readonly name: string;
  /** `sched`. */
  readonly system: string;
  /** Its id (`common_type` in each record). */
  readonly id: number;
  /** Fields by name. */
  readonly fields: ReadonlyMap<string, TraceField>;
  /** sched_switch: the bit of prev_state its print format shows as `+` (TASK_REPORT_MAX; 0x100 on 6.x). */
  readonly preemptBit: number;
}

/** What the tracing data says. */
export interface TracingData {
  /** Tracepoint formats by id. */
  readonly events: ReadonlyMap<number, EventFormat>;
  /** The tracepoint payload's byte order. */
  readonly little: boolean;
}

const MAGIC = [0x17, 0x08, 0x44];
const FIELD = /^\s*field:(.+);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d+);/;

/**
 * Parses one format file's text (`name: …`, `ID: …`, `format:` and its `field:` lines).
 * @param text - the text of events/SYSTEM/NAME/format
 * @param system - its system
 * @param at - where it is in the input, for errors
 * @returns the format
 * @internal
 */
export function parseFormat(text: string, system: string, at: number): EventFormat {
  const name = /^name:\s*(\S+)/m.exec(text)?.[1];
  const id = /^ID:\s*(\d+)/m.exec(text)?.[1];
  if (name === undefined || id === undefined) throw new PerfDataError('a tracepoint format without name or ID', at);
  const fields = new Map<string, TraceField>();
  for (const line of text.split('\n')) {
    const m = FIELD.exec(line);
    if (m === null) continue;
    const decl = (m[1] as string).trim();
    const dataLoc = decl.startsWith('__data_loc');
    // the field's name: the last word before any [N]
    const fieldName = /([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?$/.exec(decl.replace(/^__data_loc\s+/, ''))?.[1];
    if (fieldName === undefined) continue;
    const text = /\bchar\b/.test(decl) && (decl.includes('[') || dataLoc);
    fields.set(fieldName, {
      offset: Number(m[2]),
      size: Number(m[3]),
      signed: m[4] === '1',
      dataLoc,
      text,
    });
  }
  const preempt = /prev_state\s*&\s*(0x[0-9a-fA-F]+|\d+)\s*\)?\s*\?\s*"\+"/.exec(text)?.[1];
  return { name, system, id: Number(id), fields, preemptBit: preempt === undefined ? 0x100 : Number(preempt) };
}

/**
 * Reads tracing data.
 * @param view - the input
 * @param start - where the tracing data begins
 * @param end - where it ends
 * @returns the formats
 * @throws {@link PerfDataError} for tracing data that is not, or ends early
 * @internal
 */
export function readTracingData(view: ByteView, start: number, end: number): TracingData {
  let at = start;
  view.need(start, end - start, 'tracing data');
  for (let i = 0; i < 3; i++) {
    if (view.u8(at + i, 'tracing data magic') !== MAGIC[i])
      throw new PerfDataError('tracing data without its magic', at);
  }
  at += 3;
  view.need(at, 7, 'tracing data');
  if (utf8(view.sub(at, at + 7, 'tracing data magic')) !== 'tracing')
    throw new PerfDataError('tracing data without "tracing"', at);
  at += 7;
  const version = view.cstring(at, 16, 'tracing data version');
  at += version.length + 1;
  const little = view.u8(at, 'tracing data byte order') === 0;
  at += 2; // file_bigendian, long_size
  const td = view.withOrder(little);
  at += 4; // page size
  const events = new Map<number, EventFormat>();
  // header_page, header_event: a name, a u64 size, the text
  for (const header of ['header_page', 'header_event']) {
    const name = td.cstring(at, 32, 'tracing data header');
    if (name !== header) throw new PerfDataError(`tracing data: expected ${header}`, at);
    at += name.length + 1;
    at = skipSized(td, at, end, 8, header);
  }
  const ftraceFiles = td.u32(at, 'ftrace format count');
  at += 4;
  for (let i = 0; i < ftraceFiles; i++) at = skipSized(td, at, end, 8, 'ftrace format');
  const systems = td.u32(at, 'event system count');
  at += 4;
  for (let s = 0; s < systems; s++) {
    const system = td.cstring(at, 256, 'event system');
    at += system.length + 1;
    const count = td.u32(at, 'event count');
    at += 4;
    for (let e = 0; e < count; e++) {
      const size = td.u64(at, 'event format size');
      at += 8;
      if (at + size > end) throw new PerfDataError(`event format of ${String(size)} bytes past the tracing data`, at);
      const format = parseFormat(utf8(view.sub(at, at + size, 'format file')), system, at);
      events.set(format.id, format);
      at += size;
    }
  }
  return { events, little };
}

// A u32 or u64 size, then that many bytes.
function skipSized(view: ByteView, at: number, end: number, width: 4 | 8, what: string): number {
  const size = width === 8 ? view.u64(at, `${what} size`) : view.u32(at, `${what} size`);
  const next = at + width + size;
  if (next > end) throw new PerfDataError(`${what} of ${String(size)} bytes past the tracing data`, at);
  return next;
}
