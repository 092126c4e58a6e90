/**
 * Maps the portable {@link Level} names onto each codec's native scale, and checks numeric
 * levels against the codec's range.
 *
 * | Algorithm              | Fast        | Balanced | Max      | numeric range            |
 * | ---------------------- | ----------- | -------- | -------- | ------------------------ |
 * | lz4, lz4-block         | -3 (--fast=3) | 1      | 9 (HC)   | -65537..12 (lz4 tool)    |
 * | snappy, snappy-raw     | (no levels) |          |          | ignored                  |
 * | zstd                   | 1           | 3        | 19       | -131072..22              |
 * | br                     | 1           | 5        | 11       | 0..11                    |
 * | gzip, deflate, raw     | 1           | 6        | 9        | 0..9                     |
 *
 * @module
 */

import { CompressError } from "./errors.ts";
import { Algorithm, Level } from "./types.ts";

const TABLE: Record<
  Algorithm,
  [fast: number, balanced: number, max: number, lo: number, hi: number]
> = {
  [Algorithm.Lz4]: [-3, 1, 9, -65537, 12],
  [Algorithm.Lz4Block]: [-3, 1, 9, -65537, 12],
  [Algorithm.Snappy]: [0, 0, 0, 0, 0],
  [Algorithm.SnappyRaw]: [0, 0, 0, 0, 0],
  [Algorithm.Zstd]: [1, 3, 19, -131072, 22],
  [Algorithm.Brotli]: [1, 5, 11, 0, 11],
  [Algorithm.Gzip]: [1, 6, 9, 0, 9],
  [Algorithm.Deflate]: [1, 6, 9, 0, 9],
  [Algorithm.DeflateRaw]: [1, 6, 9, 0, 9],
  // Levels of the inner zstd/LZ4 stage: fast = LZ4 or nothing, balanced = zstd 3, max = zstd 19.
  [Algorithm.Columnar]: [1, 3, 19, -131072, 22],
  [Algorithm.Auto]: [1, 3, 19, -131072, 22],
};

/** True for names in {@link Algorithm}. */
export function isAlgorithm(value: unknown): value is Algorithm {
  return typeof value === "string" && Object.hasOwn(TABLE, value);
}

/** Throws `unsupported` for a name that is not an {@link Algorithm}. */
export function assertAlgorithm(value: unknown): asserts value is Algorithm {
  if (!isAlgorithm(value)) {
    throw new CompressError("unsupported", `unknown algorithm ${JSON.stringify(String(value))}`);
  }
}

/**
 * The codec-native level for `level` (a {@link Level} name, a number, or undefined for
 * Balanced). Snappy has no levels and yields 0 for anything.
 */
export function nativeLevel(algorithm: Algorithm, level: Level | undefined): number {
  const row = TABLE[algorithm];
  if (algorithm === Algorithm.Snappy || algorithm === Algorithm.SnappyRaw) return 0;
  if (level === undefined || level === Level.Balanced) return row[1];
  if (level === Level.Fast) return row[0];
  if (level === Level.Max) return row[2];
  if (typeof level !== "number" || !Number.isInteger(level) || level < row[3] || level > row[4]) {
    throw new CompressError(
      "unsupported",
      `${algorithm}: level ${String(level)} is not fast|balanced|max or an integer in ${row[3]}..${
        row[4]
      }`,
    );
  }
  return level;
}
