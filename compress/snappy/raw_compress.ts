/**
 * Snappy raw format encoder: a varint length preamble followed by the compressed elements of
 * each 64 KiB fragment (google/snappy `format_description.txt`).
 *
 * @module
 */

import { encodeFragment, FRAGMENT_SIZE } from "./_encode_fragment.ts";
import { encodeBuffer } from "./_scratch.ts";
import { writeVarint32 } from "./_varint.ts";

/** The raw format's preamble holds lengths up to 2^32 - 1 (format_description §1). */
const MAX_RAW_INPUT = 0xffffffff;

/**
 * The largest raw Snappy output `compressRaw` can produce for `n` input bytes (the reference's
 * bound `32 + n + n / 6`): size a buffer with it before compressing.
 *
 * @param n input length in bytes
 * @returns an upper bound of the compressed length, preamble included
 *
 * @example
 * ```ts
 * import { maxCompressedLength } from "./mod.ts";
 * console.log(maxCompressedLength(65536)); // 76490
 * ```
 */
export function maxCompressedLength(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`maxCompressedLength: invalid length ${n}`);
  }
  return 32 + n + Math.floor(n / 6);
}

/**
 * Compresses `input` into the Snappy raw format (length preamble + elements), compatible with
 * the reference `snappy::Compress` and every other raw Snappy decoder.
 *
 * @param input the bytes to compress (at most 2^32 - 1)
 * @returns a new buffer holding the compressed stream
 *
 * @example
 * ```ts
 * import { compressRaw, decompressRaw } from "./mod.ts";
 * const text = new TextEncoder().encode("hello hello hello hello hello hello");
 * const packed = compressRaw(text);
 * console.log(packed.length < text.length); // true
 * console.log(new TextDecoder().decode(decompressRaw(packed))); // "hello hello ..."
 * ```
 */
export function compressRaw(input: Uint8Array): Uint8Array {
  const n = input.length;
  if (n > MAX_RAW_INPUT) {
    throw new RangeError(`compressRaw: input of ${n} bytes exceeds the format's 2^32 - 1`);
  }
  const out = encodeBuffer(maxCompressedLength(n));
  let op = writeVarint32(out, 0, n);
  for (let start = 0; start < n; start += FRAGMENT_SIZE) {
    op = encodeFragment(input, start, Math.min(start + FRAGMENT_SIZE, n), out, op);
  }
  return out.slice(0, op);
}
