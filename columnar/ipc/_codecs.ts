/**
 * Body compression codecs (`Message.fbs` `CompressionType`), behind one small adapter so the
 * IPC code does not depend on how each codec is provided: both come from the project's
 * `compress/` (LZ4 frames in pure TypeScript, ZSTD through the runtime's engine). Every codec
 * failure becomes an `ArrowError`.
 *
 * @module
 */

import { Algorithm, CompressError, compressSync, decompressSync } from "@avila/compress";
import { compressFrame, decompressFrame } from "@avila/compress/lz4";
import { ArrowError } from "../errors.ts";

/**
 * Codec names accepted by the writers.
 *
 * @example
 * ```ts
 * import { type IpcCompression, writeIpcStream, RecordBatch } from "@avila/arrow";
 * const compression: IpcCompression = "lz4";
 * console.log(writeIpcStream(RecordBatch.fromRows([{ a: 1 }]), { compression }).length > 0); // true
 * ```
 */
export type IpcCompression = "lz4" | "zstd";

/** `CompressionType` values of Message.fbs. */
export const CompressionType = { LZ4_FRAME: 0, ZSTD: 1 } as const;

/** The codec id for a compression name; throws `unsupported` for others. */
export function codecId(name: IpcCompression): number {
  if (name === "lz4") return CompressionType.LZ4_FRAME;
  if (name === "zstd") return CompressionType.ZSTD;
  throw new ArrowError("unsupported", `unknown IPC compression ${JSON.stringify(name)}`);
}

/** Compresses one buffer with codec `id`. */
export function compressBuffer(id: number, data: Uint8Array, level?: number): Uint8Array {
  try {
    if (id === CompressionType.LZ4_FRAME) return compressFrame(data, { level: level ?? 1 });
    if (id === CompressionType.ZSTD) {
      return compressSync(data, Algorithm.Zstd, { level: level ?? 1 });
    }
  } catch (e) {
    const code = e instanceof CompressError && e.code === "unsupported" ? "unsupported" : "invalid";
    throw new ArrowError(code, `compression failed: ${(e as Error).message}`, { cause: e });
  }
  throw new ArrowError("unsupported", `compression codec ${id} is not available`);
}

/**
 * Decompresses one buffer with codec `id` into exactly `size` bytes (a bigger or smaller output
 * is `corrupt`; `size` has been checked against the limits by the caller).
 */
export function decompressBuffer(id: number, data: Uint8Array, size: number): Uint8Array {
  let out: Uint8Array;
  try {
    if (id === CompressionType.LZ4_FRAME) {
      out = decompressFrame(data, { maxOutputSize: size });
    } else if (id === CompressionType.ZSTD) {
      out = decompressSync(data, Algorithm.Zstd, { maxOutputSize: size });
    } else {
      throw new ArrowError("unsupported", `compression codec ${id} is not available`);
    }
  } catch (e) {
    if (e instanceof ArrowError) throw e;
    if (e instanceof CompressError && e.code === "unsupported") {
      throw new ArrowError("unsupported", `codec unavailable: ${e.message}`, { cause: e });
    }
    throw new ArrowError("corrupt", `compressed buffer does not decode: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (out.length !== size) {
    throw new ArrowError(
      "corrupt",
      `buffer decompressed to ${out.length} bytes, header says ${size}`,
    );
  }
  return out;
}
