/**
 * QPACK (RFC 9204) for the HTTP/3 server: a decoder with the dynamic table, blocked streams and
 * the decoder-stream instructions, and an encoder that needs no dynamic table. Huffman coding is
 * RFC 7541's. Internal to `server/http3/`; not exported from the package.
 *
 * @example
 * ```ts
 * import { QpackDecoder, QpackEncoder } from "./mod.ts";
 * const decoder = new QpackDecoder({ maxTableCapacity: 4096, maxBlockedStreams: 16, maxFieldSectionSize: 16384 });
 * const block = new QpackEncoder().encode([[":method", "GET"], [":path", "/"]]);
 * console.log(await decoder.decode(0n, block)); // [[":method", "GET"], [":path", "/"]]
 * ```
 *
 * @module
 */

export { QpackDecoder } from "./decoder.ts";
export type { HeaderField, QpackDecoderOptions } from "./decoder.ts";
export { QpackEncoder } from "./encoder.ts";
export {
  H3_MESSAGE_ERROR,
  H3_REQUEST_CANCELLED,
  QPACK_DECODER_STREAM_ERROR,
  QPACK_DECOMPRESSION_FAILED,
  QPACK_ENCODER_STREAM_ERROR,
  QpackError,
} from "./errors.ts";
