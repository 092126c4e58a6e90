// HTTP/3 error codes (RFC 9114 §8.1, RFC 9204 §6) and the one error type the framing layer throws.
// A connection error closes the QUIC connection with the code (CONNECTION_CLOSE); everything
// above turns an `Http3Error` into that close, so the peer always sees the RFC's code.

import { AvilaError } from "@avila/compress";

/** The error codes of RFC 9114 §8.1 and RFC 9204 §6. */
export const H3 = {
  NO_ERROR: 0x100,
  GENERAL_PROTOCOL_ERROR: 0x101,
  INTERNAL_ERROR: 0x102,
  STREAM_CREATION_ERROR: 0x103,
  CLOSED_CRITICAL_STREAM: 0x104,
  FRAME_UNEXPECTED: 0x105,
  FRAME_ERROR: 0x106,
  EXCESSIVE_LOAD: 0x107,
  ID_ERROR: 0x108,
  SETTINGS_ERROR: 0x109,
  MISSING_SETTINGS: 0x10a,
  REQUEST_REJECTED: 0x10b,
  REQUEST_CANCELLED: 0x10c,
  REQUEST_INCOMPLETE: 0x10d,
  MESSAGE_ERROR: 0x10e,
  CONNECT_ERROR: 0x10f,
  VERSION_FALLBACK: 0x110,
  QPACK_DECOMPRESSION_FAILED: 0x200,
  QPACK_ENCODER_STREAM_ERROR: 0x201,
  QPACK_DECODER_STREAM_ERROR: 0x202,
} as const;

/** The name of an HTTP/3 error code, in lower case (`h3_frame_unexpected`). */
export type Http3ErrorCode = Lowercase<`h3_${keyof typeof H3}`>;

const NAMES = new Map<number, Http3ErrorCode>(
  Object.entries(H3).map(([k, v]) => [v, `h3_${k.toLowerCase()}` as Http3ErrorCode]),
);

/** The name of `wireCode` (`h3_frame_error`), or `h3_general_protocol_error` for others. */
export function h3CodeName(wireCode: number): Http3ErrorCode {
  return NAMES.get(wireCode) ?? "h3_general_protocol_error";
}

/** A protocol error of the peer: `wireCode` is what goes into the CONNECTION_CLOSE frame. */
export class Http3Error extends AvilaError<Http3ErrorCode> {
  /** The RFC 9114 / RFC 9204 error code. */
  readonly wireCode: number;

  constructor(wireCode: number, message: string, options?: ErrorOptions) {
    super(h3CodeName(wireCode), message, options);
    this.name = "Http3Error";
    this.wireCode = wireCode;
  }
}
