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

// The one-shot and streaming API over every codec; the per-codec building blocks (LZ4 and Snappy
// blocks and frames, the pure-TypeScript zstd and brotli decoders, the runtime's codec classes,
// checksums) stay private: reach them through `Algorithm`. LZ4 alone: `@avila/compress/lz4`.
export { AvilaError, CompressError } from "./errors.ts";
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
export { Compressor, CompressorBuilder } from "./compressor.ts";
export { decompressAuto, decompressAutoSync, detect } from "./detect.ts";
export { describeCompressed } from "./describe.ts";
export { type AutoChoice, compressAuto, type SpeedBudget } from "./auto/mod.ts";
export { Dictionary, DictionarySet } from "./dictionary/mod.ts";
export {
  type ColumnarArray,
  compressArray,
  decompressArray,
  type ElementType,
} from "./columnar/mod.ts";
// For `@avila/arrow`, which joins encoded chunks the same way.
export { concatChunks } from "./concat.ts";
