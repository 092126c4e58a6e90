// Column-at-a-time values of an expression while it is evaluated, and loading them from
// columns. Every vector is a typed array over the batch rows; validity is one byte per row
// (1 = valid) or null when every row is valid. Scalars (literals, folded constants) are not
// broadcast: kernels have array/scalar variants.
import { type Column, type ColumnData, float16ToNumber, type TypedArray } from "../column.ts";
import { ArrowError } from "../errors.ts";
import {
  type DataType,
  DateUnit,
  type DecimalType,
  int64,
  type IntType,
  Type,
  uint64,
} from "../types.ts";

/** Byte-per-row validity, or null when every row is valid. */
export type Valid = Uint8Array | null;

/** Numbers, as float64. */
export interface NumVec {
  readonly kind: "num";
  readonly values: Float64Array;
  readonly valid: Valid;
  /**
   * The integer type of the values, when every one is an integer exact in float64 (below 2^53
   * in magnitude; null rows too): the 8- to 32-bit type a column was loaded from, or int64 /
   * uint64 for integer arithmetic on them. Next to an exact operand they become exact too, and
   * they materialise as that integer type. Absent for floats.
   */
  readonly int?: IntType;
}
/**
 * What the integers of an exact vector count. Values of one domain compare and combine
 * exactly whatever their unit; values of different domains never mix.
 */
export type Domain = "num" | "instant" | "duration" | "time";

/** Base units per integer unit: the num domain counts 10^-76 (decimal256's finest scale). */
export const INT_PER: bigint = 10n ** 76n;
/** Base units (ns) per time unit, by `TimeUnit`. */
export const TIME_PER: readonly bigint[] = [1_000_000_000n, 1_000_000n, 1_000n, 1n];
/** Base units (ns) per day. */
export const DAY_PER: bigint = 86_400n * 1_000_000_000n;

/**
 * Exact integers: 64-bit ints, decimals and temporal values, read in place as little-endian
 * 32-bit words (`width` per row, the top one two's complement when `signed`). Row i is the
 * integer `words[i * width ..]` times `per` base units of `domain`; `type` is the Arrow type
 * a result materialises as.
 */
export interface ExactVec {
  readonly kind: "exact";
  readonly words: Uint32Array;
  readonly width: number;
  readonly signed: boolean;
  readonly domain: Domain;
  readonly per: bigint;
  readonly type: DataType;
  readonly length: number;
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
/** A constant (a `Date` stays a `Date`: an instant, not a number). */
export interface ScalarVec {
  readonly kind: "scalar";
  readonly value: number | bigint | string | boolean | Date | null;
}

/** Any evaluated value. */
export type Vec = NumVec | ExactVec | BoolVec | StrVec | DictVec | ScalarVec;

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

/** 32-bit words over the rows [off, off + n) of a 32- or 64-bit integer array, in place. */
function wordsOf(src: TypedArray, off: number, n: number): { words: Uint32Array; width: number } {
  const width = src.BYTES_PER_ELEMENT >> 2;
  if (width !== 1 && width !== 2) {
    throw new ArrowError("unsupported", `${src.constructor.name} values in an exact column`);
  }
  return {
    words: new Uint32Array(src.buffer, src.byteOffset + off * 4 * width, n * width),
    width,
  };
}

function exact(
  d: ColumnData,
  domain: Domain,
  per: bigint,
  signed: boolean,
  valid: Valid,
): ExactVec {
  const { words, width } = wordsOf(d.values!, d.offset, d.length);
  return {
    kind: "exact",
    words,
    width,
    signed,
    domain,
    per,
    type: d.type,
    length: d.length,
    valid,
  };
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
      if (t.bitWidth === 64) return exact(d, "num", INT_PER, t.signed, valid);
      return { kind: "num", values: toFloat64(d.values!, off, n), valid, int: t };
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
      const dt = t as DecimalType;
      const width = (dt.bitWidth as number) / 32;
      const words = (d.values as Uint32Array).subarray(off * width, (off + n) * width);
      const per = 10n ** BigInt(76 - dt.scale);
      return {
        kind: "exact",
        words,
        width,
        signed: true,
        domain: "num",
        per,
        type: t,
        length: n,
        valid,
      };
    }
    case Type.Date:
      return exact(d, "instant", t.unit === DateUnit.DAY ? DAY_PER : TIME_PER[1], true, valid);
    case Type.Timestamp:
      return exact(d, "instant", TIME_PER[t.unit], true, valid);
    case Type.Duration:
      return exact(d, "duration", TIME_PER[t.unit], true, valid);
    case Type.Time:
      return exact(d, "time", TIME_PER[t.unit], true, valid);
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
      return { kind: "num", values: out, valid, int: inner.int };
    }
    case "exact": {
      const w = inner.width, src = inner.words, out = new Uint32Array(n * w);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < w; k++) out[i * w + k] = src[idx[i] * w + k];
      }
      return { ...inner, words: out, length: n, valid };
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

/**
 * An 8- to 32-bit integer vector as an exact int64 (uint64 when unsigned) vector, for use next
 * to an exact operand: int32 + int64 is exact int64 arithmetic, and a decimal compares with an
 * int32 exactly, as in duckdb, rather than both rounded to float64.
 */
export function intAsExact(v: NumVec): ExactVec {
  const n = v.values.length, signed = v.int!.signed;
  const out = signed ? new BigInt64Array(n) : new BigUint64Array(n);
  for (let i = 0; i < n; i++) out[i] = BigInt(v.values[i]);
  return {
    kind: "exact",
    words: new Uint32Array(out.buffer),
    width: 2,
    signed,
    domain: "num",
    per: INT_PER,
    type: signed ? int64() : uint64(),
    length: n,
    valid: v.valid,
  };
}
