/**
 * Decodes the `Schema.fbs` flatbuffer table into a `Schema`, checking every enum, width and
 * nesting depth. Mirrors `write/schema.ts`.
 *
 * @module
 */

import { ArrowError } from "../../errors.ts";
import { Field, Schema } from "../../schema.ts";
import {
  type DataType,
  type DictionaryType,
  type IntType,
  type TimeUnit,
  Type,
  typeName,
  UnionMode,
} from "../../types.ts";
import type { Table } from "../flatbuffers/reader.ts";
import { FieldSlot } from "../_format.ts";
import type { IpcLimits } from "../limits.ts";

/** Largest precision of each decimal width (Schema.fbs `Decimal`). */
const DECIMAL_PRECISION: Record<number, number> = { 32: 9, 64: 18, 128: 38, 256: 76 };

function corrupt(msg: string): never {
  throw new ArrowError("corrupt", msg);
}

/**
 * Work budget of one schema decode. Flatbuffer offsets may point at shared tables and strings,
 * so a small hostile buffer can describe a huge tree; every field, metadata entry and string
 * byte visited is charged here.
 */
export interface DecodeBudget {
  /** Fields and metadata entries still allowed. */
  entries: number;
  /** String bytes still allowed. */
  bytes: number;
}

/** A fresh budget from the limits. */
export function newBudget(limits: IpcLimits): DecodeBudget {
  return { entries: limits.maxFields, bytes: limits.maxMetadataSize };
}

function chargeEntry(budget: DecodeBudget): void {
  if (--budget.entries < 0) throw new ArrowError("limit", "too many fields or metadata entries");
}

function chargeString(budget: DecodeBudget, s: string | null): string | null {
  if (s !== null && (budget.bytes -= s.length) < 0) {
    throw new ArrowError("limit", "schema strings exceed the metadata size limit");
  }
  return s;
}

/** Reads a `[KeyValue]` vector into a Map. */
export function decodeMetadata(
  t: Table,
  slot: number,
  budget: DecodeBudget,
): Map<string, string> {
  const md = new Map<string, string>();
  const v = t.tableVector(slot, Math.max(0, budget.entries));
  for (let i = 0; i < v.length; i++) {
    chargeEntry(budget);
    const kv = v.at(i);
    const k = chargeString(budget, kv.string(0));
    if (k === null) corrupt("metadata entry without a key");
    md.set(k, chargeString(budget, kv.string(1)) ?? "");
  }
  return md;
}

function timeUnit(v: number): TimeUnit {
  if (v < 0 || v > 3) corrupt(`bad time unit ${v}`);
  return v as TimeUnit;
}

function decodeInt(t: Table | null): IntType {
  if (!t) corrupt("Int type table missing");
  const bitWidth = t.int32(0, 0);
  if (bitWidth !== 8 && bitWidth !== 16 && bitWidth !== 32 && bitWidth !== 64) {
    corrupt(`bad integer width ${bitWidth}`);
  }
  return { typeId: Type.Int, bitWidth, signed: t.bool(1, false) };
}

/** Reading state shared across a schema: field count and dictionary value types by id. */
export interface SchemaContext {
  /** Limits in force. */
  limits: IpcLimits;
  /** Remaining work budget. */
  budget: DecodeBudget;
  /** Dictionary id → dictionary type (value type, indices). */
  dictionaries: Map<number, DictionaryType>;
}

/** Children a field of each type has (Schema.fbs); struct and union take any number. */
const CHILD_COUNT: ReadonlyMap<number, number> = new Map([
  ...[
    Type.Null,
    Type.Bool,
    Type.Int,
    Type.Float,
    Type.Decimal,
    Type.Utf8,
    Type.LargeUtf8,
    Type.Utf8View,
    Type.Binary,
    Type.LargeBinary,
    Type.BinaryView,
    Type.FixedSizeBinary,
    Type.Interval,
    Type.Date,
    Type.Time,
    Type.Timestamp,
    Type.Duration,
  ].map((t) => [t, 0] as const),
  ...[Type.List, Type.LargeList, Type.FixedSizeList, Type.ListView, Type.LargeListView, Type.Map]
    .map((t) => [t, 1] as const),
  [Type.RunEndEncoded, 2],
]);

function typeTable(tt: Table | null, typeType: number): Table {
  return tt ?? corrupt(`${typeName(typeType)} type table missing`);
}

function decodeField(t: Table, ctx: SchemaContext, depth: number): Field {
  if (depth > ctx.limits.maxDepth) {
    throw new ArrowError("limit", `type nesting deeper than ${ctx.limits.maxDepth}`);
  }
  chargeEntry(ctx.budget);
  const name = chargeString(ctx.budget, t.string(FieldSlot.name)) ?? "";
  const nullable = t.bool(FieldSlot.nullable, false);
  const typeType = t.uint8(FieldSlot.typeType, 0);
  const tt = t.table(FieldSlot.type);
  const childVec = t.tableVector(FieldSlot.children, Math.max(0, ctx.budget.entries));
  const children: Field[] = [];
  for (let i = 0; i < childVec.length; i++) {
    children.push(decodeField(childVec.at(i), ctx, depth + 1));
  }
  // Field copies its metadata: hand it nothing to copy when there is none
  const metadata = t.has(FieldSlot.customMetadata)
    ? decodeMetadata(t, FieldSlot.customMetadata, ctx.budget)
    : undefined;
  const want = CHILD_COUNT.get(typeType);
  if (want !== undefined && children.length !== want) {
    corrupt(`${typeName(typeType)} type needs ${want} children`);
  }
  let type: DataType;
  switch (typeType) {
    case Type.Null:
    case Type.Bool:
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView:
    case Type.Utf8View:
      type = { typeId: typeType } as DataType;
      break;
    case Type.Int:
      type = decodeInt(tt);
      break;
    case Type.Float: {
      const p = typeTable(tt, typeType).int16(0, 0);
      if (p < 0 || p > 2) corrupt(`bad float precision ${p}`);
      type = { typeId: Type.Float, precision: p as 0 | 1 | 2 };
      break;
    }
    case Type.Decimal: {
      const d = typeTable(tt, typeType);
      const bitWidth = d.int32(2, 128);
      const max = DECIMAL_PRECISION[bitWidth];
      if (max === undefined) corrupt(`bad decimal width ${bitWidth}`);
      const precision = d.int32(0, 0);
      const scale = d.int32(1, 0);
      if (precision < 1 || precision > max || Math.abs(scale) > 76) {
        corrupt(`bad decimal${bitWidth} precision ${precision}`);
      }
      type = { typeId: Type.Decimal, precision, scale, bitWidth: bitWidth as 32 | 64 | 128 | 256 };
      break;
    }
    case Type.Interval: {
      const unit = typeTable(tt, typeType).int16(0, 0);
      if (unit !== 0 && unit !== 1 && unit !== 2) corrupt(`bad interval unit ${unit}`);
      type = { typeId: Type.Interval, unit };
      break;
    }
    case Type.Map: {
      const entries = children[0];
      if (entries.type.typeId !== Type.Struct || entries.type.children.length !== 2) {
        corrupt("map entries must be a struct of key and value");
      }
      type = {
        typeId: Type.Map,
        child: entries,
        keysSorted: typeTable(tt, typeType).bool(0, false),
      };
      break;
    }
    case Type.Union: {
      const u = typeTable(tt, typeType);
      const mode = u.int16(0, 0);
      if (mode !== UnionMode.Sparse && mode !== UnionMode.Dense) corrupt(`bad union mode ${mode}`);
      if (children.length > 128) corrupt("union with more than 128 children");
      const ids = u.vector(1, 4);
      let typeIds: number[];
      if (ids === null) typeIds = children.map((_, i) => i);
      else {
        if (ids.length !== children.length) corrupt("union type ids do not match its children");
        typeIds = [];
        for (let i = 0; i < ids.length; i++) typeIds.push(u.view.getInt32(ids.pos + 4 * i, true));
      }
      if (typeIds.some((id) => id < 0 || id > 127) || new Set(typeIds).size !== typeIds.length) {
        corrupt("union type ids must be distinct and within 0..127");
      }
      type = { typeId: Type.Union, mode, typeIds, children };
      break;
    }
    case Type.RunEndEncoded: {
      const ends = children[0].type;
      if (ends.typeId !== Type.Int || !ends.signed || ends.bitWidth === 8) {
        corrupt("run ends must be int16, int32 or int64");
      }
      type = { typeId: Type.RunEndEncoded, children: [children[0], children[1]] };
      break;
    }
    case Type.Date: {
      const unit = typeTable(tt, typeType).int16(0, 1);
      if (unit !== 0 && unit !== 1) corrupt(`bad date unit ${unit}`);
      type = { typeId: Type.Date, unit };
      break;
    }
    case Type.Time: {
      const unit = timeUnit(typeTable(tt, typeType).int16(0, 1));
      const bitWidth = typeTable(tt, typeType).int32(1, 32);
      if (bitWidth !== (unit >= 2 ? 64 : 32)) corrupt(`bad time width ${bitWidth}`);
      type = { typeId: Type.Time, unit, bitWidth: bitWidth as 32 | 64 };
      break;
    }
    case Type.Timestamp:
      type = {
        typeId: Type.Timestamp,
        unit: timeUnit(typeTable(tt, typeType).int16(0, 0)),
        timezone: chargeString(ctx.budget, typeTable(tt, typeType).string(1)),
      };
      break;
    case Type.Duration:
      type = { typeId: Type.Duration, unit: timeUnit(typeTable(tt, typeType).int16(0, 1)) };
      break;
    case Type.FixedSizeBinary: {
      const byteWidth = typeTable(tt, typeType).int32(0, 0);
      if (byteWidth < 1) corrupt(`bad fixed-size binary width ${byteWidth}`);
      type = { typeId: Type.FixedSizeBinary, byteWidth };
      break;
    }
    case Type.List:
    case Type.LargeList:
    case Type.ListView:
    case Type.LargeListView:
      type = { typeId: typeType, child: children[0] };
      break;
    case Type.FixedSizeList: {
      const listSize = typeTable(tt, typeType).int32(0, 0);
      if (listSize < 0) corrupt(`bad fixed-size list size ${listSize}`);
      type = { typeId: Type.FixedSizeList, child: children[0], listSize };
      break;
    }
    case Type.Struct:
      type = { typeId: Type.Struct, children };
      break;
    case 0:
      corrupt("field without a type");
      break;
    default:
      throw new ArrowError("unsupported", `Arrow ${typeName(typeType)} is not supported`);
  }
  const de = t.table(FieldSlot.dictionary);
  if (de) {
    const id = de.int64(0, 0n);
    if (id < 0n || id > 0x7fffffffn) corrupt(`bad dictionary id ${id}`);
    const idx = de.table(1);
    const indices = idx
      ? decodeInt(idx)
      : { typeId: Type.Int, bitWidth: 32, signed: true } as IntType;
    const dict: DictionaryType = {
      typeId: Type.Dictionary,
      id: Number(id),
      dictionary: type,
      indices,
      ordered: de.bool(2, false),
    };
    if (ctx.dictionaries.has(dict.id)) corrupt(`dictionary id ${id} used twice`);
    ctx.dictionaries.set(dict.id, dict);
    type = dict;
  }
  return new Field(name, type, nullable, metadata);
}

/** Decodes a `Schema` table; fills `ctx.dictionaries`. */
export function decodeSchema(t: Table, ctx: SchemaContext): Schema {
  if (t.int16(0, 0) !== 0) throw new ArrowError("unsupported", "big-endian IPC data");
  const vec = t.tableVector(1, Math.max(0, ctx.budget.entries));
  const fields: Field[] = [];
  for (let i = 0; i < vec.length; i++) fields.push(decodeField(vec.at(i), ctx, 1));
  return new Schema(fields, t.has(2) ? decodeMetadata(t, 2, ctx.budget) : undefined);
}
