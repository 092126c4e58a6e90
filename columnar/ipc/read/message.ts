/**
 * Encapsulated message framing, read side: continuation marker (or the pre-0.15 bare length),
 * metadata length, `Message` flatbuffer, body. Every length is checked against the input and
 * the limits before use. Mirrors `write/message.ts`.
 *
 * @module
 */

import { ArrowError } from "../../errors.ts";
import { rootTable, type Table } from "../flatbuffers/reader.ts";
import { CONTINUATION, METADATA_V4, METADATA_V5 } from "../_format.ts";
import type { IpcLimits } from "../limits.ts";

/** A parsed `Message` header. */
export interface MessageHeaderInfo {
  /** The `Message` root table. */
  message: Table;
  /** `MessageHeader` union tag. */
  headerType: number;
  /** The header table (Schema, RecordBatch or DictionaryBatch). */
  header: Table;
  /** Body length in bytes. */
  bodyLength: number;
}

/**
 * Reads the framing prefix at `pos`: returns the metadata length and where it starts, 0 for an
 * end-of-stream marker, or null when fewer than `need` bytes are available.
 */
export function readPrefix(
  view: DataView,
  pos: number,
  available: number,
  limits: IpcLimits,
): { size: number; start: number } | null {
  if (available < 4) return null;
  const first = view.getUint32(pos, true);
  let size: number;
  let start: number;
  if (first === CONTINUATION) {
    if (available < 8) return null;
    size = view.getInt32(pos + 4, true);
    start = pos + 8;
  } else {
    size = first | 0;
    start = pos + 4;
  }
  if (size < 0) throw new ArrowError("corrupt", `negative metadata length ${size}`);
  if (size > limits.maxMetadataSize) {
    throw new ArrowError("limit", `message metadata of ${size} bytes exceeds the limit`);
  }
  return { size, start };
}

/** Parses a `Message` flatbuffer and checks its version, header and body length. */
export function parseMessage(fb: Uint8Array, limits: IpcLimits): MessageHeaderInfo {
  const message = rootTable(fb);
  const version = message.int16(0, 0);
  if (version !== METADATA_V5 && version !== METADATA_V4) {
    throw new ArrowError("unsupported", `IPC metadata version ${version + 1} (V4 and V5 are read)`);
  }
  const headerType = message.uint8(1, 0);
  const header = message.table(2);
  if (!header) throw new ArrowError("corrupt", "message without a header");
  const bodyLength = message.long(3, 0);
  if (bodyLength < 0) throw new ArrowError("corrupt", `negative body length`);
  if (bodyLength > limits.maxBodySize) {
    throw new ArrowError("limit", `message body of ${bodyLength} bytes exceeds the limit`);
  }
  return { message, headerType, header, bodyLength };
}

/** A message located in a byte array. */
export interface LocatedMessage extends MessageHeaderInfo {
  /** The body bytes (a view into the input). */
  body: Uint8Array;
  /** Position after the body. */
  next: number;
}

/**
 * Reads the message at `pos` of `bytes` (not past `end`); null at an end-of-stream marker or
 * at the end of input.
 */
export function readMessageAt(
  bytes: Uint8Array,
  view: DataView,
  pos: number,
  end: number,
  limits: IpcLimits,
): LocatedMessage | null {
  if (pos === end) return null;
  const prefix = readPrefix(view, pos, end - pos, limits);
  if (prefix === null) throw new ArrowError("corrupt", "truncated message prefix");
  if (prefix.size === 0) return null;
  const fbEnd = prefix.start + prefix.size;
  if (fbEnd > end) throw new ArrowError("corrupt", "truncated message metadata");
  const info = parseMessage(bytes.subarray(prefix.start, fbEnd), limits);
  if (info.bodyLength > end - fbEnd) throw new ArrowError("corrupt", "truncated message body");
  return {
    message: info.message,
    headerType: info.headerType,
    header: info.header,
    bodyLength: info.bodyLength,
    body: bytes.subarray(fbEnd, fbEnd + info.bodyLength),
    next: fbEnd + info.bodyLength,
  };
}
