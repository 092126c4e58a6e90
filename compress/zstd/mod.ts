/**
 * Zstandard decoding in pure TypeScript (RFC 8878), for runtimes without `node:zlib` (browsers,
 * Workers without `nodejs_compat`) and for dictionaries (which `node:zlib` in Deno ignores):
 * every frame the reference `zstd` tool writes, one-shot or streaming, with output and window
 * limits and typed errors.
 *
 * @example
 * ```ts
 * import { decompressZstd } from "./mod.ts";
 * const frame = Uint8Array.of(
 *   0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x31, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x0a,
 *   0x53, 0x88, 0xbd, 0x91,
 * );
 * console.log(new TextDecoder().decode(decompressZstd(frame))); // "hello\n"
 * ```
 *
 * @module
 */

export {
  decompressZstd,
  DEFAULT_MAX_WINDOW_SIZE,
  ZSTD_FRAME_MAGIC,
  type ZstdDecompressOptions,
} from "./frame.ts";
export { parseZstdDictionary, ZSTD_DICTIONARY_MAGIC, type ZstdDictionary } from "./dictionary.ts";
export { ZstdFrameDecoder } from "./decoder.ts";
