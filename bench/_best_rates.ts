// Shared by the quick codec benchmarks (`bench/_lz4_quick.ts`, `bench/_snappy_quick.ts`).

/**
 * Best MB/s of each function over `rounds` interleaved rounds, each timing a function for at least
 * `ms` milliseconds, after three warm-up calls each.
 */
export function bestRates(
  bytes: number,
  fns: ReadonlyArray<() => unknown>,
  rounds: number,
  ms: number,
): number[] {
  const best = fns.map(() => 0);
  for (const fn of fns) for (let i = 0; i < 3; i++) fn();
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      let n = 0;
      const t0 = performance.now();
      let t1 = t0;
      do {
        fn();
        n++;
        t1 = performance.now();
      } while (t1 - t0 < ms);
      best[i] = Math.max(best[i], (bytes * n) / ((t1 - t0) * 1000));
    });
  }
  return best;
}
