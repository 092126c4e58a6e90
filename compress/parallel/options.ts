/**
 * Options shared by the block-parallel entry points.
 *
 * @module
 */

import type { Level } from "../types.ts";

/** Options of `compressBlocksSync` and `compressParallel`. */
export interface BlockCompressOptions {
  /** A portable level or the codec's native number (default `Level.Balanced`). */
  level?: Level;
  /**
   * Uncompressed bytes per independent block: a multiple of 64 KiB from 64 KiB to 64 MiB, and
   * for LZ4 one of 65536, 262144, 1048576 or 4194304. Default 1 MiB. Smaller blocks spread
   * better over workers; larger blocks compress slightly better.
   */
  blockSize?: number;
}

/** Default uncompressed bytes per block (1 MiB). */
export const DEFAULT_BLOCK_SIZE = 1024 * 1024;
