// Timing helpers shared by the benchmarks.

import process from "node:process";

/**
 * This process's CPU time in milliseconds (user + system, all threads: the JIT's and GC's count
 * too). On a shared machine it is far steadier than the wall clock, which measures the other jobs
 * as much as the code.
 *
 * @example
 * ```ts
 * import { cpuMs } from "./_timing.ts";
 * const t = cpuMs();
 * for (let i = 0; i < 1e6; i++) Math.sqrt(i);
 * console.log(cpuMs() - t >= 0); // true
 * ```
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * The median of `xs` (the mean of the middle two for an even count); `xs` is left as it is.
 *
 * @example
 * ```ts
 * import { median } from "./_timing.ts";
 * console.log(median([3, 1, 2]), median([4, 1, 2, 3])); // 2 2.5
 * ```
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
