// The categories of inputs: each makes one whole trace from a seed (a seed trace of the corpus, or a generated one,
// with that category's mutations). `test` scale keeps `npm test` quick; `full` is `npm run fuzz`'s.
import type { TextFormat as TraceFormat } from '../../src/trace/format.js';
import { corpus, generatedTasks, type Death } from './corpus.js';
import { below, chance, Draft, pick, rngOf, type FuzzInput, type Rng } from './draft.js';
import { badNumber, comments, damage, longLine, numberSlots, whitespaceRun } from './mutations.js';

/** How big the inputs get. */
export type Scale = 'test' | 'full';

/** A category: its name and how it makes an input from a seed. */
export interface Category {
  readonly name: string;
  /** How often it is drawn in a mixed run, relative to the others (the big inputs less). */
  readonly weight: number;
  readonly make: (seed: number, scale: Scale) => FuzzInput;
}

// At test scale the seed traces of a few hundred lines at most, so that npm test reads thousands of inputs quickly.
const seedTrace = (rng: Rng, scale: Scale) =>
  pick(rng, scale === 'full' ? corpus() : corpus().filter((t) => t.lines.length <= 700));

function mutated(
  name: string,
  seed: number,
  scale: Scale,
  mutate: (d: Draft, rng: Rng, format: TraceFormat) => void,
): FuzzInput {
  const rng = rngOf(seed);
  const trace = seedTrace(rng, scale);
  const d = new Draft(trace.lines);
  d.notes.push(`seed trace ${trace.name}`);
  mutate(d, rng, trace.format);
  return d.build(name, seed, trace.format, rng);
}

// A line's time rewritten (its seconds, and its fraction's digits if given); the line stays valid.
function retime(d: Draft, i: number, format: TraceFormat, sec: string, fracDigit?: string): void {
  const line = d.lines[i];
  if (line === undefined || line.touched) return;
  const text = d.text(i);
  const slots = numberSlots(text, format);
  const s = slots.find((x) => x.role === 'sec');
  const f = slots.find((x) => x.role === 'frac');
  if (s === undefined || f === undefined) return;
  const frac = fracDigit === undefined ? text.slice(f.start, f.end) : fracDigit.repeat(f.end - f.start);
  line.data = `${text.slice(0, s.start)}${sec}.${frac}${text.slice(f.end)}`;
}

const SIZES: Readonly<Record<Scale, readonly number[]>> = {
  test: [70_000, 300_000, 1_100_000, 4_300_000],
  full: [70_000, 300_000, 1_100_000, 4_300_000, 10_000_000],
};

/** Every category, in a stable order. */
export const CATEGORIES: readonly Category[] = [
  {
    name: 'bytes',
    weight: 6,
    make: (seed, scale) =>
      mutated('bytes', seed, scale, (d, rng) => {
        for (let k = 1 + below(rng, 4); k > 0; k--) damage(d, rng);
      }),
  },
  {
    name: 'numbers',
    weight: 6,
    make: (seed, scale) =>
      mutated('numbers', seed, scale, (d, rng, format) => {
        for (let k = 1 + below(rng, 3); k > 0; k--) badNumber(d, rng, format);
      }),
  },
  {
    name: 'long-lines',
    weight: 1,
    make: (seed, scale) =>
      mutated('long-lines', seed, scale, (d, rng) => {
        longLine(d, rng, pick(rng, SIZES[scale]));
      }),
  },
  {
    name: 'whitespace',
    weight: 2,
    make: (seed, scale) =>
      mutated('whitespace', seed, scale, (d, rng) => {
        const size = pick(rng, scale === 'test' ? [1, 40, 1000, 20_000] : [1, 40, 1000, 20_000, 200_000]);
        for (let k = 1 + below(rng, 2); k > 0; k--) whitespaceRun(d, rng, size);
      }),
  },
  {
    name: 'comments',
    weight: 2,
    make: (seed, scale) =>
      mutated('comments', seed, scale, (d, rng, format) => {
        comments(d, rng, format, pick(rng, scale === 'test' ? [1, 60, 5000] : [1, 60, 5000, 200_000]));
      }),
  },
  {
    name: 'time-order',
    weight: 3,
    make: (seed, scale) => mutated('time-order', seed, scale, timeOrder),
  },
  {
    name: 'many-tasks',
    weight: 0.05,
    make: (seed, scale) =>
      generated('many-tasks', seed, pick(rngOf(seed), scale === 'test' ? [2000, 5000] : [20_000, 200_000])),
  },
  {
    name: 'tid-reuse',
    weight: 1,
    make: (seed) =>
      generated('tid-reuse', seed, 1 + below(rngOf(seed), 40), pick(rngOf(seed + 1), ['X', 'exit', 'unseen'] as const)),
  },
  {
    name: 'mixed',
    weight: 3,
    make: (seed, scale) =>
      mutated('mixed', seed, scale, (d, rng, format) => {
        for (let k = 1 + below(rng, 5); k > 0; k--) {
          const op = below(rng, 5);
          if (op === 0) damage(d, rng);
          else if (op === 1) badNumber(d, rng, format);
          else if (op === 2) whitespaceRun(d, rng, pick(rng, [1, 100, 5000]));
          else if (op === 3) comments(d, rng, format, pick(rng, [1, 20, 200]));
          else timeOrder(d, rng, format);
        }
        if (scale === 'full' && chance(rng, 0.05)) longLine(d, rng, 300_000);
      }),
  },
];

// Reversed, equal, shuffled or jumping timestamps; a jump beyond a safe ns is a bad number (badNumber marks those).
function timeOrder(d: Draft, rng: Rng, format: TraceFormat): void {
  const kind = pick(rng, ['reverse', 'equal', 'shuffle', 'jump', 'first-late', 'near-2^52'] as const);
  const n = d.lines.length;
  if (kind === 'reverse') d.lines.reverse();
  else if (kind === 'equal') for (let i = 0; i < n; i++) retime(d, i, format, '706', '3');
  else if (kind === 'shuffle') {
    const from = below(rng, n);
    const to = Math.min(n, from + 2 + below(rng, 50));
    for (let i = to - 1; i > from; i--) {
      const j = from + below(rng, i - from + 1);
      [d.lines[i], d.lines[j]] = [d.lines[j] as (typeof d.lines)[number], d.lines[i] as (typeof d.lines)[number]];
    }
  } else {
    // seconds that keep the ns a safe integer: 9 000 000 s is 104 days; 4 503 599 s is 2^52 ns
    const sec = kind === 'near-2^52' ? pick(rng, ['4503599', '4503600']) : pick(rng, ['0', '1000000', '9000000']);
    const from = kind === 'first-late' ? 0 : below(rng, n);
    const to = kind === 'first-late' ? 1 : n;
    for (let i = from; i < to; i++) retime(d, i, format, sec);
  }
  d.notes.push(`time order: ${kind}`);
}

function generated(name: string, seed: number, count: number, death?: Death): FuzzInput {
  const rng = rngOf(seed);
  const format = pick(rng, ['perf-script', 'ftrace', 'trace-cmd'] as const);
  const trace = generatedTasks(count, format, death, 1 + below(rng, 4));
  const d = new Draft(trace.lines);
  d.notes.push(trace.name);
  const input = d.build(name, seed, format, rng);
  return { ...input, strict: false, expected: { tasks: trace.tasks, reused: trace.reused } };
}

/**
 * The seed of the `index`th input of a run.
 * @param runSeed - the run's seed
 * @param index - the input's index
 * @returns a 32-bit seed
 */
export function inputSeed(runSeed: number, index: number): number {
  let h = Math.imul(runSeed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * @param name - a category's name
 * @returns the category
 */
export function category(name: string): Category {
  const c = CATEGORIES.find((x) => x.name === name);
  if (c === undefined)
    throw new Error(`no fuzz category ${name}; they are ${CATEGORIES.map((x) => x.name).join(', ')}`);
  return c;
}
