/**
 * The vectorised evaluator: walks an expression once, computing each node for every row at a
 * time into typed arrays (no per-row closures, no `new Function`, so it runs on Workers too).
 *
 * @module
 */
import type { RecordBatch } from "../batch.ts";
import { type Column, type ColumnData, makeColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { bool, type DataType, float64, int64, uint64, utf8 } from "../types.ts";
import type { Expr } from "./expr.ts";
import { absOrNeg, arith, compare, isCmp, logic, not, nullTest } from "./_kernels.ts";
import { decodeDict, loadColumn, type ScalarVec, type Vec } from "./_vector.ts";

/** Evaluates `expr` against `batch` into a vector. Column loads are cached per evaluation. */
function run(expr: Expr, batch: RecordBatch, cache: Map<string, Vec>): Vec {
  const node = expr.node;
  const n = batch.numRows;
  switch (node.kind) {
    case "column": {
      let v = cache.get(node.name);
      if (v === undefined) {
        const i = batch.schema.indexOf(node.name);
        if (i < 0) throw new ArrowError("invalid", `no column named ${JSON.stringify(node.name)}`);
        v = loadColumn(batch.columns[i], node.name);
        cache.set(node.name, v);
      }
      return v;
    }
    case "literal":
      return { kind: "scalar", value: node.value };
    case "unary": {
      const a = run(node.arg, batch, cache);
      switch (node.op) {
        case "abs":
        case "neg":
          return absOrNeg(node.op, a);
        case "not":
          return not(a, n);
        case "isNull":
        case "isNotNull":
          return nullTest(node.op, a, n);
      }
      break;
    }
    case "binary": {
      const a = run(node.left, batch, cache);
      const b = run(node.right, batch, cache);
      const op = node.op;
      if (isCmp(op)) return compare(op, a, b);
      if (op === "and" || op === "or") return logic(op, a, b, n);
      return arith(op, a, b);
    }
  }
  throw new ArrowError("invalid", "unknown expression node");
}

/**
 * One byte per row of `batch`: 1 where `predicate` is true, 0 where it is false or null (SQL
 * WHERE semantics). This is what `batch.filter(expr)` calls.
 *
 * @throws {ArrowError} `invalid` for unknown columns, non-boolean predicates or operands of
 *   the wrong kind; `unsupported` for columns of nested types
 * @example
 * ```ts
 * import { col, RecordBatch } from "@avila/arrow";
 * import { predicateMask } from "./evaluate.ts";
 * const b = RecordBatch.fromColumns({ x: new Float64Array([-2, 0.5, 3]) });
 * console.log(predicateMask(b, col("x").abs().gt(1))); // Uint8Array(3) [ 1, 0, 1 ]
 * ```
 */
export function predicateMask(batch: RecordBatch, predicate: Expr): Uint8Array {
  const n = batch.numRows;
  const v = run(predicate, batch, new Map());
  if (v.kind === "scalar") {
    if (v.value !== null && typeof v.value !== "boolean") {
      throw new ArrowError("invalid", `filter predicate is a ${typeof v.value}, not a boolean`);
    }
    return new Uint8Array(n).fill(v.value === true ? 1 : 0);
  }
  const b = v.kind === "dict" ? decodeDict(v) : v;
  if (b.kind !== "bool") {
    throw new ArrowError("invalid", `filter predicate ${predicate} is not boolean`);
  }
  const valid = b.valid;
  if (valid === null) return b.values;
  const out = new Uint8Array(n), values = b.values;
  for (let i = 0; i < n; i++) out[i] = values[i] & valid[i];
  return out;
}

/**
 * Evaluates `expr` over `batch` into a new column: bool for predicates, the column itself for
 * a bare column reference, a constant column for literals (int64 for a bigint); arithmetic
 * gives float64, except that +, - and * on integers and other exact operands stay exact: int64
 * (uint64 when both are), decimal128(38, s) and timestamp/duration results (see
 * {@linkcode Expr}).
 *
 * @example
 * ```ts
 * import { col, RecordBatch } from "@avila/arrow";
 * import { computeColumn } from "./evaluate.ts";
 * const b = RecordBatch.fromColumns({ x: new Float64Array([1, 2]), y: new Float64Array([10, 20]) });
 * console.log(computeColumn(b, col("x").mul(col("y")).add(1)).toArray()); // Float64Array(2) [ 11, 41 ]
 * ```
 */
export function computeColumn(batch: RecordBatch, expr: Expr): Column {
  if (expr.node.kind === "column") return batch.column(expr.node.name);
  const n = batch.numRows;
  let v = run(expr, batch, new Map());
  if (v.kind === "dict") v = decodeDict(v);
  switch (v.kind) {
    case "scalar":
      return constantColumn(v, n);
    case "num":
      if (v.int !== undefined) return intColumn(v.values, v.valid, v.int.signed);
      return resultColumn(float64(), n, v.valid, v.values);
    case "bool":
      return resultColumn(bool(), n, v.valid, packBits(v.values));
    case "exact": {
      // results own their words; their type says how to read them
      const w = v.words;
      const values = v.width === 1
        ? new Int32Array(w.buffer, w.byteOffset, n)
        : v.width === 2
        ? (v.signed
          ? new BigInt64Array(w.buffer, w.byteOffset, n)
          : new BigUint64Array(w.buffer, w.byteOffset, n))
        : w;
      return resultColumn(v.type, n, v.valid, values);
    }
    default:
      // strings only come from bare column references, handled above
      throw new ArrowError("unsupported", `cannot materialise a ${v.kind} result`);
  }
}

/** Integers held exactly in float64 as an int64 (uint64) column, written word by word. */
function intColumn(values: Float64Array, valid: Uint8Array | null, signed: boolean): Column {
  const n = values.length;
  const out = signed ? new BigInt64Array(n) : new BigUint64Array(n);
  const w = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const z = values[i], hi = Math.floor(z / 4294967296);
    w[2 * i] = z - hi * 4294967296;
    w[2 * i + 1] = hi; // ToUint32: two's complement for negative values
  }
  return resultColumn(signed ? int64() : uint64(), n, valid, out);
}

/** A computed flat column of `n` rows; `valid` has a byte per row (null: none is null). */
function resultColumn(
  type: DataType,
  n: number,
  valid: Uint8Array | null,
  values: NonNullable<ColumnData["values"]>,
): Column {
  return makeColumn({
    type,
    length: n,
    offset: 0,
    nullCount: -1,
    validity: valid === null ? null : packBits(valid),
    values,
    offsets: null,
    children: [],
    dictionary: null,
  });
}

function packBits(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) out[i >> 3] |= bytes[i] << (i & 7);
  return out;
}

function constantColumn(v: ScalarVec, n: number): Column {
  const value = v.value;
  let type: DataType;
  let values: ColumnData["values"];
  let offsets: Int32Array | null = null;
  let validity: Uint8Array | null = null;
  if (value === null) {
    type = float64();
    values = new Float64Array(n);
    validity = new Uint8Array((n + 7) >> 3);
  } else if (typeof value === "bigint") {
    // an exact integer stays one: int64, or uint64 past int64's top
    const signed = value < 2n ** 63n;
    if (value < -(2n ** 63n) || value >= 2n ** 64n) {
      throw new ArrowError("invalid", `constant ${value} does not fit int64 or uint64`);
    }
    type = signed ? int64() : uint64();
    values = signed ? new BigInt64Array(n).fill(value) : new BigUint64Array(n).fill(value);
  } else if (typeof value === "number" || value instanceof Date) {
    type = float64();
    values = new Float64Array(n).fill(value instanceof Date ? value.getTime() : value);
  } else if (typeof value === "boolean") {
    type = bool();
    values = new Uint8Array((n + 7) >> 3).fill(value ? 0xff : 0);
  } else {
    type = utf8();
    const bytes = new TextEncoder().encode(value);
    if (bytes.length * n > 0x7fff_ffff) {
      throw new ArrowError("limit", "constant string column too large");
    }
    values = new Uint8Array(bytes.length * n);
    offsets = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      values.set(bytes, i * bytes.length);
      offsets[i + 1] = (i + 1) * bytes.length;
    }
  }
  return makeColumn({
    type,
    length: n,
    offset: 0,
    nullCount: validity === null ? 0 : n,
    validity,
    values,
    offsets,
    children: [],
    dictionary: null,
  });
}
