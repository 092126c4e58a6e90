/**
 * Synthetic gravitational-wave strain for the example API: a deterministic compact-binary
 * "chirp" (frequency and amplitude rising towards merger, then a ringdown) buried in seeded
 * Gaussian noise, per detector. No external data is needed.
 *
 * @module
 */

/** Detectors the example knows, with a per-detector arrival delay (s) and noise seed. */
export const DETECTORS: Record<string, { name: string; delay: number; seed: number }> = {
  H1: { name: "LIGO Hanford", delay: 0, seed: 1 },
  L1: { name: "LIGO Livingston", delay: 0.0069, seed: 2 },
  V1: { name: "Virgo", delay: 0.0142, seed: 3 },
};

/** Samples per second (LIGO's public 4 kHz rate). */
export const SAMPLE_RATE = 4096;
/** The repeating event period of the synthetic stream, in seconds. */
export const PERIOD_S = 32;
/** Merger time within each period, in seconds. */
export const MERGER_S = 16;

/** A seeded normal variate per sample index (hash-based, so any sample can be computed alone). */
function gaussian(seed: number, i: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(seed, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  const u1 = ((h >>> 0) + 1) / 4294967297;
  let k = Math.imul(h ^ 0x27d4eb2f, 0x165667b1);
  k ^= k >>> 13;
  const u2 = ((k >>> 0) + 1) / 4294967297;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** The noiseless waveform at time `t` seconds from merger (t < 0 inspiral, t > 0 ringdown). */
function chirp(t: number): number {
  if (t < 0) {
    const tau = Math.max(-t, 1e-3);
    const f = 30 * Math.pow(tau, -3 / 8); // Newtonian chirp: f ∝ tau^(-3/8)
    const amp = 1e-21 * Math.pow(tau, -1 / 4);
    return amp * Math.cos(2 * Math.PI * 30 * (8 / 5) * Math.pow(tau, 5 / 8) * -1) *
      Math.min(1, f / 20);
  }
  return 1e-21 * Math.pow(1e-3, -1 / 4) * Math.exp(-t / 0.004) * Math.cos(2 * Math.PI * 250 * t);
}

/**
 * `n` samples of `detector`'s strain starting at sample index `start` (absolute, since t = 0).
 *
 * @example
 * ```ts
 * import { strain } from "./strain.ts";
 * console.log(strain("H1", 0, 4).length); // 4
 * ```
 */
export function strain(detector: string, start: number, n: number): Float64Array {
  const d = DETECTORS[detector];
  if (!d) throw new RangeError(`unknown detector ${detector}`);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = start + k;
    const t = i / SAMPLE_RATE;
    const inPeriod = (t % PERIOD_S) - MERGER_S - d.delay;
    out[k] = (Math.abs(inPeriod) < 4 ? chirp(inPeriod) : 0) + 2e-22 * gaussian(d.seed, i);
  }
  return out;
}

/** Summary statistics of a series. */
export interface SeriesStats {
  /** Number of samples. */
  count: number;
  /** Arithmetic mean. */
  mean: number;
  /** Root mean square. */
  rms: number;
  /** Largest absolute value. */
  peak: number;
}

/**
 * Count, mean, RMS and peak of `values`.
 *
 * @example
 * ```ts
 * import { stats } from "./strain.ts";
 * console.log(stats([3, -4]).peak); // 4
 * ```
 */
export function stats(values: ArrayLike<number>): SeriesStats {
  let sum = 0, sq = 0, peak = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    sq += v * v;
    const a = Math.abs(v);
    if (a > peak) peak = a;
  }
  const n = values.length;
  return { count: n, mean: n ? sum / n : 0, rms: n ? Math.sqrt(sq / n) : 0, peak };
}
