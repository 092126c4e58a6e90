/**
 * The single-threaded reference of block-parallel compression: the input is cut into
 * independent blocks, each compressed alone, and the results joined into one stream of the
 * algorithm's own format. `compressParallel` produces exactly these bytes on a worker pool.
 *
 * | Algorithm | Stream produced                                                               |
 * | --------- | ----------------------------------------------------------------------------- |
 * | `lz4`     | one LZ4 frame, independent blocks with block checksums (BD = `blockSize`)     |
 * | `zstd`    | concatenated zstd frames, one per block (RFC 8878 §3.1: a valid zstd stream) |
 * | `gzip`    | concatenated gzip members, one per block (RFC 1952 §2.2)                      |
 * | `snappy`  | one Snappy framed stream (identical to `compressFramed` of the whole input)    |
 *
 * Every standard decoder reads these (`lz4 -d`, `zstd -d`, `gzip -d`, `decompress`).
 *
 * @module
 */

import { assertAlgorithm, nativeLevel } from "../_levels.ts";
import { CompressError } from "../errors.ts";
import type { Algorithm } from "../types.ts";
import {
  assembleBlocks,
  assertBlockAlgorithm,
  assertBlockSize,
  compressOneBlock,
} from "./_block_codec.ts";
import { type BlockCompressOptions, DEFAULT_BLOCK_SIZE } from "./options.ts";

/** Validated settings of a block-parallel call. */
export interface BlockPlan {
  algorithm: Algorithm;
  /** Codec-native level. */
  level: number;
  blockSize: number;
}

/** Validates the arguments shared by the sync and parallel paths. */
export function planBlocks(
  data: unknown,
  algorithm: Algorithm,
  opts: BlockCompressOptions | undefined,
): BlockPlan {
  assertAlgorithm(algorithm);
  if (!(data instanceof Uint8Array)) {
    throw new CompressError("unsupported", "input must be a Uint8Array");
  }
  assertBlockAlgorithm(algorithm);
  const level = nativeLevel(algorithm, opts?.level);
  const blockSize = opts?.blockSize ?? DEFAULT_BLOCK_SIZE;
  assertBlockSize(algorithm, blockSize);
  return { algorithm, level, blockSize };
}

/**
 * Compresses `data` as independent blocks on the calling thread: the exact bytes
 * `compressParallel` produces with any number of workers.
 *
 * @throws {CompressError} `unsupported` for an algorithm without a block form (brotli,
 *   deflate, the raw formats), a bad level or a bad block size
 *
 * @example
 * ```ts
 * import { Algorithm, decompressSync } from "@avila/compress";
 * import { compressBlocksSync } from "./blocks.ts";
 * const data = new TextEncoder().encode("columnar rows ".repeat(20000));
 * const packed = compressBlocksSync(data, Algorithm.Zstd, { blockSize: 65536 });
 * console.log(decompressSync(packed, Algorithm.Zstd).length === data.length); // true
 * ```
 */
export function compressBlocksSync(
  data: Uint8Array,
  algorithm: Algorithm,
  opts?: BlockCompressOptions,
): Uint8Array {
  const plan = planBlocks(data, algorithm, opts);
  const blocks: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += plan.blockSize) {
    blocks.push(
      compressOneBlock(plan.algorithm, plan.level, data.subarray(off, off + plan.blockSize)),
    );
  }
  return assembleBlocks(plan.algorithm, plan.level, plan.blockSize, blocks);
}
