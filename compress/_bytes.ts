/**
 * Input normalisation shared by the public entry points: every `BufferSource` the platform's own
 * `CompressionStream` and `node:zlib` accept (a `Uint8Array`, any other typed array, a
 * `DataView`, an `ArrayBuffer`) is read as bytes without copying.
 *
 * @module
 */

import { CompressError } from "./errors.ts";

/** Bytes of `data` (a view, no copy), or `unsupported` for anything that is not a buffer. */
export function toBytes(data: unknown, what = "input"): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (
    data instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === "function" && data instanceof SharedArrayBuffer)
  ) {
    return new Uint8Array(data);
  }
  throw new CompressError(
    "unsupported",
    `${what} must be a Uint8Array, another typed array, a DataView or an ArrayBuffer`,
  );
}
