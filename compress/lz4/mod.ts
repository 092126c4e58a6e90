/**
 * LZ4 in pure TypeScript: the frame format (`.lz4`, magic 0x184D2204), one-shot and
 * streaming, interoperable with the `lz4` tool and liblz4. The raw block format is
 * `Algorithm.Lz4Block` of `@avila/compress`.
 *
 * @example
 * ```ts
 * import { compressFrame, decompressFrame } from "./mod.ts";
 * const text = new TextEncoder().encode("LZ4 LZ4 LZ4 LZ4 LZ4 LZ4 LZ4 LZ4 LZ4");
 * const frame = compressFrame(text, { level: 9 });
 * console.log(decompressFrame(frame).length); // 35
 * ```
 *
 * @module
 */

export type { Lz4CompressOptions, Lz4DecompressOptions } from "./options.ts";
export { compressFrame } from "./frame_encode.ts";
export { decompressFrame } from "./frame_decode.ts";
export { Lz4FrameEncoder } from "./frame_encoder.ts";
export { Lz4FrameDecoder } from "./frame_decoder.ts";
export type { StreamDecoder, StreamEncoder } from "../types.ts";
export { AvilaError, CompressError } from "../errors.ts";
