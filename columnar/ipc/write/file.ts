/**
 * The IPC file writer: magic, the stream messages, a `Footer` (File.fbs) locating the schema,
 * dictionary and record batch blocks, the footer length and the closing magic. Mirrors
 * `read/file.ts`.
 *
 * @module
 */

import type { RecordBatch } from "../../batch.ts";
import { concatChunks } from "@avila/compress";
import { ArrowError } from "../../errors.ts";
import type { Schema } from "../../schema.ts";
import { FlatBufferBuilder } from "../flatbuffers/builder.ts";
import { FILE_MAGIC, METADATA_V5 } from "../_format.ts";
import { type Block, IpcEncoder, type IpcWriteOptions, toIterable } from "./stream.ts";
import { DictionaryIds, encodeMetadata, encodeSchema } from "./schema.ts";

/**
 * Options of the file writer.
 *
 * @example
 * ```ts
 * import { type IpcFileWriteOptions, writeIpcFile, readIpcFile, RecordBatch } from "@avila/arrow";
 * const opts: IpcFileWriteOptions = { footerMetadata: new Map([["k", "v"]]) };
 * const file = writeIpcFile(RecordBatch.fromRows([{ a: 1 }]), opts);
 * console.log(readIpcFile(file).footerMetadata.get("k")); // "v"
 * ```
 */
export interface IpcFileWriteOptions extends IpcWriteOptions {
  /** Footer custom metadata. */
  footerMetadata?: ReadonlyMap<string, string>;
}

function blockVector(b: FlatBufferBuilder, blocks: readonly Block[]): number {
  b.startVector(24, blocks.length, 8);
  for (let i = blocks.length - 1; i >= 0; i--) {
    b.putInt64(BigInt(blocks[i].bodyLength));
    b.putInt32(0);
    b.putInt32(blocks[i].metaDataLength);
    b.putInt64(BigInt(blocks[i].offset));
  }
  return b.endVector(blocks.length);
}

function encodeFooter(
  schema: Schema,
  enc: IpcEncoder,
  md: ReadonlyMap<string, string> | undefined,
): Uint8Array {
  const b = new FlatBufferBuilder(1024);
  const s = encodeSchema(b, schema, new DictionaryIds());
  const dicts = blockVector(b, enc.dictionaryBlocks);
  const records = blockVector(b, enc.recordBlocks);
  const meta = md ? encodeMetadata(b, md) : 0;
  b.startTable(5);
  b.addInt16(0, METADATA_V5, null);
  b.addOffset(1, s);
  b.addOffset(2, dicts);
  b.addOffset(3, records);
  b.addOffset(4, meta);
  return b.finish(b.endTable());
}

/**
 * The IPC file of `batches` as chunks (headers, buffer views, padding, footer).
 *
 * @example
 * ```ts
 * import { RecordBatch } from "@avila/arrow";
 * import { ipcFileChunks } from "./file.ts";
 * const chunks = [...ipcFileChunks(RecordBatch.fromColumns({ x: new Int8Array([1]) }))];
 * console.log(new TextDecoder().decode(chunks[0].subarray(0, 6))); // "ARROW1"
 * ```
 */
export function* ipcFileChunks(
  batches: RecordBatch | Iterable<RecordBatch>,
  options: IpcFileWriteOptions = {},
): Generator<Uint8Array> {
  const enc = new IpcEncoder(options, true);
  const head = new Uint8Array(8);
  head.set(FILE_MAGIC);
  yield* enc.raw(head);
  if (options.schema) yield* enc.begin(options.schema);
  for (const b of toIterable(batches)) yield* enc.batch(b);
  yield* enc.end(options.schema);
  const schema = enc.schema;
  if (!schema) throw new ArrowError("invalid", "no schema");
  const footer = encodeFooter(schema, enc, options.footerMetadata);
  yield* enc.raw(footer);
  const tail = new Uint8Array(10);
  new DataView(tail.buffer).setInt32(0, footer.length, true);
  tail.set(FILE_MAGIC, 4);
  yield* enc.raw(tail);
}

/**
 * The IPC file (`.arrow`) of `batches` in one `Uint8Array`.
 *
 * @example
 * ```ts
 * import { writeIpcFile, readIpcFile, RecordBatch } from "@avila/arrow";
 * const bytes = writeIpcFile(RecordBatch.fromRows([{ a: "x" }]));
 * console.log(readIpcFile(bytes).batches[0].toRows()); // [ { a: "x" } ]
 * ```
 */
export function writeIpcFile(
  batches: RecordBatch | Iterable<RecordBatch>,
  options: IpcFileWriteOptions = {},
): Uint8Array {
  return concatChunks(ipcFileChunks(batches, options));
}
