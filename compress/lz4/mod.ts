/**
 * LZ4 in pure TypeScript: the raw block format and the frame format (`.lz4`, magic
 * 0x184D2204), one-shot and streaming, interoperable with the `lz4` tool and liblz4.
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

export type { Lz4BlockSize, Lz4CompressOptions, Lz4DecompressOptions } from "./options.ts";
export { compressBlock, compressBound, type Lz4BlockCompressOptions } from "./block_encode.ts";
export { decompressBlock, type Lz4BlockDecompressOptions } from "./block_decode.ts";
export { compressFrame } from "./frame_encode.ts";
export { decompressFrame } from "./frame_decode.ts";
export { Lz4FrameEncoder } from "./frame_encoder.ts";
export { Lz4FrameDecoder } from "./frame_decoder.ts";
export { LZ4_FRAME_MAGIC } from "./_frame_header.ts";
