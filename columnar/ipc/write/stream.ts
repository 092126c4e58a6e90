/**
 * The IPC stream writer: a schema message, dictionary batches when a dictionary first appears
 * or changes (only the new values, as a delta, when it grew), record batches, and the
 * end-of-stream marker. The chunk generators yield message
 * headers and the column buffers themselves (views, never concatenated) plus padding;
 * `writeIpcStream` copies them once into a single `Uint8Array`. Mirrors `read/stream.ts`.
 *
 * @module
 */

import type { RecordBatch } from "../../batch.ts";
import {
  type Column,
  type ColumnData,
  countNulls,
  INTERVAL_WORDS,
  type TypedArray,
} from "../../column.ts";
import { concatChunks } from "@avila/compress";
import { iteratorStream } from "../../_iterator_stream.ts";
import { ArrowError } from "../../errors.ts";
import type { Field, Schema } from "../../schema.ts";
import { Type } from "../../types.ts";
import { FlatBufferBuilder } from "../flatbuffers/builder.ts";
import { codecId, type IpcCompression } from "../_codecs.ts";
import { MessageHeader } from "../_format.ts";
import { type EncodedMessage, endOfStream, frameMessage } from "./message.ts";
import { encodeDictionaryBatch, type EncodeOptions, encodeRecordBatch } from "./record_batch.ts";
import { childrenOf, DictionaryIds, encodeSchema } from "./schema.ts";

/**
 * Options of the IPC writers.
 *
 * @example
 * ```ts
 * import { type IpcWriteOptions, writeIpcStream, RecordBatch } from "@avila/arrow";
 * const opts: IpcWriteOptions = { compression: "zstd", compressionLevel: 3 };
 * console.log(writeIpcStream(RecordBatch.fromRows([{ a: 1 }]), opts).length > 0); // true
 * ```
 */
export interface IpcWriteOptions {
  /** Body compression: "lz4" (LZ4_FRAME) or "zstd". Default: none. */
  compression?: IpcCompression;
  /** Codec level (LZ4: 1 fast … 12 high; ZSTD: 1 … 22). Default 1. */
  compressionLevel?: number;
  /** Schema to write when there are no batches (otherwise the first batch's schema). */
  schema?: Schema;
  /**
   * When a batch's dictionary starts with every value of the one last written for its field,
   * send only the new values as a delta dictionary batch (`isDelta`) instead of the whole
   * dictionary again. Default true; set false for readers without delta support.
   */
  dictionaryDeltas?: boolean;
}

/** A written message's place in the output, for the file footer. */
export interface Block {
  /** Offset of the message's continuation marker. */
  offset: number;
  /** Length of the framed metadata. */
  metaDataLength: number;
  /** Length of the body. */
  bodyLength: number;
}

function collectDictionaries(fields: readonly Field[], columns: readonly Column[], out: Column[]) {
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const c = columns[i];
    let type = f.type;
    let data = c.data;
    if (type.typeId === Type.Dictionary) {
      if (!data.dictionary) {
        throw new ArrowError("invalid", `dictionary column "${f.name}" has no dictionary`);
      }
      out.push(data.dictionary);
      data = data.dictionary.data;
      type = type.dictionary;
    }
    const children = childrenOf(type);
    if (children.length > 0) collectDictionaries(children, data.children, out);
  }
}

/**
 * Same JS value as read by `get` (numbers by `Object.is`: NaN equals NaN, -0 differs from 0;
 * bytes, arrays and objects by content).
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b);
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    if (!(ArrayBuffer.isView(b) || Array.isArray(b)) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) {
      return false;
    }
  }
  return true;
}

/** Bytes [start, end) of a typed array's elements. */
function byteRange(a: TypedArray, start: number, end: number): Uint8Array {
  const w = a.BYTES_PER_ELEMENT;
  return new Uint8Array(a.buffer, a.byteOffset + start * w, (end - start) * w);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether the first `n` elements of two null-free flat columns hold the same bytes, or null
 * when their layout has no byte-level comparison here. Elements per value: decimals and
 * intervals span several words, fixed-size binary `byteWidth` bytes.
 */
function samePrefixBytes(a: ColumnData, b: ColumnData, n: number): boolean | null {
  const t = a.type;
  switch (t.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
    case Type.Decimal:
    case Type.Interval:
    case Type.FixedSizeBinary: {
      const per = t.typeId === Type.Decimal
        ? t.bitWidth >> 5
        : t.typeId === Type.Interval
        ? INTERVAL_WORDS[t.unit]
        : t.typeId === Type.FixedSizeBinary
        ? t.byteWidth
        : 1;
      return sameBytes(
        byteRange(a.values!, a.offset * per, (a.offset + n) * per),
        byteRange(b.values!, b.offset * per, (b.offset + n) * per),
      );
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView: {
      const oa = a.offsets!;
      const ob = b.offsets!;
      const sa = Number(oa[a.offset]);
      const sb = Number(ob[b.offset]);
      for (let i = 1; i <= n; i++) {
        if (Number(oa[a.offset + i]) - sa !== Number(ob[b.offset + i]) - sb) return false;
      }
      const len = Number(oa[a.offset + n]) - sa;
      return sameBytes(
        (a.values as Uint8Array).subarray(sa, sa + len),
        (b.values as Uint8Array).subarray(sb, sb + len),
      );
    }
    default:
      return null;
  }
}

/** Whether `next` holds every element of `prev` (value and validity) at the same index. */
function startsWith(next: Column, prev: Column): boolean {
  const n = prev.length;
  if (next.length < n) return false;
  const a = next.data;
  // no nulls in either prefix (null slots may hold anything): compare the buffers
  if (
    prev.nullCount === 0 &&
    (a.validity === null || countNulls(a.validity, a.offset, a.offset + n) === 0)
  ) {
    const same = samePrefixBytes(a, prev.data, n);
    if (same !== null) return same;
  }
  for (let i = 0; i < n; i++) {
    if (next.isValid(i) !== prev.isValid(i) || !sameValue(next.get(i), prev.get(i))) return false;
  }
  return true;
}

/**
 * Stateful encoder shared by the stream and file writers.
 */
export class IpcEncoder {
  #opts: EncodeOptions;
  #schema: Schema | null = null;
  #ids = new DictionaryIds();
  #written: (Column | null)[] = [];
  #file: boolean;
  #deltas: boolean;
  /** Bytes emitted so far. */
  position = 0;
  /** Blocks of dictionary batches (file footer). */
  readonly dictionaryBlocks: Block[] = [];
  /** Blocks of record batches (file footer). */
  readonly recordBlocks: Block[] = [];

  /** @param options writer options; `file` refuses dictionary replacement (file format rule) */
  constructor(options: IpcWriteOptions, file: boolean) {
    this.#opts = {
      codec: options.compression === undefined ? null : codecId(options.compression),
      level: options.compressionLevel,
    };
    this.#file = file;
    this.#deltas = options.dictionaryDeltas ?? true;
  }

  /** The schema written (after {@link IpcEncoder.begin}). */
  get schema(): Schema | null {
    return this.#schema;
  }

  *#emit(m: EncodedMessage, blocks: Block[] | null): Generator<Uint8Array> {
    blocks?.push({
      offset: this.position,
      metaDataLength: m.metadata.length,
      bodyLength: m.bodyLength,
    });
    yield m.metadata;
    for (const c of m.body) yield c;
    this.position += m.metadata.length + m.bodyLength;
  }

  /** Emits raw bytes (file magic, footer). */
  *raw(bytes: Uint8Array): Generator<Uint8Array> {
    yield bytes;
    this.position += bytes.length;
  }

  /** Emits the schema message. */
  *begin(schema: Schema): Generator<Uint8Array> {
    if (this.#schema) throw new ArrowError("invalid", "schema already written");
    const b = new FlatBufferBuilder(1024);
    const s = encodeSchema(b, schema, this.#ids);
    this.#schema = schema;
    this.#written = this.#ids.types.map(() => null);
    const metadata = frameMessage(b, MessageHeader.Schema, s, 0);
    yield* this.#emit({ metadata, body: [], bodyLength: 0 }, null);
  }

  /** Emits changed dictionaries, then the batch. */
  *batch(batch: RecordBatch): Generator<Uint8Array> {
    if (!this.#schema) yield* this.begin(batch.schema);
    const schema = this.#schema!;
    if (batch.schema !== schema && !batch.schema.equals(schema)) {
      throw new ArrowError("invalid", "every batch of a stream must have the same schema");
    }
    if (this.#ids.types.length > 0) {
      const dicts: Column[] = [];
      collectDictionaries(schema.fields, batch.columns, dicts);
      for (let id = 0; id < dicts.length; id++) {
        const prev = this.#written[id];
        const d = dicts[id];
        if (prev === d) continue;
        if (prev !== null && this.#deltas && startsWith(d, prev)) {
          // the reader keeps the dictionary it has: send only what is new, if anything
          this.#written[id] = d;
          if (d.length === prev.length) continue;
          const delta = encodeDictionaryBatch(id, d.slice(prev.length), true, this.#opts);
          yield* this.#emit(delta, this.dictionaryBlocks);
          continue;
        }
        if (prev !== null && this.#file) {
          throw new ArrowError(
            "unsupported",
            "the IPC file format cannot replace a dictionary; share one dictionary column " +
              "across batches or use the stream format",
          );
        }
        this.#written[id] = d;
        yield* this.#emit(encodeDictionaryBatch(id, d, false, this.#opts), this.dictionaryBlocks);
      }
    }
    yield* this.#emit(
      encodeRecordBatch(batch.columns, batch.numRows, this.#opts),
      this.recordBlocks,
    );
  }

  /** Emits the end-of-stream marker (writing the schema first if nothing was written). */
  *end(schema?: Schema): Generator<Uint8Array> {
    if (!this.#schema) {
      if (!schema) throw new ArrowError("invalid", "no batches to write and no schema option");
      yield* this.begin(schema);
    }
    yield* this.raw(endOfStream());
  }
}

/** A single batch or an iterable of batches as an iterable. */
export function toIterable(batches: RecordBatch | Iterable<RecordBatch>): Iterable<RecordBatch> {
  return Symbol.iterator in (batches as object) &&
      typeof (batches as RecordBatch).numRows !== "number"
    ? batches as Iterable<RecordBatch>
    : [batches as RecordBatch];
}

/**
 * The IPC stream of `batches` as chunks: message headers, the column buffers themselves (views
 * over the batches' typed arrays) and padding. Nothing is concatenated.
 *
 * @example
 * ```ts
 * import { RecordBatch } from "@avila/arrow";
 * import { ipcStreamChunks } from "./stream.ts";
 * const batch = RecordBatch.fromColumns({ x: new Float64Array([1, 2, 3]) });
 * let n = 0;
 * for (const chunk of ipcStreamChunks(batch)) n += chunk.length;
 * console.log(n); // 312
 * ```
 */
export function* ipcStreamChunks(
  batches: RecordBatch | Iterable<RecordBatch>,
  options: IpcWriteOptions = {},
): Generator<Uint8Array> {
  const enc = new IpcEncoder(options, false);
  if (options.schema) yield* enc.begin(options.schema);
  for (const b of toIterable(batches)) yield* enc.batch(b);
  yield* enc.end(options.schema);
}

/**
 * The IPC stream of an async (or sync) sequence of batches, as chunks; batches are encoded as
 * they arrive.
 *
 * @example
 * ```ts
 * import { RecordBatch } from "@avila/arrow";
 * import { ipcStreamChunksAsync } from "./stream.ts";
 * async function* produce() {
 *   yield RecordBatch.fromColumns({ x: new Int32Array([1]) });
 * }
 * let n = 0;
 * for await (const chunk of ipcStreamChunksAsync(produce())) n += chunk.length;
 * console.log(n > 0); // true
 * ```
 */
export async function* ipcStreamChunksAsync(
  batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>,
  options: IpcWriteOptions = {},
): AsyncGenerator<Uint8Array> {
  const enc = new IpcEncoder(options, false);
  if (options.schema) yield* enc.begin(options.schema);
  for await (const b of batches) yield* enc.batch(b);
  yield* enc.end(options.schema);
}

/**
 * The IPC stream of `batches` as a `ReadableStream` of chunks (for HTTP responses).
 *
 * @example
 * ```ts
 * import { ipcReadableStream, RecordBatch } from "@avila/arrow";
 * const body = ipcReadableStream(RecordBatch.fromColumns({ x: new Int32Array([1]) }));
 * const bytes = new Uint8Array(await new Response(body).arrayBuffer());
 * console.log(bytes.length > 0); // true
 * ```
 */
export function ipcReadableStream(
  batches: RecordBatch | Iterable<RecordBatch> | AsyncIterable<RecordBatch>,
  options: IpcWriteOptions = {},
): ReadableStream<Uint8Array> {
  const source = Symbol.asyncIterator in (batches as object)
    ? batches as AsyncIterable<RecordBatch>
    : toIterable(batches as RecordBatch | Iterable<RecordBatch>);
  const it = ipcStreamChunksAsync(source, options)[Symbol.asyncIterator]();
  return iteratorStream(it);
}

/**
 * The IPC stream of `batches` in one `Uint8Array`.
 *
 * @example
 * ```ts
 * import { writeIpcStream, readIpcStream, RecordBatch } from "@avila/arrow";
 * const bytes = writeIpcStream(RecordBatch.fromRows([{ a: 1 }]), { compression: "zstd" });
 * console.log(readIpcStream(bytes).batches[0].toRows()); // [ { a: 1 } ]
 * ```
 */
export function writeIpcStream(
  batches: RecordBatch | Iterable<RecordBatch>,
  options: IpcWriteOptions = {},
): Uint8Array {
  return concatChunks(ipcStreamChunks(batches, options));
}
