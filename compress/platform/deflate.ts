/**
 * gzip (RFC 1952), zlib-wrapped deflate (RFC 1950, HTTP's `deflate`) and raw deflate (RFC 1951)
 * through the runtime's `node:zlib`. gzip accepts concatenated members; trailing bytes after
 * the end of the stream are `corrupt`.
 *
 * @module
 */

import { EngineDecoder, EngineEncoder } from "./_engine.ts";

/** Options of {@link GzipEncoder}. */
export interface GzipEncoderOptions {
  /** Native level: 0 (stored) ..9; default 6. */
  level?: number;
}

/** Options of {@link GzipDecoder}. */
export interface GzipDecoderOptions {
  /** Ceiling on decompressed bytes (default `DEFAULT_MAX_OUTPUT_SIZE`); beyond it: `limit`. */
  maxOutputSize?: number;
}

/**
 * Streaming gzip compressor (synchronous, incremental). `flush()` emits a sync point: all
 * input so far can be decoded by the receiver before the stream ends.
 *
 * @example
 * ```ts
 * import { GzipEncoder, GzipDecoder } from "./deflate.ts";
 * const enc = new GzipEncoder({ level: 6 });
 * const packed = [...enc.write(new TextEncoder().encode("hello hello hello")), ...enc.end()];
 * const dec = new GzipDecoder();
 * const parts = [...packed.flatMap((c) => dec.write(c)), ...dec.end()];
 * console.log(new TextDecoder().decode(parts[0])); // "hello hello hello"
 * ```
 */
export class GzipEncoder extends EngineEncoder {
  /**
   * Creates the stream with the given options.
   *
   * @throws {CompressError} `unsupported` when the runtime lacks gzip or the level is out of range.
   */
  constructor(opts: GzipEncoderOptions = {}) {
    super("gzip", opts.level ?? 6, 0, 9);
  }
}

/**
 * Streaming gzip decompressor with a running output limit. Throws `CompressError` only:
 * `corrupt` (bad or truncated data), `checksum`, or `limit`.
 *
 * @example
 * ```ts
 * import { GzipDecoder, GzipEncoder } from "./deflate.ts";
 * const enc = new GzipEncoder();
 * const packed = [...enc.write(new Uint8Array(1000)), ...enc.end()];
 * const dec = new GzipDecoder({ maxOutputSize: 4096 });
 * let n = 0;
 * for (const c of packed) for (const o of dec.write(c)) n += o.length;
 * for (const o of dec.end()) n += o.length;
 * console.log(n); // 1000
 * ```
 */
export class GzipDecoder extends EngineDecoder {
  /**
   * Creates the stream with the given options.
   *
   * @throws {CompressError} `unsupported` when the runtime lacks gzip.
   */
  constructor(opts: GzipDecoderOptions = {}) {
    super("gzip", opts.maxOutputSize);
  }
}

/** Options of {@link DeflateEncoder}. */
export interface DeflateEncoderOptions {
  /** Native level: 0 (stored) ..9; default 6. */
  level?: number;
}

/** Options of {@link DeflateDecoder}. */
export interface DeflateDecoderOptions {
  /** Ceiling on decompressed bytes (default `DEFAULT_MAX_OUTPUT_SIZE`); beyond it: `limit`. */
  maxOutputSize?: number;
}

/**
 * Streaming zlib-wrapped deflate compressor (synchronous, incremental). `flush()` emits a sync point: all
 * input so far can be decoded by the receiver before the stream ends.
 *
 * @example
 * ```ts
 * import { DeflateEncoder, DeflateDecoder } from "./deflate.ts";
 * const enc = new DeflateEncoder({ level: 6 });
 * const packed = [...enc.write(new TextEncoder().encode("hello hello hello")), ...enc.end()];
 * const dec = new DeflateDecoder();
 * const parts = [...packed.flatMap((c) => dec.write(c)), ...dec.end()];
 * console.log(new TextDecoder().decode(parts[0])); // "hello hello hello"
 * ```
 */
export class DeflateEncoder extends EngineEncoder {
  /**
   * Creates the stream with the given options.
   *
   * @throws {CompressError} `unsupported` when the runtime lacks zlib-wrapped deflate or the level is out of range.
   */
  constructor(opts: DeflateEncoderOptions = {}) {
    super("deflate", opts.level ?? 6, 0, 9);
  }
}

/**
 * Streaming zlib-wrapped deflate decompressor with a running output limit. Throws `CompressError` only:
 * `corrupt` (bad or truncated data), `checksum`, or `limit`.
 *
 * @example
 * ```ts
 * import { DeflateDecoder, DeflateEncoder } from "./deflate.ts";
 * const enc = new DeflateEncoder();
 * const packed = [...enc.write(new Uint8Array(1000)), ...enc.end()];
 * const dec = new DeflateDecoder({ maxOutputSize: 4096 });
 * let n = 0;
 * for (const c of packed) for (const o of dec.write(c)) n += o.length;
 * for (const o of dec.end()) n += o.length;
 * console.log(n); // 1000
 * ```
 */
export class DeflateDecoder extends EngineDecoder {
  /**
   * Creates the stream with the given options.
   *
   * @throws {CompressError} `unsupported` when the runtime lacks zlib-wrapped deflate.
   */
  constructor(opts: DeflateDecoderOptions = {}) {
    super("deflate", opts.maxOutputSize);
  }
}

/** Options of {@link DeflateRawEncoder}. */
export interface DeflateRawEncoderOptions {
  /** Native level: 0 (stored) ..9; default 6. */
  level?: number;
}

/** Options of {@link DeflateRawDecoder}. */
export interface DeflateRawDecoderOptions {
  /** Ceiling on decompressed bytes (default `DEFAULT_MAX_OUTPUT_SIZE`); beyond it: `limit`. */
  maxOutputSize?: number;
}

/**
 * Streaming raw deflate compressor (synchronous, incremental). `flush()` emits a sync point: all
 * input so far can be decoded by the receiver before the stream ends.
 *
 * @example
 * ```ts
 * import { DeflateRawEncoder, DeflateRawDecoder } from "./deflate.ts";
 * const enc = new DeflateRawEncoder({ level: 6 });
 * const packed = [...enc.write(new TextEncoder().encode("hello hello hello")), ...enc.end()];
 * const dec = new DeflateRawDecoder();
 * const parts = [...packed.flatMap((c) => dec.write(c)), ...dec.end()];
 * console.log(new TextDecoder().decode(parts[0])); // "hello hello hello"
 * ```
 */
export class DeflateRawEncoder extends EngineEncoder {
  /**
   * Creates the stream with the given options.
   *
   * @throws {CompressError} `unsupported` when the runtime lacks raw deflate or the level is out of range.
   */
  constructor(opts: DeflateRawEncoderOptions = {}) {
    super("deflate-raw", opts.level ?? 6, 0, 9);
  }
}

/**
 * Streaming raw deflate decompressor with a running output limit. Throws `CompressError` only:
 * `corrupt` (bad or truncated data), `checksum`, or `limit`.
 *
 * @example
 * ```ts
 * import { DeflateRawDecoder, DeflateRawEncoder } from "./deflate.ts";
 * const enc = new DeflateRawEncoder();
 * const packed = [...enc.write(new Uint8Array(1000)), ...enc.end()];
 * const dec = new DeflateRawDecoder({ maxOutputSize: 4096 });
 * let n = 0;
 * for (const c of packed) for (const o of dec.write(c)) n += o.length;
 * for (const o of dec.end()) n += o.length;
 * console.log(n); // 1000
 * ```
 */
export class DeflateRawDecoder extends EngineDecoder {
  /**
   * Creates the stream with the given options.
   *
   * @throws {CompressError} `unsupported` when the runtime lacks raw deflate.
   */
  constructor(opts: DeflateRawDecoderOptions = {}) {
    super("deflate-raw", opts.maxOutputSize);
  }
}
