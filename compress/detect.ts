/**
 * Recognises compressed data by its magic bytes, and reads back data that may or may not be
 * compressed.
 *
 * Recognised: LZ4 frames (`04 22 4D 18`), legacy LZ4 frames (`02 21 4C 18`, `lz4 -l`), Zstandard frames (`28 B5 2F FD`), skippable frames
 * (`5? 2A 4D 18`, shared by LZ4 and zstd; the frame after them decides), gzip (`1F 8B 08`),
 * Snappy framing (`FF 06 00 00 73 4E 61 50 70 59`), columnar frames (`AC 43 4F 4C`), and zlib-wrapped deflate (a 2-byte
 * CMF/FLG header, RFC 1950 §2.2, a weak signature). Brotli, raw deflate, raw LZ4 blocks and raw
 * Snappy have no magic number and are never detected. Other modules add their own formats with
 * {@link registerFormat}.
 *
 * @module
 */

import { decompress, type DecompressOptions, decompressSync } from "./compress.ts";
import { Algorithm, type BytesLike } from "./types.ts";

export { detect, type FormatSignature, registerFormat } from "./_formats.ts";

/**
 * Decompresses `bytes` when {@link detect} recognises a compressed format, and returns them
 * unchanged otherwise, so stored data that may or may not be compressed reads back correctly.
 * For a weak signature (zlib) that then fails to decode, the bytes are returned unchanged;
 * for a certain magic number, decoding errors are thrown. The same as
 * `decompress(bytes, Algorithm.Auto, opts)`.
 *
 * @example
 * ```ts
 * import { Algorithm, compress, decompressAuto } from "@avila/compress";
 * const text = new TextEncoder().encode("maybe compressed");
 * const a = await decompressAuto(await compress(text, Algorithm.Gzip));
 * const b = await decompressAuto(text);
 * console.log(new TextDecoder().decode(a), new TextDecoder().decode(b));
 * ```
 */
export function decompressAuto(bytes: BytesLike, opts?: DecompressOptions): Promise<Uint8Array> {
  return decompress(bytes, Algorithm.Auto, opts);
}

/**
 * Synchronous {@link decompressAuto}.
 *
 * @example
 * ```ts
 * import { Algorithm, compressSync, decompressAutoSync } from "@avila/compress";
 * const packed = compressSync(new TextEncoder().encode("abc"), Algorithm.Lz4);
 * console.log(new TextDecoder().decode(decompressAutoSync(packed))); // "abc"
 * ```
 */
export function decompressAutoSync(bytes: BytesLike, opts?: DecompressOptions): Uint8Array {
  return decompressSync(bytes, Algorithm.Auto, opts);
}
