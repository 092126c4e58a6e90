// Request bodies: normalised to bytes where possible (so retries can replay them), streams
// buffered up to a limit when retries are on, and compression above a threshold.

import type { Algorithm } from "@avila/compress";
import type { BodyInput, RequestCoding } from "./body.ts";
import { readUpTo } from "../http/mod.ts";
import type { HeaderRecord } from "./_headers.ts";
import { loadCodecs } from "./_coding.ts";

/** A body ready to send, possibly more than once. */
export type PreparedBody =
  | { kind: "none" }
  | { kind: "bytes"; bytes: Uint8Array; decodedLength: number }
  | { kind: "form"; form: FormData }
  /** A stream that can be sent once only. */
  | { kind: "stream"; stream: ReadableStream<Uint8Array> };

const encoder = new TextEncoder();

/** Turns any accepted body into bytes, a FormData, or a stream; sets a default content type. */
export async function normaliseBody(
  body: BodyInput | undefined,
  headers: HeaderRecord,
): Promise<PreparedBody> {
  if (body === undefined || body === null) return { kind: "none" };
  let bytes: Uint8Array;
  if (typeof body === "string") {
    if (!("content-type" in headers)) headers["content-type"] = "text/plain;charset=UTF-8";
    bytes = encoder.encode(body);
  } else if (body instanceof Uint8Array) bytes = body;
  else if (body instanceof ArrayBuffer) bytes = new Uint8Array(body);
  else if (ArrayBuffer.isView(body)) {
    bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  } else if (body instanceof URLSearchParams) {
    if (!("content-type" in headers)) {
      headers["content-type"] = "application/x-www-form-urlencoded;charset=UTF-8";
    }
    bytes = encoder.encode(body.toString());
  } else if (body instanceof Blob) {
    if (!("content-type" in headers) && body.type) headers["content-type"] = body.type;
    bytes = new Uint8Array(await body.arrayBuffer());
  } else if (body instanceof FormData) return { kind: "form", form: body };
  else if (body instanceof ReadableStream) return { kind: "stream", stream: body };
  else throw new TypeError("unsupported request body type");
  return { kind: "bytes", bytes, decodedLength: bytes.byteLength };
}

/**
 * Reads a stream into memory up to `limit` bytes so it can be replayed. Past the limit, returns
 * a stream of what was read followed by the rest (sendable once).
 */
export async function bufferForReplay(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<PreparedBody> {
  const got = await readUpTo(stream, limit);
  return got.bytes === null
    ? { kind: "stream", stream: got.stream }
    : { kind: "bytes", bytes: got.bytes, decodedLength: got.bytes.byteLength };
}

const ALGORITHM: Record<RequestCoding, Algorithm> = { zstd: "zstd", gzip: "gzip" };

/**
 * Compresses a prepared body when it is at least `threshold` bytes and not already coded; sets
 * `Content-Encoding`. Small bodies and forms are sent as they are.
 */
export async function compressBody(
  body: PreparedBody,
  headers: HeaderRecord,
  coding: RequestCoding,
  threshold: number,
): Promise<PreparedBody> {
  if ("content-encoding" in headers) return body;
  if (body.kind === "bytes" && body.bytes.byteLength >= threshold) {
    const { compress } = await loadCodecs();
    const packed = await compress(body.bytes, ALGORITHM[coding]);
    // Incompressible data is sent as it is: the coding would only cost the server time.
    if (packed.byteLength >= body.bytes.byteLength) return body;
    headers["content-encoding"] = coding;
    delete headers["content-length"];
    return { kind: "bytes", bytes: packed, decodedLength: body.decodedLength };
  }
  if (body.kind === "stream") {
    const { Compressor } = await loadCodecs();
    const c = Compressor.new(ALGORITHM[coding]).build();
    headers["content-encoding"] = coding;
    delete headers["content-length"];
    return { kind: "stream", stream: body.stream.pipeThrough(c.transform()) };
  }
  return body;
}
