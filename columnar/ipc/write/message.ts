/**
 * Encapsulated message framing (columnar format spec, "Encapsulated message format"):
 * continuation marker 0xFFFFFFFF, int32 metadata length, the `Message` flatbuffer padded to 8
 * bytes; the body follows. Mirrors `read/message.ts`.
 *
 * @module
 */

import type { FlatBufferBuilder } from "../flatbuffers/builder.ts";
import { CONTINUATION, METADATA_V5, pad8 } from "../_format.ts";

/** An encoded message: its framed metadata and its body chunks. */
export interface EncodedMessage {
  /** Continuation marker, length, flatbuffer and padding, one chunk. */
  readonly metadata: Uint8Array;
  /** Body chunks (buffers, length prefixes, padding), in order, not concatenated. */
  readonly body: Uint8Array[];
  /** Sum of the body chunks' lengths (a multiple of 8). */
  readonly bodyLength: number;
}

/** Finishes a `Message` table around `header` and frames it. */
export function frameMessage(
  b: FlatBufferBuilder,
  headerType: number,
  header: number,
  bodyLength: number,
): Uint8Array {
  b.startTable(5);
  b.addInt16(0, METADATA_V5, null);
  b.addInt8(1, headerType, null);
  b.addOffset(2, header);
  b.addInt64(3, BigInt(bodyLength));
  const fb = b.finish(b.endTable());
  const size = pad8(fb.length);
  const out = new Uint8Array(8 + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, CONTINUATION, true);
  view.setInt32(4, size, true);
  out.set(fb, 8);
  return out;
}

/** The end-of-stream marker: continuation and a zero length. */
export function endOfStream(): Uint8Array {
  return new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
}
