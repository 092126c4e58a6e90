/**
 * The platform codecs: zstd, brotli, gzip, deflate and raw deflate through the runtime's
 * `node:zlib`, as synchronous streaming encoders and decoders with output limits and
 * `CompressError`s. Most code uses them through `compress()` / `Compressor` instead.
 *
 * @example
 * ```ts
 * import { ZstdDecoder, ZstdEncoder } from "./mod.ts";
 * const enc = new ZstdEncoder({ level: 3 });
 * const packed = [...enc.write(new Uint8Array(100)), ...enc.end()];
 * const dec = new ZstdDecoder({ maxOutputSize: 1000 });
 * console.log([...packed.flatMap((c) => dec.write(c)), ...dec.end()].length > 0); // true
 * ```
 *
 * @module
 */

export {
  ZstdDecoder,
  type ZstdDecoderOptions,
  ZstdEncoder,
  type ZstdEncoderOptions,
} from "./zstd.ts";
export {
  BrotliDecoder,
  type BrotliDecoderOptions,
  BrotliEncoder,
  type BrotliEncoderOptions,
} from "./brotli.ts";
export {
  DeflateDecoder,
  type DeflateDecoderOptions,
  DeflateEncoder,
  type DeflateEncoderOptions,
  DeflateRawDecoder,
  type DeflateRawDecoderOptions,
  DeflateRawEncoder,
  type DeflateRawEncoderOptions,
  GzipDecoder,
  type GzipDecoderOptions,
  GzipEncoder,
  type GzipEncoderOptions,
} from "./deflate.ts";
export {
  WEB_INPUT_SLICE,
  webCodecAvailable,
  webCompress,
  webDecompress,
  webDecompressTransform,
  type WebFormat,
} from "./web.ts";
