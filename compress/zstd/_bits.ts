/**
 * Bit readers for zstd's two bitstream directions (RFC 8878 §4.1 and §4.2.2).
 *
 * @module
 */

import { CompressError } from "../errors.ts";

/** The unsigned little-endian 32-bit integer at `b[i..i+4)` (magic numbers, checksums). */
export function le32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** Throws the decoder's one `corrupt` error. */
export function corrupt(what: string): never {
  throw new CompressError("corrupt", `zstd: ${what}`);
}

/**
 * Reads `n` (0..25) bits of a backward bitstream that starts at byte `start`: the bits just
 * below bit position `pos` (counted from the stream's first byte). The caller moves `pos` down
 * by `n`. Bits below the stream's start read as zeros (the caller detects the overflow from a
 * negative `pos`).
 */
export function readBack(src: Uint8Array, start: number, pos: number, n: number): number {
  let lo = pos - n;
  let shortBy = 0;
  if (lo < 0) {
    // Past the stream's start: the missing low bits are zeros.
    shortBy = -lo;
    lo = 0;
    if (pos <= 0) return 0;
  }
  const i = start + (lo >> 3);
  const w = src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24);
  return ((w >>> (lo & 7)) & ((1 << (n - shortBy)) - 1)) << shortBy;
}

/**
 * Bit position of a backward bitstream `src[start:end]` just below its end marker (the highest
 * set bit of the last byte, §4.1). Throws `corrupt` for an empty stream or a zero last byte.
 */
export function backStart(src: Uint8Array, start: number, end: number): number {
  if (end <= start) corrupt("empty bitstream");
  const last = src[end - 1];
  if (last === 0) corrupt("bitstream has no end marker");
  return (end - 1 - start) * 8 + (31 - Math.clz32(last));
}

/** Reads `n` (0..25) bits of a forward (little-endian) bitstream at bit position `pos`. */
export function readForward(src: Uint8Array, pos: number, n: number): number {
  const i = pos >> 3;
  const w = src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24);
  return (w >>> (pos & 7)) & ((1 << n) - 1);
}
