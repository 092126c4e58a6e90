// Column-at-a-time values of an expression while it is evaluated, and loading them from
// columns. Every vector is a typed array over the batch rows; validity is one byte per row
// (1 = valid) or null when every row is valid. Scalars (literals, folded constants) are not
// broadcast: kernels have array/scalar variants.
import { type Column, type ColumnData, float16ToNumber, type TypedArray } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type DataType, DateUnit, type DecimalType, Type } from "../types.ts";

/** Byte-per-row validity, or null when every row is valid. */
export type Valid = Uint8Array | null;

/** Numbers, as float64. */
export interface NumVec {
  readonly kind: "num";
  readonly values: Float64Array;
  readonly valid: Valid;
}
/** 64-bit integers kept exact for comparisons. */
export interface BigVec {
  readonly kind: "big";
  readonly values: BigInt64Array | BigUint64Array;
  readonly valid: Valid;
}
/** Booleans, one byte (0/1) per row. */
export interface BoolVec {
  readonly kind: "bool";
  readonly values: Uint8Array;
  readonly valid: Valid;
}
/**
 * UTF-8 strings read in place: row i is bytes [offsets[p], offsets[p + 1]) with
 * p = rows ? rows[i] : base + i (rows maps dictionary indices).
 */
export interface StrVec {
  readonly kind: "str";
  readonly bytes: Uint8Array;
  readonly offsets: Int32Array | BigInt64Array;
  readonly base: number;
  readonly rows: Int32Array | null;
  readonly length: number;
  readonly valid: Valid;
}
/** Dictionary-encoded values: `inner` holds the distinct values, `indices` select them. */
export interface DictVec {
  readonly kind: "dict";
  readonly indices: Int32Array;
  readonly inner: Vec;
  readonly valid: Valid;
}
/** A constant. */
export interface ScalarVec {
  readonly kind: "scalar";
  readonly value: number | bigint | string | boolean | null;
}

/** Any evaluated value. */
export type Vec = NumVec | BigVec | BoolVec | StrVec | DictVec | ScalarVec;

/** Expands an Arrow validity bitmap (at element `offset`) into bytes; null when all valid. */
export function expandValidity(d: ColumnData): Valid {
  const bits = d.validity;
  if (bits === null || d.nullCount === 0) return null;
  const n = d.length, off = d.offset;
  const out = new Uint8Array(n);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const j = off + i;
    const v = (bits[j >> 3] >> (j & 7)) & 1;
    out[i] = v;
    nulls += v ^ 1;
  }
  return nulls === 0 ? null : out;
}

const TIMESTAMP_TO_MS = [1000, 1, 1e-3, 1e-6];

function temporalFactor(t: DataType): number {
  if (t.typeId === Type.Date) return t.unit === DateUnit.DAY ? 86_400_000 : 1;
  if (t.typeId === Type.Timestamp) return TIMESTAMP_TO_MS[t.unit];
  return 1;
}

/** Loads a column as a vector (zero copy for float64, 64-bit ints and strings). */
export function loadColumn(column: Column, name: string): Vec {
  const d = column.data;
  const t = d.type;
  const n = d.length, off = d.offset;
  const valid = expandValidity(d);
  switch (t.typeId) {
    case Type.Null:
      return { kind: "scalar", value: null };
    case Type.Bool: {
      const bits = d.values as Uint8Array;
      const values = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const j = off + i;
        values[i] = (bits[j >> 3] >> (j & 7)) & 1;
      }
      return { kind: "bool", values, valid };
    }
    case Type.Int:
      if (t.bitWidth === 64) {
        const src = d.values as BigInt64Array | BigUint64Array;
        return { kind: "big", values: src.subarray(off, off + n), valid };
      }
      return { kind: "num", values: toFloat64(d.values!, off, n), valid };
    case Type.Float: {
      if (t.precision === 0) {
        const src = d.values as Uint16Array;
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) values[i] = float16ToNumber(src[off + i]);
        return { kind: "num", values, valid };
      }
      return { kind: "num", values: toFloat64(d.values!, off, n), valid };
    }
    case Type.Decimal: {
      const w = d.values as Uint32Array;
      const scale = 10 ** (t as DecimalType).scale;
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const k = (off + i) * 4;
        const lo = BigInt(w[k]) | (BigInt(w[k + 1]) << 32n);
        const hi = BigInt(w[k + 2]) | (BigInt(w[k + 3]) << 32n);
        values[i] = Number(BigInt.asIntN(128, lo | (hi << 64n))) / scale;
      }
      return { kind: "num", values, valid };
    }
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration: {
      const f = temporalFactor(t);
      const src = d.values!;
      const values = new Float64Array(n);
      if (src instanceof BigInt64Array || src instanceof BigUint64Array) {
        for (let i = 0; i < n; i++) values[i] = Number(src[off + i]) * f;
      } else {
        for (let i = 0; i < n; i++) values[i] = (src[off + i] as number) * f;
      }
      return { kind: "num", values, valid };
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View: // held in the offsets layout, like utf8
      return {
        kind: "str",
        bytes: d.values as Uint8Array,
        offsets: d.offsets!,
        base: off,
        rows: null,
        length: n,
        valid,
      };
    case Type.Dictionary: {
      const src = d.values!;
      const indices = new Int32Array(n);
      const dictLen = d.dictionary!.length;
      for (let i = 0; i < n; i++) {
        const k = Number(src[off + i]);
        // a null slot may hold any index; valid slots are checked so lookups stay in bounds
        if (k < 0 || k >= dictLen) {
          if (valid === null || valid[i] === 1) {
            throw new ArrowError("corrupt", `dictionary index ${k} out of range in "${name}"`);
          }
          indices[i] = 0;
        } else indices[i] = k;
      }
      return { kind: "dict", indices, inner: loadColumn(d.dictionary!, name), valid };
    }
    default:
      throw new ArrowError(
        "unsupported",
        `column "${name}" has a type expressions cannot compute on (type id ${t.typeId})`,
      );
  }
}

function toFloat64(src: TypedArray, off: number, n: number): Float64Array {
  if (src instanceof Float64Array) return src.subarray(off, off + n);
  const out = new Float64Array(n);
  const s = src as unknown as ArrayLike<number>;
  for (let i = 0; i < n; i++) out[i] = s[off + i];
  return out;
}

/** Materialises a dictionary vector: gathers its values through the indices. */
export function decodeDict(v: DictVec): Vec {
  const inner = v.inner, idx = v.indices, n = idx.length;
  const valid = mergeValid(v.valid, gatherValid(innerValid(inner), idx));
  switch (inner.kind) {
    case "scalar":
      return inner.value === null ? inner : { ...inner };
    case "num": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = inner.values[idx[i]];
      return { kind: "num", values: out, valid };
    }
    case "big": {
      const out = new (inner.values.constructor as BigInt64ArrayConstructor)(n);
      for (let i = 0; i < n; i++) out[i] = inner.values[idx[i]];
      return { kind: "big", values: out, valid };
    }
    case "bool": {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = inner.values[idx[i]];
      return { kind: "bool", values: out, valid };
    }
    case "str": {
      const rows = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        rows[i] = inner.rows ? inner.rows[idx[i]] : inner.base + idx[i];
      }
      return { ...inner, rows, base: 0, length: n, valid };
    }
    case "dict":
      throw new ArrowError("unsupported", "nested dictionaries are not supported in expressions");
  }
}

function innerValid(v: Vec): Valid {
  return v.kind === "scalar" ? null : v.valid;
}

function gatherValid(valid: Valid, idx: Int32Array): Valid {
  if (valid === null) return null;
  const out = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = valid[idx[i]];
  return out;
}

/** Validity of a result of two operands: valid where both are. */
export function mergeValid(a: Valid, b: Valid): Valid {
  if (a === null) return b;
  if (b === null) return a;
  const n = a.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i] & b[i];
  return out;
}
