/**
 * The IPC stream reader, one-shot over bytes (`readIpcStream`) and incremental over a
 * `ReadableStream` (`readIpcStreamAsync`). Mirrors `write/stream.ts`.
 *
 * @module
 */

import { RecordBatch } from "../../batch.ts";
import { ArrowError } from "../../errors.ts";
import { Field, type Schema } from "../../schema.ts";
import type { DictionaryType } from "../../types.ts";
import type { Table } from "../flatbuffers/reader.ts";
import { MessageHeader, METADATA_V5 } from "../_format.ts";
import { type IpcLimits, type IpcReadOptions, OutputBudget, resolveLimits } from "../limits.ts";
import { parseMessage, readMessageAt, readPrefix } from "./message.ts";
import { decodeDictionaryValues, decodeRecordBatch, type DictionaryMap } from "./record_batch.ts";
import { decodeSchema, newBudget } from "./schema.ts";
import { checkUtf8Columns } from "./_utf8.ts";
import { DictionaryDeltas } from "./_dictionaries.ts";

/**
 * What the one-shot readers return: the schema and every batch.
 *
 * @example
 * ```ts
 * import { type IpcReadResult, readIpcStream, writeIpcStream, RecordBatch } from "@avila/arrow";
 * const r: IpcReadResult = readIpcStream(writeIpcStream(RecordBatch.fromRows([{ a: 1 }])));
 * console.log(r.schema.names, r.batches.length); // [ "a" ] 1
 * ```
 */
export interface IpcReadResult {
  /** The stream's or file's schema (with its metadata). */
  schema: Schema;
  /** Record batches in order. */
  batches: RecordBatch[];
}

/** Elements copied by dictionary delta concatenation, per stream, at most. */
const MAX_DELTA_WORK = 64 * 1024 * 1024;

/**
 * Stateful decoder shared by the stream and file readers: feeds on messages, keeps the schema
 * and dictionaries, produces batches.
 */
export class IpcDecoder {
  /** Limits in force. */
  readonly limits: IpcLimits;
  /** The schema, once read. */
  schema: Schema | null = null;
  #dictTypes = new Map<number, DictionaryType>();
  #dicts: DictionaryMap = new Map();
  #count = 0;
  #deltaWork = 0;
  #deltas = new DictionaryDeltas();
  #budget: OutputBudget;
  #validateUtf8: boolean;
  /**
   * Refuse a dictionary batch that replaces one (not a delta): the file format reads every
   * dictionary before any batch, so it cannot replace one (Columnar format, "IPC File Format").
   */
  noReplacement = false;

  /**
   * @param limits reader limits (`maxOutputSize` bounds everything this decoder allocates)
   * @param options `validateUtf8`: check every string of every batch and dictionary
   */
  constructor(limits: IpcLimits, options?: { validateUtf8?: boolean }) {
    this.limits = limits;
    this.#budget = new OutputBudget(limits.maxOutputSize, limits.maxValues);
    this.#validateUtf8 = options?.validateUtf8 === true;
  }

  /** Sets the schema from a `Schema` table. */
  setSchema(t: Table): Schema {
    const dictionaries = new Map<number, DictionaryType>();
    this.schema = decodeSchema(t, {
      limits: this.limits,
      budget: newBudget(this.limits),
      dictionaries,
    });
    this.#dictTypes = dictionaries;
    return this.schema;
  }

  /**
   * Handles one message (of metadata `version`, `MetadataVersion`); returns a batch for record
   * batch messages, else null.
   */
  message(
    headerType: number,
    header: Table,
    body: Uint8Array,
    version: number = METADATA_V5,
  ): RecordBatch | null {
    if (++this.#count > this.limits.maxBatches) {
      throw new ArrowError("limit", `more than ${this.limits.maxBatches} messages`);
    }
    if (headerType === MessageHeader.Schema) {
      if (this.schema) throw new ArrowError("corrupt", "second schema message");
      this.setSchema(header);
      return null;
    }
    const schema = this.schema;
    if (!schema) throw new ArrowError("corrupt", "batch before the schema message");
    if (headerType === MessageHeader.DictionaryBatch) {
      const id = header.int64(0, 0n);
      const type = this.#dictTypes.get(Number(id));
      if (id < 0n || id > 0x7fffffffn || !type) {
        throw new ArrowError("corrupt", `dictionary batch for unknown id ${id}`);
      }
      const data = header.table(1);
      if (!data) throw new ArrowError("corrupt", "dictionary batch without data");
      let values = decodeDictionaryValues(
        data,
        body,
        new Field("", type.dictionary, true),
        this.#dicts,
        this.limits,
        version,
        this.#budget,
      );
      if (this.#validateUtf8) checkUtf8Columns([values], [`dictionary ${id}`]);
      const prev = this.#dicts.get(type.id);
      const delta = header.bool(2, false);
      if (prev && !delta && this.noReplacement) {
        throw new ArrowError("corrupt", `dictionary ${id} replaced in an IPC file`);
      }
      if (delta) {
        if (!prev) throw new ArrowError("corrupt", "dictionary delta without a dictionary");
        if (prev.length + values.length > this.limits.maxRows) {
          throw new ArrowError("limit", "dictionary deltas too large");
        }
        const joined = this.#deltas.concat(type.id, prev, values, this.#budget);
        this.#deltaWork += joined.work;
        if (this.#deltaWork > MAX_DELTA_WORK) {
          throw new ArrowError("limit", "dictionary deltas too large");
        }
        values = joined.column;
      }
      this.#dicts.set(type.id, values);
      return null;
    }
    if (headerType === MessageHeader.RecordBatch) {
      const { length, columns } = decodeRecordBatch(
        header,
        body,
        schema.fields,
        this.#dicts,
        this.limits,
        version,
        this.#budget,
      );
      if (this.#validateUtf8) checkUtf8Columns(columns, schema.names);
      return RecordBatch.tryNew(schema, columns, length);
    }
    throw new ArrowError("unsupported", `IPC message type ${headerType}`);
  }
}

function asBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new ArrowError("invalid", "IPC input must be a Uint8Array or an ArrayBuffer");
}

/**
 * Reads a whole IPC stream. Column buffers are views into `bytes` where aligned (keep `bytes`
 * unmodified while the batches are in use).
 *
 * @example
 * ```ts
 * import { readIpcStream, writeIpcStream, RecordBatch } from "@avila/arrow";
 * const bytes = writeIpcStream(RecordBatch.fromColumns({ x: new Int32Array([4, 5]) }));
 * const { schema, batches } = readIpcStream(bytes);
 * console.log(schema.names, batches[0].column("x").get(1)); // [ "x" ] 5
 * ```
 */
export function readIpcStream(
  bytes: Uint8Array | ArrayBuffer,
  options?: IpcReadOptions,
): IpcReadResult {
  const input = asBytes(bytes);
  const dec = new IpcDecoder(resolveLimits(options), options);
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const batches: RecordBatch[] = [];
  let pos = 0;
  for (;;) {
    const m = readMessageAt(input, view, pos, input.length, dec.limits);
    if (m === null) break;
    const b = dec.message(m.headerType, m.header, m.body, m.message.int16(0, 0));
    if (b) batches.push(b);
    pos = m.next;
  }
  if (!dec.schema) throw new ArrowError("corrupt", "IPC stream without a schema");
  return { schema: dec.schema, batches };
}

/** Byte queue over an async chunk source; hands out views when a read fits in one chunk. */
class ByteQueue {
  #it: AsyncIterator<Uint8Array>;
  #chunks: Uint8Array[] = [];
  #available = 0;
  #done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#it = source[Symbol.asyncIterator]();
  }

  get available(): number {
    return this.#available;
  }

  async fill(n: number): Promise<boolean> {
    while (this.#available < n && !this.#done) {
      const r = await this.#it.next();
      if (r.done) this.#done = true;
      else {
        const c = r.value;
        if (!(c instanceof Uint8Array)) {
          throw new ArrowError("invalid", "stream chunks must be Uint8Array");
        }
        if (c.length > 0) {
          this.#chunks.push(c);
          this.#available += c.length;
        }
      }
    }
    return this.#available >= n;
  }

  peek(n: number): Uint8Array {
    return this.#chunks[0].length >= n ? this.#chunks[0].subarray(0, n) : this.#gather(n, false);
  }

  take(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (n === 0) return new Uint8Array(0);
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      this.#available -= n;
      return out;
    }
    return this.#gather(n, true);
  }

  #gather(n: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(n);
    let p = 0;
    let i = 0;
    while (p < n) {
      const c = this.#chunks[i];
      const k = Math.min(c.length, n - p);
      out.set(c.subarray(0, k), p);
      p += k;
      if (consume) {
        if (k === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(k);
      } else i++;
    }
    if (consume) this.#available -= n;
    return out;
  }

  async cancel(): Promise<void> {
    this.#done = true;
    await this.#it.return?.();
  }
}

async function* chunksOf(
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in stream) {
    yield* stream as AsyncIterable<Uint8Array>;
    return;
  }
  const reader = (stream as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * An incremental IPC stream reader: iterate it for batches as they arrive; `schema` resolves
 * once the schema message has been read.
 *
 * @example
 * ```ts
 * import { IpcStreamReader, ipcReadableStream, RecordBatch } from "@avila/arrow";
 * const reader = new IpcStreamReader(ipcReadableStream(RecordBatch.fromRows([{ a: 1 }])));
 * for await (const batch of reader) console.log(batch.numRows); // 1
 * ```
 */
export class IpcStreamReader implements AsyncIterable<RecordBatch> {
  /** Resolves with the schema (rejects if the stream fails before it). */
  readonly schema: Promise<Schema>;
  #resolve!: (s: Schema) => void;
  #reject!: (e: unknown) => void;
  #queue: ByteQueue;
  #dec: IpcDecoder;
  #started = false;

  /**
   * Creates a reader over `stream` (iterate it once).
   *
   * @param stream the byte source
   * @param options reader limits
   */
  constructor(
    stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
    options?: IpcReadOptions,
  ) {
    this.schema = new Promise<Schema>((res, rej) => {
      this.#resolve = res;
      this.#reject = rej;
    });
    this.schema.catch(() => {}); // reported through iteration as well
    this.#queue = new ByteQueue(chunksOf(stream));
    this.#dec = new IpcDecoder(resolveLimits(options), options);
  }

  async *#run(): AsyncGenerator<RecordBatch> {
    const q = this.#queue;
    const limits = this.#dec.limits;
    try {
      for (;;) {
        if (!(await q.fill(4))) {
          if (q.available !== 0) throw new ArrowError("corrupt", "truncated message prefix");
          break;
        }
        await q.fill(8);
        const head = q.peek(Math.min(8, q.available));
        const prefix = readPrefix(
          new DataView(head.buffer, head.byteOffset, head.length),
          0,
          head.length,
          limits,
        );
        if (prefix === null) throw new ArrowError("corrupt", "truncated message prefix");
        q.take(prefix.start);
        if (prefix.size === 0) break;
        if (!(await q.fill(prefix.size))) {
          throw new ArrowError("corrupt", "truncated message metadata");
        }
        const info = parseMessage(q.take(prefix.size), limits);
        if (!(await q.fill(info.bodyLength))) {
          throw new ArrowError("corrupt", "truncated message body");
        }
        const body = q.take(info.bodyLength);
        const version = info.message.int16(0, 0);
        const batch = this.#dec.message(info.headerType, info.header, body, version);
        if (this.#dec.schema) this.#resolve(this.#dec.schema);
        if (batch) yield batch;
      }
      if (!this.#dec.schema) throw new ArrowError("corrupt", "IPC stream without a schema");
    } catch (e) {
      this.#reject(e);
      await q.cancel().catch(() => {});
      throw e;
    }
  }

  /** Iterates over the batches (once). */
  [Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
    if (this.#started) throw new ArrowError("invalid", "an IPC stream reader can be iterated once");
    this.#started = true;
    return this.#run();
  }
}

/**
 * Reads an IPC stream incrementally from a `ReadableStream` (or any async iterable of byte
 * chunks). Message bodies that arrive in one chunk are used in place.
 *
 * @example
 * ```ts
 * import { readIpcStreamAsync, ipcReadableStream, RecordBatch } from "@avila/arrow";
 * const stream = ipcReadableStream(RecordBatch.fromRows([{ a: 1 }, { a: 2 }]));
 * const reader = readIpcStreamAsync(stream);
 * for await (const batch of reader) console.log(batch.numRows); // 2
 * console.log((await reader.schema).names); // [ "a" ]
 * ```
 */
export function readIpcStreamAsync(
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options?: IpcReadOptions,
): IpcStreamReader {
  return new IpcStreamReader(stream, options);
}
