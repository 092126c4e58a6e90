/**
 * Block-parallel compression: large inputs cut into independent blocks, compressed on a pool
 * of Web Workers, joined into one standard stream (an LZ4 frame, concatenated zstd frames or
 * gzip members, a Snappy framed stream) byte-identical to the single-threaded
 * {@link compressBlocksSync}.
 *
 * @example
 * ```ts
 * import { Algorithm, decompress } from "@avila/compress";
 * import { compressParallel } from "./compress_parallel.ts";
 * const data = new TextEncoder().encode("id,name,value\n".repeat(100000));
 * const packed = await compressParallel(data, Algorithm.Lz4, { workers: 2, blockSize: 262144 });
 * console.log((await decompress(packed, Algorithm.Lz4)).length === data.length); // true
 * ```
 *
 * @module
 */

export { type BlockCompressOptions, DEFAULT_BLOCK_SIZE } from "./options.ts";
export { compressBlocksSync } from "./blocks.ts";
export { compressParallel, type ParallelCompressOptions } from "./compress_parallel.ts";
export {
  CompressionPool,
  type CompressionPoolOptions,
  defaultWorkerCount,
  workersAvailable,
} from "./pool.ts";
