/**
 * The request body forms the client accepts and the codings it can send them in.
 *
 * @module
 */

/**
 * A request body. Everything but a `ReadableStream` can be replayed by retries; a stream is
 * buffered up to `maxReplayBytes` when retries may happen.
 *
 * @example
 * ```ts
 * import type { BodyInput } from "@avila/avx-http/client";
 * const bodies: BodyInput[] = ["text", new Uint8Array([1, 2]), new URLSearchParams({ a: "1" })];
 * console.log(bodies.length); // 3
 * ```
 */
export type BodyInput =
  | string
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | URLSearchParams
  | FormData
  | ReadableStream<Uint8Array>;

/**
 * Content coding of compressed request bodies (avx-http servers decode both).
 *
 * @example
 * ```ts
 * import type { RequestCoding } from "@avila/avx-http/client";
 * const coding: RequestCoding = "zstd";
 * console.log(coding); // "zstd"
 * ```
 */
export type RequestCoding = "zstd" | "gzip";
