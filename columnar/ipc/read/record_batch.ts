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
  makeColumn,
  type TypedArray,
} from "../../column.ts";
import { ArrowError } from "../../errors.ts";
import { applyExtension } from "../../extension.ts";
import type { Field } from "../../schema.ts";
import { type DataType, Precision, Type } from "../../types.ts";
import type { Table } from "../flatbuffers/reader.ts";
import { decompressBuffer } from "../_codecs.ts";
import type { IpcLimits } from "../limits.ts";
import { VIEW_TYPES } from "./schema.ts";

function corrupt(msg: string): never {
  throw new ArrowError("corrupt", msg);
}

type Ctor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  new (length: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

/** A typed view of `count` elements at the start of `buf` (zero-copy when aligned). */
function typed(buf: Uint8Array, ctor: Ctor, count: number, what: string): TypedArray {
  const w = ctor.BYTES_PER_ELEMENT;
  if (buf.length < count * w) {
    corrupt(`${what} buffer holds ${buf.length} bytes, needs ${count * w}`);
  }
  if ((buf.byteOffset % w) === 0) return new ctor(buf.buffer, buf.byteOffset, count);
  const copy = new Uint8Array(count * w);
  copy.set(buf.subarray(0, count * w));
  return new ctor(copy.buffer, 0, count);
}

/** Walks the field nodes and buffers of one RecordBatch table. */
class BodyCursor {
  #view: DataView;
  #nodes: { pos: number; length: number };
  #buffers: { pos: number; length: number };
  #node = 0;
  #buffer = 0;
  #prevEnd = 0;
  #body: Uint8Array;
  #codec: number | null;
  #limits: IpcLimits;
  #variadic: bigint[];
  #decompressed = 0;
  #variadicNext = 0;

  constructor(rb: Table, body: Uint8Array, limits: IpcLimits) {
    this.#view = rb.view;
    this.#body = body;
    this.#limits = limits;
    this.#nodes = rb.vector(1, 16) ?? { pos: 0, length: 0 };
    this.#buffers = rb.vector(2, 16) ?? { pos: 0, length: 0 };
    this.#variadic = rb.int64s(4);
    if (this.#nodes.length > limits.maxBuffers || this.#buffers.length > limits.maxBuffers) {
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

  #long(pos: number): number {
    const v = this.#view.getBigInt64(pos, true);
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) corrupt(`bad length ${v}`);
    return Number(v);
  }

  node(): { length: number; nullCount: number } {
    if (this.#node >= this.#nodes.length) corrupt("fewer field nodes than fields");
    const p = this.#nodes.pos + 16 * this.#node++;
    const length = this.#long(p);
    const nullCount = this.#long(p + 8);
    if (length > this.#limits.maxRows) {
      throw new ArrowError("limit", `${length} rows exceed the limit`);
    }
    if (nullCount > length) corrupt(`null count ${nullCount} exceeds length ${length}`);
    return { length, nullCount };
  }

  buffer(): Uint8Array {
    if (this.#buffer >= this.#buffers.length) corrupt("fewer buffers than the layout needs");
    const p = this.#buffers.pos + 16 * this.#buffer++;
    const offset = this.#long(p);
    const length = this.#long(p + 8);
    if (length === 0) return new Uint8Array(0);
    if (offset + length > this.#body.length) corrupt("buffer outside the message body");
    if ((offset & 7) !== 0) corrupt(`buffer at offset ${offset} is not 8-byte aligned`);
    if (offset < this.#prevEnd) corrupt("buffers overlap or are out of order");
    this.#prevEnd = offset + length;
    const raw = this.#body.subarray(offset, offset + length);
    if (this.#codec === null) return raw;
    if (raw.length < 8) corrupt("compressed buffer shorter than its length prefix");
    const size = new DataView(raw.buffer, raw.byteOffset, 8).getBigInt64(0, true);
    if (size === -1n) return raw.subarray(8);
    if (size < 0n) corrupt(`bad uncompressed length ${size}`);
    // the limit covers the whole message, so many small bombs cannot add up
    this.#decompressed += Number(size);
    if (
      size > BigInt(this.#limits.maxDecompressedSize) ||
      this.#decompressed > this.#limits.maxDecompressedSize
    ) {
      throw new ArrowError(
        "limit",
        `decompressed buffers exceed ${this.#limits.maxDecompressedSize} bytes`,
      );
    }
    if (size === 0n) return new Uint8Array(0);
    return decompressBuffer(this.#codec, raw.subarray(8), Number(size));
  }

  /** The number of data buffers of the next view column (`variadicBufferCounts`). */
  variadicCount(): number {
    if (this.#variadicNext >= this.#variadic.length) corrupt("missing variadic buffer count");
    const n = this.#variadic[this.#variadicNext++];
    if (n < 0n || n > BigInt(this.#buffers.length)) corrupt(`bad variadic buffer count ${n}`);
    return Number(n);
  }

  /** Throws unless every node and buffer was used. */
  finish(): void {
    if (this.#node !== this.#nodes.length) corrupt("more field nodes than fields");
    if (this.#buffer !== this.#buffers.length) corrupt("more buffers than the layout needs");
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

/** Validates an offsets array: starts ≥ 0, never decreases, ends ≤ `limit`. */
function checkOffsets(o: Int32Array | BigInt64Array, length: number, limit: number): void {
  if (o instanceof Int32Array) {
    let prev = o[0];
    if (prev < 0) corrupt("negative offset");
    for (let i = 1; i <= length; i++) {
      const v = o[i];
      if (v < prev) corrupt("offsets decrease");
      prev = v;
    }
    if (prev > limit) corrupt(`offsets point past their data (${prev} > ${limit})`);
  } else {
    let prev = o[0];
    if (prev < 0n) corrupt("negative offset");
    for (let i = 1; i <= length; i++) {
      const v = o[i];
      if (v < prev) corrupt("offsets decrease");
      prev = v;
    }
    if (prev > BigInt(limit)) corrupt(`offsets point past their data`);
  }
}

function readOffsets(buf: Uint8Array, large: boolean, length: number): Int32Array | BigInt64Array {
  if (buf.length === 0 && length === 0) return large ? new BigInt64Array(1) : new Int32Array(1);
  return typed(
    buf,
    (large ? BigInt64Array : Int32Array) as unknown as Ctor,
    length + 1,
    "offsets",
  ) as Int32Array | BigInt64Array;
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

function decodeColumn(
  field: Field,
  type: DataType,
  cur: BodyCursor,
  dicts: DictionaryMap,
  depth: number,
  limits: IpcLimits,
): Column {
  if (depth > limits.maxDepth) throw new ArrowError("limit", "type nesting too deep");
  const { length, nullCount } = cur.node();
  const base = {
    type,
    length,
    offset: 0,
    nullCount,
    validity: null as Uint8Array | null,
    values: null as TypedArray | null,
    offsets: null as Int32Array | BigInt64Array | null,
    children: [] as Column[],
    dictionary: null as Column | null,
  };
  if (type.typeId === Type.Null) {
    return applyExtension(makeColumn({ ...base, nullCount: length }), field);
  }
  const vbuf = cur.buffer();
  if (nullCount > 0) {
    const need = Math.ceil(length / 8);
    if (vbuf.length < need) corrupt("validity bitmap too short");
    const bits = vbuf.subarray(0, need);
    if (countNulls(bits, 0, length) !== nullCount) corrupt("null count does not match the bitmap");
    base.validity = bits;
  }
  let data: ColumnData;
  switch (type.typeId) {
    case Type.Bool: {
      const bits = cur.buffer();
      if (bits.length < Math.ceil(length / 8)) corrupt("bool buffer too short");
      data = { ...base, values: bits };
      break;
    }
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
      data = { ...base, values: typed(cur.buffer(), valuesCtor(type), length, "values") };
      break;
    case Type.Decimal:
      data = {
        ...base,
        values: typed(cur.buffer(), Uint32Array as unknown as Ctor, length * 4, "decimal"),
      };
      break;
    case Type.FixedSizeBinary: {
      const bytes = cur.buffer();
      if (bytes.length < length * type.byteWidth) corrupt("fixed-size binary buffer too short");
      data = { ...base, values: bytes };
      break;
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary: {
      if (VIEW_TYPES.has(type)) {
        const views = cur.buffer();
        const count = cur.variadicCount();
        const buffers: Uint8Array[] = [];
        for (let k = 0; k < count; k++) buffers.push(cur.buffer());
        const { offsets, bytes } = decodeViews(views, buffers, length, base.validity, limits);
        data = { ...base, offsets, values: bytes };
        break;
      }
      const large = type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary;
      const offsets = readOffsets(cur.buffer(), large, length);
      const bytes = cur.buffer();
      checkOffsets(offsets, length, bytes.length);
      data = { ...base, offsets, values: bytes };
      break;
    }
    case Type.List:
    case Type.LargeList: {
      const offsets = readOffsets(cur.buffer(), type.typeId === Type.LargeList, length);
      const child = decodeColumn(type.child, type.child.type, cur, dicts, depth + 1, limits);
      checkOffsets(offsets, length, child.length);
      data = { ...base, offsets, children: [child] };
      break;
    }
    case Type.FixedSizeList: {
      const child = decodeColumn(type.child, type.child.type, cur, dicts, depth + 1, limits);
      if (child.length < length * type.listSize) corrupt("fixed-size list child too short");
      data = { ...base, children: [child] };
      break;
    }
    case Type.Struct: {
      const children = type.children.map((f) => {
        const c = decodeColumn(f, f.type, cur, dicts, depth + 1, limits);
        if (c.length < length) corrupt("struct child shorter than the struct");
        return c;
      });
      data = { ...base, children };
      break;
    }
    case Type.Dictionary: {
      const dictionary = dicts.get(type.id);
      if (!dictionary) corrupt(`dictionary ${type.id} used before it was sent`);
      const ctor = intCtor(type.indices.bitWidth, type.indices.signed);
      const indices = typed(cur.buffer(), ctor, length, "indices");
      const n = dictionary.length;
      const v = base.validity;
      for (let i = 0; i < length; i++) {
        const k = Number(indices[i]);
        if ((k < 0 || k >= n) && (v === null || ((v[i >> 3] >> (i & 7)) & 1) === 1)) {
          corrupt(`dictionary index ${k} out of range 0..${n}`);
        }
      }
      data = { ...base, values: indices, dictionary };
      break;
    }
  }
  return applyExtension(makeColumn(data), field);
}

/** Decodes the columns of a RecordBatch table (`length` rows) against `fields`. */
export function decodeRecordBatch(
  rb: Table,
  body: Uint8Array,
  fields: readonly Field[],
  dicts: DictionaryMap,
  limits: IpcLimits,
): { length: number; columns: Column[] } {
  const len = rb.int64(0, 0n);
  if (len < 0n) corrupt("negative batch length");
  if (len > BigInt(limits.maxRows)) throw new ArrowError("limit", `${len} rows exceed the limit`);
  const length = Number(len);
  const cur = new BodyCursor(rb, body, limits);
  const columns = fields.map((f) => {
    const c = decodeColumn(f, f.type, cur, dicts, 1, limits);
    if (c.length !== length) corrupt(`column "${f.name}" has ${c.length} rows, batch ${length}`);
    return c;
  });
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
): Column {
  const cur = new BodyCursor(rb, body, limits);
  const c = decodeColumn(field, field.type, cur, dicts, 1, limits);
  cur.finish();
  return c;
}
