/**
 * The little-endian base-128 varint that opens every raw Snappy stream (format_description §1):
 * 7 data bits per byte, high bit set while more bytes follow, at most 5 bytes for 2^32 - 1.
 *
 * @module
 */

import { CompressError } from "../errors.ts";

/** A decoded varint and the position just past it. */
export interface Varint {
  value: number;
  next: number;
}

/** Reads the length preamble at `pos`; throws `corrupt` when truncated or above 2^32 - 1. */
export function readVarint32(src: Uint8Array, pos: number, end: number): Varint {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) throw new CompressError("corrupt", "snappy: truncated length preamble");
    const b = src[pos++];
    if (shift === 28 && b > 0x0f) {
      throw new CompressError("corrupt", "snappy: length preamble exceeds 2^32 - 1");
    }
    // Multiplication instead of `<<` keeps the 5th byte from overflowing into the sign bit.
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return { value, next: pos };
  }
  // Unreachable: the 5th byte is either rejected above or ends the varint.
  throw new CompressError("corrupt", "snappy: length preamble too long");
}

/** Writes `value` (0 .. 2^32 - 1) at `pos`; returns the position after it. */
export function writeVarint32(dst: Uint8Array, pos: number, value: number): number {
  let v = value;
  while (v >= 0x80) {
    dst[pos++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  dst[pos++] = v;
  return pos;
}
