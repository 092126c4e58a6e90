/**
 * Bit-packed decoding for elements of 32 bits or fewer (u32, i32, f32 bits, and narrower
 * integers), in 32-bit arithmetic straight into the output.
 *
 * The wire format is the same as for 64-bit elements: residuals are 64-bit values (up to 64
 * bits wide per block), zigzag-mapped and summed modulo 2^64 (`_predict.ts`). Only the low 32
 * bits of the result are stored for these types, and addition modulo 2^64 gives the same low
 * 32 bits as addition modulo 2^32. Undoing the zigzag (`(z >>> 1) ^ -(z & 1)`) pulls bit 32 of
 * the residual into bit 31, so each residual contributes its low 33 bits: the low word of
 * `minimum + packed value` and the carry into bit 32. Everything above is dropped without
 * being summed, which is what the 64-bit path (`unpack` + `unpredict` + `storeLanes`) spends
 * most of its time on. The result is bit-for-bit the same for every payload, valid or not.
 *
 * @module
 */

import { BLOCK, Predictor } from "./_format.ts";
import type { PackedTables } from "./_payload.ts";

/**
 * Unpacks one block of `cnt` residuals starting at word `p`: the low 32 bits of each residual
 * (minimum + packed value) into `zlo`, bit 32 moved to bit 31 into `ztop`. Returns the word
 * after the block. `words` holds exactly the words the widths need (checked by the caller), so
 * no read goes past it: a word is read only while bits of the block remain.
 */
function unpackBlock(
  words: Int32Array,
  p: number,
  w: number,
  mlo: number,
  mhi: number,
  cnt: number,
  zlo: Int32Array,
  ztop: Int32Array,
): number {
  if (w === 0) {
    zlo.fill(mlo, 0, cnt);
    ztop.fill((mhi & 1) << 31, 0, cnt);
    return p;
  }
  const mloU = mlo >>> 0;
  if (w < 32) {
    // -1 >>> (32 - w), not (1 << w) - 1: the latter is not an int32 at w = 31.
    const mask = -1 >>> (32 - w);
    // `buf` holds the `avail` unread bits of the current word, lowest first.
    let buf = words[p++];
    let avail = 32;
    if (mloU + mask <= 0xffffffff) {
      // No value of this block carries into bit 32: one top bit for the whole block.
      ztop.fill((mhi & 1) << 31, 0, cnt);
      for (let i = 0; i < cnt; i++) {
        let x: number;
        if (avail >= w) {
          x = buf & mask;
          buf >>>= w;
          avail -= w;
        } else {
          const nx = words[p++];
          x = (buf | (nx << avail)) & mask;
          buf = nx >>> (w - avail);
          avail += 32 - w;
        }
        zlo[i] = (mlo + x) | 0;
      }
    } else {
      for (let i = 0; i < cnt; i++) {
        let x: number;
        if (avail >= w) {
          x = buf & mask;
          buf >>>= w;
          avail -= w;
        } else {
          const nx = words[p++];
          x = (buf | (nx << avail)) & mask;
          buf = nx >>> (w - avail);
          avail += 32 - w;
        }
        const sum = mloU + x;
        zlo[i] = sum | 0;
        ztop[i] = ((mhi + (sum > 0xffffffff ? 1 : 0)) & 1) << 31;
      }
    }
    return p;
  }
  if (w === 32) {
    for (let i = 0; i < cnt; i++) {
      const sum = mloU + (words[p++] >>> 0);
      zlo[i] = sum | 0;
      ztop[i] = ((mhi + (sum > 0xffffffff ? 1 : 0)) & 1) << 31;
    }
    return p;
  }
  // 33..64 bits: a whole low word, then only the first bit of the high part matters.
  const wh = w - 32;
  let bp = 0;
  for (let i = 0; i < cnt; i++) {
    let xlo = words[p++];
    if (bp > 0) xlo = (xlo >>> bp) | (words[p] << (32 - bp));
    const x32 = (words[p] >>> bp) & 1;
    const t = bp + wh;
    if (t >= 32) {
      p++;
      bp = t - 32;
    } else {
      bp = t;
    }
    const sum = mloU + (xlo >>> 0);
    zlo[i] = sum | 0;
    ztop[i] = ((mhi + x32 + (sum > 0xffffffff ? 1 : 0)) & 1) << 31;
  }
  return bp > 0 ? p + 1 : p;
}

/** Running state of a predictor across blocks: [value, difference]. */
type Run = Int32Array;

/**
 * The common block, fused: width 1..31, no carry into bit 32 (one `top` bit), delta or
 * delta-of-delta, not the first block (no seed slots). Unpacks, undoes the zigzag and sums in
 * one pass into `out[s, s + cnt)`; returns the word after the block.
 */
function fusedBlock(
  words: Int32Array,
  p: number,
  w: number,
  mlo: number,
  top: number,
  cnt: number,
  dod: boolean,
  out: Int32Array,
  s: number,
  run: Run,
): number {
  const mask = -1 >>> (32 - w);
  let buf = words[p++];
  let avail = 32;
  let v = run[0];
  let d = run[1];
  const end = s + cnt;
  if (dod) {
    for (let i = s; i < end; i++) {
      let x: number;
      if (avail >= w) {
        x = buf & mask;
        buf >>>= w;
        avail -= w;
      } else {
        const nx = words[p++];
        x = (buf | (nx << avail)) & mask;
        buf = nx >>> (w - avail);
        avail += 32 - w;
      }
      const z = (mlo + x) | 0;
      d = (d + (((z >>> 1) | top) ^ -(z & 1))) | 0;
      v = (v + d) | 0;
      out[i] = v;
    }
  } else {
    for (let i = s; i < end; i++) {
      let x: number;
      if (avail >= w) {
        x = buf & mask;
        buf >>>= w;
        avail -= w;
      } else {
        const nx = words[p++];
        x = (buf | (nx << avail)) & mask;
        buf = nx >>> (w - avail);
        avail += 32 - w;
      }
      const z = (mlo + x) | 0;
      v = (v + (((z >>> 1) | top) ^ -(z & 1))) | 0;
      out[i] = v;
    }
  }
  run[0] = v;
  run[1] = d;
  return p;
}

/**
 * Decodes the residuals of parsed tables `t` (n of them, under `predictor`) into the low 32
 * bits of each element, `out[0, n)`. Narrower element types keep the low bits of these.
 */
export function decodeNarrow(
  t: PackedTables,
  n: number,
  predictor: number,
  out: Int32Array,
): void {
  const { widths, mins, words } = t;
  const cap = Math.min(n, BLOCK);
  const zlo = new Int32Array(cap);
  const ztop = new Int32Array(cap);
  const run: Run = Int32Array.of(t.seeds.v0lo, t.seeds.d0lo);
  const dod = predictor === Predictor.DeltaOfDelta;
  let p = 0;
  for (let b = 0; b < widths.length; b++) {
    const s = b * BLOCK;
    const cnt = Math.min(BLOCK, n - s);
    const w = widths[b];
    const mlo = mins[2 * b];
    const mhi = mins[2 * b + 1];
    if (
      s > 0 && predictor !== Predictor.None && w > 0 && w < 32 &&
      (mlo >>> 0) + (-1 >>> (32 - w)) <= 0xffffffff
    ) {
      p = fusedBlock(words, p, w, mlo, (mhi & 1) << 31, cnt, dod, out, s, run);
      continue;
    }
    p = unpackBlock(words, p, w, mlo, mhi, cnt, zlo, ztop);
    if (predictor === Predictor.None) {
      // `none` only flips the sign bit of the high word for signed types.
      out.set(zlo.subarray(0, cnt), s);
      continue;
    }
    let v = run[0];
    let d = run[1];
    let i = 0;
    if (s === 0) {
      // The first residual slots hold 0; the seeds are the first value and difference.
      out[0] = v;
      i = 1;
      if (dod) {
        if (cnt > 1) {
          v = (v + d) | 0;
          out[1] = v;
        }
        i = 2;
      }
    }
    if (dod) {
      for (; i < cnt; i++) {
        const z = zlo[i];
        d = (d + (((z >>> 1) | ztop[i]) ^ -(z & 1))) | 0;
        v = (v + d) | 0;
        out[s + i] = v;
      }
    } else {
      for (; i < cnt; i++) {
        const z = zlo[i];
        v = (v + (((z >>> 1) | ztop[i]) ^ -(z & 1))) | 0;
        out[s + i] = v;
      }
    }
    run[0] = v;
    run[1] = d;
  }
}

/**
 * The integers of a bit-packed delta or delta-of-delta payload (decimal and quantum floats)
 * in 32-bit arithmetic, when that is exact: {@link decodeNarrow} gives their low words, and
 * they are the integers themselves when every residual, seed and running sum fits in an
 * int32. The residuals do when each block's range stays below 2^32 (checked on the tables
 * first); each sum is then checked for signed overflow, in order, from the low words alone
 * (while no earlier sum overflowed, the differences of the low words are the true ones).
 * Returns false when a value may not fit, and `out` is then to be ignored: the caller decodes
 * in 64 bits.
 */
export function decodeNarrowExact(
  t: PackedTables,
  n: number,
  predictor: number,
  out: Int32Array,
): boolean {
  const { widths, mins, seeds } = t;
  if (predictor !== Predictor.Delta && predictor !== Predictor.DeltaOfDelta) return false;
  for (let b = 0; b < widths.length; b++) {
    const w = widths[b];
    if (w > 32 || mins[2 * b + 1] !== 0) return false;
    if ((mins[2 * b] >>> 0) + (w === 0 ? 0 : -1 >>> (32 - w)) > 0xffffffff) return false;
  }
  const dod = predictor === Predictor.DeltaOfDelta;
  if (seeds.v0hi !== seeds.v0lo >> 31 || (dod && seeds.d0hi !== seeds.d0lo >> 31)) return false;
  decodeNarrow(t, n, predictor, out);
  // A sum s = a + b overflows exactly when a and b agree in sign and s does not.
  let overflow = 0;
  if (!dod) {
    for (let i = 1; i < n; i++) {
      const a = out[i - 1];
      const s = out[i];
      overflow |= (a ^ s) & (((s - a) | 0) ^ s);
    }
    return overflow >= 0;
  }
  let d = seeds.d0lo;
  if (n > 1) overflow |= (out[0] ^ out[1]) & (d ^ out[1]);
  for (let i = 2; i < n; i++) {
    const a = out[i - 1];
    const s = out[i];
    const nd = (s - a) | 0;
    overflow |= ((d ^ nd) & (((nd - d) | 0) ^ nd)) | ((a ^ s) & (nd ^ s));
    d = nd;
  }
  return overflow >= 0;
}
