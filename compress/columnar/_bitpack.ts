/**
 * Frame-of-reference bit packing of unsigned 64-bit residuals: blocks of {@link BLOCK}
 * values, each stored as (value - block minimum) in the block's bit width (0..64), in 32-bit
 * little-endian words. A full block is exactly `32 * width` words, so blocks stay word-aligned.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import { BLOCK } from "./_format.ts";
import type { Lanes } from "./_lanes.ts";

/** Bits needed for the unsigned 64-bit value (hi, lo). */
function bitLength(hi: number, lo: number): number {
  return hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo);
}

/** Per-block minima and widths of residuals `l[start, end)`. */
export interface BlockStats {
  widths: Uint8Array;
  /** Block minima, interleaved lo, hi. */
  mins: Int32Array;
}

/** Minimum and width of each block of `l[0, n)`. */
export function blockStats(l: Lanes, n: number): BlockStats {
  const nb = Math.ceil(n / BLOCK);
  const widths = new Uint8Array(nb);
  const mins = new Int32Array(2 * nb);
  const { lo, hi } = l;
  for (let b = 0; b < nb; b++) {
    const s = b * BLOCK;
    const e = Math.min(n, s + BLOCK);
    let minHi = hi[s] >>> 0, minLo = lo[s] >>> 0, maxHi = minHi, maxLo = minLo;
    for (let i = s + 1; i < e; i++) {
      const h = hi[i] >>> 0;
      const x = lo[i] >>> 0;
      if (h < minHi || (h === minHi && x < minLo)) {
        minHi = h;
        minLo = x;
      }
      if (h > maxHi || (h === maxHi && x > maxLo)) {
        maxHi = h;
        maxLo = x;
      }
    }
    const rlo = (maxLo - minLo) | 0;
    const rhi = (maxHi - minHi - (maxLo < minLo ? 1 : 0)) | 0;
    widths[b] = bitLength(rhi, rlo);
    mins[2 * b] = minLo;
    mins[2 * b + 1] = minHi;
  }
  return { widths, mins };
}

/** Packed size in 32-bit words of `n` values in blocks of the given widths. */
export function packedWords(widths: Uint8Array, n: number): number {
  let words = 0;
  for (let b = 0; b < widths.length; b++) {
    const cnt = Math.min(BLOCK, n - b * BLOCK);
    words += Math.ceil((cnt * widths[b]) / 32);
  }
  return words;
}

/** Packs `l[0, n)` into `out` (sized by {@link packedWords}); returns the words written. */
export function pack(l: Lanes, n: number, st: BlockStats, out: Int32Array): number {
  const { lo, hi } = l;
  let o = 0;
  for (let b = 0; b < st.widths.length; b++) {
    const w = st.widths[b];
    if (w === 0) continue;
    const s = b * BLOCK;
    const e = Math.min(n, s + BLOCK);
    const mlo = st.mins[2 * b];
    const mhi = st.mins[2 * b + 1];
    let acc = 0;
    let bits = 0;
    if (w <= 32) {
      for (let i = s; i < e; i++) {
        const x = (lo[i] - mlo) | 0;
        acc |= x << bits;
        bits += w;
        if (bits >= 32) {
          out[o++] = acc;
          bits -= 32;
          acc = bits > 0 ? x >>> (w - bits) : 0;
        }
      }
    } else {
      const wh = w - 32;
      for (let i = s; i < e; i++) {
        const vlo = lo[i];
        const xlo = (vlo - mlo) | 0;
        const xhi = (hi[i] - mhi - ((vlo >>> 0) < (mlo >>> 0) ? 1 : 0)) | 0;
        // low word: 32 bits
        if (bits === 0) {
          out[o++] = xlo;
        } else {
          out[o++] = acc | (xlo << bits);
          acc = xlo >>> (32 - bits);
        }
        acc |= xhi << bits;
        bits += wh;
        if (bits >= 32) {
          out[o++] = acc;
          bits -= 32;
          acc = bits > 0 ? xhi >>> (wh - bits) : 0;
        }
      }
    }
    if (bits > 0) out[o++] = acc;
  }
  return o;
}

/** Unpacks `n` residuals into `l` from `words` (sized and checked by the caller). */
export function unpack(
  words: Int32Array,
  n: number,
  widths: Uint8Array,
  mins: Int32Array,
  l: Lanes,
): void {
  const { lo, hi } = l;
  let p = 0;
  for (let b = 0; b < widths.length; b++) {
    const w = widths[b];
    const s = b * BLOCK;
    const e = Math.min(n, s + BLOCK);
    const mlo = mins[2 * b];
    const mhi = mins[2 * b + 1];
    if (w === 0) {
      lo.fill(mlo, s, e);
      hi.fill(mhi, s, e);
      continue;
    }
    let bp = 0;
    if (w <= 32) {
      const mask = w === 32 ? -1 : (1 << w) - 1;
      const mloU = mlo >>> 0;
      for (let i = s; i < e; i++) {
        let x = words[p] >>> bp;
        const t = bp + w;
        if (t >= 32) {
          p++;
          if (t > 32) x |= words[p] << (32 - bp);
          bp = t - 32;
        } else {
          bp = t;
        }
        x &= mask;
        const sum = mloU + (x >>> 0);
        lo[i] = sum | 0;
        hi[i] = (mhi + (sum > 0xffffffff ? 1 : 0)) | 0;
      }
    } else {
      const wh = w - 32;
      const mask = wh === 32 ? -1 : (1 << wh) - 1;
      for (let i = s; i < e; i++) {
        let xlo = words[p++];
        if (bp > 0) xlo = (xlo >>> bp) | (words[p] << (32 - bp));
        // high part: wh bits starting at bp of words[p]
        let xhi = words[p] >>> bp;
        const t = bp + wh;
        if (t >= 32) {
          p++;
          if (t > 32) xhi |= words[p] << (32 - bp);
          bp = t - 32;
        } else {
          bp = t;
        }
        xhi &= mask;
        const sum = (mlo >>> 0) + (xlo >>> 0);
        lo[i] = sum | 0;
        hi[i] = (mhi + xhi + (sum > 0xffffffff ? 1 : 0)) | 0;
      }
    }
    if (bp > 0) p++;
  }
}

/**
 * Reads fields of 1..31 bits, lowest first, from a stream of 32-bit little-endian words (the
 * order {@link pack} writes a block in). Wider fields are read in pieces. Reading past the
 * last word throws `corrupt`.
 */
export class BitReader {
  readonly #words: Int32Array;
  /** The unread bits of the current word, lowest first; zero above them. */
  #buf = 0;
  #avail = 0;
  #p = 0;

  constructor(words: Int32Array) {
    this.#words = words;
  }

  /** The next `w` bits (1 <= w <= 31) as a non-negative number. */
  read(w: number): number {
    const mask = -1 >>> (32 - w);
    const avail = this.#avail;
    if (avail >= w) {
      const v = this.#buf & mask;
      this.#buf >>>= w;
      this.#avail = avail - w;
      return v;
    }
    if (this.#p >= this.#words.length) {
      throw new CompressError("corrupt", "columnar: packed bits cut short");
    }
    const nx = this.#words[this.#p++];
    const v = (this.#buf | (nx << avail)) & mask;
    // w - avail is 1..31 here, so the shift is a real one.
    this.#buf = nx >>> (w - avail);
    this.#avail = avail + 32 - w;
    return v;
  }

  /** The next 32 bits, as an int32. */
  read32(): number {
    if (this.#p >= this.#words.length) {
      throw new CompressError("corrupt", "columnar: packed bits cut short");
    }
    const nx = this.#words[this.#p++];
    const avail = this.#avail;
    if (avail === 0) return nx;
    // The unread bits, then the new word's low 32 - avail; its top avail bits stay unread.
    const v = this.#buf | (nx << avail);
    this.#buf = nx >>> (32 - avail);
    return v;
  }
}
