/**
 * Chunk layout shared by the framing encoder and decoders (google/snappy
 * `framing_format.txt`): a type byte, a 24-bit little-endian body length, then the body.
 *
 * @module
 */

import { crc32c, maskCrc32c } from "../checksum/crc32c.ts";
import { encodeFragment } from "./_encode_fragment.ts";
import { writeVarint32 } from "./_varint.ts";

/** §4.2 compressed data, body = masked CRC-32C of the uncompressed data + raw Snappy stream. */
export const CHUNK_COMPRESSED = 0x00;
/** §4.3 uncompressed data, body = masked CRC-32C + the data itself. */
export const CHUNK_UNCOMPRESSED = 0x01;
/** §4.4 padding: skipped without looking at its contents. */
export const CHUNK_PADDING = 0xfe;
/** §4.1 stream identifier, body = "sNaPpY". */
export const CHUNK_STREAM_IDENTIFIER = 0xff;
/** §4.5 reserved unskippable chunks are 0x02..0x7f; 0x80..0xfd are reserved skippable (§4.6). */
export const LAST_UNSKIPPABLE = 0x7f;

/** §4.2/4.3: a data chunk holds at most 64 KiB of uncompressed data. */
export const MAX_CHUNK_DATA = 65536;
/** Chunk header: type byte + 3-byte length. */
export const HEADER_SIZE = 4;
/** The masked CRC-32C in front of every data chunk's payload. */
export const CHECKSUM_SIZE = 4;

/**
 * The longest raw stream that can decode to <= 64 KiB: every element yields >= 1 byte and costs
 * at most 6 bytes (a 1-byte literal with a 4-byte length), plus a 5-byte preamble. A compressed
 * chunk longer than this is corrupt whatever it contains, so decoders never buffer more.
 */
export const MAX_COMPRESSED_BODY = CHECKSUM_SIZE + 5 + 6 * MAX_CHUNK_DATA;

/** The 10 bytes every framed stream starts with: chunk 0xff, length 6, "sNaPpY". */
export const STREAM_IDENTIFIER_BYTES: readonly number[] = [
  0xff,
  0x06,
  0x00,
  0x00,
  0x73,
  0x4e,
  0x61,
  0x50,
  0x70,
  0x59,
];

/** Upper bound of one data chunk's encoded size for `n` <= 64 KiB input bytes. */
export function maxDataChunkSize(n: number): number {
  return HEADER_SIZE + CHECKSUM_SIZE + 32 + n + Math.floor(n / 6);
}

/** Upper bound of a whole framed stream (identifier + chunks) for `n` input bytes. */
export function maxFramedSize(n: number): number {
  const full = Math.floor(n / MAX_CHUNK_DATA);
  const rest = n - full * MAX_CHUNK_DATA;
  return STREAM_IDENTIFIER_BYTES.length + full * maxDataChunkSize(MAX_CHUNK_DATA) +
    (rest > 0 ? maxDataChunkSize(rest) : 0);
}

/** Writes the stream identifier at `op`; returns the position after it. */
export function writeStreamIdentifier(dst: Uint8Array, op: number): number {
  for (let i = 0; i < STREAM_IDENTIFIER_BYTES.length; i++) dst[op + i] = STREAM_IDENTIFIER_BYTES[i];
  return op + STREAM_IDENTIFIER_BYTES.length;
}

/**
 * Writes one data chunk for `src[start..end)` (1..64 KiB) at `op`; `dst` needs
 * {@link maxDataChunkSize} bytes of room. Compresses in place and falls back to an uncompressed
 * chunk unless compression saves at least 1/8 of the size, as the reference framers do: such
 * chunks decode faster and cost little.
 */
export function writeDataChunk(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  op: number,
): number {
  const n = end - start;
  const crc = maskCrc32c(crc32c(src.subarray(start, end)));
  const body = op + HEADER_SIZE + CHECKSUM_SIZE;
  const stop = encodeFragment(src, start, end, dst, writeVarint32(dst, body, n));
  let type = CHUNK_COMPRESSED;
  let length = stop - body;
  if (length >= n - (n >>> 3)) {
    type = CHUNK_UNCOMPRESSED;
    length = n;
    dst.set(src.subarray(start, end), body);
  }
  const chunkLength = CHECKSUM_SIZE + length;
  dst[op] = type;
  dst[op + 1] = chunkLength & 0xff;
  dst[op + 2] = (chunkLength >>> 8) & 0xff;
  dst[op + 3] = chunkLength >>> 16;
  dst[op + 4] = crc & 0xff;
  dst[op + 5] = (crc >>> 8) & 0xff;
  dst[op + 6] = (crc >>> 16) & 0xff;
  dst[op + 7] = crc >>> 24;
  return body + length;
}
