/**
 * Snappy in pure TypeScript: the raw format and the framing format (`x-snappy-framed`),
 * one-shot and streaming, interoperable with google/snappy and its ports.
 *
 * @example
 * ```ts
 * import { compressFramed, decompressFramed } from "./mod.ts";
 * const body = new TextEncoder().encode(JSON.stringify({ rows: [1, 2, 3, 4, 5, 6, 7, 8] }));
 * const framed = compressFramed(body);
 * console.log(decompressFramed(framed).length === body.length); // true
 * ```
 *
 * @module
 */

export { compressRaw, maxCompressedLength } from "./raw_compress.ts";
export {
  decompressRaw,
  rawDecompressedLength,
  type SnappyDecompressOptions,
} from "./raw_decompress.ts";
export { compressFramed, decompressFramed, SNAPPY_STREAM_IDENTIFIER } from "./framing.ts";
export { SnappyFrameEncoder } from "./frame_encoder.ts";
export { SnappyFrameDecoder } from "./frame_decoder.ts";
