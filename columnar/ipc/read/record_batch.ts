/**
 * Decodes RecordBatch (and DictionaryBatch data) bodies into columns. Buffers become zero-copy
 * typed array views into the input when aligned (copies otherwise); every node count, buffer
 * range, offset, index and bitmap is validated first, so a column never reads out of bounds.
 * Mirrors `write/record_batch.ts`.
 *
 * @module
 */

import {
  type Column,
  type ColumnData,
  countNulls,
  deferOffsetsCheck,
  INTERVAL_WORDS,
  makeColumn,
  type TypedArray,
} from "../../column.ts";
import { ArrowError } from "../../errors.ts";
import { applyExtension } from "../../extension.ts";
import type { Field } from "../../schema.ts";
import { type DataType, Precision, Type, UnionMode } from "../../types.ts";
import type { Table } from "../flatbuffers/reader.ts";
import { decompressBuffer } from "../_codecs.ts";
import type { IpcLimits, OutputBudget } from "../limits.ts";
import { METADATA_V4, METADATA_V5 } from "../_format.ts";

function corrupt(msg: string): never {
  throw new ArrowError("corrupt", msg);
}

type Ctor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  new (length: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

const EMPTY = new Uint8Array(0);
const TWO_32 = 2 ** 32;
/**
 * Heap bytes the objects of one decoded batch and of one decoded column hold even when their
 * buffers are the input itself (measured on V8: about 90 and 385 bytes), charged to the output
 * budget so that a body of many empty batches costs what it takes.
 */
const BATCH_OVERHEAD = 96;
const COLUMN_OVERHEAD = 384;

/** A typed view of `count` elements at the start of `buf` (zero-copy when aligned). */
function typed(
  buf: Uint8Array,
  ctor: Ctor,
  count: number,
  what: string,
  budget: OutputBudget | null,
): TypedArray {
  const w = ctor.BYTES_PER_ELEMENT;
  if (buf.length < count * w) {
    corrupt(`${what} buffer holds ${buf.length} bytes, needs ${count * w}`);
  }
  if ((buf.byteOffset % w) === 0) return new ctor(buf.buffer, buf.byteOffset, count);
  budget?.charge(count * w, `realigned ${what} buffer`);
  const copy = new Uint8Array(count * w);
  copy.set(buf.subarray(0, count * w));
  return new ctor(copy.buffer, 0, count);
}

/**
 * Walks the field nodes and buffers of one RecordBatch table. Node and buffer descriptors are
 * read straight from the flatbuffer (`FieldNode` and `Buffer` structs, 16 bytes each), without
 * bigints or per-node objects.
 */
class BodyCursor {
  #view: DataView;
  #nodesPos: number;
  #nodesLen: number;
  #buffersPos: number;
  #buffersLen: number;
  #node = 0;
  #buffer = 0;
  #prevEnd = 0;
  #body: Uint8Array;
  #codec: number | null;
  /** The read's limits. */
  readonly limits: IpcLimits;
  /** Dictionaries by id, for dictionary-encoded columns. */
  readonly dicts: DictionaryMap;
  /** The whole read's allocation budget (null: unbounded but per-message limits). */
  readonly budget: OutputBudget | null;
  #variadicPos: number;
  #variadicLen: number;
  #decompressed = 0;
  #variadicNext = 0;
  /** Position in the body and byte length of the buffer last located by `#next`. */
  #at = 0;
  #len = 0;
  /** Length and null count of the node last read by `node()`. */
  length = 0;
  nullCount = 0;
  /** `MetadataVersion` of the message (V4 unions have a validity buffer slot). */
  readonly version: number;

  constructor(
    rb: Table,
    body: Uint8Array,
    dicts: DictionaryMap,
    limits: IpcLimits,
    version: number,
    budget: OutputBudget | null,
  ) {
    this.version = version;
    this.#view = rb.view;
    this.#body = body;
    this.limits = limits;
    this.dicts = dicts;
    this.budget = budget;
    const nodes = rb.vector(1, 16);
    const buffers = rb.vector(2, 16);
    const variadic = rb.vector(4, 8);
    this.#nodesPos = nodes === null ? 0 : nodes.pos;
    this.#nodesLen = nodes === null ? 0 : nodes.length;
    this.#buffersPos = buffers === null ? 0 : buffers.pos;
    this.#buffersLen = buffers === null ? 0 : buffers.length;
    this.#variadicPos = variadic === null ? 0 : variadic.pos;
    this.#variadicLen = variadic === null ? 0 : variadic.length;
    if (this.#nodesLen > limits.maxBuffers || this.#buffersLen > limits.maxBuffers) {
      throw new ArrowError("limit", "too many field nodes or buffers");
    }
    const comp = rb.table(3);
    if (comp) {
      const codec = comp.int8(0, 0);
      if (codec !== 0 && codec !== 1) {
        throw new ArrowError("unsupported", `compression codec ${codec}`);
      }
      if (comp.int8(1, 0) !== 0) throw new ArrowError("unsupported", "compression method");
      this.#codec = codec;
    } else this.#codec = null;
  }

  /** A non-negative int64 at `pos` as a number; corrupt unless it is at most 2^53 - 1. */
  #long(pos: number): number {
    const hi = this.#view.getInt32(pos + 4, true);
    if (hi < 0 || hi > 0x1fffff) corrupt(`bad length at ${pos}`);
    return hi * TWO_32 + this.#view.getUint32(pos, true);
  }

  /** Reads the next field node into `length` and `nullCount`; returns the length. */
  node(): number {
    if (this.#node >= this.#nodesLen) corrupt("fewer field nodes than fields");
    const p = this.#nodesPos + 16 * this.#node++;
    const length = this.#long(p);
    const nullCount = this.#long(p + 8);
    if (length > this.limits.maxRows) {
      throw new ArrowError("limit", `${length} rows exceed the limit`);
    }
    if (nullCount > length) corrupt(`null count ${nullCount} exceeds length ${length}`);
    // counted before any buffer is read: what materialising the column would create
    this.budget?.countValues(length, `${length} column elements`);
    this.budget?.charge(COLUMN_OVERHEAD, "a column's objects");
    this.length = length;
    this.nullCount = nullCount;
    return length;
  }

  /** Locates and checks the next buffer descriptor (into `#at`, `#len`). */
  #next(): void {
    if (this.#buffer >= this.#buffersLen) corrupt("fewer buffers than the layout needs");
    const p = this.#buffersPos + 16 * this.#buffer++;
    const offset = this.#long(p);
    const length = this.#long(p + 8);
    this.#len = length;
    // an empty buffer's offset is never used, so it is not checked either
    this.#at = length === 0 ? 0 : offset;
    if (length === 0) return;
    if (offset + length > this.#body.length) corrupt("buffer outside the message body");
    if ((offset & 7) !== 0) corrupt(`buffer at offset ${offset} is not 8-byte aligned`);
    if (offset < this.#prevEnd) corrupt("buffers overlap or are out of order");
    this.#prevEnd = offset + length;
  }

  /** Checks and passes over the next buffer without reading it (an all-valid bitmap). */
  skip(): void {
    this.#next();
  }

  /** The next buffer's bytes (decompressed when the body is compressed). */
  buffer(): Uint8Array {
    this.#next();
    const length = this.#len;
    if (length === 0) return EMPTY;
    const raw = this.#body.subarray(this.#at, this.#at + length);
    if (this.#codec === null) return raw;
    if (raw.length < 8) corrupt("compressed buffer shorter than its length prefix");
    const size = new DataView(raw.buffer, raw.byteOffset, 8).getBigInt64(0, true);
    if (size === -1n) return raw.subarray(8);
    if (size < 0n) corrupt(`bad uncompressed length ${size}`);
    // the limit covers the whole message, so many small bombs cannot add up
    this.#decompressed += Number(size);
    if (
      size > BigInt(this.limits.maxDecompressedSize) ||
      this.#decompressed > this.limits.maxDecompressedSize
    ) {
      throw new ArrowError(
        "limit",
        `decompressed buffers exceed ${this.limits.maxDecompressedSize} bytes`,
      );
    }
    if (size === 0n) return EMPTY;
    // ...and the read's budget covers all its messages, so many bombs cannot either
    this.budget?.charge(Number(size), "decompressed buffer");
    return decompressBuffer(this.#codec, raw.subarray(8), Number(size));
  }

  /**
   * The next buffer as `count` elements of `ctor`: a view into the body when it is
   * uncompressed and aligned, without an intermediate byte view.
   */
  typed(ctor: Ctor, count: number, what: string): TypedArray {
    if (this.#codec !== null) return typed(this.buffer(), ctor, count, what, this.budget);
    this.#next();
    const w = ctor.BYTES_PER_ELEMENT;
    const bytes = count * w;
    if (this.#len < bytes) corrupt(`${what} buffer holds ${this.#len} bytes, needs ${bytes}`);
    if (bytes === 0) return new ctor(0);
    const body = this.#body;
    const at = body.byteOffset + this.#at;
    if (at % w === 0) return new ctor(body.buffer, at, count);
    return typed(body.subarray(this.#at, this.#at + bytes), ctor, count, what, this.budget);
  }

  /** The number of data buffers of the next view column (`variadicBufferCounts`). */
  variadicCount(): number {
    if (this.#variadicNext >= this.#variadicLen) corrupt("missing variadic buffer count");
    const p = this.#variadicPos + 8 * this.#variadicNext++;
    const hi = this.#view.getInt32(p + 4, true);
    const n = hi * TWO_32 + this.#view.getUint32(p, true);
    if (n < 0 || n > this.#buffersLen) corrupt(`bad variadic buffer count ${n}`);
    return n;
  }

  /** Throws unless every node and buffer was used. */
  finish(): void {
    if (this.#node !== this.#nodesLen) corrupt("more field nodes than fields");
    if (this.#buffer !== this.#buffersLen) corrupt("more buffers than the layout needs");
  }
}

function intCtor(bitWidth: number, signed: boolean): Ctor {
  switch (bitWidth) {
    case 8:
      return (signed ? Int8Array : Uint8Array) as unknown as Ctor;
    case 16:
      return (signed ? Int16Array : Uint16Array) as unknown as Ctor;
    case 32:
      return (signed ? Int32Array : Uint32Array) as unknown as Ctor;
    default:
      return (signed ? BigInt64Array : BigUint64Array) as unknown as Ctor;
  }
}

function valuesCtor(type: DataType): Ctor {
  switch (type.typeId) {
    case Type.Int:
      return intCtor(type.bitWidth, type.signed);
    case Type.Float:
      return (type.precision === Precision.DOUBLE
        ? Float64Array
        : type.precision === Precision.SINGLE
        ? Float32Array
        : Uint16Array) as unknown as Ctor;
    case Type.Date:
      return (type.unit === 0 ? Int32Array : BigInt64Array) as unknown as Ctor;
    case Type.Time:
      return (type.bitWidth === 32 ? Int32Array : BigInt64Array) as unknown as Ctor;
    default:
      return BigInt64Array as unknown as Ctor;
  }
}

function readOffsets(
  cur: BodyCursor,
  large: boolean,
  length: number,
): Int32Array | BigInt64Array {
  // a zero-length column may omit its offsets buffer altogether
  if (length === 0) {
    cur.skip();
    return large ? new BigInt64Array(1) : new Int32Array(1);
  }
  const ctor = (large ? BigInt64Array : Int32Array) as unknown as Ctor;
  return cur.typed(ctor, length + 1, "offsets") as Int32Array | BigInt64Array;
}

/**
 * Converts a BinaryView/Utf8View column (16-byte views: length, then inline bytes or prefix,
 * buffer index and offset) into the offsets layout, checking every view and bounding the
 * output (views may point at the same bytes many times).
 */
function decodeViews(
  views: Uint8Array,
  data: Uint8Array[],
  length: number,
  validity: Uint8Array | null,
  limits: IpcLimits,
  budget: OutputBudget | null,
): { offsets: Int32Array; bytes: Uint8Array } {
  if (views.length < length * 16) corrupt("view buffer too short");
  const dv = new DataView(views.buffer, views.byteOffset, views.byteLength);
  const offsets = new Int32Array(length + 1);
  const max = Math.min(limits.maxDecompressedSize, 0x7fffffff);
  let total = 0;
  const valid = (i: number) => validity === null || ((validity[i >> 3] >> (i & 7)) & 1) === 1;
  for (let i = 0; i < length; i++) {
    if (valid(i)) {
      const n = dv.getInt32(16 * i, true);
      if (n < 0) corrupt("negative view length");
      if (n > 12) {
        const b = dv.getInt32(16 * i + 8, true);
        const o = dv.getInt32(16 * i + 12, true);
        if (b < 0 || b >= data.length || o < 0 || o + n > data[b].length) {
          corrupt("view points outside its data buffers");
        }
      }
      total += n;
      if (total > max) throw new ArrowError("limit", "view column expands beyond the limit");
    }
    offsets[i + 1] = total;
  }
  budget?.charge(total + 4 * (length + 1), "expanded view column");
  const bytes = new Uint8Array(total);
  for (let i = 0; i < length; i++) {
    const start = offsets[i];
    const n = offsets[i + 1] - start;
    if (n === 0) continue;
    if (n <= 12) bytes.set(views.subarray(16 * i + 4, 16 * i + 4 + n), start);
    else {
      const b = dv.getInt32(16 * i + 8, true);
      const o = dv.getInt32(16 * i + 12, true);
      bytes.set(data[b].subarray(o, o + n), start);
    }
  }
  return { offsets, bytes };
}

/** Dictionaries known so far, by id. */
export type DictionaryMap = Map<number, Column>;

/** Column data of one decoded node; every field is set so all columns share one shape. */
function columnData(
  type: DataType,
  cur: BodyCursor,
  validity: Uint8Array | null,
  values: TypedArray | null,
  offsets: Int32Array | BigInt64Array | null,
  children: Column[],
  dictionary: Column | null,
): ColumnData {
  return {
    type,
    length: cur.length,
    offset: 0,
    nullCount: cur.nullCount,
    validity,
    values,
    offsets,
    children,
    dictionary,
  };
}

const NO_CHILDREN: Column[] = [];

function decodeColumn(
  field: Field,
  type: DataType,
  cur: BodyCursor,
  depth: number,
): Column {
  if (depth > cur.limits.maxDepth) throw new ArrowError("limit", "type nesting too deep");
  const length = cur.node();
  const nullCount = cur.nullCount;
  if (type.typeId === Type.Null) {
    const data = columnData(type, cur, null, null, null, NO_CHILDREN, null);
    return applyExtension(makeColumn({ ...data, nullCount: length }), field);
  }
  // unions (metadata V5) and run-end encoded columns have no validity buffer
  if (type.typeId === Type.Union) {
    return applyExtension(decodeUnion(type, cur, depth), field);
  }
  if (type.typeId === Type.RunEndEncoded) {
    return applyExtension(decodeRunEnds(type, cur, depth), field);
  }
  let validity: Uint8Array | null = null;
  if (nullCount > 0) {
    const vbuf = cur.buffer();
    const need = Math.ceil(length / 8);
    if (vbuf.length < need) corrupt("validity bitmap too short");
    validity = vbuf.subarray(0, need);
    if (countNulls(validity, 0, length) !== nullCount) {
      corrupt("null count does not match the bitmap");
    }
  } else cur.skip(); // all valid: the bitmap (if any) is never read
  let data: ColumnData;
  switch (type.typeId) {
    case Type.Bool: {
      const bits = cur.buffer();
      if (bits.length < Math.ceil(length / 8)) corrupt("bool buffer too short");
      data = columnData(type, cur, validity, bits, null, NO_CHILDREN, null);
      break;
    }
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration: {
      const values = cur.typed(valuesCtor(type), length, "values");
      data = columnData(type, cur, validity, values, null, NO_CHILDREN, null);
      break;
    }
    case Type.Decimal: {
      const words = length * (type.bitWidth >> 5);
      const values = cur.typed(Uint32Array as unknown as Ctor, words, "decimal");
      data = columnData(type, cur, validity, values, null, NO_CHILDREN, null);
      break;
    }
    case Type.Interval: {
      const words = length * INTERVAL_WORDS[type.unit];
      const values = cur.typed(Int32Array as unknown as Ctor, words, "interval");
      data = columnData(type, cur, validity, values, null, NO_CHILDREN, null);
      break;
    }
    case Type.Utf8View:
    case Type.BinaryView: {
      // held in the offsets layout: views may point anywhere (and at the same bytes many times)
      const views = cur.buffer();
      const count = cur.variadicCount();
      const buffers: Uint8Array[] = [];
      for (let k = 0; k < count; k++) buffers.push(cur.buffer());
      const { offsets, bytes } = decodeViews(
        views,
        buffers,
        length,
        validity,
        cur.limits,
        cur.budget,
      );
      data = columnData(type, cur, validity, bytes, offsets, NO_CHILDREN, null);
      break;
    }
    case Type.ListView:
    case Type.LargeListView: {
      const large = type.typeId === Type.LargeListView;
      const ctor = (large ? BigInt64Array : Int32Array) as unknown as Ctor;
      const offsets = cur.typed(ctor, length, "offsets") as Int32Array | BigInt64Array;
      const sizes = cur.typed(ctor, length, "sizes") as Int32Array | BigInt64Array;
      const nulls = cur.nullCount;
      const child = decodeColumn(type.child, type.child.type, cur, depth + 1);
      const n = child.length;
      for (let i = 0; i < length; i++) {
        if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) continue;
        const o = Number(offsets[i]);
        const z = Number(sizes[i]);
        if (!(o >= 0 && z >= 0 && o + z <= n)) corrupt(`list view ${i} points outside its child`);
      }
      cur.length = length;
      cur.nullCount = nulls;
      data = columnData(type, cur, validity, sizes, offsets, [child], null);
      break;
    }
    case Type.FixedSizeBinary: {
      const bytes = cur.buffer();
      if (bytes.length < length * type.byteWidth) corrupt("fixed-size binary buffer too short");
      data = columnData(type, cur, validity, bytes, null, NO_CHILDREN, null);
      break;
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary: {
      const large = type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary;
      const offsets = readOffsets(cur, large, length);
      const bytes = cur.buffer();
      // Offsets are checked when first used (per element by get, whole buffer by bulk
      // readers of data.offsets): reading a few values of a large column stays cheap.
      data = deferOffsetsCheck(
        columnData(type, cur, validity, bytes, offsets, NO_CHILDREN, null),
        bytes.length,
      );
      break;
    }
    case Type.List:
    case Type.LargeList:
    case Type.Map: {
      const offsets = readOffsets(cur, type.typeId === Type.LargeList, length);
      const nulls = cur.nullCount;
      const child = decodeColumn(type.child, type.child.type, cur, depth + 1);
      cur.length = length;
      cur.nullCount = nulls;
      data = deferOffsetsCheck(
        columnData(type, cur, validity, null, offsets, [child], null),
        child.length,
      );
      break;
    }
    case Type.FixedSizeList: {
      const child = decodeColumn(type.child, type.child.type, cur, depth + 1);
      if (child.length < length * type.listSize) corrupt("fixed-size list child too short");
      cur.length = length;
      cur.nullCount = nullCount;
      data = columnData(type, cur, validity, null, null, [child], null);
      break;
    }
    case Type.Struct: {
      const fields = type.children;
      const children: Column[] = [];
      for (let k = 0; k < fields.length; k++) {
        const f = fields[k];
        const c = decodeColumn(f, f.type, cur, depth + 1);
        if (c.length < length) corrupt("struct child shorter than the struct");
        children.push(c);
      }
      cur.length = length;
      cur.nullCount = nullCount;
      data = columnData(type, cur, validity, null, null, children, null);
      break;
    }
    case Type.Dictionary: {
      const dictionary = cur.dicts.get(type.id);
      if (!dictionary) corrupt(`dictionary ${type.id} used before it was sent`);
      const ctor = intCtor(type.indices.bitWidth, type.indices.signed);
      const indices = cur.typed(ctor, length, "indices");
      const n = dictionary.length;
      const v = validity;
      for (let i = 0; i < length; i++) {
        const k = Number(indices[i]);
        if ((k < 0 || k >= n) && (v === null || ((v[i >> 3] >> (i & 7)) & 1) === 1)) {
          corrupt(`dictionary index ${k} out of range 0..${n}`);
        }
      }
      data = columnData(type, cur, validity, indices, null, NO_CHILDREN, dictionary);
      break;
    }
  }
  return applyExtension(makeColumn(data), field);
}

/** A union: type codes, offsets (dense), children; no validity buffer (format 1.0+). */
function decodeUnion(
  type: DataType & { typeId: typeof Type.Union },
  cur: BodyCursor,
  depth: number,
): Column {
  const length = cur.length;
  // metadata V4 (before format 1.0) still had an (unused) validity buffer for unions
  if (cur.version <= METADATA_V4) cur.skip();
  const codes = cur.typed(Int8Array as unknown as Ctor, length, "union type codes") as Int8Array;
  const dense = type.mode === UnionMode.Dense;
  const offsets = dense
    ? cur.typed(Int32Array as unknown as Ctor, length, "union offsets") as Int32Array
    : null;
  const children: Column[] = [];
  for (const f of type.children) {
    const child = decodeColumn(f, f.type, cur, depth + 1);
    // a sparse union's children all have its length; take and filter gather every one of them
    if (!dense && child.length < length) corrupt("sparse union child shorter than the union");
    children.push(child);
  }
  const childOf = new Int8Array(128).fill(-1);
  type.typeIds.forEach((id, k) => (childOf[id] = k));
  for (let i = 0; i < length; i++) {
    const code = codes[i];
    const k = code >= 0 ? childOf[code] : -1;
    if (k < 0) corrupt(`union type code ${code} is not declared`);
    const at = offsets === null ? i : offsets[i];
    if (!(at >= 0 && at < children[k].length)) corrupt(`union element ${i} outside its child`);
  }
  cur.length = length;
  cur.nullCount = 0;
  return makeColumn(columnData(type, cur, null, codes, offsets, children, null));
}

/** A run-end encoded column: no buffers, children `[run_ends, values]`. */
function decodeRunEnds(
  type: DataType & { typeId: typeof Type.RunEndEncoded },
  cur: BodyCursor,
  depth: number,
): Column {
  const length = cur.length;
  const [endsField, valuesField] = type.children;
  const ends = decodeColumn(endsField, endsField.type, cur, depth + 1);
  const values = decodeColumn(valuesField, valuesField.type, cur, depth + 1);
  if (ends.nullCount !== 0) corrupt("run ends contain nulls");
  if (values.length < ends.length) corrupt("fewer run values than run ends");
  const e = ends.data.values!;
  let prev = 0;
  for (let i = 0; i < ends.length; i++) {
    const v = Number(e[i]);
    if (!(v > prev)) corrupt("run ends must be positive and strictly increasing");
    prev = v;
  }
  if (prev < length) corrupt(`runs end at ${prev}, before the column's ${length} elements`);
  cur.length = length;
  cur.nullCount = 0;
  return makeColumn(columnData(type, cur, null, null, null, [ends, values], null));
}

/**
 * Decodes the columns of a RecordBatch table (`length` rows) against `fields`; `version` is the
 * message's `MetadataVersion`; allocations are charged to `budget` (shared by every message of
 * one read).
 */
export function decodeRecordBatch(
  rb: Table,
  body: Uint8Array,
  fields: readonly Field[],
  dicts: DictionaryMap,
  limits: IpcLimits,
  version: number = METADATA_V5,
  budget: OutputBudget | null = null,
): { length: number; columns: Column[] } {
  const length = rb.long(0, 0);
  if (length < 0) corrupt("negative batch length");
  if (length > limits.maxRows) throw new ArrowError("limit", `${length} rows exceed the limit`);
  budget?.countValues(length, `${length} rows`); // a row each, even with no columns
  budget?.charge(BATCH_OVERHEAD, "a record batch's objects");
  const cur = new BodyCursor(rb, body, dicts, limits, version, budget);
  const columns: Column[] = new Array(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const c = decodeColumn(f, f.type, cur, 1);
    if (c.length !== length) corrupt(`column "${f.name}" has ${c.length} rows, batch ${length}`);
    columns[i] = c;
  }
  cur.finish();
  return { length, columns };
}

/** Decodes the single values column of a dictionary batch. */
export function decodeDictionaryValues(
  rb: Table,
  body: Uint8Array,
  field: Field,
  dicts: DictionaryMap,
  limits: IpcLimits,
  version: number = METADATA_V5,
  budget: OutputBudget | null = null,
): Column {
  const cur = new BodyCursor(rb, body, dicts, limits, version, budget);
  const c = decodeColumn(field, field.type, cur, 1);
  cur.finish();
  return c;
}
