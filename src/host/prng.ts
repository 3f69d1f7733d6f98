/**
 * The seeded generator every simulated random stream uses, so a seed gives the same numbers in any runtime.
 * @module
 */

/**
 * mulberry32: a small, well-mixed, seedable 32-bit generator.
 * @param seed - any number (its low 32 bits are used)
 * @returns a function giving the next number in [0, 1)
 * @internal
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
