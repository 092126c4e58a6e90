/**
 * Brotli (RFC 7932) through the runtime's `node:zlib`. Brotli has no magic number, so
 * `detect()` cannot recognise it; a truncated stream or trailing bytes are `corrupt`.
 *
 * @module
 */

import { EngineDecoder, EngineEncoder } from "./_engine.ts";

/** Options of {@link BrotliEncoder}. */
export interface BrotliEncoderOptions {
  /** Native quality: 0..11; default 5 (the package's Balanced level). */
  level?: number;
}

/** Options of {@link BrotliDecoder}. */
export interface BrotliDecoderOptions {
  /** Ceiling on decompressed bytes (default `DEFAULT_MAX_OUTPUT_SIZE`); beyond it: `limit`. */
  maxOutputSize?: number;
}

/**
 * Streaming Brotli compressor (synchronous, incremental). `flush()` emits a sync point: all
 * input so far can be decoded by the receiver before the stream ends.
 *
 * @example
 * ```ts
 * import { BrotliEncoder, BrotliDecoder } from "./brotli.ts";
 * const enc = new BrotliEncoder({ level: 5 });
 * const packed = [...enc.write(new TextEncoder().encode("hello hello hello")), ...enc.end()];
 * const dec = new BrotliDecoder();
 * const parts = [...packed.flatMap((c) => dec.write(c)), ...dec.end()];
 * console.log(new TextDecoder().decode(parts[0])); // "hello hello hello"
 * ```
 */
export class BrotliEncoder extends EngineEncoder {
  /**
   * Creates the stream with the given options.
   *
   * @throws {CompressError} `unsupported` when the runtime lacks Brotli or the level is out of range.
   */
  constructor(opts: BrotliEncoderOptions = {}) {
    super("br", opts.level ?? 5, 0, 11);
  }
}

/**
 * Streaming Brotli decompressor with a running output limit. Throws `CompressError` only:
 * `corrupt` (bad or truncated data), `checksum`, or `limit`.
 *
 * @example
 * ```ts
 * import { BrotliDecoder, BrotliEncoder } from "./brotli.ts";
 * const enc = new BrotliEncoder();
 * const packed = [...enc.write(new Uint8Array(1000)), ...enc.end()];
 * const dec = new BrotliDecoder({ maxOutputSize: 4096 });
 * let n = 0;
 * for (const c of packed) for (const o of dec.write(c)) n += o.length;
 * for (const o of dec.end()) n += o.length;
 * console.log(n); // 1000
 * ```
 */
export class BrotliDecoder extends EngineDecoder {
  /**
   * Creates the stream with the given options.
   *
   * @throws {CompressError} `unsupported` when the runtime lacks Brotli.
   */
  constructor(opts: BrotliDecoderOptions = {}) {
    super("br", opts.maxOutputSize);
  }
}
