/**
 * Chunk validation and decoding shared by the one-shot and the streaming framing decoders
 * (google/snappy `framing_format.txt` §4).
 *
 * @module
 */

import { crc32c, maskCrc32c } from "../checksum/crc32c.ts";
import { CompressError } from "../errors.ts";
import {
  CHECKSUM_SIZE,
  CHUNK_COMPRESSED,
  CHUNK_STREAM_IDENTIFIER,
  CHUNK_UNCOMPRESSED,
  LAST_UNSKIPPABLE,
  MAX_CHUNK_DATA,
  MAX_COMPRESSED_BODY,
  STREAM_IDENTIFIER_BYTES,
} from "./_chunk.ts";
import { decodeElements } from "./_decode_elements.ts";
import { readVarint32 } from "./_varint.ts";

function corrupt(message: string): CompressError {
  return new CompressError("corrupt", `snappy framing: ${message}`);
}

/**
 * Validates a chunk header before its body is read, so no decoder ever buffers a body that is
 * already known to be invalid. Returns whether the body must be skipped unread (padding and
 * reserved skippable chunks).
 */
export function checkChunkHeader(type: number, length: number, seenIdentifier: boolean): boolean {
  if (!seenIdentifier && type !== CHUNK_STREAM_IDENTIFIER) {
    throw corrupt("stream does not start with the stream identifier (not a framed Snappy stream)");
  }
  if (type === CHUNK_STREAM_IDENTIFIER) {
    if (length !== STREAM_IDENTIFIER_BYTES.length - 4) {
      throw corrupt(`stream identifier chunk has length ${length}, expected 6`);
    }
    return false;
  }
  if (type === CHUNK_COMPRESSED) {
    // Checksum plus at least a 1-byte preamble; no valid block for 64 KiB is longer than the max.
    if (length < CHECKSUM_SIZE + 1 || length > MAX_COMPRESSED_BODY) {
      throw corrupt(`compressed chunk length ${length} is out of range`);
    }
    return false;
  }
  if (type === CHUNK_UNCOMPRESSED) {
    if (length < CHECKSUM_SIZE || length > CHECKSUM_SIZE + MAX_CHUNK_DATA) {
      throw corrupt(`uncompressed chunk length ${length} is out of range`);
    }
    return false;
  }
  if (type <= LAST_UNSKIPPABLE) {
    // §4.5: a reserved unskippable chunk means a newer format this decoder cannot read.
    throw new CompressError(
      "unsupported",
      `snappy framing: reserved unskippable chunk type 0x${type.toString(16).padStart(2, "0")}`,
    );
  }
  return true; // 0x80..0xfe: reserved skippable and padding (§4.4, §4.6)
}

/** Checks a stream identifier body ("sNaPpY") at `src[start..start+6)`. */
export function checkStreamIdentifier(src: Uint8Array, start: number): void {
  for (let i = 4; i < STREAM_IDENTIFIER_BYTES.length; i++) {
    if (src[start + i - 4] !== STREAM_IDENTIFIER_BYTES[i]) {
      throw corrupt('stream identifier chunk does not contain "sNaPpY"');
    }
  }
}

/** The uncompressed size of a data chunk whose body is `src[start..end)`; at most 64 KiB. */
export function dataChunkSize(type: number, src: Uint8Array, start: number, end: number): number {
  if (type === CHUNK_UNCOMPRESSED) return end - start - CHECKSUM_SIZE;
  const size = readVarint32(src, start + CHECKSUM_SIZE, end).value;
  if (size > MAX_CHUNK_DATA) {
    throw corrupt(`compressed chunk declares ${size} bytes, more than the 65536 allowed`);
  }
  return size;
}

/**
 * Decodes the data chunk body `src[start..end)` into `dst[dstStart..dstStart+size)` (`size` from
 * {@link dataChunkSize}) and verifies its masked CRC-32C (`checksum` error on mismatch).
 */
export function decodeDataChunk(
  type: number,
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstStart: number,
  size: number,
): void {
  const expected = (src[start] | (src[start + 1] << 8) | (src[start + 2] << 16) |
    (src[start + 3] << 24)) >>> 0;
  if (type === CHUNK_UNCOMPRESSED) {
    dst.set(src.subarray(start + CHECKSUM_SIZE, end), dstStart);
  } else {
    const { next } = readVarint32(src, start + CHECKSUM_SIZE, end);
    decodeElements(src, next, end, dst, dstStart, dstStart + size);
  }
  const actual = maskCrc32c(crc32c(dst.subarray(dstStart, dstStart + size)));
  if (actual !== expected) {
    throw new CompressError("checksum", "snappy framing: chunk CRC-32C mismatch");
  }
}
