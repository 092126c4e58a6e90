// Vectorised kernels: one tight loop per (operator, operand shape), over Float64Array,
// byte-per-row booleans and UTF-8 bytes; exact values (64-bit ints, decimals, temporal) go to
// _exact.ts. Nothing here allocates per row.
import { ArrowError } from "../errors.ts";
import { int64, type IntType, uint64 } from "../types.ts";
import type { BinaryOp } from "./expr.ts";
import {
  arithExact,
  type ArithOp,
  type CmpOp,
  compareExact,
  compareExactScalar,
  type ExactScalar,
  exactScalar,
  exactToNum,
  negOrAbsExact,
  OUTCOME,
} from "./_exact.ts";
import {
  type BoolVec,
  decodeDict,
  type ExactVec,
  intAsExact,
  mergeValid,
  type NumVec,
  type ScalarVec,
  type StrVec,
  type Valid,
  type Vec,
} from "./_vector.ts";

export type { ArithOp, CmpOp };

const FLIP: Record<CmpOp, CmpOp> = { eq: "eq", ne: "ne", lt: "gt", le: "ge", gt: "lt", ge: "le" };
const encoder = new TextEncoder();

export function isCmp(op: BinaryOp): op is CmpOp {
  return op === "eq" || op === "ne" || op === "lt" || op === "le" || op === "gt" || op === "ge";
}

function kindName(v: Vec): string {
  if (v.kind !== "scalar") {
    return {
      num: "number",
      exact: "exact",
      bool: "boolean",
      str: "string",
      dict: "dictionary",
    }[v.kind];
  }
  return v.value === null ? "null" : v.value instanceof Date ? "Date" : typeof v.value;
}

function mismatch(op: string, a: Vec, b: Vec): never {
  throw new ArrowError("invalid", `cannot apply ${op} to ${kindName(a)} and ${kindName(b)}`);
}

// ---- numbers ---------------------------------------------------------------------------

/** A number or exact vector as float64 (rounded once, as duckdb casts to DOUBLE). */
export function asNum(v: NumVec | ExactVec, op: string): NumVec {
  return v.kind === "num" ? v : exactToNum(v, op);
}

function scalarNumber(s: ScalarVec): number | null {
  const v = s.value;
  if (v === null) return null;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.getTime();
  return NaN; // callers reject other kinds before
}

/** A literal as an exact constant next to `v`, or null when it has no exact form. */
function exactLiteral(v: ExactVec, value: ScalarVec["value"], op: string): ExactScalar | null {
  if (typeof value !== "number" && typeof value !== "bigint" && !(value instanceof Date)) {
    return null;
  }
  const s = exactScalar(v, value, op);
  return typeof s === "number" || s.d !== 1n ? null : s;
}

function cmpScalar(op: CmpOp, a: number | bigint | string, b: number | bigint | string): boolean {
  switch (op) {
    case "eq":
      return a === b;
    case "ne":
      return a !== b;
    case "lt":
      return a < b;
    case "le":
      return a <= b;
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
  }
}

function cmpNumAA(op: CmpOp, a: Float64Array, b: Float64Array, out: Uint8Array): void {
  const n = out.length;
  switch (op) {
    case "eq":
      for (let i = 0; i < n; i++) out[i] = a[i] === b[i] ? 1 : 0;
      break;
    case "ne":
      for (let i = 0; i < n; i++) out[i] = a[i] !== b[i] ? 1 : 0;
      break;
    case "lt":
      for (let i = 0; i < n; i++) out[i] = a[i] < b[i] ? 1 : 0;
      break;
    case "le":
      for (let i = 0; i < n; i++) out[i] = a[i] <= b[i] ? 1 : 0;
      break;
    case "gt":
      for (let i = 0; i < n; i++) out[i] = a[i] > b[i] ? 1 : 0;
      break;
    case "ge":
      for (let i = 0; i < n; i++) out[i] = a[i] >= b[i] ? 1 : 0;
      break;
  }
}

function cmpNumAS(op: CmpOp, a: Float64Array, s: number, out: Uint8Array): void {
  const n = out.length;
  switch (op) {
    case "eq":
      for (let i = 0; i < n; i++) out[i] = a[i] === s ? 1 : 0;
      break;
    case "ne":
      for (let i = 0; i < n; i++) out[i] = a[i] !== s ? 1 : 0;
      break;
    case "lt":
      for (let i = 0; i < n; i++) out[i] = a[i] < s ? 1 : 0;
      break;
    case "le":
      for (let i = 0; i < n; i++) out[i] = a[i] <= s ? 1 : 0;
      break;
    case "gt":
      for (let i = 0; i < n; i++) out[i] = a[i] > s ? 1 : 0;
      break;
    case "ge":
      for (let i = 0; i < n; i++) out[i] = a[i] >= s ? 1 : 0;
      break;
  }
}

/** Comparison outcome (0 less, 1 equal, 2 greater) of a finite or infinite `x` with `b`. */
function orderNumBig(x: number, b: bigint): number {
  if (x === Infinity) return 2;
  if (x === -Infinity) return 0;
  // a float64 of 2^53 or more is an integer; below, b (past 2^53) decides by its sign
  if (Math.abs(x) >= 2 ** 53) {
    const y = BigInt(x);
    return y < b ? 0 : y > b ? 2 : 1;
  }
  return b > 0n ? 0 : 2;
}

/**
 * Float64 values against a bigint past 2^53, exactly (rounding the bigint to float64 would
 * make 2^53 equal 2^53 + 1): `b` lies strictly between the float64 values next to it, so one
 * exact comparison with `Number(b)` settles every row but those equal to it, whose order is
 * that of `Number(b)` against `b`. NaN compares false except with `ne`.
 */
function cmpNumBig(op: CmpOp, a: Float64Array, b: bigint, out: Uint8Array): void {
  const d = Number(b), tbl = OUTCOME[op];
  const tie = Number.isFinite(d) ? orderNumBig(d, b) : d > 0 ? 2 : 0;
  const nan = op === "ne" ? 1 : 0;
  for (let i = 0, n = out.length; i < n; i++) {
    const x = a[i];
    out[i] = x < d ? tbl[0] : x > d ? tbl[2] : x === d ? tbl[tie] : nan;
  }
}

function numeric(v: Vec): boolean {
  return v.kind === "num" || v.kind === "exact" ||
    (v.kind === "scalar" &&
      (v.value === null || typeof v.value === "number" || typeof v.value === "bigint" ||
        v.value instanceof Date));
}

/** An integer column next to an exact one becomes exact too (null: no change). */
function promoteInts(a: Vec, b: Vec): [Vec, Vec] | null {
  if (a.kind === "exact" && b.kind === "num" && b.int !== undefined) return [a, intAsExact(b)];
  if (b.kind === "exact" && a.kind === "num" && a.int !== undefined) return [intAsExact(a), b];
  return null;
}

export function arith(op: ArithOp, a: Vec, b: Vec): Vec {
  if (a.kind === "dict") return arith(op, decodeDict(a), b);
  if (b.kind === "dict") return arith(op, a, decodeDict(b));
  if (!numeric(a) || !numeric(b)) mismatch(op, a, b);
  const ints = op === "div" ? null : promoteInts(a, b);
  if (ints !== null) return arith(op, ints[0], ints[1]);
  // exact operands stay exact for + - * (division is float64, as duckdb's `/`)
  if (op !== "div" && (a.kind === "exact" || b.kind === "exact")) {
    if (a.kind === "scalar" && a.value === null) return a;
    if (b.kind === "scalar" && b.value === null) return b;
    if (a.kind === "exact" && b.kind === "exact") return arithExact(op, a, b, a.length);
    if (a.kind === "exact" && b.kind === "scalar") {
      const s = exactLiteral(a, b.value, op);
      if (s !== null) return arithExact(op, a, s, a.length);
    }
    if (b.kind === "exact" && a.kind === "scalar") {
      const s = exactLiteral(b, a.value, op);
      if (s !== null) return arithExact(op, s, b, b.length);
    }
  }
  if (op !== "div") {
    const r = intArith(op, a, b);
    if (r !== null) return r;
  }
  if (a.kind === "exact") return arith(op, exactToNum(a, op), b);
  if (b.kind === "exact") return arith(op, a, exactToNum(b, op));
  if (a.kind === "scalar" && b.kind === "scalar") {
    const big = bigArith(op, a.value, b.value);
    if (big !== null) return { kind: "scalar", value: big };
    const x = scalarNumber(a), y = scalarNumber(b);
    if (x === null || y === null) return { kind: "scalar", value: null };
    return {
      kind: "scalar",
      value: op === "add" ? x + y : op === "sub" ? x - y : op === "mul" ? x * y : x / y,
    };
  }
  if (a.kind === "scalar") {
    const s = scalarNumber(a);
    if (s === null) return a;
    const v = b as NumVec;
    return { kind: "num", values: arithSA(op, s, v.values), valid: v.valid };
  }
  if (b.kind === "scalar") {
    const s = scalarNumber(b);
    if (s === null) return b;
    const v = a as NumVec;
    return { kind: "num", values: arithAS(op, v.values, s), valid: v.valid };
  }
  const x = a as NumVec, y = b as NumVec;
  return {
    kind: "num",
    values: arithAA(op, x.values, y.values),
    valid: mergeValid(x.valid, y.valid),
  };
}

/**
 * Constant folding of `+ - *` on a bigint and a bigint or integer number: exact, as the
 * bigint (int64) columns they stand for; null otherwise (floats, division: float64).
 */
function bigArith(op: ArithOp, x: ScalarVec["value"], y: ScalarVec["value"]): bigint | null {
  if (op === "div" || (typeof x !== "bigint" && typeof y !== "bigint")) return null;
  const big = (v: ScalarVec["value"]) =>
    typeof v === "bigint" ? v : typeof v === "number" && Number.isInteger(v) ? BigInt(v) : null;
  const p = big(x), q = big(y);
  if (p === null || q === null) return null;
  return op === "add" ? p + q : op === "sub" ? p - q : p * q;
}

/** An 8- to 64-bit integer vector whose values are exact in float64 (see `NumVec.int`). */
function isIntVec(v: Vec): v is NumVec & { int: IntType } {
  return v.kind === "num" && v.int !== undefined;
}

/** An integer literal: a bigint, or a number without a fraction. */
function isIntLiteral(v: Vec): v is ScalarVec {
  return v.kind === "scalar" &&
    (typeof v.value === "bigint" || (typeof v.value === "number" && Number.isInteger(v.value)));
}

function isSafeLiteral(v: ScalarVec): boolean {
  const x = v.value as number | bigint;
  return typeof x === "number" ? Number.isSafeInteger(x) : x >= -MAX_SAFE && x <= MAX_SAFE;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * `+ - *` on integers held in float64 (8- to 32-bit columns, and results of this function)
 * with integer literals: int64 semantics (uint64 when every column is unsigned), as when an
 * operand is int64. The float64 loop is exact while every result is below 2^53 in magnitude
 * (a product of two int32 need not be: 2^62); when one is not, or an unsigned result is
 * negative, the operands go through the exact int64 path, which gives the exact value or an
 * overflow error. Null when the operands are not all integers (then the result is float64).
 */
function intArith(op: ArithOp, a: Vec, b: Vec): Vec | null {
  if (!(isIntVec(a) || isIntVec(b))) return null;
  if (!(isIntVec(a) || isIntLiteral(a)) || !(isIntVec(b) || isIntLiteral(b))) return null;
  if (
    (a.kind === "scalar" && !isSafeLiteral(a)) || (b.kind === "scalar" && !isSafeLiteral(b))
  ) {
    return arith(op, isIntVec(a) ? intAsExact(a) : a, isIntVec(b) ? intAsExact(b) : b);
  }
  const ua = isIntVec(a) ? !a.int.signed : null, ub = isIntVec(b) ? !b.int.signed : null;
  const unsigned = (ua ?? ub)! && (ub ?? ua)!;
  let values: Float64Array, valid: Valid;
  if (a.kind === "scalar") {
    const y = b as NumVec;
    values = arithSA(op, Number(a.value), y.values);
    valid = y.valid;
  } else if (b.kind === "scalar") {
    const x = a as NumVec;
    values = arithAS(op, x.values, Number(b.value));
    valid = x.valid;
  } else {
    const x = a as NumVec, y = b as NumVec;
    values = arithAA(op, x.values, y.values);
    valid = mergeValid(x.valid, y.valid);
  }
  // below 2^53 in magnitude the rounded result is the exact one (rounding is monotonic and
  // 2^53 is a float64); null rows are zeroed so every value stays an exact integer
  const hi = Number.MAX_SAFE_INTEGER, lo = unsigned ? 0 : -hi;
  for (let i = 0, n = values.length; i < n; i++) {
    if (valid !== null && valid[i] === 0) values[i] = 0;
    else if (!(values[i] >= lo && values[i] <= hi)) {
      return arith(op, isIntVec(a) ? intAsExact(a) : a, isIntVec(b) ? intAsExact(b) : b);
    }
  }
  return { kind: "num", values, valid, int: unsigned ? UINT64 : INT64 };
}

const INT64 = int64() as IntType, UINT64 = uint64() as IntType;

function arithAA(op: ArithOp, a: Float64Array, b: Float64Array): Float64Array {
  const n = a.length, r = new Float64Array(n);
  switch (op) {
    case "add":
      for (let i = 0; i < n; i++) r[i] = a[i] + b[i];
      break;
    case "sub":
      for (let i = 0; i < n; i++) r[i] = a[i] - b[i];
      break;
    case "mul":
      for (let i = 0; i < n; i++) r[i] = a[i] * b[i];
      break;
    case "div":
      for (let i = 0; i < n; i++) r[i] = a[i] / b[i];
      break;
  }
  return r;
}

function arithAS(op: ArithOp, a: Float64Array, s: number): Float64Array {
  const n = a.length, r = new Float64Array(n);
  switch (op) {
    case "add":
      for (let i = 0; i < n; i++) r[i] = a[i] + s;
      break;
    case "sub":
      for (let i = 0; i < n; i++) r[i] = a[i] - s;
      break;
    case "mul":
      for (let i = 0; i < n; i++) r[i] = a[i] * s;
      break;
    case "div":
      for (let i = 0; i < n; i++) r[i] = a[i] / s;
      break;
  }
  return r;
}

function arithSA(op: ArithOp, s: number, a: Float64Array): Float64Array {
  const n = a.length, r = new Float64Array(n);
  switch (op) {
    case "add":
      for (let i = 0; i < n; i++) r[i] = s + a[i];
      break;
    case "sub":
      for (let i = 0; i < n; i++) r[i] = s - a[i];
      break;
    case "mul":
      for (let i = 0; i < n; i++) r[i] = s * a[i];
      break;
    case "div":
      for (let i = 0; i < n; i++) r[i] = s / a[i];
      break;
  }
  return r;
}

export function absOrNeg(op: "abs" | "neg", v: Vec): Vec {
  if (v.kind === "dict") return absOrNeg(op, decodeDict(v));
  if (v.kind === "scalar") {
    if (v.value === null) return v;
    if (typeof v.value === "number") {
      return { kind: "scalar", value: op === "abs" ? Math.abs(v.value) : -v.value };
    }
    if (typeof v.value === "bigint") {
      return { kind: "scalar", value: op === "neg" || v.value < 0n ? -v.value : v.value };
    }
    throw new ArrowError("invalid", `cannot apply ${op} to ${typeof v.value}`);
  }
  if (v.kind === "exact") return negOrAbsExact(op, v);
  if (v.kind !== "num") {
    throw new ArrowError("invalid", `cannot apply ${op} to ${kindName(v)}`);
  }
  // integers keep int64 semantics: |x| and -x of an exact float64 integer are exact, except
  // that a negated unsigned value leaves uint64 (an overflow error on the exact path)
  if (isIntVec(v) && !v.int.signed && op === "neg") return negOrAbsExact(op, intAsExact(v));
  const a = v.values, n = a.length, r = new Float64Array(n);
  if (op === "abs") { for (let i = 0; i < n; i++) r[i] = Math.abs(a[i]); }
  else for (let i = 0; i < n; i++) r[i] = -a[i];
  if (isIntVec(v)) {
    return { kind: "num", values: r, valid: v.valid, int: v.int.signed ? INT64 : UINT64 };
  }
  return { kind: "num", values: r, valid: v.valid };
}

// ---- strings ---------------------------------------------------------------------------

// -1/0/1 comparing UTF-8 byte ranges; byte order is Unicode code point order.
function cmpBytes(
  a: Uint8Array,
  as: number,
  ae: number,
  b: Uint8Array,
  bs: number,
  be: number,
): number {
  const la = ae - as, lb = be - bs, m = la < lb ? la : lb;
  for (let k = 0; k < m; k++) {
    const d = a[as + k] - b[bs + k];
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return la === lb ? 0 : la < lb ? -1 : 1;
}

function test(op: CmpOp, c: number): number {
  switch (op) {
    case "eq":
      return c === 0 ? 1 : 0;
    case "ne":
      return c !== 0 ? 1 : 0;
    case "lt":
      return c < 0 ? 1 : 0;
    case "le":
      return c <= 0 ? 1 : 0;
    case "gt":
      return c > 0 ? 1 : 0;
    case "ge":
      return c >= 0 ? 1 : 0;
  }
}

function strStart(v: StrVec, i: number): number {
  const p = v.rows ? v.rows[i] : v.base + i;
  return Number(v.offsets[p]);
}
function strEnd(v: StrVec, i: number): number {
  const p = v.rows ? v.rows[i] : v.base + i;
  return Number(v.offsets[p + 1]);
}

function cmpStrAS(op: CmpOp, a: StrVec, s: string, out: Uint8Array): void {
  const lit = encoder.encode(s), ll = lit.length;
  const bytes = a.bytes, n = a.length;
  const o32 = a.offsets instanceof Int32Array && a.rows === null ? a.offsets : null;
  if (o32 !== null && (op === "eq" || op === "ne")) {
    const hit = op === "eq" ? 1 : 0, miss = 1 - hit, base = a.base;
    for (let i = 0; i < n; i++) {
      const st = o32[base + i], en = o32[base + i + 1];
      let r = en - st === ll ? hit : miss;
      if (r === hit) {
        for (let k = 0; k < ll; k++) {
          if (bytes[st + k] !== lit[k]) {
            r = miss;
            break;
          }
        }
      }
      out[i] = r;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    out[i] = test(op, cmpBytes(bytes, strStart(a, i), strEnd(a, i), lit, 0, ll));
  }
}

function cmpStrAA(op: CmpOp, a: StrVec, b: StrVec, out: Uint8Array): void {
  for (let i = 0; i < out.length; i++) {
    out[i] = test(
      op,
      cmpBytes(a.bytes, strStart(a, i), strEnd(a, i), b.bytes, strStart(b, i), strEnd(b, i)),
    );
  }
}

function byteCompareStrings(a: string, b: string): number {
  const x = encoder.encode(a), y = encoder.encode(b);
  return cmpBytes(x, 0, x.length, y, 0, y.length);
}

// ---- comparisons -----------------------------------------------------------------------

function vecLength(v: Exclude<Vec, ScalarVec>): number {
  switch (v.kind) {
    case "str":
      return v.length;
    case "dict":
      return v.indices.length;
    case "exact":
      return v.length;
    default:
      return v.values.length;
  }
}

export function compare(op: CmpOp, a: Vec, b: Vec): Vec {
  // scalar ⊕ vector: flip so the vector is on the left
  if (a.kind === "scalar" && b.kind !== "scalar") return compare(FLIP[op], b, a);
  if (b.kind === "scalar") {
    if (b.value === null) return { kind: "scalar", value: null };
    if (a.kind === "scalar") {
      if (a.value === null) return a;
      return { kind: "scalar", value: compareScalars(op, a, b) };
    }
    if (a.kind === "dict") {
      // compare each distinct value once, then map through the indices
      const inner = compare(op, a.inner, b);
      if (inner.kind === "scalar") return inner;
      const r = inner as BoolVec, idx = a.indices, n = idx.length;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = r.values[idx[i]];
      let valid = a.valid;
      if (r.valid !== null) {
        const v = new Uint8Array(n);
        for (let i = 0; i < n; i++) v[i] = r.valid[idx[i]];
        valid = mergeValid(valid, v);
      }
      return { kind: "bool", values: out, valid };
    }
    const out = new Uint8Array(vecLength(a));
    const s = b.value;
    if (a.kind === "num" && typeof s === "bigint" && !isSafeLiteral(b)) {
      cmpNumBig(op, a.values, s, out);
    } else if (
      a.kind === "num" && (typeof s === "number" || typeof s === "bigint" || s instanceof Date)
    ) {
      cmpNumAS(op, a.values, scalarNumber(b)!, out);
    } else if (
      a.kind === "exact" && (typeof s === "number" || typeof s === "bigint" || s instanceof Date)
    ) {
      compareExactScalar(op, a, exactScalar(a, s, op), out);
    } else if (a.kind === "str" && typeof s === "string") {
      cmpStrAS(op, a, s, out);
    } else if (a.kind === "bool" && typeof s === "boolean") {
      cmpNumAS(op, Float64Array.from(a.values), s ? 1 : 0, out);
    } else mismatch(op, a, b);
    return { kind: "bool", values: out, valid: a.valid };
  }
  if (a.kind === "scalar") throw new Error("unreachable");
  if (a.kind === "dict") return compare(op, decodeDict(a), b);
  if (b.kind === "dict") return compare(op, a, decodeDict(b));
  const ints = promoteInts(a, b);
  if (ints !== null) return compare(op, ints[0], ints[1]);
  const out = new Uint8Array(vecLength(a));
  if (a.kind === "exact" && b.kind === "exact") compareExact(op, a, b, out);
  else if ((a.kind === "num" || a.kind === "exact") && (b.kind === "num" || b.kind === "exact")) {
    cmpNumAA(op, asNum(a, op).values, asNum(b, op).values, out);
  } else if (a.kind === "str" && b.kind === "str") cmpStrAA(op, a, b, out);
  else if (a.kind === "bool" && b.kind === "bool") {
    cmpNumAA(op, Float64Array.from(a.values), Float64Array.from(b.values), out);
  } else mismatch(op, a, b);
  return { kind: "bool", values: out, valid: mergeValid(a.valid, b.valid) };
}

function compareScalars(op: CmpOp, a: ScalarVec, b: ScalarVec): boolean {
  const x = a.value!, y = b.value!;
  if (typeof x === "string" && typeof y === "string") {
    return test(op, byteCompareStrings(x, y)) === 1;
  }
  if (typeof x === "boolean" && typeof y === "boolean") return cmpScalar(op, +x, +y);
  const isNum = (v: unknown) => typeof v === "number" || typeof v === "bigint" || v instanceof Date;
  if (isNum(x) && isNum(y)) {
    if (typeof x === "bigint" && typeof y === "bigint") return cmpScalar(op, x, y);
    if (typeof x === "bigint" || typeof y === "bigint") {
      // exactly, as a one-row vector: no rounding of the bigint to float64
      const out = new Uint8Array(1);
      if (typeof x === "bigint") cmpNumBig(FLIP[op], Float64Array.of(scalarNumber(b)!), x, out);
      else cmpNumBig(op, Float64Array.of(x instanceof Date ? x.getTime() : x), y as bigint, out);
      return out[0] === 1;
    }
    return cmpScalar(op, scalarNumber(a)!, scalarNumber(b)!);
  }
  return mismatch(op, a, b);
}

// ---- logic -----------------------------------------------------------------------------

function asBool(v: Vec, n: number, op: string): BoolVec | null {
  if (v.kind === "dict") v = decodeDict(v);
  if (v.kind === "bool") return v;
  if (v.kind === "scalar" && (v.value === null || typeof v.value === "boolean")) {
    if (v.value === null) {
      return { kind: "bool", values: new Uint8Array(n), valid: new Uint8Array(n) };
    }
    return { kind: "bool", values: new Uint8Array(n).fill(v.value ? 1 : 0), valid: null };
  }
  throw new ArrowError("invalid", `${op} needs booleans, got ${kindName(v)}`);
}

/** Three-valued AND / OR (SQL): a definite false (AND) or true (OR) wins over null. */
export function logic(op: "and" | "or", a: Vec, b: Vec, n: number): Vec {
  if (a.kind === "scalar" && b.kind === "scalar") {
    const x = a.value, y = b.value;
    for (const v of [x, y]) {
      if (v !== null && typeof v !== "boolean") {
        throw new ArrowError("invalid", `${op} needs booleans, got ${typeof v}`);
      }
    }
    if (op === "and") {
      return {
        kind: "scalar",
        value: x === false || y === false ? false : x === null || y === null ? null : true,
      };
    }
    return {
      kind: "scalar",
      value: x === true || y === true ? true : x === null || y === null ? null : false,
    };
  }
  const x = asBool(a, n, op)!, y = asBool(b, n, op)!;
  const xv = x.values, yv = y.values, out = new Uint8Array(n);
  const xa = x.valid, ya = y.valid;
  if (xa === null && ya === null) {
    if (op === "and") { for (let i = 0; i < n; i++) out[i] = xv[i] & yv[i]; }
    else for (let i = 0; i < n; i++) out[i] = xv[i] | yv[i];
    return { kind: "bool", values: out, valid: null };
  }
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const vx = xa === null ? 1 : xa[i], vy = ya === null ? 1 : ya[i];
    // a valid operand equal to `decisive` (false for AND, true for OR) settles the row
    if (op === "and") {
      const settled = (vx & (xv[i] ^ 1)) | (vy & (yv[i] ^ 1));
      valid[i] = settled | (vx & vy);
      out[i] = settled ? 0 : vx & vy & xv[i] & yv[i];
    } else {
      const settled = (vx & xv[i]) | (vy & yv[i]);
      valid[i] = settled | (vx & vy);
      out[i] = settled;
    }
  }
  return { kind: "bool", values: out, valid };
}

export function not(v: Vec, n: number): Vec {
  if (v.kind === "scalar") {
    if (v.value === null) return v;
    if (typeof v.value !== "boolean") {
      throw new ArrowError("invalid", `not needs booleans, got ${typeof v.value}`);
    }
    return { kind: "scalar", value: !v.value };
  }
  const b = asBool(v, n, "not")!;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = b.values[i] ^ 1;
  return { kind: "bool", values: out, valid: b.valid };
}

export function nullTest(op: "isNull" | "isNotNull", v: Vec, n: number): Vec {
  if (v.kind === "scalar") {
    return { kind: "scalar", value: (v.value === null) === (op === "isNull") };
  }
  let valid = v.valid;
  if (v.kind === "dict") valid = (decodeDict(v) as Exclude<Vec, ScalarVec>).valid;
  const out = new Uint8Array(n);
  if (valid === null) {
    if (op === "isNotNull") out.fill(1);
  } else if (op === "isNull") { for (let i = 0; i < n; i++) out[i] = valid[i] ^ 1; }
  else out.set(valid);
  return { kind: "bool", values: out, valid: null };
}
