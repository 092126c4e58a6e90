/**
 * The general-purpose stage after the transforms: our LZ4 block codec or zstd (`node:zlib`).
 *
 * @module
 */

import { decompressBlock } from "../lz4/block_decode.ts";
import { compressBlock } from "../lz4/block_encode.ts";
import { concatChunks } from "../concat.ts";
import { engineAvailable, ZlibEngine } from "../platform/_engine.ts";
import { CompressError } from "../errors.ts";
import { Inner } from "./_format.ts";

/** Which inner codec a native level asks for: LZ4 for levels <= 1, zstd above (if present). */
export function innerFor(level: number): number {
  return level <= 1 || !engineAvailable("zstd") ? Inner.Lz4 : Inner.Zstd;
}

/** Compresses `data` with the inner codec. */
export function innerCompress(data: Uint8Array, inner: number, level: number): Uint8Array {
  if (inner === Inner.Lz4) {
    return compressBlock(data, { level: level <= 1 ? 1 : Math.min(level, 12) });
  }
  const e = new ZlibEngine("zstd", false, { level, pledgedSize: data.length });
  try {
    return concatChunks([...e.write(data), ...e.end()]);
  } finally {
    e.close();
  }
}

/** Decompresses to exactly `size` bytes, or throws `corrupt`. */
export function innerDecompress(data: Uint8Array, inner: number, size: number): Uint8Array {
  let out: Uint8Array;
  if (inner === Inner.Lz4) {
    out = decompressBlock(data, size, { maxOutputSize: size });
  } else {
    if (!engineAvailable("zstd")) {
      throw new CompressError("unsupported", "columnar: zstd is not available in this runtime");
    }
    const e = new ZlibEngine("zstd", true, { maxOutputSize: size });
    try {
      out = concatChunks([...e.write(data), ...e.end()]);
    } catch (err) {
      if (err instanceof CompressError && err.code === "limit") {
        throw new CompressError("corrupt", "columnar: payload longer than its header says");
      }
      throw err;
    } finally {
      e.close();
    }
  }
  if (out.length !== size) {
    throw new CompressError(
      "corrupt",
      `columnar: payload of ${out.length} bytes, header says ${size}`,
    );
  }
  return out;
}
