/**
 * Zstandard (RFC 8878) through the runtime's `node:zlib` (Deno ≥ 2.4, Node ≥ 22.15; not Cloudflare
 * Workers). Concatenated and skippable frames are accepted; a truncated stream is `corrupt`.
 *
 * @module
 */

import { EngineDecoder, EngineEncoder } from "./_engine.ts";

/** Options of {@link ZstdEncoder}. */
export interface ZstdEncoderOptions {
  /** Native level: 1..22 (negative levels are faster modes, down to -131072); default 3. */
  level?: number;
}

/** Options of {@link ZstdDecoder}. */
export interface ZstdDecoderOptions {
  /** Ceiling on decompressed bytes (default `DEFAULT_MAX_OUTPUT_SIZE`); beyond it: `limit`. */
  maxOutputSize?: number;
}

/**
 * Streaming Zstandard compressor (synchronous, incremental). `flush()` emits a sync point: all
 * input so far can be decoded by the receiver before the stream ends.
 *
 * @example
 * ```ts
 * import { ZstdEncoder, ZstdDecoder } from "./zstd.ts";
 * const enc = new ZstdEncoder({ level: 3 });
 * const packed = [...enc.write(new TextEncoder().encode("hello hello hello")), ...enc.end()];
 * const dec = new ZstdDecoder();
 * const parts = [...packed.flatMap((c) => dec.write(c)), ...dec.end()];
 * console.log(new TextDecoder().decode(parts[0])); // "hello hello hello"
 * ```
 */
export class ZstdEncoder extends EngineEncoder {
  /**
   * Creates the stream with the given options.
   *
   * @throws {CompressError} `unsupported` when the runtime lacks Zstandard or the level is out of range.
   */
  constructor(opts: ZstdEncoderOptions = {}) {
    super("zstd", opts.level ?? 3, -131072, 22);
  }
}

/**
 * Streaming Zstandard decompressor with a running output limit. Throws `CompressError` only:
 * `corrupt` (bad or truncated data), `checksum`, or `limit`.
 *
 * @example
 * ```ts
 * import { ZstdDecoder, ZstdEncoder } from "./zstd.ts";
 * const enc = new ZstdEncoder();
 * const packed = [...enc.write(new Uint8Array(1000)), ...enc.end()];
 * const dec = new ZstdDecoder({ maxOutputSize: 4096 });
 * let n = 0;
 * for (const c of packed) for (const o of dec.write(c)) n += o.length;
 * for (const o of dec.end()) n += o.length;
 * console.log(n); // 1000
 * ```
 */
export class ZstdDecoder extends EngineDecoder {
  /**
   * Creates the stream with the given options.
   *
   * @throws {CompressError} `unsupported` when the runtime lacks Zstandard.
   */
  constructor(opts: ZstdDecoderOptions = {}) {
    super("zstd", opts.maxOutputSize);
  }
}
