// Exact kernels: comparisons and arithmetic on 64-bit integers, decimals and temporal values
// in their own units. Comparisons run on the 32-bit words in place (no BigInt per row: the
// top word compared with its sign bit flipped, then the lower words unsigned); only mixed
// units and arithmetic go through BigInt per row. Results that do not fit their type are
// errors (as in duckdb), never wrapped or rounded.
import { ArrowError } from "../errors.ts";
import {
  type DataType,
  decimal128,
  decimal256,
  duration,
  float64,
  int64,
  timestamp,
  TimeUnit,
  Type,
  typeToString,
  uint64,
} from "../types.ts";
import {
  type Domain,
  type ExactVec,
  INT_PER,
  mergeValid,
  type NumVec,
  TIME_PER,
  type Valid,
  type Vec,
} from "./_vector.ts";

export type CmpOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge";
export type ArithOp = "add" | "sub" | "mul" | "div";

/** Result by comparison outcome (less, equal, greater), per operator. */
export const OUTCOME: Record<CmpOp, Uint8Array> = {
  eq: Uint8Array.of(0, 1, 0),
  ne: Uint8Array.of(1, 0, 1),
  lt: Uint8Array.of(1, 0, 0),
  le: Uint8Array.of(1, 1, 0),
  gt: Uint8Array.of(0, 0, 1),
  ge: Uint8Array.of(0, 1, 1),
};

/** An exact constant: `n / d` base units of `domain` (d > 0). */
export interface ExactScalar {
  readonly n: bigint;
  readonly d: bigint;
  readonly domain: Domain;
}

function invalid(msg: string): never {
  throw new ArrowError("invalid", msg);
}

/** `x` (finite) as the decimal it prints as: `v / 10^scale`, the number the user wrote. */
function decimalOf(x: number): { v: bigint; scale: number } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (m === null) invalid(`cannot read ${x} as a decimal`);
  const frac = m[3] ?? "";
  const exp = Number(m[4] ?? 0) - frac.length;
  let v = BigInt(m[2] + frac);
  if (m[1] === "-") v = -v;
  return exp >= 0 ? { v: v * 10n ** BigInt(exp), scale: 0 } : { v, scale: -exp };
}

function describe(v: ExactVec): string {
  return typeToString(v.type);
}

/**
 * A literal as an exact constant in `v`'s domain: numbers and bigints count the column's own
 * unit for durations and times and their value for numbers; `Date`s are instants. NaN and
 * infinities are returned as is (they compare but have no exact form).
 */
export function exactScalar(
  v: ExactVec,
  value: number | bigint | Date,
  op: string,
): ExactScalar | number {
  if (value instanceof Date) {
    if (v.domain !== "instant") invalid(`cannot apply ${op} to ${describe(v)} and a Date`);
    const ms = BigInt(value.getTime());
    return { n: ms * TIME_PER[TimeUnit.MILLISECOND], d: 1n, domain: "instant" };
  }
  if (v.domain === "instant") {
    invalid(`cannot apply ${op} to ${describe(v)} and a ${typeof value}: use a Date`);
  }
  const unit = v.domain === "num" ? INT_PER : v.per;
  if (typeof value === "bigint") return { n: value * unit, d: 1n, domain: v.domain };
  if (!Number.isFinite(value)) return value;
  const { v: m, scale } = decimalOf(value);
  const n = m * unit, d = 10n ** BigInt(scale);
  return n % d === 0n ? { n: n / d, d: 1n, domain: v.domain } : { n, d, domain: v.domain };
}

/** Largest and smallest values of a vector's storage. */
function range(width: number, signed: boolean): [bigint, bigint] {
  const bits = BigInt(32 * width);
  return signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
}

/** Row `i` of `v` as a bigint (in v's unit). */
export function readExact(v: ExactVec, i: number): bigint {
  const w = v.words, k = i * v.width;
  if (v.width === 1) return BigInt(v.signed ? w[k] | 0 : w[k]);
  if (v.width === 2) {
    const hi = v.signed ? w[k + 1] | 0 : w[k + 1];
    return (BigInt(hi) << 32n) | BigInt(w[k]);
  }
  let r = 0n;
  for (let j = v.width - 1; j >= 0; j--) r = (r << 32n) | BigInt(w[k + j]);
  return v.signed ? BigInt.asIntN(32 * v.width, r) : r;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Compares every row of `v` with the constant `s`, in place on the words. */
export function compareExactScalar(
  op: CmpOp,
  v: ExactVec,
  s: ExactScalar | number,
  out: Uint8Array,
): void {
  const n = v.length;
  if (typeof s === "number") {
    // NaN is unordered (only != holds); infinities are beyond every value
    const c = Number.isNaN(s) ? -1 : s > 0 ? 0 : 2;
    out.fill(Number.isNaN(s) ? (op === "ne" ? 1 : 0) : OUTCOME[op][c], 0, n);
    return;
  }
  if (s.domain !== v.domain) invalid(`cannot compare ${describe(v)} with ${s.domain} values`);
  // the constant in the column's unit: q + a fraction in [0, 1)
  const den = s.d * v.per;
  const q = floorDiv(s.n, den);
  let tbl = OUTCOME[op];
  if (q * den !== s.n) {
    // between q and q + 1: nothing equals it, and "< x" is "<= q", "> x" is "> q"
    tbl = op === "eq"
      ? Uint8Array.of(0, 0, 0)
      : op === "ne"
      ? Uint8Array.of(1, 1, 1)
      : op === "lt" || op === "le"
      ? OUTCOME.le
      : OUTCOME.gt;
  }
  const [min, max] = range(v.width, v.signed);
  if (q < min || q > max) {
    out.fill(tbl[q < min ? 2 : 0], 0, n);
    return;
  }
  const w = v.words, flip = v.signed ? 0x80000000 : 0;
  const u = BigInt.asUintN(32 * v.width, q);
  if (v.width === 1) {
    const sv = (Number(u) ^ flip) >>> 0;
    for (let i = 0; i < n; i++) {
      const x = (w[i] ^ flip) >>> 0;
      out[i] = tbl[x < sv ? 0 : x > sv ? 2 : 1];
    }
    return;
  }
  if (v.width === 2) {
    const sh = (Number(u >> 32n) ^ flip) >>> 0, sl = Number(u & 0xffffffffn);
    for (let i = 0; i < n; i++) {
      const h = (w[2 * i + 1] ^ flip) >>> 0;
      if (h !== sh) out[i] = tbl[h < sh ? 0 : 2];
      else {
        const l = w[2 * i];
        out[i] = tbl[l < sl ? 0 : l > sl ? 2 : 1];
      }
    }
    return;
  }
  if (v.width === 4) {
    // decimal128: the same, over four words
    const s3 = (Number(u >> 96n) ^ flip) >>> 0, s2 = Number((u >> 64n) & 0xffffffffn);
    const s1 = Number((u >> 32n) & 0xffffffffn), s0 = Number(u & 0xffffffffn);
    for (let i = 0; i < n; i++) {
      const k = 4 * i;
      const h = (w[k + 3] ^ flip) >>> 0;
      let c: number;
      if (h !== s3) c = h < s3 ? 0 : 2;
      else if (w[k + 2] !== s2) c = w[k + 2] < s2 ? 0 : 2;
      else if (w[k + 1] !== s1) c = w[k + 1] < s1 ? 0 : 2;
      else c = w[k] < s0 ? 0 : w[k] > s0 ? 2 : 1;
      out[i] = tbl[c];
    }
    return;
  }
  const width = v.width, sw = new Uint32Array(width);
  for (let j = 0; j < width; j++) sw[j] = Number((u >> BigInt(32 * j)) & 0xffffffffn);
  sw[width - 1] = (sw[width - 1] ^ flip) >>> 0;
  for (let i = 0; i < n; i++) {
    const k = i * width;
    let j = width - 1;
    let x = (w[k + j] ^ flip) >>> 0;
    while (x === sw[j] && j > 0) x = w[k + --j];
    out[i] = tbl[x < sw[j] ? 0 : x > sw[j] ? 2 : 1];
  }
}

/**
 * The time zone of a timestamp operand (null: zone-less); undefined for everything else, which
 * mixes with either (dates, durations, `Date` literals).
 */
function zoneOf(x: ExactVec | ExactScalar): string | null | undefined {
  return "words" in x && x.type.typeId === Type.Timestamp ? x.type.timezone ?? null : undefined;
}

/**
 * The zone of a result from `a` and `b`: a zoned timestamp and a zone-less one are ambiguous
 * (wall-clock time against an instant), refused as pyarrow.compute refuses them.
 */
function zoneOfBoth(what: string, a: ExactVec | ExactScalar, b: ExactVec | ExactScalar) {
  const za = zoneOf(a), zb = zoneOf(b);
  if ((za === null && typeof zb === "string") || (zb === null && typeof za === "string")) {
    invalid(`cannot ${what} a timestamp with a time zone and one without (${za ?? zb})`);
  }
  return za ?? zb ?? null;
}

/** Compares two exact vectors row by row (same domain; units and widths may differ). */
export function compareExact(op: CmpOp, a: ExactVec, b: ExactVec, out: Uint8Array): void {
  if (a.domain !== b.domain) invalid(`cannot compare ${describe(a)} with ${describe(b)}`);
  zoneOfBoth("compare", a, b);
  const n = out.length, tbl = OUTCOME[op];
  if (a.width === b.width && a.signed === b.signed && a.per === b.per) {
    const wa = a.words, wb = b.words, width = a.width, flip = a.signed ? 0x80000000 : 0;
    for (let i = 0; i < n; i++) {
      const k = i * width;
      let j = width - 1;
      let x = (wa[k + j] ^ flip) >>> 0, y = (wb[k + j] ^ flip) >>> 0;
      while (x === y && j > 0) {
        j--;
        x = wa[k + j];
        y = wb[k + j];
      }
      out[i] = tbl[x < y ? 0 : x > y ? 2 : 1];
    }
    return;
  }
  // different units or storage: both in the finer unit, through BigInt
  const per = a.per < b.per ? a.per : b.per, fa = a.per / per, fb = b.per / per;
  for (let i = 0; i < n; i++) {
    const x = readExact(a, i) * fa, y = readExact(b, i) * fb;
    out[i] = tbl[x < y ? 0 : x > y ? 2 : 1];
  }
}

/** An exact vector as float64 (numbers only: what duckdb and Arrow compute do for mixed
 * integer/float operands). */
export function exactToNum(v: ExactVec, op: string): NumVec {
  if (v.domain !== "num") invalid(`cannot apply ${op} to ${describe(v)} and a float`);
  const n = v.length, out = new Float64Array(n), w = v.words;
  const scale = 77 - v.per.toString().length;
  if (v.width === 2 && scale === 0) {
    // hi * 2^32 is exact, the one addition rounds once
    for (let i = 0; i < n; i++) {
      out[i] = (v.signed ? w[2 * i + 1] | 0 : w[2 * i + 1]) * 4294967296 + w[2 * i];
    }
  } else {
    // one rounding: the decimal's string is parsed to the nearest float64
    for (let i = 0; i < n; i++) out[i] = Number(`${readExact(v, i)}e-${scale}`);
  }
  return { kind: "num", values: out, valid: v.valid };
}

// ---- arithmetic --------------------------------------------------------------------------

type Operand = ExactVec | ExactScalar;

const TIME_UNIT_OF = new Map<bigint, TimeUnit>([
  [TIME_PER[0], TimeUnit.SECOND],
  [TIME_PER[1], TimeUnit.MILLISECOND],
  [TIME_PER[2], TimeUnit.MICROSECOND],
  [TIME_PER[3], TimeUnit.NANOSECOND],
]);

function domainOf(x: Operand): Domain {
  return x.domain;
}

/** Unsigned results when every vector operand is unsigned (literals adopt their type). */
function unsignedResult(a: Operand, b: Operand): boolean {
  const ua = "words" in a ? !a.signed : null, ub = "words" in b ? !b.signed : null;
  return (ua ?? ub)! && (ub ?? ua)!;
}

/** The per-row unit of an operand (a constant's unit is the finest that holds it exactly). */
function perOf(x: Operand): bigint {
  if ("words" in x) return x.per;
  // n / d base units: the unit is 1/d base units when d > 1 (finer than base: not exact here)
  if (x.d !== 1n) invalid("a constant finer than the finest unit");
  if (x.domain !== "num") return TIME_PER.find((p) => x.n % p === 0n)!;
  let per = INT_PER;
  while (per > 1n && x.n % per !== 0n) per /= 10n;
  return per;
}

function valueAt(x: Operand, per: bigint, i: number): bigint {
  if ("words" in x) return readExact(x, i) * (x.per / per);
  return x.n / per;
}

/** Result type and unit of `a op b` for exact operands; null when the result is float64. */
function resultOf(
  op: ArithOp,
  a: Operand,
  b: Operand,
): { type: DataType; per: bigint; domain: Domain; width: number; signed: boolean } {
  const da = domainOf(a), db = domainOf(b);
  const pa = perOf(a), pb = perOf(b);
  const finer = pa < pb ? pa : pb;
  if (da === "num" && db === "num") {
    const bits = Math.max(decimalBits(a), decimalBits(b));
    if (op === "mul") {
      const per = (pa * pb) / INT_PER;
      if (per === 0n || INT_PER % per !== 0n) invalid("product scale past 76 digits");
      return numResult(per, unsignedResult(a, b), bits);
    }
    return numResult(finer, unsignedResult(a, b), bits);
  }
  const zone = zoneOfBoth(op, a, b);
  const temporal = (domain: Domain, per: bigint) => {
    const p = per > TIME_PER[0] ? TIME_PER[0] : per; // days have no Arrow unit: seconds
    const unit = TIME_UNIT_OF.get(p)!;
    // an instant keeps its operand's zone, as in pyarrow (timestamp[ns, UTC] + duration)
    const type = domain === "instant" ? timestamp(unit, zone) : duration(unit);
    return { type, per: p, domain, width: 2, signed: true };
  };
  if (op === "sub" && da === "instant" && db === "instant") return temporal("duration", finer);
  // time of day - time of day: a duration in the finer unit, as pyarrow.compute.subtract; a
  // number next to a time column is a time of day in comparisons, too ambiguous here
  if (op === "sub" && da === "time" && db === "time") {
    if (!("words" in a) || !("words" in b)) {
      invalid("cannot sub a number and a time column: subtract two time columns");
    }
    return temporal("duration", finer);
  }
  if ((op === "add" || op === "sub") && da === "instant" && db === "duration") {
    return temporal("instant", finer);
  }
  if (op === "add" && da === "duration" && db === "instant") return temporal("instant", finer);
  if ((op === "add" || op === "sub") && da === "duration" && db === "duration") {
    return temporal("duration", finer);
  }
  return invalid(`cannot ${op} ${da} and ${db} values`);
}

/** The bit width of a decimal vector operand, 0 for integers and literals. */
function decimalBits(x: Operand): number {
  return "words" in x && x.type.typeId === Type.Decimal ? x.type.bitWidth : 0;
}

/**
 * The result of integers and decimals: int64 (uint64) for integers alone, else a decimal at
 * the unit `per`, decimal128(38, s) or, when an operand is decimal256, decimal256(76, s) as
 * in pyarrow. A decimal of scale 0 stays a decimal: 10^19 + 1 is no int64 overflow.
 */
function numResult(per: bigint, unsigned: boolean, decimalBits: number) {
  if (per === INT_PER && decimalBits === 0) {
    return {
      type: unsigned ? uint64() : int64(),
      per,
      domain: "num" as const,
      width: 2,
      signed: !unsigned,
    };
  }
  const scale = INT_PER.toString().length - per.toString().length;
  if (decimalBits === 256) {
    return { type: decimal256(76, scale), per, domain: "num" as const, width: 8, signed: true };
  }
  if (scale > 38) invalid(`decimal result scale ${scale} is past 38`);
  return { type: decimal128(38, scale), per, domain: "num" as const, width: 4, signed: true };
}

/**
 * `a op b` row by row, exactly, for add/sub/mul on exact operands (at least one a vector of
 * `n` rows). Results outside their type (int64, uint64, decimal128(38), decimal256(76), 64-bit
 * temporal) are
 * `invalid` errors naming the row, as duckdb's overflow errors.
 */
export function arithExact(op: ArithOp, a: Operand, b: Operand, n: number): ExactVec {
  const r = resultOf(op, a, b);
  const valid = mergeValid("words" in a ? a.valid : null, "words" in b ? b.valid : null);
  // decimals are bounded by their precision (38 or 76 digits), integers by their storage
  const digits = r.type.typeId === Type.Decimal ? 10n ** BigInt(r.type.precision) : 0n;
  const [min, max] = digits !== 0n ? [1n - digits, digits - 1n] : range(r.width, r.signed);
  const words = new Uint32Array(n * r.width);
  const out64 = r.width === 2
    ? (r.signed ? new BigInt64Array(words.buffer) : new BigUint64Array(words.buffer))
    : null;
  const wide = r.width > 2 ? new BigUint64Array(words.buffer) : null;
  const lanes = r.width >> 1;
  // operands in their own units; mul multiplies units, add/sub work in the result's unit
  const pa = op === "mul" ? perOf(a) : r.per, pb = op === "mul" ? perOf(b) : r.per;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const x = valueAt(a, pa, i), y = valueAt(b, pb, i);
    const z = op === "add" ? x + y : op === "sub" ? x - y : x * y;
    if (z < min || z > max) {
      invalid(`${typeToString(r.type)} overflow in ${op} at row ${i}`);
    }
    if (out64 !== null) out64[i] = z;
    else {
      for (let j = 0, v = z; j < lanes; j++, v >>= 64n) {
        wide![lanes * i + j] = BigInt.asUintN(64, v);
      }
    }
  }
  return { kind: "exact", words, ...r, length: n, valid };
}

/** `|v|` or `-v`, exactly (numbers and durations); overflow is an error. */
export function negOrAbsExact(op: "abs" | "neg", v: ExactVec): ExactVec {
  if (v.domain !== "num" && v.domain !== "duration") {
    invalid(`cannot apply ${op} to ${describe(v)}`);
  }
  const n = v.length, [min, max] = range(v.width, v.signed);
  const width = v.width, words = new Uint32Array(n * width);
  for (let i = 0; i < n; i++) {
    if (v.valid !== null && v.valid[i] === 0) continue;
    const x = readExact(v, i);
    const z = op === "neg" || x < 0n ? -x : x;
    if (z < min || z > max) invalid(`${describe(v)} overflow in ${op} at row ${i}`);
    const u = BigInt.asUintN(32 * width, z);
    for (let j = 0; j < width; j++) {
      words[i * width + j] = Number((u >> BigInt(32 * j)) & 0xffffffffn);
    }
  }
  return { ...v, words, valid: v.valid };
}

/** Float64 type, for results that leave the exact domain (division). */
export const FLOAT64: DataType = float64();

export type { Valid, Vec };
