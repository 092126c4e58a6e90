/**
 * Byte shuffle (Parquet's BYTE_STREAM_SPLIT): byte k of every element goes to plane k, so the
 * slowly changing high bytes of numbers line up for the inner codec. Optionally XORs each
 * element with the previous one first (Gorilla's idea, for floats), in the same pass.
 *
 * @module
 */

import { aligned } from "./_lanes.ts";

/** Splits `n` elements of `w` bytes into `w` planes of `n` bytes, XOR-ing neighbours if asked. */
export function shuffle(src: Uint8Array, w: number, n: number, xor = false): Uint8Array {
  const out = new Uint8Array(n * w);
  if (w === 4 || w === 8) {
    const s = aligned(src);
    const words = new Int32Array(s.buffer, s.byteOffset, n * (w >> 2));
    const step = w >> 2;
    for (let half = 0; half < step; half++) {
      const b0 = half * 4 * n;
      const b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      let prev = 0;
      for (let i = 0, j = half; i < n; i++, j += step) {
        let x = words[j];
        if (xor) {
          const v = x;
          x ^= prev;
          prev = v;
        }
        out[b0 + i] = x;
        out[b1 + i] = x >>> 8;
        out[b2 + i] = x >>> 16;
        out[b3 + i] = x >>> 24;
      }
    }
    return out;
  }
  for (let k = 0; k < w; k++) {
    const base = k * n;
    let prev = 0;
    for (let i = 0, j = k; i < n; i++, j += w) {
      const v = src[j];
      out[base + i] = xor ? v ^ prev : v;
      prev = v;
    }
  }
  return out;
}

/** Inverse of {@link shuffle}, into `out` (a fresh, aligned buffer of `n * w` bytes). */
export function unshuffle(
  src: Uint8Array,
  w: number,
  n: number,
  out: Uint8Array,
  xor = false,
): void {
  if (w === 4 || w === 8) {
    const words = new Int32Array(out.buffer, out.byteOffset, n * (w >> 2));
    const step = w >> 2;
    for (let half = 0; half < step; half++) {
      const b0 = half * 4 * n;
      const b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      let prev = 0;
      for (let i = 0, j = half; i < n; i++, j += step) {
        let x = src[b0 + i] | (src[b1 + i] << 8) | (src[b2 + i] << 16) | (src[b3 + i] << 24);
        if (xor) {
          x ^= prev;
          prev = x;
        }
        words[j] = x;
      }
    }
    return;
  }
  for (let k = 0; k < w; k++) {
    const base = k * n;
    let prev = 0;
    for (let i = 0, j = k; i < n; i++, j += w) {
      let v = src[base + i];
      if (xor) {
        v ^= prev;
        prev = v;
      }
      out[j] = v;
    }
  }
}
