/**
 * Byte shuffle (Parquet's BYTE_STREAM_SPLIT): byte k of every element goes to plane k, so the
 * slowly changing high bytes of numbers line up for the inner codec.
 *
 * @module
 */

/** Splits `n` elements of `w` bytes into `w` planes of `n` bytes. */
export function shuffle(src: Uint8Array, w: number, n: number): Uint8Array {
  const out = new Uint8Array(n * w);
  for (let k = 0; k < w; k++) {
    const base = k * n;
    for (let i = 0, j = k; i < n; i++, j += w) out[base + i] = src[j];
  }
  return out;
}

/** Inverse of {@link shuffle}, into `out`. */
export function unshuffle(src: Uint8Array, w: number, n: number, out: Uint8Array): void {
  for (let k = 0; k < w; k++) {
    const base = k * n;
    for (let i = 0, j = k; i < n; i++, j += w) out[j] = src[base + i];
  }
}
