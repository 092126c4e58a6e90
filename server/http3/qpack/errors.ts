/**
 * The one error QPACK throws: an HTTP/3 error code (RFC 9204, Section 6; RFC 9114, Section 8.1)
 * the connection closes or resets the stream with.
 *
 * @module
 */

/** QPACK_DECOMPRESSION_FAILED: a field section could not be decoded (a connection error). */
export const QPACK_DECOMPRESSION_FAILED = 0x0200;
/** QPACK_ENCODER_STREAM_ERROR: a bad instruction on the peer's encoder stream. */
export const QPACK_ENCODER_STREAM_ERROR = 0x0201;
/** QPACK_DECODER_STREAM_ERROR: a bad instruction on the peer's decoder stream. */
export const QPACK_DECODER_STREAM_ERROR = 0x0202;
/**
 * H3_MESSAGE_ERROR: the decoded field section is larger than `maxFieldSectionSize` (RFC 9114,
 * Section 10.5.1: the message is treated as malformed). A stream error, not a connection error:
 * the dynamic table is intact and the connection can go on (a server may answer 431 instead).
 */
export const H3_MESSAGE_ERROR = 0x010e;
/** H3_REQUEST_CANCELLED: `cancel()` abandoned a field section that was waiting (blocked). */
export const H3_REQUEST_CANCELLED = 0x010c;

/**
 * A QPACK failure. `code` is the HTTP/3 error code to close the connection with (0x0200-0x0202)
 * or, for `H3_MESSAGE_ERROR` and `H3_REQUEST_CANCELLED`, to reset only the stream with. The
 * message never contains the input's bytes.
 *
 * @example
 * ```ts
 * import { QpackDecoder, QpackError } from "./mod.ts";
 * const decoder = new QpackDecoder({ maxTableCapacity: 0, maxBlockedStreams: 0, maxFieldSectionSize: 16384 });
 * try {
 *   await decoder.decode(0n, new Uint8Array([0x00, 0x00, 0xff, 0x3f])); // static index 126
 * } catch (e) {
 *   if (e instanceof QpackError) console.log(e.code.toString(16)); // "200"
 * }
 * ```
 */
export class QpackError extends Error {
  /** The HTTP/3 error code (QPACK_DECOMPRESSION_FAILED 0x0200, ...). */
  readonly code: number;

  /**
   * Creates the error.
   *
   * @param code the HTTP/3 error code
   * @param message a human explanation, without any of the input's bytes
   */
  constructor(code: number, message: string) {
    super(message);
    this.name = "QpackError";
    this.code = code;
  }
}
