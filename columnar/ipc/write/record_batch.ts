/**
 * Lays a batch's columns out as IPC field nodes and body buffers (depth-first, the order of the
 * columnar format spec), without copying: buffers are views over the columns' typed arrays.
 * Only slices force small copies (a bitmap not starting on a byte boundary, offsets that do not
 * start at zero). Optionally compresses each buffer (`BodyCompression`, Message.fbs).
 * Mirrors `read/record_batch.ts`.
 *
 * @module
 */

import {
  type Column,
  INTERVAL_WORDS,
  makeColumn,
  type RunEndEncodedColumn,
  type TypedArray,
} from "../../column.ts";
import { ArrowError } from "../../errors.ts";
import { Type, UnionMode } from "../../types.ts";
import { FlatBufferBuilder } from "../flatbuffers/builder.ts";
import { compressBuffer } from "../_codecs.ts";
import { MessageHeader, pad8 } from "../_format.ts";
import { type EncodedMessage, frameMessage } from "./message.ts";

const EMPTY = new Uint8Array(0);
const ZEROS = new Uint8Array(8);

/** Field nodes and buffers of one batch, in IPC order. */
export interface BodyPlan {
  /** (length, null count) per field node. */
  nodes: { length: number; nullCount: number }[];
  /** Body buffers (possibly empty). */
  buffers: Uint8Array[];
  /** Data buffer count of each view column, in field order (`variadicBufferCounts`). */
  variadic: number[];
  /**
   * Indices of buffers stored compressed even when compression does not shrink them: polars
   * reads an uncompressed (length -1) buffer in place, 8 bytes after an aligned offset, and
   * panics when its values need 16-byte alignment (128- and 256-bit decimals).
   */
  alwaysCompressed: Set<number>;
}

/** An empty plan. */
export function newPlan(): BodyPlan {
  return { nodes: [], buffers: [], variadic: [], alwaysCompressed: new Set() };
}

function bytes(a: TypedArray, start: number, end: number): Uint8Array {
  const w = a.BYTES_PER_ELEMENT;
  return new Uint8Array(a.buffer, a.byteOffset + start * w, Math.max(0, end - start) * w);
}

/** Bits [offset, offset + length) of `bits` starting at bit 0 (zero-copy when byte-aligned). */
export function bitmapSlice(bits: Uint8Array, offset: number, length: number): Uint8Array {
  if ((offset & 7) === 0) return bits.subarray(offset >> 3, Math.ceil((offset + length) / 8));
  const out = new Uint8Array(Math.ceil(length / 8));
  for (let i = 0; i < length; i++) {
    const j = offset + i;
    if ((bits[j >> 3] >> (j & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
  }
  return out;
}

function offsetsSlice(
  o: Int32Array | BigInt64Array,
  offset: number,
  length: number,
): { buf: Uint8Array; start: number; end: number } {
  const start = Number(o[offset]);
  const end = Number(o[offset + length]);
  if (start === 0) return { buf: bytes(o, offset, offset + length + 1), start, end };
  if (o instanceof Int32Array) {
    const r = new Int32Array(length + 1);
    for (let i = 0; i <= length; i++) r[i] = o[offset + i] - start;
    return { buf: bytes(r, 0, length + 1), start, end };
  }
  const r = new BigInt64Array(length + 1);
  const s = o[offset];
  for (let i = 0; i <= length; i++) r[i] = o[offset + i] - s;
  return { buf: bytes(r, 0, length + 1), start, end };
}

/**
 * Views (BinaryView/Utf8View, columnar format 1.4) over one data buffer for elements
 * [offset, offset + length) of an offsets-layout column: strings of up to 12 bytes are inlined,
 * longer ones keep a 4-byte prefix and point at the data buffer (index 0), which is left out
 * when nothing points at it.
 */
function planViews(
  o: Int32Array | BigInt64Array,
  bytesIn: Uint8Array,
  validity: Uint8Array | null,
  offset: number,
  length: number,
  plan: BodyPlan,
): void {
  const views = new Uint8Array(16 * length);
  const dv = new DataView(views.buffer);
  const base = Number(o[offset]);
  let long = false;
  for (let i = 0; i < length; i++) {
    const j = offset + i;
    if (validity !== null && ((validity[j >> 3] >> (j & 7)) & 1) === 0) continue;
    const start = Number(o[j]);
    const n = Number(o[j + 1]) - start;
    dv.setInt32(16 * i, n, true);
    if (n <= 12) views.set(bytesIn.subarray(start, start + n), 16 * i + 4);
    else {
      long = true;
      views.set(bytesIn.subarray(start, start + 4), 16 * i + 4);
      dv.setInt32(16 * i + 8, 0, true);
      dv.setInt32(16 * i + 12, start - base, true);
    }
  }
  plan.buffers.push(views);
  if (long) {
    plan.buffers.push(bytesIn.subarray(base, Number(o[offset + length])));
    plan.variadic.push(1);
  } else plan.variadic.push(0);
}

/**
 * A run-end encoded slice: run ends rebased to the slice (the last one clamped to its length)
 * and the values of the runs it touches.
 */
function planRunEnds(column: RunEndEncodedColumn, plan: BodyPlan): void {
  const d = column.data;
  const { offset, length } = d;
  const ends = column.runEnds;
  const src = ends.data.values!;
  const first = length === 0 ? 0 : column.runIndex(offset);
  const last = length === 0 ? -1 : column.runIndex(offset + length - 1);
  const n = last - first + 1;
  const ctor = src.constructor as new (n: number) => TypedArray;
  const out = new ctor(n);
  const big = out instanceof BigInt64Array;
  for (let r = 0; r < n; r++) {
    const e = Math.min(Number(src[ends.data.offset + first + r]) - offset, length);
    out[r] = big ? BigInt(e) : e;
  }
  const rebased = makeColumn({
    type: ends.type,
    length: n,
    offset: 0,
    nullCount: 0,
    validity: null,
    values: out,
    offsets: null,
    children: [],
    dictionary: null,
  });
  planColumn(rebased, plan);
  planColumn(column.values.slice(first, n), plan);
}

/** Appends the nodes and buffers of `column` (and its children) to `plan`. */
export function planColumn(column: Column, plan: BodyPlan): void {
  const d = column.data;
  const t = d.type;
  const { offset, length } = d;
  // unions and run-end encoded columns have no validity buffer and a null count of 0
  if (t.typeId === Type.Union) {
    plan.nodes.push({ length, nullCount: 0 });
    plan.buffers.push(bytes(d.values!, offset, offset + length));
    if (t.mode === UnionMode.Dense) {
      // the offsets keep pointing into the whole children
      plan.buffers.push(bytes(d.offsets!, offset, offset + length));
      for (const c of d.children) planColumn(c, plan);
    } else for (const c of d.children) planColumn(c.slice(offset, length), plan);
    return;
  }
  if (t.typeId === Type.RunEndEncoded) {
    plan.nodes.push({ length, nullCount: 0 });
    planRunEnds(column as RunEndEncodedColumn, plan);
    return;
  }
  const nullCount = t.typeId === Type.Null ? length : column.nullCount;
  plan.nodes.push({ length, nullCount });
  if (t.typeId === Type.Null) return;
  plan.buffers.push(
    nullCount === 0 || d.validity === null ? EMPTY : bitmapSlice(d.validity, offset, length),
  );
  switch (t.typeId) {
    case Type.Bool:
      plan.buffers.push(bitmapSlice(d.values as Uint8Array, offset, length));
      return;
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
    case Type.Dictionary:
      plan.buffers.push(bytes(d.values!, offset, offset + length));
      return;
    case Type.Decimal: {
      const w = t.bitWidth >> 5;
      plan.alwaysCompressed.add(plan.buffers.length);
      plan.buffers.push(bytes(d.values!, offset * w, (offset + length) * w));
      return;
    }
    case Type.Interval: {
      const w = INTERVAL_WORDS[t.unit];
      plan.buffers.push(bytes(d.values!, offset * w, (offset + length) * w));
      return;
    }
    case Type.FixedSizeBinary:
      plan.buffers.push(bytes(d.values!, offset * t.byteWidth, (offset + length) * t.byteWidth));
      return;
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary: {
      const o = offsetsSlice(d.offsets!, offset, length);
      plan.buffers.push(o.buf, (d.values as Uint8Array).subarray(o.start, o.end));
      return;
    }
    case Type.Utf8View:
    case Type.BinaryView:
      planViews(d.offsets!, d.values as Uint8Array, d.validity, offset, length, plan);
      return;
    case Type.List:
    case Type.LargeList:
    case Type.Map: {
      const o = offsetsSlice(d.offsets!, offset, length);
      plan.buffers.push(o.buf);
      planColumn(d.children[0].slice(o.start, o.end - o.start), plan);
      return;
    }
    case Type.ListView:
    case Type.LargeListView:
      // views point into the whole child, so a slice only slices the offsets and sizes
      plan.buffers.push(
        bytes(d.offsets!, offset, offset + length),
        bytes(d.values!, offset, offset + length),
      );
      planColumn(d.children[0], plan);
      return;
    case Type.FixedSizeList:
      planColumn(d.children[0].slice(offset * t.listSize, length * t.listSize), plan);
      return;
    case Type.Struct:
      for (const c of d.children) planColumn(c.slice(offset, length), plan);
      return;
  }
}

/** Options of batch encoding. */
export interface EncodeOptions {
  /** Codec id (`CompressionType`) or null for no compression. */
  codec: number | null;
  /** Codec level. */
  level?: number;
}

function writeRecordBatchTable(
  b: FlatBufferBuilder,
  length: number,
  plan: BodyPlan,
  layout: { offset: number; length: number }[],
  codec: number | null,
): number {
  let compression = 0;
  if (codec !== null) {
    b.startTable(2);
    b.addInt8(0, codec, null);
    b.addInt8(1, 0, null); // BodyCompressionMethod.BUFFER
    compression = b.endTable();
  }
  let variadic = 0;
  if (plan.variadic.length > 0) {
    b.startVector(8, plan.variadic.length, 8);
    for (let i = plan.variadic.length - 1; i >= 0; i--) b.putInt64(BigInt(plan.variadic[i]));
    variadic = b.endVector(plan.variadic.length);
  }
  b.startVector(16, layout.length, 8);
  for (let i = layout.length - 1; i >= 0; i--) {
    b.putInt64(BigInt(layout[i].length));
    b.putInt64(BigInt(layout[i].offset));
  }
  const buffers = b.endVector(layout.length);
  b.startVector(16, plan.nodes.length, 8);
  for (let i = plan.nodes.length - 1; i >= 0; i--) {
    b.putInt64(BigInt(plan.nodes[i].nullCount));
    b.putInt64(BigInt(plan.nodes[i].length));
  }
  const nodes = b.endVector(plan.nodes.length);
  b.startTable(5);
  b.addInt64(0, BigInt(length), null);
  b.addOffset(1, nodes);
  b.addOffset(2, buffers);
  b.addOffset(3, compression);
  b.addOffset(4, variadic);
  return b.endTable();
}

/** Lays out the body of `plan`: chunks and (offset, length) of each buffer. */
function layoutBody(
  plan: BodyPlan,
  opts: EncodeOptions,
): { chunks: Uint8Array[]; layout: { offset: number; length: number }[]; bodyLength: number } {
  const chunks: Uint8Array[] = [];
  const layout: { offset: number; length: number }[] = [];
  let pos = 0;
  for (let i = 0; i < plan.buffers.length; i++) {
    const buf = plan.buffers[i];
    let len = buf.length;
    if (opts.codec !== null && len > 0) {
      const prefix = new Uint8Array(8);
      const view = new DataView(prefix.buffer);
      const packed = compressBuffer(opts.codec, buf, opts.level);
      if (packed.length < len || plan.alwaysCompressed.has(i)) {
        view.setBigInt64(0, BigInt(len), true);
        chunks.push(prefix, packed);
        len = 8 + packed.length;
      } else {
        view.setBigInt64(0, -1n, true);
        chunks.push(prefix, buf);
        len = 8 + len;
      }
    } else if (len > 0) chunks.push(buf);
    layout.push({ offset: pos, length: len });
    const padded = pad8(len);
    if (padded > len) chunks.push(ZEROS.subarray(0, padded - len));
    pos += padded;
  }
  if (pos > Number.MAX_SAFE_INTEGER) throw new ArrowError("limit", "body too large");
  return { chunks, layout, bodyLength: pos };
}

/** Encodes the columns of a batch (`length` rows) as a RecordBatch message. */
export function encodeRecordBatch(
  columns: readonly Column[],
  length: number,
  opts: EncodeOptions,
): EncodedMessage {
  const plan = newPlan();
  for (const c of columns) planColumn(c, plan);
  const { chunks, layout, bodyLength } = layoutBody(plan, opts);
  const b = new FlatBufferBuilder(256 + 32 * (plan.nodes.length + layout.length));
  const rb = writeRecordBatchTable(b, length, plan, layout, opts.codec);
  return {
    metadata: frameMessage(b, MessageHeader.RecordBatch, rb, bodyLength),
    body: chunks,
    bodyLength,
  };
}

/** Encodes a dictionary's values as a DictionaryBatch message. */
export function encodeDictionaryBatch(
  id: number,
  values: Column,
  isDelta: boolean,
  opts: EncodeOptions,
): EncodedMessage {
  const plan = newPlan();
  planColumn(values, plan);
  const { chunks, layout, bodyLength } = layoutBody(plan, opts);
  const b = new FlatBufferBuilder(256 + 32 * (plan.nodes.length + layout.length));
  const rb = writeRecordBatchTable(b, values.length, plan, layout, opts.codec);
  b.startTable(3);
  b.addInt64(0, BigInt(id), null);
  b.addOffset(1, rb);
  b.addInt8(2, isDelta ? 1 : 0);
  const db = b.endTable();
  return {
    metadata: frameMessage(b, MessageHeader.DictionaryBatch, db, bodyLength),
    body: chunks,
    bodyLength,
  };
}
