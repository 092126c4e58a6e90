/**
 * Encodes a `Schema` as the `Schema.fbs` flatbuffer table (fields, types, dictionary encodings,
 * custom metadata). Mirrors `read/schema.ts`.
 *
 * @module
 */

import { ArrowError } from "../../errors.ts";
import type { Field, Schema } from "../../schema.ts";
import { type DataType, Type } from "../../types.ts";
import type { FlatBufferBuilder } from "../flatbuffers/builder.ts";
import { FieldSlot } from "../_format.ts";

/** Writes a `[KeyValue]` vector; returns 0 for empty metadata. */
export function encodeMetadata(b: FlatBufferBuilder, md: ReadonlyMap<string, string>): number {
  if (md.size === 0) return 0;
  const entries: number[] = [];
  for (const [k, v] of md) {
    const key = b.createString(k);
    const value = b.createString(v);
    b.startTable(2);
    b.addOffset(0, key);
    b.addOffset(1, value);
    entries.push(b.endTable());
  }
  return b.createOffsetVector(entries);
}

function encodeInt(b: FlatBufferBuilder, bitWidth: number, signed: boolean): number {
  b.startTable(2);
  b.addInt32(0, bitWidth, null);
  b.addInt8(1, signed ? 1 : 0, null);
  return b.endTable();
}

/** A type table of one int16 field (a unit, a float precision). */
function int16Table(b: FlatBufferBuilder, value: number): number {
  b.startTable(1);
  b.addInt16(0, value, null);
  return b.endTable();
}

/** A type table of one int32 field (a byte width, a list size). */
function int32Table(b: FlatBufferBuilder, value: number): number {
  b.startTable(1);
  b.addInt32(0, value, null);
  return b.endTable();
}

/** Writes the type table of `type` (a dictionary's value type for dictionaries). */
function encodeType(b: FlatBufferBuilder, type: DataType): number {
  switch (type.typeId) {
    case Type.Int:
      return encodeInt(b, type.bitWidth, type.signed);
    case Type.Float:
      return int16Table(b, type.precision);
    case Type.Decimal:
      b.startTable(3);
      b.addInt32(0, type.precision, null);
      b.addInt32(1, type.scale, null);
      b.addInt32(2, type.bitWidth, null);
      return b.endTable();
    case Type.Interval:
    case Type.Date:
    case Type.Duration:
      return int16Table(b, type.unit);
    case Type.Map:
      b.startTable(1);
      b.addInt8(0, type.keysSorted ? 1 : 0, null);
      return b.endTable();
    case Type.Union: {
      b.startVector(4, type.typeIds.length, 4);
      for (let i = type.typeIds.length - 1; i >= 0; i--) b.putInt32(type.typeIds[i]);
      const ids = b.endVector(type.typeIds.length);
      b.startTable(2);
      b.addInt16(0, type.mode, null);
      b.addOffset(1, ids);
      return b.endTable();
    }
    case Type.Time:
      b.startTable(2);
      b.addInt16(0, type.unit, null);
      b.addInt32(1, type.bitWidth, null);
      return b.endTable();
    case Type.Timestamp: {
      const tz = type.timezone === null ? 0 : b.createString(type.timezone);
      b.startTable(2);
      b.addInt16(0, type.unit, null);
      b.addOffset(1, tz);
      return b.endTable();
    }
    case Type.FixedSizeBinary:
      return int32Table(b, type.byteWidth);
    case Type.FixedSizeList:
      return int32Table(b, type.listSize);
    case Type.Dictionary:
      throw new ArrowError("unsupported", "dictionary of dictionaries");
    default:
      // Null, Bool, the binary and utf8 variants, List(View)s, Struct, RunEndEncoded: empty
      b.startTable(0);
      return b.endTable();
  }
}

/** The child fields of a nested type, in the order of its child columns. */
export function childrenOf(type: DataType): readonly Field[] {
  switch (type.typeId) {
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
    case Type.ListView:
    case Type.LargeListView:
    case Type.Map:
      return [type.child];
    case Type.Struct:
    case Type.Union:
    case Type.RunEndEncoded:
      return type.children;
    default:
      return [];
  }
}

/** Assigns dictionary ids in depth-first field order and remembers them for the writer. */
export class DictionaryIds {
  /** Dictionary types in depth-first order; a type's position is its id. */
  readonly types: DataType[] = [];
}

function encodeField(b: FlatBufferBuilder, field: Field, ids: DictionaryIds): number {
  const dict = field.type.typeId === Type.Dictionary ? field.type : null;
  const valueType = dict ? dict.dictionary : field.type;
  let dictOffset = 0;
  if (dict) {
    const id = ids.types.length;
    ids.types.push(dict);
    const indexType = encodeInt(b, dict.indices.bitWidth, dict.indices.signed);
    b.startTable(4);
    b.addInt64(0, BigInt(id), -1n);
    b.addOffset(1, indexType);
    b.addInt8(2, dict.ordered ? 1 : 0);
    dictOffset = b.endTable();
  }
  const children = childrenOf(valueType).map((c) => encodeField(b, c, ids));
  const childrenVec = b.createOffsetVector(children);
  const name = b.createString(field.name);
  const typeOffset = encodeType(b, valueType);
  const md = encodeMetadata(b, field.metadata);
  b.startTable(7);
  b.addOffset(FieldSlot.name, name);
  b.addInt8(FieldSlot.nullable, field.nullable ? 1 : 0, null);
  b.addInt8(FieldSlot.typeType, valueType.typeId, null);
  b.addOffset(FieldSlot.type, typeOffset);
  b.addOffset(FieldSlot.dictionary, dictOffset);
  b.addOffset(FieldSlot.children, childrenVec);
  b.addOffset(FieldSlot.customMetadata, md);
  return b.endTable();
}

/**
 * Writes the `Schema` table of `schema`; fills `ids` with its dictionary types in id order.
 */
export function encodeSchema(b: FlatBufferBuilder, schema: Schema, ids: DictionaryIds): number {
  const fields = schema.fields.map((f) => encodeField(b, f, ids));
  const fieldsVec = b.createOffsetVector(fields);
  const md = encodeMetadata(b, schema.metadata);
  b.startTable(4);
  b.addInt16(0, 0); // little endian
  b.addOffset(1, fieldsVec);
  b.addOffset(2, md);
  return b.endTable();
}
