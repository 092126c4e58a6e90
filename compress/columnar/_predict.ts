/**
 * Predictors over 64-bit lanes, in place: residual = value minus its prediction (modulo 2^64),
 * zigzag-mapped so that small negative and positive residuals both become small unsigned
 * numbers. `none` instead flips the sign bit of signed values, which keeps their order under
 * an unsigned comparison (frame-of-reference then works across zero).
 *
 * Delta predicts the previous value; delta-of-delta predicts the previous value plus the
 * previous difference (timestamps, counters). The first value (and the first difference) are
 * returned as seeds, and their residual slots hold 0 so the first block stays narrow.
 *
 * @module
 */

import { Predictor } from "./_format.ts";
import { carryOut, type Lanes } from "./_lanes.ts";

/** Seeds a predictor needs to start decoding: first value and first difference. */
export interface Seeds {
  v0lo: number;
  v0hi: number;
  d0lo: number;
  d0hi: number;
}

/** Applies `predictor` to `l` in place (see the module doc); returns the seeds. */
export function predict(l: Lanes, n: number, predictor: number, signed: boolean): Seeds {
  const { lo, hi } = l;
  const seeds: Seeds = { v0lo: 0, v0hi: 0, d0lo: 0, d0hi: 0 };
  if (predictor === Predictor.None) {
    if (signed) { for (let i = 0; i < n; i++) hi[i] ^= 0x80000000; }
    return seeds;
  }
  if (n === 0) return seeds;
  let plo = lo[0];
  let phi = hi[0];
  seeds.v0lo = plo;
  seeds.v0hi = phi;
  lo[0] = 0;
  hi[0] = 0;
  if (predictor === Predictor.Delta) {
    for (let i = 1; i < n; i++) {
      const vlo = lo[i];
      const vhi = hi[i];
      const dlo = (vlo - plo) | 0;
      const dhi = (vhi - phi - ((vlo >>> 0) < (plo >>> 0) ? 1 : 0)) | 0;
      const s = dhi >> 31;
      lo[i] = (dlo << 1) ^ s;
      hi[i] = ((dhi << 1) | (dlo >>> 31)) ^ s;
      plo = vlo;
      phi = vhi;
    }
    return seeds;
  }
  // delta-of-delta
  if (n === 1) return seeds;
  let pdlo = (lo[1] - plo) | 0;
  let pdhi = (hi[1] - phi - ((lo[1] >>> 0) < (plo >>> 0) ? 1 : 0)) | 0;
  seeds.d0lo = pdlo;
  seeds.d0hi = pdhi;
  plo = lo[1];
  phi = hi[1];
  lo[1] = 0;
  hi[1] = 0;
  for (let i = 2; i < n; i++) {
    const vlo = lo[i];
    const vhi = hi[i];
    const dlo = (vlo - plo) | 0;
    const dhi = (vhi - phi - ((vlo >>> 0) < (plo >>> 0) ? 1 : 0)) | 0;
    const xlo = (dlo - pdlo) | 0;
    const xhi = (dhi - pdhi - ((dlo >>> 0) < (pdlo >>> 0) ? 1 : 0)) | 0;
    const s = xhi >> 31;
    lo[i] = (xlo << 1) ^ s;
    hi[i] = ((xhi << 1) | (xlo >>> 31)) ^ s;
    plo = vlo;
    phi = vhi;
    pdlo = dlo;
    pdhi = dhi;
  }
  return seeds;
}

/** Undoes {@link predict} in place. */
export function unpredict(l: Lanes, n: number, predictor: number, signed: boolean, s: Seeds): void {
  const { lo, hi } = l;
  if (predictor === Predictor.None) {
    if (signed) { for (let i = 0; i < n; i++) hi[i] ^= 0x80000000; }
    return;
  }
  if (n === 0) return;
  let plo = s.v0lo;
  let phi = s.v0hi;
  lo[0] = plo;
  hi[0] = phi;
  if (predictor === Predictor.Delta) {
    for (let i = 1; i < n; i++) {
      const zlo = lo[i];
      const zhi = hi[i];
      const m = -(zlo & 1);
      const dlo = ((zlo >>> 1) | (zhi << 31)) ^ m;
      const dhi = (zhi >>> 1) ^ m;
      const sum = (plo + dlo) | 0;
      phi = (phi + dhi + carryOut(plo, dlo, sum)) | 0;
      plo = sum;
      lo[i] = plo;
      hi[i] = phi;
    }
    return;
  }
  if (n === 1) return;
  let pdlo = s.d0lo;
  let pdhi = s.d0hi;
  {
    const sum = (plo + pdlo) | 0;
    phi = (phi + pdhi + carryOut(plo, pdlo, sum)) | 0;
    plo = sum;
    lo[1] = plo;
    hi[1] = phi;
  }
  for (let i = 2; i < n; i++) {
    const zlo = lo[i];
    const zhi = hi[i];
    const m = -(zlo & 1);
    const xlo = ((zlo >>> 1) | (zhi << 31)) ^ m;
    const xhi = (zhi >>> 1) ^ m;
    const ds = (pdlo + xlo) | 0;
    pdhi = (pdhi + xhi + carryOut(pdlo, xlo, ds)) | 0;
    pdlo = ds;
    const sum = (plo + pdlo) | 0;
    phi = (phi + pdhi + carryOut(plo, pdlo, sum)) | 0;
    plo = sum;
    lo[i] = plo;
    hi[i] = phi;
  }
}

/**
 * {@link unpredict} for elements of 32 bits or fewer: only the low words of the sums are
 * computed (addition modulo 2^64 and modulo 2^32 agree on them), into `out` (by default
 * `l.lo`; the output's own words save a copy for 32-bit elements); `l.hi` is left as it is.
 */
export function unpredictLow(
  l: Lanes,
  n: number,
  predictor: number,
  s: Seeds,
  out: Int32Array = l.lo,
): void {
  const { lo, hi } = l;
  if (predictor === Predictor.None || n === 0) {
    if (out !== lo) out.set(lo.subarray(0, n));
    return;
  }
  let v = s.v0lo;
  out[0] = v;
  if (predictor === Predictor.Delta) {
    for (let i = 1; i < n; i++) {
      const z = lo[i];
      v = (v + (((z >>> 1) | (hi[i] << 31)) ^ -(z & 1))) | 0;
      out[i] = v;
    }
    return;
  }
  if (n === 1) return;
  let d = s.d0lo;
  v = (v + d) | 0;
  out[1] = v;
  for (let i = 2; i < n; i++) {
    const z = lo[i];
    d = (d + (((z >>> 1) | (hi[i] << 31)) ^ -(z & 1))) | 0;
    v = (v + d) | 0;
    out[i] = v;
  }
}
