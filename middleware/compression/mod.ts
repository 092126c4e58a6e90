/**
 * HTTP content coding with zstd, br, gzip, deflate, lz4 and x-snappy-framed, for responses and
 * request bodies, on avx-http's own compression library.
 *
 * Responses: `Accept-Encoding` is negotiated (RFC 9110 §12.5.3); bodies under the threshold,
 * already-encoded bodies, 204/206/304, HEAD, `Cache-Control: no-transform` and incompressible
 * types pass untouched. Bodies built with `c.json`/`c.text`/`c.body`/`c.html` are compressed in
 * one shot with an exact `Content-Length`; streams are compressed as they flow, flushed when the
 * source pauses (and after every event for SSE) so nothing stalls.
 *
 * Requests: `Content-Encoding` is decoded before the handler reads the body, with a decoded-size
 * limit (413) and a ratio limit against decompression bombs; unknown codings get 415 with an
 * `Accept-Encoding` header listing what the server decodes (RFC 9110 §15.5.16).
 *
 * @module
 */

export { compression, type RouteCompression, routeCompression } from "./compression.ts";
export { type AcceptedCoding, negotiateEncoding, parseAcceptEncoding } from "./negotiate.ts";
export {
  CODING_ALGORITHM,
  type CompressionOptions,
  type ContentCoding,
  isCompressible,
} from "./options.ts";
