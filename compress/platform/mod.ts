/**
 * The platform codecs: zstd, brotli, gzip, deflate and raw deflate through the runtime's
 * `node:zlib`, as synchronous streaming encoders and decoders with output limits and
 * `CompressError`s. Most code uses them through `compress()` / `Compressor` instead.
 *
 * @example
 * ```ts
 * import { PlatformDecoder, PlatformEncoder } from "./mod.ts";
 * const enc = new PlatformEncoder("zstd", { level: 3 });
 * const packed = [...enc.write(new Uint8Array(100)), ...enc.end()];
 * const dec = new PlatformDecoder("zstd", { maxOutputSize: 1000 });
 * console.log([...packed.flatMap((c) => dec.write(c)), ...dec.end()].length > 0); // true
 * ```
 *
 * @module
 */

export {
  PlatformDecoder,
  type PlatformDecoderOptions,
  PlatformEncoder,
  type PlatformEncoderOptions,
  type PlatformFormat,
} from "./codecs.ts";
export {
  WEB_INPUT_SLICE,
  webCodecAvailable,
  webCompress,
  webDecompress,
  webDecompressTransform,
  type WebFormat,
} from "./web.ts";
