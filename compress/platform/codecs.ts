/**
 * The runtime's codecs as streams: Zstandard (RFC 8878), Brotli (RFC 7932), gzip (RFC 1952),
 * zlib-wrapped deflate (RFC 1950, HTTP's `deflate`) and raw deflate (RFC 1951) through
 * `node:zlib`, one encoder class and one decoder class for all five formats.
 *
 * Each class owns one `ZlibEngine` session (composition, no shared base class); what differs
 * between formats is data: the native level's default and range (`LEVELS`). Format notes: zstd
 * accepts concatenated and skippable frames and writes a content checksum; gzip accepts
 * concatenated members and trailing zero padding; Brotli has no magic number, so `detect()` cannot
 * recognise it. In every format a truncated stream, or bytes after its end, are `corrupt`.
 *
 * @module
 */

import { CompressError } from "../errors.ts";
import type { StreamDecoder, StreamEncoder } from "../types.ts";
import { type EngineFormat, ZlibEngine } from "./_engine.ts";

/**
 * A format of the runtime's codecs: `"zstd"`, `"br"` (Brotli), `"gzip"`, `"deflate"`
 * (zlib-wrapped) or `"deflate-raw"`.
 *
 * @example
 * ```ts
 * import type { PlatformFormat } from "./codecs.ts";
 * const f: PlatformFormat = "gzip";
 * console.log(f); // "gzip"
 * ```
 */
export type PlatformFormat = EngineFormat;

/** Each format's native level: default and inclusive range. */
const LEVELS: Record<PlatformFormat, [dflt: number, lo: number, hi: number]> = {
  zstd: [3, -131072, 22],
  br: [5, 0, 11],
  gzip: [6, 0, 9],
  deflate: [6, 0, 9],
  "deflate-raw": [6, 0, 9],
};

/** The level range of `format`; `unsupported` for a name that is not a platform format. */
function levelRange(format: PlatformFormat): [number, number, number] {
  if (!Object.hasOwn(LEVELS, format)) {
    throw new CompressError("unsupported", `${String(format)} is not a platform format`);
  }
  return LEVELS[format];
}

/**
 * Options of {@link PlatformEncoder}.
 *
 * @example
 * ```ts
 * import type { PlatformEncoderOptions } from "./codecs.ts";
 * const opts: PlatformEncoderOptions = { level: 19 };
 * console.log(opts.level); // 19
 * ```
 */
export interface PlatformEncoderOptions {
  /**
   * The format's native level. zstd: 1..22, negative levels are faster modes down to -131072,
   * default 3. Brotli: 0..11, default 5. gzip, deflate, raw deflate: 0 (stored) ..9, default 6.
   */
  level?: number;
}

/**
 * Options of {@link PlatformDecoder}.
 *
 * @example
 * ```ts
 * import type { PlatformDecoderOptions } from "./codecs.ts";
 * const opts: PlatformDecoderOptions = { maxOutputSize: 1 << 20 };
 * console.log(opts.maxOutputSize); // 1048576
 * ```
 */
export interface PlatformDecoderOptions {
  /** Ceiling on decompressed bytes (default `DEFAULT_MAX_OUTPUT_SIZE`); beyond it: `limit`. */
  maxOutputSize?: number;
}

/**
 * Streaming compressor over the runtime's codec for `format` (synchronous, incremental).
 * `flush()` emits a sync point: all input so far can be decoded by the receiver before the stream
 * ends.
 *
 * @example
 * ```ts
 * import { PlatformDecoder, PlatformEncoder } from "./codecs.ts";
 * const enc = new PlatformEncoder("zstd", { level: 3 });
 * const packed = [...enc.write(new TextEncoder().encode("hello hello hello")), ...enc.end()];
 * const dec = new PlatformDecoder("zstd");
 * const parts = [...packed.flatMap((c) => dec.write(c)), ...dec.end()];
 * console.log(new TextDecoder().decode(parts[0])); // "hello hello hello"
 * ```
 */
export class PlatformEncoder implements StreamEncoder {
  /** The format this stream writes. */
  readonly format: PlatformFormat;
  #engine: ZlibEngine;

  /**
   * Opens the native compressor.
   *
   * @throws {CompressError} `unsupported` when the runtime lacks the format or the level is
   * outside the format's range.
   */
  constructor(format: PlatformFormat, opts: PlatformEncoderOptions = {}) {
    const [dflt, lo, hi] = levelRange(format);
    const level = opts.level ?? dflt;
    if (!Number.isInteger(level) || level < lo || level > hi) {
      throw new CompressError("unsupported", `${format}: level ${level} is outside ${lo}..${hi}`);
    }
    this.format = format;
    this.#engine = new ZlibEngine(format, false, { level });
  }

  /** Compresses a chunk; returns whatever output is ready. */
  write(chunk: Uint8Array): Uint8Array[] {
    return this.#engine.write(chunk);
  }

  /** Emits all pending output as a decodable sync point. */
  flush(): Uint8Array[] {
    return this.#engine.flush();
  }

  /** Finishes the stream and releases the native codec. */
  end(): Uint8Array[] {
    return this.#engine.end();
  }

  /** Releases the native codec without finishing (a cancelled stream). */
  close(): void {
    this.#engine.close();
  }
}

/**
 * Streaming decompressor over the runtime's codec for `format`, with a running output limit.
 * Throws `CompressError` only: `corrupt` (bad or truncated data), `checksum`, or `limit`.
 *
 * @example
 * ```ts
 * import { PlatformDecoder, PlatformEncoder } from "./codecs.ts";
 * const enc = new PlatformEncoder("gzip");
 * const packed = [...enc.write(new Uint8Array(1000)), ...enc.end()];
 * const dec = new PlatformDecoder("gzip", { maxOutputSize: 4096 });
 * let n = 0;
 * for (const c of packed) for (const o of dec.write(c)) n += o.length;
 * for (const o of dec.end()) n += o.length;
 * console.log(n); // 1000
 * ```
 */
export class PlatformDecoder implements StreamDecoder {
  /** The format this stream reads. */
  readonly format: PlatformFormat;
  #engine: ZlibEngine;

  /**
   * Opens the native decompressor.
   *
   * @throws {CompressError} `unsupported` when the runtime lacks the format or `maxOutputSize`
   * is negative.
   */
  constructor(format: PlatformFormat, opts: PlatformDecoderOptions = {}) {
    levelRange(format);
    this.format = format;
    this.#engine = new ZlibEngine(format, true, { maxOutputSize: opts.maxOutputSize });
  }

  /** Decompresses a chunk; returns the output it completes. */
  write(chunk: Uint8Array): Uint8Array[] {
    return this.#engine.write(chunk);
  }

  /** Ends the input; throws `corrupt` when the stream is incomplete. */
  end(): Uint8Array[] {
    return this.#engine.end();
  }

  /** Releases the native codec without finishing (a cancelled stream). */
  close(): void {
    this.#engine.close();
  }
}
