/**
 * Type inference for JS values and conversion of arrays, typed arrays and rows to columns.
 *
 * Rules (documented for users of `RecordBatch.fromRows` / `fromColumns`):
 * - numbers → float64 (JS numbers are doubles, so every value round-trips exactly);
 * - bigints → int64; booleans → bool; strings → utf8 (or dictionary<utf8, int32> when the
 *   `dictionary` option is on and at most that fraction of the values is distinct);
 * - `Date` → timestamp[ms, UTC]; `Uint8Array` → binary; other typed arrays and arrays → list of
 *   the inferred element type; plain objects → struct of the union of their keys;
 * - null/undefined → null (validity); a column of only nulls → the null type;
 * - mixing kinds (e.g. strings and numbers) is an `invalid` error.
 *
 * @module
 */

import { utf8Column } from "./builders/utf8.ts";
import type { BuilderOptions } from "./builders/builder.ts";
import { makeBuilder } from "./builders/make.ts";
import { Column, type ColumnData, makeColumn, type TypedArray } from "./column.ts";
import { ArrowError } from "./errors.ts";
import { Field } from "./schema.ts";
import {
  type DataType,
  dictionary,
  float32,
  float64,
  int16,
  int32,
  int64,
  int8,
  Precision,
  TimeUnit,
  Type,
  uint16,
  uint32,
  uint64,
  uint8,
} from "./types.ts";

/**
 * Options of inference.
 *
 * @example
 * ```ts
 * import { type InferOptions, types } from "@avila/arrow";
 * import { inferType } from "./infer.ts";
 * const opts: InferOptions = { dictionary: 0.5 };
 * console.log(types.typeToString(inferType(["a", "a", "a"], opts))); // "dictionary<values=utf8, indices=int32>"
 * ```
 */
export interface InferOptions extends BuilderOptions {
  /**
   * Dictionary-encode string columns whose distinct count is at most this fraction of their
   * non-null values (e.g. 0.5). Default: never.
   */
  dictionary?: number;
}

const MAX_DEPTH = 64;

/**
 * The storage type of a typed array, by constructor.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { typedArrayType } from "./infer.ts";
 * console.log(types.typeToString(typedArrayType(new Uint32Array(1)))); // "uint32"
 * ```
 */
export function typedArrayType(values: TypedArray): DataType {
  if (values instanceof Float64Array) return float64();
  if (values instanceof Float32Array) return float32();
  if (values instanceof Int32Array) return int32();
  if (values instanceof Uint8Array || values instanceof Uint8ClampedArray) return uint8();
  if (values instanceof Int8Array) return int8();
  if (values instanceof Int16Array) return int16();
  if (values instanceof Uint16Array) return uint16();
  if (values instanceof Uint32Array) return uint32();
  if (values instanceof BigInt64Array) return int64();
  if (values instanceof BigUint64Array) return uint64();
  throw new ArrowError("invalid", "unsupported typed array");
}

function kindOf(v: unknown): string {
  const t = typeof v;
  if (t !== "object") return t;
  if (v instanceof Date) return "date";
  if (v instanceof Uint8Array) return "binary";
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return "list";
  return "object";
}

function inferInner(values: ArrayLike<unknown>, opts: InferOptions, depth: number): DataType {
  if (depth > MAX_DEPTH) throw new ArrowError("limit", "values nested too deeply (or cyclic)");
  let kind: string | null = null;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    count++;
    const k = kindOf(v);
    if (kind === null) kind = k;
    else if (k !== kind) throw new ArrowError("invalid", `cannot mix ${kind} and ${k} values`);
  }
  switch (kind) {
    case null:
      return { typeId: Type.Null };
    case "number":
      return float64();
    case "bigint":
      return int64();
    case "boolean":
      return { typeId: Type.Bool };
    case "string": {
      if (opts.dictionary !== undefined && count > 0) {
        const distinct = new Set<unknown>();
        const max = opts.dictionary * count;
        for (let i = 0; i < values.length && distinct.size <= max; i++) {
          if (typeof values[i] === "string") distinct.add(values[i]);
        }
        if (distinct.size <= max) return dictionary({ typeId: Type.Utf8 }, int32());
      }
      return { typeId: Type.Utf8 };
    }
    case "date":
      return { typeId: Type.Timestamp, unit: TimeUnit.MILLISECOND, timezone: "UTC" };
    case "binary":
      return { typeId: Type.Binary };
    case "list": {
      const items: unknown[] = [];
      let typed: DataType | null = null;
      let allTyped = true;
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as ArrayLike<unknown> | null | undefined;
        if (v === null || v === undefined) continue;
        if (ArrayBuffer.isView(v)) {
          const t = typedArrayType(v as TypedArray);
          if (typed && t.typeId !== typed.typeId) allTyped = false;
          typed ??= t;
        } else allTyped = false;
        for (let k = 0; k < v.length; k++) items.push(v[k]);
      }
      const child = allTyped && typed
        ? (typed.typeId === Type.Int && typed.bitWidth === 64 ? int64() : typed)
        : inferInner(items, opts, depth + 1);
      return { typeId: Type.List, child: new Field("item", child, true) };
    }
    default: {
      const keys = new Map<string, unknown[]>();
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as Record<string, unknown> | null | undefined;
        if (v === null || v === undefined) continue;
        for (const key in v) if (!keys.has(key)) keys.set(key, []);
      }
      const children: Field[] = [];
      for (const key of keys.keys()) {
        const col = new Array(values.length);
        for (let i = 0; i < values.length; i++) {
          const v = values[i] as Record<string, unknown> | null | undefined;
          col[i] = v == null ? null : v[key];
        }
        children.push(new Field(key, inferInner(col, opts, depth + 1), true));
      }
      return { typeId: Type.Struct, children };
    }
  }
}

/**
 * Infers the data type of an array of JS values (see the module doc for the rules).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { inferType } from "./infer.ts";
 * console.log(types.typeToString(inferType([{ a: 1 }, { a: 2, b: "x" }])));
 * // struct<a: float64, b: utf8>
 * ```
 */
export function inferType(values: ArrayLike<unknown>, options: InferOptions = {}): DataType {
  return inferInner(values, options, 0);
}

function storageMatches(values: TypedArray, type: DataType): boolean {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float: {
      const t = typedArrayType(values);
      if (type.typeId === Type.Float && type.precision === Precision.HALF) {
        return values instanceof Uint16Array;
      }
      return t.typeId === type.typeId &&
        (t.typeId === Type.Int && type.typeId === Type.Int
          ? t.bitWidth === type.bitWidth && t.signed === type.signed
          : (t as { precision: number }).precision === (type as { precision: number }).precision);
    }
    case Type.Date:
      return type.unit === 0 ? values instanceof Int32Array : values instanceof BigInt64Array;
    case Type.Time:
      return type.bitWidth === 32 ? values instanceof Int32Array : values instanceof BigInt64Array;
    case Type.Timestamp:
    case Type.Duration:
      return values instanceof BigInt64Array;
    default:
      return false;
  }
}

/**
 * Wraps a typed array (without copying) or converts an array of JS values into a column. With
 * `type`, a typed array must already have that type's storage (e.g. `Int32Array` for date32,
 * `Uint16Array` for float16, `BigInt64Array` for timestamps); arrays are built with that type.
 *
 * @example
 * ```ts
 * import { columnFromValues, types } from "@avila/arrow";
 * console.log(columnFromValues(new Int32Array([0, 1]), types.date32()).get(1)); // 86400000
 * console.log(columnFromValues(["a", null]).nullCount); // 1
 * ```
 */
export function columnFromValues(
  values: TypedArray | ArrayLike<unknown> | Column,
  type?: DataType,
  options: InferOptions = {},
): Column {
  if (values instanceof Column) return values;
  if (ArrayBuffer.isView(values)) {
    let v = values as TypedArray;
    if (v instanceof Uint8ClampedArray) v = new Uint8Array(v.buffer, v.byteOffset, v.length);
    const t = type ?? typedArrayType(v);
    if (type && !storageMatches(v, type)) {
      throw new ArrowError("invalid", `a ${v.constructor.name} cannot store this type`);
    }
    const data: ColumnData = {
      type: t,
      length: v.length,
      offset: 0,
      nullCount: 0,
      validity: null,
      values: v,
      offsets: null,
      children: [],
      dictionary: null,
    };
    return makeColumn(data);
  }
  if (typeof values !== "object" || values === null || typeof values.length !== "number") {
    throw new ArrowError("invalid", "column values must be a typed array, an array or a Column");
  }
  const t = type ?? inferType(values, options);
  if (t.typeId === Type.Utf8 || t.typeId === Type.LargeUtf8) {
    return utf8Column(values as ArrayLike<string | null>, t);
  }
  if (t.typeId === Type.Float && t.precision === Precision.DOUBLE) {
    const n = values.length;
    const out = new Float64Array(n);
    let validity: Uint8Array | null = null;
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v === "number") out[i] = v;
      else if (v === null || v === undefined) {
        validity ??= new Uint8Array(Math.ceil(n / 8)).fill(0xff);
        validity[i >> 3] &= ~(1 << (i & 7));
        nulls++;
      } else throw new ArrowError("invalid", `float64 column cannot hold a ${typeof v}`);
    }
    return makeColumn({
      type: t,
      length: n,
      offset: 0,
      nullCount: nulls,
      validity,
      values: out,
      offsets: null,
      children: [],
      dictionary: null,
    });
  }
  const b = makeBuilder(t, options);
  for (let i = 0; i < values.length; i++) b.append(values[i]);
  return b.finish();
}
