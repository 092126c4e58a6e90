/**
 * avila-compress: one API over LZ4 and Snappy (pure TypeScript) and zstd, brotli, gzip,
 * deflate and raw deflate (the runtime's `node:zlib`), one-shot or streaming, with output
 * limits and typed errors everywhere.
 *
 * @example
 * ```ts
 * import { Algorithm, compress, Compressor, decompress, detect, Level } from "@avila/compress";
 * const body = new TextEncoder().encode(JSON.stringify({ rows: [1, 2, 3] }));
 * const packed = await compress(body, Algorithm.Zstd, { level: Level.Fast });
 * console.log(detect(packed)?.name); // "zstd"
 * console.log((await decompress(packed, Algorithm.Zstd)).length === body.length); // true
 * const lz4 = Compressor.new(Algorithm.Lz4).level(Level.Max).build();
 * console.log((await lz4.decompress(await lz4.compress(body))).length); // same length
 * ```
 *
 * @module
 */

export { concatChunks } from "./concat.ts";
export { AvilaError, CompressError, type CompressErrorCode } from "./errors.ts";
export { checkOutputSize, DEFAULT_MAX_OUTPUT_SIZE } from "./errors.ts";
export {
  Algorithm,
  type BytesLike,
  Level,
  type StreamDecoder,
  type StreamEncoder,
} from "./types.ts";
export {
  compress,
  type CompressOptions,
  compressSync,
  decompress,
  type DecompressOptions,
  decompressSync,
  supportedAlgorithms,
} from "./compress.ts";
export {
  type AutoDetectOptions,
  Compressor,
  CompressorBuilder,
  type CompressorChoiceCount,
  type CompressorCounters,
  type CompressorFeatures,
  type CompressorParallelOptions,
  type CompressorStats,
} from "./compressor.ts";
export { type CompressedDescription, describeCompressed } from "./describe.ts";
export {
  decompressAuto,
  decompressAutoSync,
  detect,
  type DetectedFormat,
  type FormatSignature,
  registerFormat,
} from "./detect.ts";
export {
  decoderTransform,
  encoderTransform,
  type EncoderTransformOptions,
  pipeCoded,
} from "./stream.ts";
export * from "./platform/mod.ts";
export * from "./lz4/mod.ts";
export * from "./snappy/mod.ts";
export * from "./checksum/mod.ts";
export * from "./columnar/mod.ts";
export * from "./auto/mod.ts";
export * from "./dictionary/mod.ts";
export * from "./parallel/mod.ts";
export * from "./zstd/mod.ts";
export * from "./brotli/mod.ts";
