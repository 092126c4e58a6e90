/**
 * The encapsulated messages of IPC bytes as stored (Arrow columnar format, "Encapsulated
 * message format" and "IPC File Format"): what a decoded batch does not say, such as body
 * compression and stored body size.
 *
 * @module
 */

import { ArrowError } from "../../errors.ts";
import type { Table } from "../flatbuffers/reader.ts";
import { FILE_MAGIC, MessageHeader } from "../_format.ts";
import { type IpcReadOptions, resolveLimits } from "../limits.ts";
import { readMessageAt } from "./message.ts";

type IpcMessageInfo = ReturnType<typeof ipcMessages>[number];

const CODECS = ["lz4", "zstd"] as const;
const KINDS: Record<number, IpcMessageInfo["kind"]> = {
  [MessageHeader.Schema]: "schema",
  [MessageHeader.DictionaryBatch]: "dictionary",
  [MessageHeader.RecordBatch]: "record",
};

/**
 * Lists the messages of IPC bytes (a stream, or a file: detected by its `ARROW1` magic) without
 * decoding their bodies. Lengths are checked against the input and `options.limits`; bad input
 * throws an `ArrowError`.
 *
 * @example
 * ```ts
 * import { ipcMessages, RecordBatch, writeIpcStream } from "@avila/arrow";
 * const bytes = writeIpcStream(RecordBatch.fromRows([{ a: 1 }, { a: 2 }]), { compression: "lz4" });
 * console.log(ipcMessages(bytes).map((m) => `${m.kind} ${m.rows} ${m.compression}`));
 * // ["schema 0 none", "record 2 lz4"]
 * ```
 */
export function ipcMessages(bytes: Uint8Array, options?: IpcReadOptions): {
  /** The message header: schema, dictionary batch or record batch. */
  kind: "schema" | "dictionary" | "record";
  /** Rows of a record or dictionary batch (0 for the schema). */
  rows: number;
  /** Body compression of a batch: "lz4" (LZ4_FRAME), "zstd" or "none". */
  compression: "lz4" | "zstd" | "none";
  /** Body bytes as stored. */
  bodyBytes: number;
}[] {
  const limits = resolveLimits(options);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isFile = bytes.length >= 6 && FILE_MAGIC.every((b, i) => bytes[i] === b);
  let pos = 0;
  let end = bytes.length;
  if (isFile) {
    // magic, padding to 8, messages, footer, int32 footer length, magic (IPC File Format)
    if (bytes.length < 18) throw new ArrowError("corrupt", "IPC file too short");
    const footerLength = view.getInt32(bytes.length - 10, true);
    end = bytes.length - 10 - footerLength;
    if (footerLength < 0 || end < 8) throw new ArrowError("corrupt", "bad IPC file footer length");
    pos = 8;
  }
  const out: IpcMessageInfo[] = [];
  for (;;) {
    const m = readMessageAt(bytes, view, pos, end, limits);
    if (m === null) break;
    pos = m.next;
    const kind = KINDS[m.headerType];
    if (kind === undefined) {
      throw new ArrowError("corrupt", `unknown message header ${m.headerType}`);
    }
    // DictionaryBatch { id, data: RecordBatch, isDelta }; RecordBatch { length, nodes, buffers,
    // compression }
    const batch: Table | null = kind === "record"
      ? m.header
      : kind === "dictionary"
      ? m.header.table(1)
      : null;
    const codec = batch?.table(3)?.int8(0, 0) ?? -1;
    out.push({
      kind,
      rows: batch === null ? 0 : Number(batch.int64(0, 0n)),
      compression: codec < 0 ? "none" : CODECS[codec] ?? "none",
      bodyBytes: m.bodyLength,
    });
  }
  return out;
}
