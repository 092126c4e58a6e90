/**
 * Names shared by every codec: algorithms and levels.
 *
 * @module
 */

/**
 * Every algorithm the `compress/` API knows.
 *
 * @example
 * ```ts
 * import { Algorithm } from "@avila/compress";
 * console.log(Algorithm.Zstd); // "zstd"
 * ```
 */
export const Algorithm = {
  /** LZ4 frame format (magic 0x184D2204), pure TypeScript. */
  Lz4: "lz4",
  /** LZ4 raw block format, no framing (caller keeps the decompressed size). */
  Lz4Block: "lz4-block",
  /** Snappy framing format (`x-snappy-framed`), pure TypeScript. */
  Snappy: "snappy",
  /** Snappy raw format (varint length + elements), pure TypeScript. */
  SnappyRaw: "snappy-raw",
  /** Zstandard frames, via the runtime's `node:zlib`. */
  Zstd: "zstd",
  /** Brotli, via the runtime's `node:zlib` or `CompressionStream`. */
  Brotli: "br",
  /** gzip (RFC 1952). */
  Gzip: "gzip",
  /** zlib-wrapped deflate (RFC 1950), HTTP's `deflate`. */
  Deflate: "deflate",
  /** raw deflate (RFC 1951). */
  DeflateRaw: "deflate-raw",
  /**
   * Self-describing frames for arrays of numbers (little-endian elements of a declared type):
   * delta, XOR, decimal and byte-shuffle transforms chosen by sampling, then LZ4 or zstd when
   * that still pays. Lossless, bit-exact. One-shot only (no streaming form).
   */
  Columnar: "columnar",
  /**
   * Samples the input and picks the codec, level and transforms (columnar for numbers, zstd or
   * LZ4 for text by speed budget, stored for incompressible data). Self-describing frames.
   */
  Auto: "auto",
} as const;

/** One of the {@link Algorithm} values. */
export type Algorithm = typeof Algorithm[keyof typeof Algorithm];

/**
 * Portable compression levels; each codec maps them to its own scale. A plain number is passed
 * to the codec as its native level (for LZ4, the `lz4` tool's scale: negative values are
 * `--fast=N` acceleration, 1 is the default fast mode, 3..12 the high-compression mode).
 *
 * @example
 * ```ts
 * import { Level } from "@avila/compress";
 * console.log(Level.Max); // "max"
 * ```
 */
export const Level = {
  /** Fastest useful setting. */
  Fast: "fast",
  /** The codec's usual default: a good ratio at high speed. */
  Balanced: "balanced",
  /** Best ratio the codec offers at a tolerable speed. */
  Max: "max",
} as const;

/** A {@link Level} name or a codec-native numeric level. */
export type Level = typeof Level[keyof typeof Level] | number;

/**
 * An incremental encoder: feed input chunks, receive output chunks. Implemented by every codec
 * that streams (LZ4 frame, Snappy framing, and the platform codecs through the API).
 *
 * @example
 * ```ts
 * import type { StreamEncoder } from "@avila/compress";
 * function drain(enc: StreamEncoder, input: Uint8Array): Uint8Array[] {
 *   return [...enc.write(input), ...enc.end()];
 * }
 * ```
 */
export interface StreamEncoder {
  /** Consumes a chunk (the encoder may keep a reference until its next call); returns output. */
  write(chunk: Uint8Array): Uint8Array[];
  /** Emits everything buffered so far as independently decodable output (a block boundary). */
  flush(): Uint8Array[];
  /** Ends the stream: flushes, then writes the end mark and any trailing checksum. */
  end(): Uint8Array[];
}

/**
 * An incremental decoder, the mirror of {@link StreamEncoder}. Throws `CompressError` only.
 *
 * @example
 * ```ts
 * import type { StreamDecoder } from "@avila/compress";
 * function drain(dec: StreamDecoder, input: Uint8Array): Uint8Array[] {
 *   return [...dec.write(input), ...dec.end()];
 * }
 * ```
 */
export interface StreamDecoder {
  /** Consumes a chunk of encoded input; returns whatever output it completes. */
  write(chunk: Uint8Array): Uint8Array[];
  /** Signals the end of input; throws `corrupt` when the stream stopped mid-frame. */
  end(): Uint8Array[];
}

/**
 * What the one-shot functions and the streams accept as input: any `BufferSource`, as
 * `CompressionStream` and `node:zlib` do (a `Uint8Array`, another typed array, a `DataView`, an
 * `ArrayBuffer`). It is read in place, never copied.
 *
 * @example
 * ```ts
 * import { Algorithm, compressSync, type BytesLike } from "@avila/compress";
 * const input: BytesLike = new Float64Array([1, 2, 3]).buffer;
 * console.log(compressSync(input, Algorithm.Lz4).length > 0); // true
 * ```
 */
export type BytesLike = ArrayBufferLike | ArrayBufferView;
