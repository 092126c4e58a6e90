/**
 * Content codings, their algorithms, the options of the compression middleware and the default
 * compressibility test.
 *
 * @module
 */

import { Algorithm } from "@avila/compress";

/** A content coding this middleware speaks. */
export type ContentCoding = "zstd" | "br" | "gzip" | "deflate" | "lz4" | "x-snappy-framed";

/** The algorithm behind each HTTP content coding (`deflate` is the zlib format, RFC 9110 §8.4.1.2). */
export const CODING_ALGORITHM: Readonly<Record<ContentCoding, Algorithm>> = {
  zstd: Algorithm.Zstd,
  br: Algorithm.Brotli,
  gzip: Algorithm.Gzip,
  deflate: Algorithm.Deflate,
  lz4: Algorithm.Lz4,
  "x-snappy-framed": Algorithm.Snappy,
};

/** Options; every field has a default. */
export interface CompressionOptions {
  /**
   * Codings offered, in the server's order of preference; limited at start-up to what the
   * runtime can encode. Default `["zstd", "br", "gzip", "deflate", "lz4", "x-snappy-framed"]`.
   */
  encodings?: readonly ContentCoding[];
  /** Codings used only when the client names them (not through `*`); default lz4, x-snappy-framed. */
  optIn?: readonly ContentCoding[];
  /** Smallest body compressed, in bytes; default 1024. */
  threshold?: number;
  /**
   * Level per coding (the codec's native scale). Defaults favour dynamic responses: zstd 1, br 4,
   * gzip 6, deflate 6, lz4 1 (zstd 1 is both faster than and, on JSON API rows, smaller than 3).
   */
  levels?: Partial<Record<ContentCoding, number>>;
  /** Bodies at least this large use `largeBodyLevels`; default 4 MiB. */
  largeBodyBytes?: number;
  /** Faster levels for large bodies. Defaults: zstd 1, br 1, gzip 1, deflate 1, lz4 -1. */
  largeBodyLevels?: Partial<Record<ContentCoding, number>>;
  /** Whether a media type is worth compressing; default: text, JSON, XML, JS, CSV, NDJSON, wasm, Arrow without IPC compression. */
  compressible?: (contentType: string) => boolean;
  /** A stream that pauses this long (ms) has its encoder flushed; default 10. */
  flushDelayMs?: number;
  /** Decode request bodies (`Content-Encoding`); default true. */
  decodeRequests?: boolean;
  /**
   * Largest decoded request body in bytes (413 problem, code `body_too_large`, past it);
   * default 10 MiB. Under `Server.withCompression`, the server's `bodyLimit` caps it. The same
   * name as the decoded-size limit of `@avila/compress` and `@avila/arrow`.
   */
  maxOutputSize?: number;
  /**
   * Old name of `maxOutputSize` (used when `maxOutputSize` is not given).
   *
   * @deprecated Use `maxOutputSize`; this alias goes away in the next release.
   */
  maxDecodedBytes?: number;
  /**
   * Largest decoded/encoded ratio once past 1 MiB decoded (413 problem, code
   * `body_too_large`, past it); default 100.
   */
  maxRatio?: number;
}

/** The default order of preference. */
export const DEFAULT_ORDER: readonly ContentCoding[] = [
  "zstd",
  "br",
  "gzip",
  "deflate",
  "lz4",
  "x-snappy-framed",
];
/** Default level per coding. */
export const DEFAULT_LEVELS: Record<ContentCoding, number> = {
  zstd: 1,
  br: 4,
  gzip: 6,
  deflate: 6,
  lz4: 1,
  "x-snappy-framed": 0,
};
/** Default level per coding for large bodies. */
export const LARGE_LEVELS: Record<ContentCoding, number> = {
  zstd: 1,
  br: 1,
  gzip: 1,
  deflate: 1,
  lz4: -1,
  "x-snappy-framed": 0,
};
/** Statuses whose responses carry no content to code. */
export const NO_BODY_STATUS = new Set([101, 204, 205, 206, 304]);

const COMPRESSIBLE =
  /^(text\/(?!event-stream)|application\/(json|[a-z0-9.+-]*\+json|javascript|ecmascript|xml|[a-z0-9.+-]*\+xml|x-ndjson|ndjson|csv|wasm|graphql|x-www-form-urlencoded|vnd\.apache\.arrow\.(stream|file)|problem\+json)|image\/svg\+xml|font\/(ttf|otf))/i;

/**
 * The default compressibility test. Arrow IPC that already carries body compression
 * (`codecs=` parameter) is not compressed again.
 *
 * @example
 * ```ts
 * import { isCompressible } from "./options.ts";
 * console.log(isCompressible("application/json"), isCompressible("image/png")); // true false
 * ```
 */
export function isCompressible(contentType: string): boolean {
  if (/^application\/vnd\.apache\.arrow\./i.test(contentType) && /codecs\s*=/i.test(contentType)) {
    return false;
  }
  return COMPRESSIBLE.test(contentType);
}
