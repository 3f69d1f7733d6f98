/**
 * The simulator's random streams: one seeded generator per (purpose, index), e.g. `host` for each vCPU and `workload`
 * for each task, each seeded by a stable integer hash of (seed, purpose, index) and run by `mulberry32`. A stream
 * draws only for its own owner, so changing one task's workload (or adding a task) does not shift the numbers any
 * other task or the host sees. The samplers turn a stream into lengths of the scenario's distributions, whole ns ≥ 1.
 * @module
 */
import { mulberry32 } from '../host/prng.js';
import type { Distribution } from './types.js';

/** A source of numbers in [0, 1). */
export type Stream = () => number;

// murmur3's finalizer: every input bit affects every output bit.
function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * The seed of a stream: FNV-1a over the purpose's UTF-16 code units, mixed with the run's seed and the index.
 * @param seed - the scenario's seed (its low 32 bits, and the next 21 for larger seeds)
 * @param purpose - what the stream is for (`host`, `workload`)
 * @param index - whose (a vCPU, a task id)
 * @returns a 32-bit seed
 * @internal
 */
export function streamSeed(seed: number, purpose: string, index: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < purpose.length; i++) h = Math.imul(h ^ purpose.charCodeAt(i), 0x01000193) >>> 0;
  h = fmix32(h ^ fmix32(seed >>> 0));
  h = fmix32(h ^ fmix32(Math.floor(seed / 0x1_0000_0000) + 0x9e3779b9));
  return fmix32(h ^ fmix32(index + 0x7f4a7c15));
}

/**
 * The stream for (seed, purpose, index).
 * @param seed - the scenario's seed
 * @param purpose - what it is for
 * @param index - whose
 * @returns the generator
 * @internal
 */
export function stream(seed: number, purpose: string, index: number): Stream {
  return mulberry32(streamSeed(seed, purpose, index));
}

/**
 * An exponential length with this mean, whole ns ≥ 1.
 * @param next - the stream
 * @param meanNs - the mean, ns
 * @returns the length
 * @internal
 */
export function exponentialNs(next: Stream, meanNs: number): number {
  return atLeastOne(-Math.log(1 - next()) * meanNs);
}

/**
 * A standard normal number by Box–Muller (two draws, the cosine branch: one number per pair, so a stream's position
 * does not depend on a cached spare).
 * @param next - the stream
 * @returns the number
 * @internal
 */
export function standardNormal(next: Stream): number {
  const u1 = 1 - next(); // (0, 1]: the logarithm stays finite
  const u2 = next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * A length from a scenario's distribution (µs), whole ns ≥ 1.
 * @param next - the stream
 * @param dist - the distribution
 * @returns the length, ns
 * @internal
 */
export function sampleNs(next: Stream, dist: Distribution): number {
  switch (dist.dist) {
    case 'fixed':
      return atLeastOne(dist.us * 1000);
    case 'uniform':
      return atLeastOne((dist.minUs + (dist.maxUs - dist.minUs) * next()) * 1000);
    case 'exponential':
      return exponentialNs(next, dist.meanUs * 1000);
    case 'lognormal':
      return atLeastOne(dist.medianUs * 1000 * Math.exp(dist.sigma * standardNormal(next)));
  }
}

function atLeastOne(ns: number): number {
  const r = Math.round(ns);
  return r >= 1 ? r : 1;
}
