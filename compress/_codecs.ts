/**
 * One table of codecs behind the public API: for each {@link Algorithm}, how to compress and
 * decompress in one shot and how to open a streaming encoder or decoder.
 *
 * @module
 */

import { CompressError, DEFAULT_MAX_OUTPUT_SIZE } from "./errors.ts";
import { Algorithm, type StreamDecoder, type StreamEncoder } from "./types.ts";
import { compressFrame, decompressFrame, Lz4FrameDecoder, Lz4FrameEncoder } from "./lz4/mod.ts";
import { decompressBlock } from "./lz4/block_decode.ts";
import { compressBlock } from "./lz4/block_encode.ts";
import {
  compressFramed,
  compressRaw,
  decompressFramed,
  decompressRaw,
  SnappyFrameDecoder,
  SnappyFrameEncoder,
} from "./snappy/mod.ts";
import { concatChunks } from "./concat.ts";
import { engineAvailable, type EngineFormat, ZlibEngine } from "./platform/_engine.ts";
import { BrotliStreamDecoder, decompressBrotli } from "./brotli/mod.ts";
import { compressColumnar } from "./columnar/encode.ts";
import { decompressColumnar } from "./columnar/decode.ts";
import { compressAuto, decompressAutoFrame } from "./auto/compress_auto.ts";
import { decompressZstd, ZstdFrameDecoder } from "./zstd/mod.ts";
import {
  webCodecAvailable,
  webCompress,
  webDecompress,
  webDecompressTransform,
  type WebFormat,
} from "./platform/web.ts";

/** Decompression settings after defaults. */
export interface DecodeSettings {
  maxOutputSize: number;
  decompressedSize?: number;
}

/** What the API needs from each algorithm. */
export interface Codec {
  /** Can this runtime run it at all (sync or async)? */
  available(): boolean;
  /** Can it run synchronously here? */
  sync(): boolean;
  /** Can it decompress (synchronously) even where `sync()` is false? Default: no. */
  decodeAnywhere?: boolean;
  compress(data: Uint8Array, level: number): Uint8Array;
  decompress(data: Uint8Array, s: DecodeSettings): Uint8Array;
  /** `pledgedSize`: the exact total input, when known (sizes zstd/brotli to it). */
  encoder(level: number, pledgedSize?: number): StreamEncoder;
  decoder(maxOutputSize: number): StreamDecoder;
  /** Async-only fallback (web streams) used when `sync()` is false. */
  web?: {
    compress(data: Uint8Array): Promise<Uint8Array>;
    decompress(data: Uint8Array, maxOutputSize: number): Promise<Uint8Array>;
    transform(): TransformStream<Uint8Array, Uint8Array>;
    decompressTransform(maxOutputSize: number): TransformStream<Uint8Array, Uint8Array>;
  };
}

function always(): boolean {
  return true;
}

function noStreaming(algorithm: Algorithm): () => never {
  return () => {
    throw new CompressError(
      "unsupported",
      `${algorithm} has no streaming form; use ${
        algorithm === Algorithm.Lz4Block ? Algorithm.Lz4 : Algorithm.Snappy
      }`,
    );
  };
}

/**
 * The algorithms with a streaming form: the frame formats and the platform codecs. Raw blocks,
 * columnar and auto frames are one-shot only.
 *
 * @example
 * ```ts
 * import { STREAMING } from "./_codecs.ts";
 * console.log(STREAMING.includes("lz4"), STREAMING.includes("lz4-block")); // true false
 * ```
 */
export const STREAMING: readonly Algorithm[] = [
  Algorithm.Lz4,
  Algorithm.Snappy,
  Algorithm.Zstd,
  Algorithm.Brotli,
  Algorithm.Gzip,
  Algorithm.Deflate,
  Algorithm.DeflateRaw,
];

/** Columnar and Auto frames are built from the whole input (sampling, checksum). */
function oneShotOnly(algorithm: Algorithm): () => never {
  return () => {
    throw new CompressError(
      "unsupported",
      `${algorithm} has no streaming form: compress the whole input (compress/compressSync)`,
    );
  };
}

/**
 * Input slice size for the native codecs. The one-shot paths (sync and async) feed input in
 * slices of this size, so both produce the same bytes.
 */
export const PLATFORM_SLICE = 1024 * 1024;

/** Runs a whole input through a native engine, in {@link PLATFORM_SLICE} slices. */
function engineOneShot(engine: ZlibEngine, data: Uint8Array): Uint8Array {
  try {
    const out: Uint8Array[] = [];
    for (let off = 0; off < data.length; off += PLATFORM_SLICE) {
      out.push(...engine.write(data.subarray(off, off + PLATFORM_SLICE)));
    }
    out.push(...engine.end());
    return concatChunks(out);
  } finally {
    engine.close();
  }
}

function platform(format: EngineFormat): Codec {
  const webFormat: WebFormat | null = format === "gzip" || format === "deflate" ||
      format === "deflate-raw"
    ? format
    : null;
  const web = webFormat === null ? undefined : {
    compress: (data: Uint8Array) => webCompress(data, webFormat),
    decompress: (data: Uint8Array, max: number) => webDecompress(data, webFormat, max),
    transform: () => new CompressionStream(webFormat) as TransformStream<Uint8Array, Uint8Array>,
    decompressTransform: (max: number) => webDecompressTransform(webFormat, max),
  };
  return {
    web,
    available: () =>
      engineAvailable(format) || (webFormat !== null && webCodecAvailable(webFormat)),
    sync: () => engineAvailable(format),
    compress: (data, level) =>
      engineOneShot(new ZlibEngine(format, false, { level, pledgedSize: data.length }), data),
    decompress: (data, s) =>
      engineOneShot(new ZlibEngine(format, true, { maxOutputSize: s.maxOutputSize }), data),
    encoder: (level, pledgedSize) => new ZlibEngine(format, false, { level, pledgedSize }),
    decoder: (maxOutputSize) => new ZlibEngine(format, true, { maxOutputSize }),
  };
}

/**
 * zstd through `node:zlib` where the runtime has it; without it (browsers, Workers without
 * `nodejs_compat`) decoding runs on the pure-TypeScript decoder of `compress/zstd/`.
 */
function zstdCodec(): Codec {
  const native = platform("zstd");
  return {
    ...native,
    decodeAnywhere: true,
    decompress: (data, s) =>
      engineAvailable("zstd")
        ? native.decompress(data, s)
        : decompressZstd(data, { maxOutputSize: s.maxOutputSize }),
    decoder: (maxOutputSize) =>
      engineAvailable("zstd")
        ? native.decoder(maxOutputSize)
        : new ZstdFrameDecoder({ maxOutputSize }),
  };
}

/**
 * Built on first use, not on import: a module-level call would keep every codec in the bundle of
 * a program that imports only a type or an error class from the package (bundlers cannot drop
 * top-level calls).
 */
function buildCodecs(): Record<Algorithm, Codec> {
  return {
    [Algorithm.Lz4]: {
      available: always,
      sync: always,
      compress: (data, level) => compressFrame(data, { level }),
      decompress: (data, s) => decompressFrame(data, { maxOutputSize: s.maxOutputSize }),
      encoder: (level) => new Lz4FrameEncoder({ level }),
      decoder: (maxOutputSize) => new Lz4FrameDecoder({ maxOutputSize }),
    },
    [Algorithm.Lz4Block]: {
      available: always,
      sync: always,
      compress: (data, level) => compressBlock(data, { level }),
      decompress: (data, s) => {
        const size = s.decompressedSize;
        if (size === undefined) {
          throw new CompressError(
            "unsupported",
            "lz4-block carries no length: pass opts.decompressedSize (exact or an upper bound)",
          );
        }
        if (!Number.isSafeInteger(size) || size < 0) {
          throw new CompressError("unsupported", "decompressedSize must be a non-negative integer");
        }
        return decompressBlock(data, size, { maxOutputSize: s.maxOutputSize });
      },
      encoder: noStreaming(Algorithm.Lz4Block),
      decoder: noStreaming(Algorithm.Lz4Block),
    },
    [Algorithm.Snappy]: {
      available: always,
      sync: always,
      compress: (data) => compressFramed(data),
      decompress: (data, s) => decompressFramed(data, { maxOutputSize: s.maxOutputSize }),
      encoder: () => new SnappyFrameEncoder(),
      decoder: (maxOutputSize) => new SnappyFrameDecoder({ maxOutputSize }),
    },
    [Algorithm.SnappyRaw]: {
      available: always,
      sync: always,
      compress: (data) => compressRaw(data),
      decompress: (data, s) => decompressRaw(data, { maxOutputSize: s.maxOutputSize }),
      encoder: noStreaming(Algorithm.SnappyRaw),
      decoder: noStreaming(Algorithm.SnappyRaw),
    },
    [Algorithm.Zstd]: zstdCodec(),
    // Brotli decodes through the TypeScript decoder: Deno's node:zlib one leaks native memory on
    // hostile input, and DecompressionStream cannot bound a chunk's output. Encoding stays native.
    [Algorithm.Brotli]: {
      ...platform("br"),
      decodeAnywhere: true,
      decompress: (data, s) => decompressBrotli(data, { maxOutputSize: s.maxOutputSize }),
      decoder: (maxOutputSize) => new BrotliStreamDecoder({ maxOutputSize }),
    },
    [Algorithm.Gzip]: platform("gzip"),
    [Algorithm.Deflate]: platform("deflate"),
    [Algorithm.DeflateRaw]: platform("deflate-raw"),
    [Algorithm.Columnar]: {
      available: always,
      sync: always,
      // Without an element type (the table only knows levels) the input is taken as bytes;
      // compress()/compressSync() pass `elementType` through.
      compress: (data, level) => compressColumnar(data, { elementType: "u8", level }),
      decompress: (data, s) => decompressColumnar(data, { maxOutputSize: s.maxOutputSize }),
      encoder: oneShotOnly(Algorithm.Columnar),
      decoder: oneShotOnly(Algorithm.Columnar),
    },
    [Algorithm.Auto]: {
      available: always,
      sync: always,
      compress: (data, level) => compressAuto(data, { level }).data,
      decompress: (data, s) => decompressAutoFrame(data, s.maxOutputSize),
      encoder: oneShotOnly(Algorithm.Auto),
      decoder: oneShotOnly(Algorithm.Auto),
    },
  };
}

let codecs: Record<Algorithm, Codec> | undefined;

/** The codec for `algorithm` (the caller has validated the name). */
export function codecFor(algorithm: Algorithm): Codec {
  codecs ??= buildCodecs();
  return codecs[algorithm];
}

/** Applies defaults and checks the limit option. */
export function decodeSettings(
  opts: { maxOutputSize?: number; decompressedSize?: number } | undefined,
): DecodeSettings {
  const max = opts?.maxOutputSize ?? DEFAULT_MAX_OUTPUT_SIZE;
  if (typeof max !== "number" || !(max >= 0) || !Number.isFinite(max)) {
    throw new CompressError("unsupported", "maxOutputSize must be a non-negative finite number");
  }
  return { maxOutputSize: Math.floor(max), decompressedSize: opts?.decompressedSize };
}
