/**
 * Body compression codecs (`Message.fbs` `CompressionType`), behind one small adapter so the
 * IPC code does not depend on how each codec is provided. LZ4_FRAME uses the project's
 * `compress/lz4`; ZSTD uses the runtime's `node:zlib` (the same engine `compress/` wraps).
 * Every codec failure becomes an `ArrowError`.
 *
 * @module
 */

import * as zlib from "node:zlib";
import { compressFrame, decompressFrame } from "../../compress/lz4/mod.ts";
import { ArrowError } from "../errors.ts";

/** Codec names accepted by the writers. */
export type IpcCompression = "lz4" | "zstd";

/** `CompressionType` values of Message.fbs. */
export const CompressionType = { LZ4_FRAME: 0, ZSTD: 1 } as const;

type ZstdSync = (data: Uint8Array, opts?: Record<string, unknown>) => Uint8Array;
const z = zlib as unknown as {
  zstdCompressSync?: ZstdSync;
  zstdDecompressSync?: ZstdSync;
  constants: Record<string, number>;
};

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
    if (id === CompressionType.ZSTD && z.zstdCompressSync) {
      const params = { [z.constants.ZSTD_c_compressionLevel]: level ?? 1 };
      return new Uint8Array(z.zstdCompressSync(data, { params }));
    }
  } catch (e) {
    throw new ArrowError("invalid", `compression failed: ${(e as Error).message}`, { cause: e });
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
    } else if (id === CompressionType.ZSTD && z.zstdDecompressSync) {
      out = new Uint8Array(z.zstdDecompressSync(data, { maxOutputLength: Math.max(size, 1) }));
    } else {
      throw new ArrowError("unsupported", `compression codec ${id} is not available`);
    }
  } catch (e) {
    if (e instanceof ArrowError) throw e;
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
