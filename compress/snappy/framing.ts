/**
 * Snappy framing format (`x-snappy-framed`, google/snappy `framing_format.txt`), one-shot:
 * a stream identifier, then chunks of at most 64 KiB of data, each with a masked CRC-32C.
 *
 * @module
 */

import { checkOutputSize, CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "../errors.ts";
import {
  CHUNK_STREAM_IDENTIFIER,
  HEADER_SIZE,
  MAX_CHUNK_DATA,
  maxFramedSize,
  STREAM_IDENTIFIER_BYTES,
  writeDataChunk,
  writeStreamIdentifier,
} from "./_chunk.ts";
import {
  checkChunkHeader,
  checkStreamIdentifier,
  dataChunkSize,
  decodeDataChunk,
} from "./_read_chunk.ts";
import { encodeBuffer } from "./_scratch.ts";
import type { SnappyDecompressOptions } from "./raw_decompress.ts";

/**
 * The stream identifier chunk every framed Snappy stream starts with:
 * `ff 06 00 00 73 4e 61 50 70 59` (type 0xff, length 6, "sNaPpY"). Useful for sniffing.
 *
 * @example
 * ```ts
 * import { compressFramed, SNAPPY_STREAM_IDENTIFIER } from "./mod.ts";
 * const framed = compressFramed(new Uint8Array(10));
 * console.log(SNAPPY_STREAM_IDENTIFIER.every((b, i) => framed[i] === b)); // true
 * ```
 */
export const SNAPPY_STREAM_IDENTIFIER: Uint8Array = Uint8Array.from(STREAM_IDENTIFIER_BYTES);

/**
 * Compresses `input` into a complete framed Snappy stream: the stream identifier followed by one
 * data chunk per 64 KiB, each compressed (or stored, when compression saves less than 1/8) and
 * protected by a masked CRC-32C. Empty input gives just the identifier.
 *
 * @param input the bytes to compress
 * @returns a new buffer holding the framed stream
 *
 * @example
 * ```ts
 * import { compressFramed, decompressFramed } from "./mod.ts";
 * const data = new TextEncoder().encode("framed framed framed framed framed");
 * const framed = compressFramed(data);
 * console.log(new TextDecoder().decode(decompressFramed(framed))); // "framed framed ..."
 * ```
 */
export function compressFramed(input: Uint8Array): Uint8Array {
  const n = input.length;
  const out = encodeBuffer(maxFramedSize(n));
  let op = writeStreamIdentifier(out, 0);
  for (let start = 0; start < n; start += MAX_CHUNK_DATA) {
    op = writeDataChunk(input, start, Math.min(start + MAX_CHUNK_DATA, n), out, op);
  }
  return out.slice(0, op);
}

/**
 * Decompresses a complete framed Snappy stream. A first pass validates every chunk header and
 * adds up the declared sizes (checked against `maxOutputSize` before anything is allocated);
 * the second decodes straight into one output buffer and verifies each chunk's CRC-32C.
 * Repeated stream identifiers (concatenated streams), padding and reserved skippable chunks
 * are accepted, and so is a 0-byte input (the empty stream other implementations write).
 *
 * @param input a framed Snappy stream
 * @param options `maxOutputSize` (default 256 MiB)
 * @returns the concatenated data of every chunk
 * @throws {CompressError} `corrupt` (bad or truncated chunk, data before the identifier), `checksum`
 * (CRC-32C mismatch), `unsupported` (reserved unskippable chunk), `limit` (too much output)
 *
 * @example
 * ```ts
 * import { compressFramed, decompressFramed } from "./mod.ts";
 * const framed = compressFramed(new Uint8Array(200_000).fill(7));
 * console.log(decompressFramed(framed, { maxOutputSize: 1 << 20 }).length); // 200000
 * ```
 */
export function decompressFramed(input: Uint8Array, options?: SnappyDecompressOptions): Uint8Array {
  const max = options?.maxOutputSize ?? DEFAULT_MAX_OUTPUT_SIZE;
  const n = input.length;

  // Pass 1: validate the chunk structure and size the output.
  let total = 0;
  let seenIdentifier = false;
  let pos = 0;
  while (pos < n) {
    if (n - pos < HEADER_SIZE) {
      throw new CompressError("corrupt", "snappy framing: truncated chunk header");
    }
    const type = input[pos];
    const length = input[pos + 1] | (input[pos + 2] << 8) | (input[pos + 3] << 16);
    pos += HEADER_SIZE;
    const skip = checkChunkHeader(type, length, seenIdentifier);
    if (length > n - pos) throw new CompressError("corrupt", "snappy framing: truncated chunk");
    if (type === CHUNK_STREAM_IDENTIFIER) {
      checkStreamIdentifier(input, pos);
      seenIdentifier = true;
    } else if (!skip) {
      total += dataChunkSize(type, input, pos, pos + length);
      checkOutputSize(total, max);
    }
    pos += length;
  }
  // No bytes at all is the empty stream: python-snappy's stream_compress, cramjam and Go's
  // snappy.Writer write nothing for empty input. Any non-empty input failed above without an
  // identifier first, so `seenIdentifier` needs no check here.

  // Pass 2: decode; pass 1 guarantees every header and length is sound.
  const out = new Uint8Array(total);
  let op = 0;
  pos = 0;
  while (pos < n) {
    const type = input[pos];
    const length = input[pos + 1] | (input[pos + 2] << 8) | (input[pos + 3] << 16);
    pos += HEADER_SIZE;
    if (type <= 0x01) {
      const size = dataChunkSize(type, input, pos, pos + length);
      decodeDataChunk(type, input, pos, pos + length, out, op, size);
      op += size;
    }
    pos += length;
  }
  return out;
}
