/**
 * Snappy raw format decoder with an output limit that is checked before allocating.
 *
 * @module
 */

import { checkOutputSize, CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";
import { decodeElements } from "./_decode_elements.ts";
import { readVarint32 } from "./_varint.ts";

/** Options for the Snappy decoders. */
export interface SnappyDecompressOptions {
  /**
   * The most bytes a call (or a whole stream) may produce; larger output throws a `limit`
   * `CompressError` before it is allocated. Default `DEFAULT_MAX_OUTPUT_SIZE` (256 MiB).
   */
  maxOutputSize?: number;
}

/**
 * The most output one input byte can yield: a 3-byte copy (tag 10) produces up to 64 bytes.
 * A preamble promising more than this is corrupt whatever follows, so it is rejected before
 * any allocation.
 */
const MAX_EXPANSION = 22;

/**
 * Reads the uncompressed length from a raw Snappy stream's preamble without decoding it.
 *
 * @param input a raw Snappy stream (only its first bytes are read)
 * @returns the length the stream declares
 * @throws {CompressError} `corrupt` when the preamble is truncated or above 2^32 - 1
 *
 * @example
 * ```ts
 * import { compressRaw, rawDecompressedLength } from "./mod.ts";
 * console.log(rawDecompressedLength(compressRaw(new Uint8Array(1000)))); // 1000
 * ```
 */
export function rawDecompressedLength(input: Uint8Array): number {
  return readVarint32(input, 0, input.length).value;
}

/**
 * Decompresses a Snappy raw stream. The declared length is checked against `maxOutputSize`
 * (and against what the input could possibly expand to) before the output is allocated; every
 * element is bounds-checked.
 *
 * @param input a raw Snappy stream (length preamble + elements)
 * @param options `maxOutputSize` (default 256 MiB)
 * @returns a new buffer with exactly the declared number of bytes
 * @throws {CompressError} `corrupt` for malformed input, `limit` when the declared length
 * exceeds `maxOutputSize`
 *
 * @example
 * ```ts
 * import { compressRaw, decompressRaw } from "./mod.ts";
 * const data = new TextEncoder().encode("abcabcabcabcabcabcabc");
 * console.log(decompressRaw(compressRaw(data)).length); // 21
 * ```
 */
export function decompressRaw(input: Uint8Array, options?: SnappyDecompressOptions): Uint8Array {
  const max = options?.maxOutputSize ?? DEFAULT_MAX_OUTPUT_SIZE;
  const end = input.length;
  const { value: length, next } = readVarint32(input, 0, end);
  checkOutputSize(length, max);
  if (length > (end - next) * MAX_EXPANSION) {
    throw new CompressError(
      "corrupt",
      `snappy: declared length ${length} is impossible for ${end - next} bytes of input`,
    );
  }
  const out = new Uint8Array(length);
  decodeElements(input, next, end, out, 0, length);
  return out;
}
