/**
 * Pieces of the LZ4 block format shared by the fast and the high-compression encoders
 * (lz4_Block_format.md, "Compressed block format" and "End of block conditions").
 *
 * @module
 */

/** Minimum match length (`minmatch`). */
export const MIN_MATCH = 4;
/** The last 5 bytes of a block are always literals. */
export const LAST_LITERALS = 5;
/** The last match must start at least 12 bytes before the end of the block. */
export const MF_LIMIT = 12;
/** Blocks shorter than this are stored as a single literal run. */
export const MIN_INPUT_LENGTH = MF_LIMIT + 1;
/** Largest encodable offset. */
export const MAX_DISTANCE = 65535;
/** Largest input `compressBlock` accepts (the reference LZ4_MAX_INPUT_SIZE). */
export const MAX_INPUT_SIZE = 0x7e000000;

/** Reads 4 bytes little endian as a signed 32-bit integer (only compared, never used as size). */
export function read32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

/** Copies `src[from, to)` to `dst[op...]`; returns the new output position. */
export function copyBytes(
  src: Uint8Array,
  from: number,
  to: number,
  dst: Uint8Array,
  op: number,
): number {
  const n = to - from;
  if (n < 24) {
    for (let i = from; i < to; i++) dst[op++] = src[i];
    return op;
  }
  dst.set(src.subarray(from, to), op);
  return op + n;
}

/** Writes the extra length bytes of a length >= 15 (15 already in the token); returns op. */
export function writeLengthTail(dst: Uint8Array, op: number, rest: number): number {
  while (rest >= 255) {
    dst[op++] = 255;
    rest -= 255;
  }
  dst[op++] = rest;
  return op;
}

/**
 * Writes the final sequence: a token and `src[anchor, end)` as literals, no match.
 * Returns the new output position.
 */
export function writeLastLiterals(
  src: Uint8Array,
  anchor: number,
  end: number,
  dst: Uint8Array,
  op: number,
): number {
  const run = end - anchor;
  if (run >= 15) {
    dst[op++] = 0xf0;
    op = writeLengthTail(dst, op, run - 15);
  } else {
    dst[op++] = run << 4;
  }
  return copyBytes(src, anchor, end, dst, op);
}

/**
 * Writes one full sequence: literals `src[anchor, ip)`, then a match of `matchLength` bytes at
 * `offset`. Returns the new output position.
 */
export function writeSequence(
  src: Uint8Array,
  anchor: number,
  ip: number,
  offset: number,
  matchLength: number,
  dst: Uint8Array,
  op: number,
): number {
  const lit = ip - anchor;
  const tokenPos = op++;
  let token: number;
  if (lit >= 15) {
    token = 0xf0;
    op = writeLengthTail(dst, op, lit - 15);
  } else {
    token = lit << 4;
  }
  op = copyBytes(src, anchor, ip, dst, op);
  dst[op++] = offset & 0xff;
  dst[op++] = offset >>> 8;
  const ml = matchLength - MIN_MATCH;
  if (ml >= 15) {
    token |= 15;
    op = writeLengthTail(dst, op, ml - 15);
  } else {
    token |= ml;
  }
  dst[tokenPos] = token;
  return op;
}
