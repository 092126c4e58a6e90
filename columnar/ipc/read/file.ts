/**
 * The IPC file reader: checks both magics, reads the `Footer` (File.fbs), then the dictionary
 * and record batch blocks it lists, each bounded by the footer's position. Mirrors
 * `write/file.ts`.
 *
 * @module
 */

import type { RecordBatch } from "../../batch.ts";
import { ArrowError } from "../../errors.ts";
import { rootTable, type Table } from "../flatbuffers/reader.ts";
import { FILE_MAGIC, MessageHeader } from "../_format.ts";
import { type IpcReadOptions, resolveLimits } from "../limits.ts";
import { readMessageAt } from "./message.ts";
import { decodeMetadata, newBudget } from "./schema.ts";
import { IpcDecoder, type IpcReadResult } from "./stream.ts";

/**
 * What `readIpcFile` returns: schema, batches and the footer's custom metadata.
 *
 * @example
 * ```ts
 * import { type IpcFileReadResult, readIpcFile, writeIpcFile, RecordBatch } from "@avila/arrow";
 * const r: IpcFileReadResult = readIpcFile(writeIpcFile(RecordBatch.fromRows([{ a: 1 }])));
 * console.log(r.footerMetadata.size); // 0
 * ```
 */
export interface IpcFileReadResult extends IpcReadResult {
  /** Footer custom metadata (empty when absent). */
  footerMetadata: Map<string, string>;
}

function hasMagic(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 6; i++) if (bytes[at + i] !== FILE_MAGIC[i]) return false;
  return true;
}

/**
 * Reads an IPC file (`.arrow`, Feather v2). Column buffers are views into `bytes` where aligned.
 *
 * @example
 * ```ts
 * import { readIpcFile, writeIpcFile, RecordBatch } from "@avila/arrow";
 * const file = writeIpcFile(RecordBatch.fromColumns({ x: new Float32Array([1.5]) }));
 * console.log(readIpcFile(file).batches[0].column("x").get(0)); // 1.5
 * ```
 */
export function readIpcFile(
  bytes: Uint8Array | ArrayBuffer,
  options?: IpcReadOptions,
): IpcFileReadResult {
  const input = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(input instanceof Uint8Array)) {
    throw new ArrowError("invalid", "IPC input must be a Uint8Array or an ArrayBuffer");
  }
  const limits = resolveLimits(options);
  if (input.length < 18 || !hasMagic(input, 0) || !hasMagic(input, input.length - 6)) {
    throw new ArrowError("corrupt", "not an Arrow IPC file (magic missing)");
  }
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const footerLength = view.getInt32(input.length - 10, true);
  const footerEnd = input.length - 10;
  if (footerLength <= 0 || footerLength > footerEnd - 8) {
    throw new ArrowError("corrupt", `bad footer length ${footerLength}`);
  }
  if (footerLength > limits.maxMetadataSize) throw new ArrowError("limit", "footer too large");
  const footerStart = footerEnd - footerLength;
  const footer = rootTable(input.subarray(footerStart, footerEnd));
  const schemaTable = footer.table(1);
  if (!schemaTable) throw new ArrowError("corrupt", "file footer without a schema");
  const dec = new IpcDecoder(limits, options);
  dec.noReplacement = true;
  const schema = dec.setSchema(schemaTable);

  const blocks = (slot: number): number[] => {
    const v = footer.vector(slot, 24);
    if (!v) return [];
    if (v.length > limits.maxBatches) throw new ArrowError("limit", "too many blocks");
    const out: number[] = [];
    for (let i = 0; i < v.length; i++) {
      const off = footer.view.getBigInt64(v.pos + 24 * i, true);
      if (off < 8n || off >= BigInt(footerStart)) {
        throw new ArrowError("corrupt", `block offset ${off} outside the file body`);
      }
      out.push(Number(off));
    }
    return out;
  };

  // Blocks must not overlap (and so appear in file order): otherwise a footer could make the
  // reader decode one large message a million times.
  const read = (offset: number, expected: number, state: { end: number }): RecordBatch | null => {
    if (offset < state.end) {
      throw new ArrowError("corrupt", "file blocks overlap or are out of order");
    }
    const m = readMessageAt(input, view, offset, footerStart, limits);
    if (m === null) throw new ArrowError("corrupt", "block points at an end-of-stream marker");
    if (m.headerType !== expected) {
      throw new ArrowError(
        "corrupt",
        `block holds message type ${m.headerType}, expected ${expected}`,
      );
    }
    state.end = m.next;
    return dec.message(m.headerType, m.header as Table, m.body, m.message.int16(0, 0));
  };

  const dictState = { end: 0 };
  for (const off of blocks(2)) read(off, MessageHeader.DictionaryBatch, dictState);
  const batches: RecordBatch[] = [];
  const batchState = { end: 0 };
  for (const off of blocks(3)) batches.push(read(off, MessageHeader.RecordBatch, batchState)!);
  return { schema, batches, footerMetadata: decodeMetadata(footer, 4, newBudget(limits)) };
}
