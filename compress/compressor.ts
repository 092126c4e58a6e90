/**
 * A configured codec: `Compressor.new(Algorithm.Zstd).level(Level.Balanced).build()`, with
 * one-shot, streaming and web-stream entry points that all share its settings.
 *
 * @module
 */

import { codecFor } from "./_codecs.ts";
import { assertAlgorithm, nativeLevel } from "./_levels.ts";
import { compress, compressSync, decompress, decompressSync } from "./compress.ts";
import { CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "./errors.ts";
import {
  decoderTransform,
  encoderTransform,
  type EncoderTransformOptions,
  pipeCoded,
} from "./stream.ts";
import { type Algorithm, Level, type StreamDecoder, type StreamEncoder } from "./types.ts";

/**
 * Builds a {@link Compressor}; obtained from {@link Compressor.new}.
 *
 * @example
 * ```ts
 * import { Algorithm, Compressor, Level } from "@avila/avx-http/compress";
 * const c = Compressor.new(Algorithm.Brotli).level(Level.Fast).maxOutputSize(1 << 20).build();
 * console.log(c.algorithm); // "br"
 * ```
 */
export class CompressorBuilder {
  #algorithm: Algorithm;
  #level: Level = Level.Balanced;
  #max: number = DEFAULT_MAX_OUTPUT_SIZE;

  /** Prefer {@link Compressor.new}. */
  constructor(algorithm: Algorithm) {
    assertAlgorithm(algorithm);
    this.#algorithm = algorithm;
  }

  /** Compression level: a {@link Level} name or the codec's native number. */
  level(level: Level): this {
    this.#level = level;
    return this;
  }

  /** Ceiling on decompressed bytes (default 256 MiB). */
  maxOutputSize(bytes: number): this {
    if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes < 0) {
      throw new CompressError("limit", "maxOutputSize must be a non-negative finite number");
    }
    this.#max = Math.floor(bytes);
    return this;
  }

  /**
   * Validates the settings and returns the compressor.
   *
   * @throws {CompressError} `unsupported` for a bad level or an algorithm this runtime lacks
   */
  build(): Compressor {
    const native = nativeLevel(this.#algorithm, this.#level);
    if (!codecFor(this.#algorithm).available()) {
      throw new CompressError("unsupported", `${this.#algorithm} is not available in this runtime`);
    }
    return new Compressor(this.#algorithm, this.#level, native, this.#max);
  }
}

/**
 * One algorithm with fixed settings. Immutable and reusable; every `encoder()`, `decoder()`
 * and transform is a fresh, independent session.
 *
 * @example
 * ```ts
 * import { Algorithm, Compressor, Level } from "@avila/avx-http/compress";
 * const zstd = Compressor.new(Algorithm.Zstd).level(Level.Balanced).maxOutputSize(1 << 20).build();
 * const packed = await zstd.compress(new TextEncoder().encode("row,row,row,row"));
 * console.log(new TextDecoder().decode(await zstd.decompress(packed))); // "row,row,row,row"
 * ```
 */
export class Compressor {
  /** The algorithm. */
  readonly algorithm: Algorithm;
  /** The level as configured. */
  readonly level: Level;
  /** The codec-native level it maps to. */
  readonly nativeLevel: number;
  /** Ceiling on decompressed bytes. */
  readonly maxOutputSize: number;

  /**
   * Starts building a compressor for `algorithm`.
   *
   * @example
   * ```ts
   * import { Algorithm, Compressor } from "@avila/avx-http/compress";
   * const lz4 = Compressor.new(Algorithm.Lz4).build();
   * console.log(lz4.nativeLevel); // 1
   * ```
   */
  static new(algorithm: Algorithm): CompressorBuilder {
    return new CompressorBuilder(algorithm);
  }

  /** Prefer {@link Compressor.new}; the arguments are assumed validated. */
  constructor(algorithm: Algorithm, level: Level, nativeLevel: number, maxOutputSize: number) {
    this.algorithm = algorithm;
    this.level = level;
    this.nativeLevel = nativeLevel;
    this.maxOutputSize = maxOutputSize;
  }

  /** Compresses `data` (see `compress`). */
  compress(data: Uint8Array): Promise<Uint8Array> {
    return compress(data, this.algorithm, { level: this.level });
  }

  /** Decompresses `data` within `maxOutputSize` (see `decompress`). */
  decompress(data: Uint8Array, opts: { decompressedSize?: number } = {}): Promise<Uint8Array> {
    return decompress(data, this.algorithm, {
      maxOutputSize: this.maxOutputSize,
      decompressedSize: opts.decompressedSize,
    });
  }

  /** Synchronous {@link Compressor.compress}. */
  compressSync(data: Uint8Array): Uint8Array {
    return compressSync(data, this.algorithm, { level: this.level });
  }

  /** Synchronous {@link Compressor.decompress}. */
  decompressSync(data: Uint8Array, opts: { decompressedSize?: number } = {}): Uint8Array {
    return decompressSync(data, this.algorithm, {
      maxOutputSize: this.maxOutputSize,
      decompressedSize: opts.decompressedSize,
    });
  }

  /**
   * A new incremental encoder. `flush()` makes everything written so far decodable by the
   * receiver (an LZ4/Snappy block boundary, zlib `Z_SYNC_FLUSH`, zstd `ZSTD_e_flush`, brotli
   * `BROTLI_OPERATION_FLUSH`): what HTTP needs to push each server-sent event.
   *
   * @throws {CompressError} `unsupported` for `lz4-block` and `snappy-raw` (no stream form)
   */
  encoder(): StreamEncoder {
    return codecFor(this.algorithm).encoder(this.nativeLevel);
  }

  /** A new incremental decoder bounded by `maxOutputSize`. */
  decoder(): StreamDecoder {
    return codecFor(this.algorithm).decoder(this.maxOutputSize);
  }

  /** A compressing `TransformStream` (see `encoderTransform` for `flushEachChunk`). */
  transform(opts?: EncoderTransformOptions): TransformStream<Uint8Array, Uint8Array> {
    const codec = codecFor(this.algorithm);
    if (!codec.sync() && codec.web && !opts?.flushEachChunk) return codec.web.transform();
    return encoderTransform(this.encoder(), opts);
  }

  /** A decompressing `TransformStream`, enforcing `maxOutputSize` as data flows. */
  decompressTransform(): TransformStream<Uint8Array, Uint8Array> {
    const codec = codecFor(this.algorithm);
    if (!codec.sync() && codec.web) return codec.web.decompressTransform(this.maxOutputSize);
    return decoderTransform(this.decoder());
  }

  /** Compresses `readable` into `writable`; resolves when done, rejects on the first error. */
  compressStream(
    readable: ReadableStream<Uint8Array>,
    writable: WritableStream<Uint8Array>,
  ): Promise<void> {
    return pipeCoded(readable, this.transform(), writable);
  }

  /** Decompresses `readable` into `writable`; codec failures reject with `CompressError`. */
  decompressStream(
    readable: ReadableStream<Uint8Array>,
    writable: WritableStream<Uint8Array>,
  ): Promise<void> {
    return pipeCoded(readable, this.decompressTransform(), writable);
  }
}
