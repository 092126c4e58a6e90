// A small deterministic PRNG (mulberry32) shared by the codec tests and the benchmark corpora.

/** Numbers in [0, 1) from a 32-bit seed, the same sequence on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
