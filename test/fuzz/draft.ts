// A trace being mutated: its lines (text, or raw bytes once a byte was damaged), which lines a mutation touched (the
// only ones allowed to be malformed) and which must be malformed (a number out of the readers' documented bounds).
import { mulberry32 } from '../../src/host/prng.js';
import type { TextFormat as TraceFormat } from '../../src/trace/format.js';

/** A seeded source of numbers in [0, 1). */
export type Rng = () => number;

/**
 * @param seed - any 32-bit number
 * @returns the generator (mulberry32, src/host/prng.ts)
 */
export const rngOf = (seed: number): Rng => mulberry32(seed);
/** @returns a whole number in [0, n) */
export const below = (rng: Rng, n: number): number => Math.floor(rng() * n);
/** @returns one of the items */
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[below(rng, items.length)] as T;
/** @returns true with probability p */
export const chance = (rng: Rng, p: number): boolean => rng() < p;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One line of a fuzz input, and what the oracle may expect of it. */
export interface DraftLine {
  /** The line without its `\n`: text, or bytes (perhaps not UTF-8). */
  data: string | Uint8Array;
  /** A mutation changed it: it may be malformed (an untouched line of a seed trace may not). */
  touched: boolean;
  /** It must be malformed: it holds a number beyond the readers' documented bounds. */
  mustBeMalformed: boolean;
}

/** A whole input for `readTrace`, as the oracle runs it. */
export interface FuzzInput {
  readonly category: string;
  readonly seed: number;
  /** What was done to which seed trace, for the reproducer. */
  readonly notes: readonly string[];
  readonly format: TraceFormat;
  readonly lines: readonly DraftLine[];
  /** The last line ends with `\n` (else the input ends inside it). */
  readonly trailingNewline: boolean;
  /** Given as byte chunks cut anywhere (chunk size), or as strings (0). */
  readonly chunkBytes: number;
  /** Also run with `strict` and compare with the recorded anomalies. */
  readonly strict: boolean;
  /** Replay with rows (`onRow`, as the timehist report does) rather than for a summary. */
  readonly rows: boolean;
  /** What a generated (unmutated) trace must give, beyond the generic oracle. */
  readonly expected?: Expected;
}

/** What a generated trace must give. */
export interface Expected {
  /** Tasks (not idle) a machine ran for. */
  readonly tasks: number;
  /** Tids reused: the live task must be listed under its new comm, the finished one under its old. */
  readonly reused: readonly { readonly tid: number; readonly oldComm: string; readonly newComm: string }[];
}

/**
 * A line as bytes.
 * @param data - the line
 * @returns its UTF-8 bytes
 */
export const bytesOf = (data: string | Uint8Array): Uint8Array =>
  typeof data === 'string' ? encoder.encode(data) : data;
/**
 * A line as text (invalid UTF-8 as U+FFFD, as the readers decode it).
 * @param data - the line
 * @returns its text
 */
export const textOf = (data: string | Uint8Array): string => (typeof data === 'string' ? data : decoder.decode(data));
/** @returns the length of a line in UTF-16 units or bytes, without converting it */
export const sizeOf = (data: string | Uint8Array): number => data.length;

/** The mutable lines of one input. */
export class Draft {
  readonly lines: DraftLine[];
  readonly notes: string[] = [];
  trailingNewline = true;

  /** @param lines - a seed trace's lines (untouched) */
  constructor(lines: readonly string[]) {
    this.lines = lines.map((data) => ({ data, touched: false, mustBeMalformed: false }));
  }

  /**
   * Replaces line `i`; a `\n` in the new data splits it into several lines, all touched.
   * @param i - 0-based index
   * @param data - the new line
   * @param mustBeMalformed - its number is beyond a bound
   */
  set(i: number, data: string | Uint8Array, mustBeMalformed = false): void {
    const parts = split(data);
    const lines = parts.map((d) => ({
      data: d,
      touched: true,
      mustBeMalformed: mustBeMalformed && parts.length === 1,
    }));
    this.lines.splice(i, 1, ...lines);
  }

  /**
   * Inserts lines before index `i`.
   * @param i - 0-based index
   * @param data - the lines
   * @param touched - whether they may be malformed (comments and copies of valid lines may not)
   */
  insert(i: number, data: readonly string[], touched: boolean): void {
    const lines = data.map((d) => ({ data: d, touched, mustBeMalformed: false }));
    // (in slices: a spread of 100k+ arguments overflows the stack)
    for (let k = 0; k < lines.length; k += 10_000) this.lines.splice(i + k, 0, ...lines.slice(k, k + 10_000));
  }

  /**
   * @param i - 0-based index
   * @returns line `i`'s text
   */
  text(i: number): string {
    return textOf((this.lines[i] as DraftLine).data);
  }

  /**
   * @param category - the category's name
   * @param seed - the input's seed
   * @param format - the seed trace's format
   * @param rng - decides how it is delivered
   * @returns the input
   */
  build(category: string, seed: number, format: TraceFormat, rng: Rng): FuzzInput {
    // (one byte at a time is slow to deliver: for small inputs only)
    const size = this.lines.reduce((sum, l) => sum + sizeOf(l.data) + 1, 0);
    const chunks = size < 100_000 ? [1, 7, 64, 4096, 65_536, 1 << 20] : [4096, 65_536, 1 << 20];
    const chunkBytes = chance(rng, 0.2) ? 0 : pick(rng, chunks);
    return {
      category,
      seed,
      notes: this.notes,
      format,
      lines: this.lines,
      trailingNewline: this.trailingNewline,
      chunkBytes,
      strict: chance(rng, 0.15),
      rows: chance(rng, 0.5),
    };
  }
}

function split(data: string | Uint8Array): (string | Uint8Array)[] {
  if (typeof data === 'string') return data.split('\n');
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, start)) {
    parts.push(data.subarray(start, i));
    start = i + 1;
  }
  parts.push(data.subarray(start));
  return parts;
}

/**
 * The input's lines as the reader is given them.
 * @param input - the input
 * @returns byte chunks (cut every `chunkBytes`) or the lines as strings
 */
export function* delivery(input: FuzzInput): Generator<string | Uint8Array> {
  const { lines, chunkBytes } = input;
  if (chunkBytes === 0) {
    for (const l of lines) yield textOf(l.data);
    return;
  }
  let buffer = new Uint8Array(chunkBytes);
  let used = 0;
  const put = (bytes: Uint8Array): Generator<Uint8Array> => emit(bytes);
  function* emit(bytes: Uint8Array): Generator<Uint8Array> {
    for (let at = 0; at < bytes.length;) {
      const n = Math.min(chunkBytes - used, bytes.length - at);
      buffer.set(bytes.subarray(at, at + n), used);
      used += n;
      at += n;
      if (used === chunkBytes) {
        yield buffer;
        buffer = new Uint8Array(chunkBytes);
        used = 0;
      }
    }
  }
  const nl = new Uint8Array([10]);
  for (let i = 0; i < lines.length; i++) {
    yield* put(bytesOf((lines[i] as DraftLine).data));
    if (i < lines.length - 1 || input.trailingNewline) yield* put(nl);
  }
  if (used > 0) yield buffer.subarray(0, used);
}

/**
 * @param input - the input
 * @returns how many lines the reader must count: every line given (bytes: an empty last line without `\n` is none)
 */
export function linesGiven(input: FuzzInput): number {
  const { lines } = input;
  const last = lines.at(-1);
  if (input.chunkBytes > 0 && !input.trailingNewline && last !== undefined && sizeOf(last.data) === 0) {
    return lines.length - 1;
  }
  return lines.length;
}
