/**
 * The data the Arrow benches (bench/columnar.ts, bench/_arrow_read_quick.ts) share, so their
 * figures describe the same columns.
 *
 * @module
 */

/** The gravitational-wave detectors the event names and rows are labelled with. */
export const DETECTORS: string[] = ["H1", "L1", "V1", "K1", "G1"];

/** The benches' columns of `n` rows. */
export interface ArrowBenchColumns {
  /** A ramp: `i * 0.5`. */
  a: Float64Array;
  /** `Math.sin(i)`: no pattern a codec could use. */
  b: Float64Array;
  /** Strain-sized values, `(i % 1000) * 1e-21`. */
  c: Float64Array;
  /** Event names, `H1-event-0`, `L1-event-1`, ... */
  strings: string[];
}

/**
 * Three float64 columns and one string column of `n` rows, deterministic.
 *
 * @example
 * ```ts
 * import { arrowBenchColumns } from "./_arrow_data.ts";
 * const { a, strings } = arrowBenchColumns(3);
 * console.log(a[2], strings[1]); // 1 L1-event-1
 * ```
 */
export function arrowBenchColumns(n: number): ArrowBenchColumns {
  const a = new Float64Array(n), b = new Float64Array(n), c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = i * 0.5;
    b[i] = Math.sin(i);
    c[i] = (i % 1000) * 1e-21;
  }
  const strings = new Array<string>(n);
  for (let i = 0; i < n; i++) strings[i] = `${DETECTORS[i % 5]}-event-${i}`;
  return { a, b, c, strings };
}
