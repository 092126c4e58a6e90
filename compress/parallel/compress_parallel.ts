/**
 * Block-parallel compression on a pool of Web Workers, byte-identical to the single-threaded
 * `compressBlocksSync`.
 *
 * @module
 */

import type { Algorithm } from "../types.ts";
import { assembleBlocks, compressOneBlock } from "./_block_codec.ts";
import { planBlocks } from "./blocks.ts";
import type { BlockCompressOptions } from "./options.ts";
import { CompressionPool, defaultWorkerCount, workersAvailable } from "./pool.ts";

/** Options of {@link compressParallel}. */
export interface ParallelCompressOptions extends BlockCompressOptions {
  /**
   * Workers of a pool made for this call and closed after it (default
   * `navigator.hardwareConcurrency`). Ignored when `pool` is given.
   */
  workers?: number;
  /** A long-lived pool to run on (it stays open). */
  pool?: CompressionPool;
}

/**
 * Compresses `data` as independent blocks spread over Web Workers; the result is exactly
 * `compressBlocksSync(data, algorithm, opts)`, whatever the worker count. Input of one block
 * or less, and runtimes without Workers, are compressed on the calling thread. At most two
 * blocks per worker are in flight, so memory stays bounded for large inputs.
 *
 * @throws {CompressError} `unsupported` for an algorithm without a block form, a bad level,
 *   block size or worker count, or a pool that is closed
 *
 * @example
 * ```ts
 * import { Algorithm } from "@avila/compress";
 * import { compressBlocksSync } from "./blocks.ts";
 * import { compressParallel } from "./compress_parallel.ts";
 * const data = new TextEncoder().encode("ts,host,cpu\n".repeat(50000));
 * const packed = await compressParallel(data, Algorithm.Zstd, { workers: 2, blockSize: 131072 });
 * const same = compressBlocksSync(data, Algorithm.Zstd, { blockSize: 131072 });
 * console.log(packed.length === same.length); // true
 * ```
 */
export async function compressParallel(
  data: Uint8Array,
  algorithm: Algorithm,
  opts: ParallelCompressOptions = {},
): Promise<Uint8Array> {
  const plan = planBlocks(data, algorithm, opts);
  const count = Math.ceil(data.length / plan.blockSize);
  const own = opts.pool === undefined;
  if (count <= 1 || (own && !workersAvailable()) || (own && opts.workers === 1)) {
    const blocks: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const off = i * plan.blockSize;
      blocks.push(
        compressOneBlock(plan.algorithm, plan.level, data.subarray(off, off + plan.blockSize)),
      );
    }
    return assembleBlocks(plan.algorithm, plan.level, plan.blockSize, blocks);
  }
  const pool = opts.pool ??
    new CompressionPool({ workers: Math.min(opts.workers ?? defaultWorkerCount(), count) });
  try {
    const results: Uint8Array[] = new Array(count);
    const window = pool.size * 2;
    let next = 0;
    const inflight = new Set<Promise<void>>();
    let failure: unknown = undefined;
    while (next < count || inflight.size > 0) {
      while (failure === undefined && next < count && inflight.size < window) {
        const i = next++;
        const off = i * plan.blockSize;
        const p: Promise<void> = pool
          .compressBlock(plan.algorithm, plan.level, data.subarray(off, off + plan.blockSize))
          .then((out) => {
            results[i] = out;
          }, (err) => {
            failure ??= err;
          })
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      if (inflight.size === 0) break;
      await Promise.race(inflight);
    }
    if (failure !== undefined) throw failure;
    return assembleBlocks(plan.algorithm, plan.level, plan.blockSize, results);
  } finally {
    if (own) pool.close();
  }
}
