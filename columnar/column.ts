/**
 * Columns: immutable views over Arrow buffers (typed arrays), one class per physical layout.
 *
 * A column is a {@link ColumnData} record (type, length, element `offset`, validity bitmap,
 * `values`, `offsets`, `children`, `dictionary`) wrapped by a class that knows how to read it.
 * Slicing only changes `offset`/`length`, so it never copies. Subclasses (e.g. extension
 * columns) must keep the `(data: ColumnData)` constructor so `slice` can rebuild them.
 *
 * @module
 */

import { ArrowError } from "./errors.ts";
import {
  type DataType,
  DateUnit,
  type DecimalType,
  type FixedSizeBinaryType,
  type FixedSizeListType,
  type IntervalType,
  IntervalUnit,
  Precision,
  type StructType,
  Type,
  type UnionType,
} from "./types.ts";

/**
 * Every typed array a column buffer can be.
 *
 * @example
 * ```ts
 * import { type TypedArray } from "@avila/arrow";
 * const values: TypedArray = new Float32Array(4);
 * console.log(values.length); // 4
 * ```
 */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

type ExtensionInfo = NonNullable<ColumnData["extension"]>;

/**
 * The buffers behind a column, in the Arrow layout of its type. Element `i` of the column is
 * element `offset + i` of the buffers.
 *
 * - fixed width (ints, floats, temporal): `values` is the typed array of the storage width;
 *   float16 is a `Uint16Array`; decimals a `Uint32Array` of `bitWidth / 32` words per value;
 *   intervals an `Int32Array` of 1 (year-month), 2 (day-time) or 4 (month-day-nano: months,
 *   days, then the int64 nanoseconds as two words) words per value;
 * - bool: `values` is the bit-packed `Uint8Array`;
 * - utf8/binary: `offsets` (`Int32Array`, or `BigInt64Array` for the large variants) and
 *   `values` (the bytes); the view variants are held the same way (int32 offsets) and only
 *   written as views; fixed-size binary: `values` bytes, `byteWidth` per value;
 * - list and map: `offsets` (`Int32Array`, `BigInt64Array` for large lists) and `children[0]`;
 *   list view: `offsets` and the sizes in `values` (same array type), `children[0]`;
 *   fixed-size list: `children[0]`;
 * - struct: `children`; dictionary: `values` are the indices, `dictionary` the values column;
 * - union: `values` the `Int8Array` type codes, `offsets` (`Int32Array`, dense only),
 *   `children`; no validity (nulls live in the children);
 * - run-end encoded: `children` `[runEnds, values]`; no validity; element `i` is in the first
 *   run whose end is greater than `offset + i`;
 * - null: nothing.
 *
 * @example
 * ```ts
 * import { type ColumnData, makeColumn, types } from "@avila/arrow";
 * const data: ColumnData = {
 *   type: types.utf8(), length: 2, offset: 0, nullCount: 0, validity: null,
 *   values: new TextEncoder().encode("hiyo"), offsets: new Int32Array([0, 2, 4]),
 *   children: [], dictionary: null,
 * };
 * console.log(makeColumn(data).get(1)); // "yo"
 * ```
 */
export interface ColumnData {
  /** The storage data type. */
  readonly type: DataType;
  /** Number of elements. */
  readonly length: number;
  /** Element offset into the buffers (non-zero for slices). */
  readonly offset: number;
  /** Number of nulls, or -1 when not yet counted. */
  readonly nullCount: number;
  /** Validity bitmap (bit set = valid), or null when every element is valid. */
  readonly validity: Uint8Array | null;
  /** Values buffer (see above). */
  readonly values: TypedArray | null;
  /** Offsets buffer of variable-size layouts. */
  readonly offsets: Int32Array | BigInt64Array | null;
  /** Child columns of nested types. */
  readonly children: readonly Column[];
  /** Dictionary values of dictionary-encoded columns. */
  readonly dictionary: Column | null;
  /** Extension type identity, when the column holds an extension type's storage. */
  readonly extension?: {
    /** `ARROW:extension:name` */
    readonly name: string;
    /** `ARROW:extension:metadata` (may be empty) */
    readonly metadata: string;
  } | null;
}

/**
 * Counts unset bits of `bitmap` in [start, end).
 *
 * @example
 * ```ts
 * import { countNulls } from "./column.ts";
 * console.log(countNulls(new Uint8Array([0b1011]), 0, 4)); // 1
 * ```
 */
export function countNulls(bitmap: Uint8Array, start: number, end: number): number {
  let valid = 0;
  let i = start;
  while (i < end && (i & 7) !== 0) {
    valid += (bitmap[i >> 3] >> (i & 7)) & 1;
    i++;
  }
  while (i + 8 <= end) {
    let b = bitmap[i >> 3];
    b = b - ((b >> 1) & 0x55);
    b = (b & 0x33) + ((b >> 2) & 0x33);
    valid += (b + (b >> 4)) & 0x0f;
    i += 8;
  }
  while (i < end) {
    valid += (bitmap[i >> 3] >> (i & 7)) & 1;
    i++;
  }
  return end - start - valid;
}

/**
 * Base class of every column. Read with {@link Column.get}, iterate, slice without copying.
 *
 * @example
 * ```ts
 * import { columnFromValues } from "@avila/arrow";
 * const c = columnFromValues(new Float64Array([1, 2, 3]));
 * console.log(c.get(1), c.slice(1, 2).toArray()); // 2 Float64Array(2) [ 2, 3 ]
 * ```
 */
export class Column<T = unknown> {
  /** The buffers. */
  readonly data: ColumnData;
  #nullCount: number;

  /** Wraps column data; prefer {@link makeColumn}, which picks the right subclass. */
  constructor(data: ColumnData) {
    this.data = data;
    this.#nullCount = data.validity === null ? 0 : data.nullCount;
  }

  /** The storage data type. */
  get type(): DataType {
    return this.data.type;
  }

  /** Number of elements. */
  get length(): number {
    return this.data.length;
  }

  /** Extension identity, or null for plain storage columns. */
  get extension(): NonNullable<ColumnData["extension"]> | null {
    return this.data.extension ?? null;
  }

  /** Number of null elements (counted once, lazily). */
  get nullCount(): number {
    if (this.#nullCount < 0) {
      const d = this.data;
      this.#nullCount = d.validity ? countNulls(d.validity, d.offset, d.offset + d.length) : 0;
    }
    return this.#nullCount;
  }

  /** Whether element `i` is non-null. */
  isValid(i: number): boolean {
    const v = this.data.validity;
    if (v === null) return true;
    const j = this.data.offset + i;
    return ((v[j >> 3] >> (j & 7)) & 1) === 1;
  }

  /** Element `i` (0 ≤ i < length), or null. Out-of-range indices return null. */
  get(i: number): T | null {
    if (i < 0 || i >= this.data.length || !this.isValid(i)) return null;
    return this.value(i);
  }

  /** Element `i` assuming it is in range and valid; subclasses implement it. */
  protected value(_i: number): T {
    throw new ArrowError("unsupported", "abstract column");
  }

  /** Elements as an array (`null` for nulls); fixed-width numeric columns without nulls
   * return a zero-copy typed subarray. */
  toArray(): T[] | TypedArray {
    const out = new Array<T | null>(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.get(i);
    return out as T[];
  }

  /** Iterates over elements (nulls included). */
  *[Symbol.iterator](): IterableIterator<T | null> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  /** A zero-copy view of `length` elements from `offset` (clamped to the column). */
  slice(offset: number, length?: number): this {
    const start = Math.min(Math.max(0, Math.trunc(offset) || 0), this.length);
    const len = Math.min(
      Math.max(0, length === undefined ? this.length - start : Math.trunc(length) || 0),
      this.length - start,
    );
    if (start === 0 && len === this.length) return this;
    const d = this.data;
    const ctor = this.constructor as new (data: ColumnData) => this;
    const nullCount = d.validity === null ? 0 : -1;
    const pending = deferred.get(d);
    // a slice of a column whose offsets are not checked yet shares the pending check
    if (pending !== undefined) {
      return new ctor(pendingData(pending, d, d.offset + start, len, nullCount));
    }
    return new ctor({ ...d, offset: d.offset + start, length: len, nullCount });
  }
}

/**
 * Checks an offsets buffer: `offsets[0..length]` starts at 0 or more, never decreases and ends
 * at `limit` or less. Throws `ArrowError("corrupt")` otherwise.
 *
 * @example
 * ```ts
 * import { checkOffsets } from "./column.ts";
 * checkOffsets(new Int32Array([0, 2, 5]), 2, 5); // fine
 * try {
 *   checkOffsets(new Int32Array([0, 4, 3]), 2, 5);
 * } catch (e) {
 *   console.log((e as Error).message); // "offsets decrease at 2"
 * }
 * ```
 */
export function checkOffsets(
  offsets: Int32Array | BigInt64Array,
  length: number,
  limit: number,
): void {
  if (offsets.length < length + 1) {
    throw new ArrowError("corrupt", `${offsets.length} offsets for ${length} elements`);
  }
  if (offsets instanceof Int32Array) {
    let prev = offsets[0];
    if (prev < 0) throw new ArrowError("corrupt", "negative offset");
    for (let i = 1; i <= length; i++) {
      const v = offsets[i];
      if (v < prev) throw new ArrowError("corrupt", `offsets decrease at ${i}`);
      prev = v;
    }
    if (prev > limit) {
      throw new ArrowError("corrupt", `offsets point past their data (${prev} > ${limit})`);
    }
  } else {
    let prev = offsets[0];
    if (prev < 0n) throw new ArrowError("corrupt", "negative offset");
    for (let i = 1; i <= length; i++) {
      const v = offsets[i];
      if (v < prev) throw new ArrowError("corrupt", `offsets decrease at ${i}`);
      prev = v;
    }
    if (prev > BigInt(limit)) {
      throw new ArrowError("corrupt", `offsets point past their data (${prev} > ${limit})`);
    }
  }
}

/**
 * An offsets buffer whose whole-buffer check has not run yet. Element access checks the two
 * offsets it reads instead; anything reading `data.offsets` runs the whole check first.
 */
class PendingOffsets {
  readonly raw: Int32Array | BigInt64Array;
  readonly #length: number;
  readonly #limit: number;
  #checked = false;

  constructor(raw: Int32Array | BigInt64Array, length: number, limit: number) {
    this.raw = raw;
    this.#length = length;
    this.#limit = limit;
  }

  checked(): Int32Array | BigInt64Array {
    if (!this.#checked) {
      checkOffsets(this.raw, this.#length, this.#limit);
      this.#checked = true;
    }
    return this.raw;
  }
}

/** Column data over `base`'s buffers whose `offsets` property runs `pending`'s check when read. */
function pendingData(
  pending: PendingOffsets,
  base: ColumnData,
  offset: number,
  length: number,
  nullCount: number,
): ColumnData {
  const data: ColumnData = {
    type: base.type,
    length,
    offset,
    nullCount,
    validity: base.validity,
    values: base.values,
    get offsets(): Int32Array | BigInt64Array {
      return pending.checked();
    },
    children: base.children,
    dictionary: base.dictionary,
    extension: base.extension ?? null,
  };
  deferred.set(data, pending);
  return data;
}

/** Column data built by {@link deferOffsetsCheck}, with their pending check. */
const deferred = new WeakMap<ColumnData, PendingOffsets>();

/**
 * Column data whose offsets are checked when first used instead of now: for readers of large
 * untrusted buffers, where checking a million offsets up front costs more than reading a few
 * values. `get(i)` on the utf8, binary and list columns made from the result checks the two
 * offsets it reads (throwing `ArrowError("corrupt")` when they are out of order or past
 * `limit`); reading `data.offsets` (which bulk code such as `take`, the IPC writer and filter
 * expressions does) first runs {@link checkOffsets} over the whole buffer, once. Slices share
 * the pending check.
 *
 * `data.offsets` must hold at least `data.offset + data.length + 1` entries; `limit` is the
 * byte length of `values` for utf8/binary and the child's length for lists.
 *
 * @example
 * ```ts
 * import { ArrowError, makeColumn, types } from "@avila/arrow";
 * import { deferOffsetsCheck } from "./column.ts";
 * const data = deferOffsetsCheck({
 *   type: types.utf8(), length: 2, offset: 0, nullCount: 0, validity: null,
 *   values: new TextEncoder().encode("hiyo"), offsets: new Int32Array([0, 2, 9]),
 *   children: [], dictionary: null,
 * }, 4);
 * const c = makeColumn(data);
 * console.log(c.get(0)); // "hi"
 * try {
 *   c.get(1); // its end offset 9 is past the 4 bytes
 * } catch (e) {
 *   console.log((e as ArrowError).code); // "corrupt"
 * }
 * ```
 */
export function deferOffsetsCheck(data: ColumnData, limit: number): ColumnData {
  const raw = data.offsets;
  if (raw === null) throw new ArrowError("invalid", "column data without offsets");
  const need = data.offset + data.length;
  if (raw.length < need + 1) {
    throw new ArrowError("corrupt", `${raw.length} offsets for ${need} elements`);
  }
  const pending = new PendingOffsets(raw, need, limit);
  return pendingData(pending, data, data.offset, data.length, data.nullCount);
}

/** The offsets of `data` without running a pending whole-buffer check. */
function rawOffsets(data: ColumnData): Int32Array | BigInt64Array {
  return deferred.get(data)?.raw ?? data.offsets!;
}

function badOffsets(j: number): never {
  throw new ArrowError("corrupt", `offsets of element ${j} are out of order or out of bounds`);
}

/**
 * An all-null column.
 *
 * @example
 * ```ts
 * import { NullBuilder } from "./builders/null.ts";
 * const b = new NullBuilder();
 * b.append(null);
 * console.log(b.finish().nullCount); // 1
 * ```
 */
export class NullColumn extends Column<null> {
  /** Always null. */
  override get(_i: number): null {
    return null;
  }
  /** Every element is null. */
  override get nullCount(): number {
    return this.length;
  }
  /** Never valid. */
  override isValid(_i: number): boolean {
    return false;
  }
}

/**
 * Booleans, bit-packed.
 *
 * @example
 * ```ts
 * import { columnFromValues } from "@avila/arrow";
 * console.log(columnFromValues([true, null]).get(0)); // true
 * ```
 */
export class BoolColumn extends Column<boolean> {
  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): boolean {
    const j = this.data.offset + i;
    return (((this.data.values as Uint8Array)[j >> 3] >> (j & 7)) & 1) === 1;
  }
}

/**
 * Fixed-width values readable as JS numbers straight from a typed array (int8–32,
 * uint8–32, float32/64).
 *
 * @example
 * ```ts
 * import { columnFromValues } from "@avila/arrow";
 * import { type NumberColumn } from "./column.ts";
 * const c = columnFromValues(new Int16Array([3, 4])) as NumberColumn;
 * console.log(c.values); // Int16Array(2) [ 3, 4 ]
 * ```
 */
export class NumberColumn extends Column<number> {
  #values: TypedArray | undefined;

  /** The column's elements as a zero-copy typed subarray (nulls hold arbitrary values). */
  get values():
    | Int8Array
    | Uint8Array
    | Int16Array
    | Uint16Array
    | Int32Array
    | Uint32Array
    | Float32Array
    | Float64Array {
    if (this.#values === undefined) {
      const d = this.data;
      const v = d.values!;
      // the buffer itself when the column spans all of it (as read columns do): no new view
      this.#values = d.offset === 0 && d.length === v.length
        ? v
        : v.subarray(d.offset, d.offset + d.length);
    }
    // deno-lint-ignore no-explicit-any
    return this.#values as any;
  }

  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): number {
    return this.data.values![this.data.offset + i] as number;
  }

  /** Elements as a zero-copy typed subarray when there are no nulls, else an array. */
  override toArray(): number[] | TypedArray {
    return this.nullCount === 0 ? this.values : super.toArray() as number[];
  }
}

/**
 * 64-bit integers read as `bigint`.
 *
 * @example
 * ```ts
 * import { columnFromValues } from "@avila/arrow";
 * console.log(columnFromValues(new BigInt64Array([5n])).get(0)); // 5n
 * ```
 */
export class BigIntColumn extends Column<bigint> {
  /** The column's elements as a zero-copy typed subarray. */
  get values(): BigInt64Array | BigUint64Array {
    const d = this.data;
    return (d.values as BigInt64Array | BigUint64Array).subarray(d.offset, d.offset + d.length);
  }

  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): bigint {
    return this.data.values![this.data.offset + i] as bigint;
  }

  /** Elements as a zero-copy typed subarray when there are no nulls, else an array. */
  override toArray(): bigint[] | TypedArray {
    return this.nullCount === 0 ? this.values : super.toArray() as bigint[];
  }
}

const f64 = new Float64Array(1);
const f64hi = new Uint32Array(f64.buffer, 4, 1);

/**
 * Converts IEEE half-precision bits to a number.
 *
 * @example
 * ```ts
 * import { float16ToNumber } from "./column.ts";
 * console.log(float16ToNumber(0x3c00)); // 1
 * ```
 */
export function float16ToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/**
 * Converts a number to IEEE half-precision bits, rounded once from float64 to nearest even
 * (as numpy), overflowing to ±Infinity; NaN becomes the quiet NaN 0x7e00.
 *
 * @example
 * ```ts
 * import { numberToFloat16 } from "./column.ts";
 * console.log(numberToFloat16(-2).toString(16)); // "c000"
 * ```
 */
export function numberToFloat16(v: number): number {
  f64[0] = v;
  const sign = (f64hi[0] >>> 16) & 0x8000;
  if (v !== v) return sign | 0x7e00; // quiet NaN, as numpy
  const a = Math.abs(v);
  // 65520 is halfway between the largest half (65504) and 2^16: ties to even go up, to inf
  if (a >= 65520) return sign | 0x7c00;
  // Round once, from float64: scaling by a power of two is exact, so `u` holds every bit
  // of `a` in units of the half's last place (2^-24 for subnormals).
  let e = 0, u: number;
  if (a < 2 ** -14) u = a * 2 ** 24;
  else {
    e = ((f64hi[0] >>> 20) & 0x7ff) - 1023;
    u = a * 2 ** (10 - e);
  }
  const f = Math.floor(u), d = u - f;
  let r = d > 0.5 || (d === 0.5 && (f & 1) === 1) ? f + 1 : f;
  if (a < 2 ** -14) return sign | r; // r = 1024 rounds up into the smallest normal, as it should
  if (r === 2048) {
    r = 1024;
    e++;
  }
  return sign | ((e + 15) << 10) | (r - 1024);
}

/**
 * Half-precision floats stored as `Uint16Array` bits, read as numbers.
 *
 * @example
 * ```ts
 * import { columnFromValues, types } from "@avila/arrow";
 * console.log(columnFromValues([0.5], types.float16()).get(0)); // 0.5
 * ```
 */
export class Float16Column extends Column<number> {
  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): number {
    return float16ToNumber(this.data.values![this.data.offset + i] as number);
  }
}

/**
 * Decimals (32 to 256 bits) read as the unscaled `bigint` (value = unscaled / 10^scale).
 *
 * @example
 * ```ts
 * import { columnFromValues, types } from "@avila/arrow";
 * import { type DecimalColumn } from "./column.ts";
 * const c = columnFromValues(["3.14"], types.decimal128(5, 2)) as DecimalColumn;
 * console.log(c.get(0), c.getString(0)); // 314n "3.14"
 * ```
 */
export class DecimalColumn extends Column<bigint> {
  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): bigint {
    const w = this.data.values as Uint32Array;
    const bits = (this.type as DecimalType).bitWidth;
    const n = bits >> 5;
    const k = (this.data.offset + i) * n;
    if (n === 1) return BigInt(w[k] | 0);
    let v = 0n;
    for (let q = n - 1; q >= 0; q--) v = (v << 32n) | BigInt(w[k + q]);
    return BigInt.asIntN(bits, v);
  }

  /** Element `i` as a decimal string using the type's scale, or null. */
  getString(i: number): string | null {
    const v = this.get(i);
    return v === null ? null : decimalText(v, (this.type as DecimalType).scale);
  }
}

/**
 * The decimal text of unscaled value `v` at `scale` (value = v / 10^scale): exact, with
 * `scale` digits after the point ("-0.05", "1200" at scale -2, "0" for zero at any
 * negative scale).
 *
 * @example
 * ```ts
 * import { decimalText } from "./column.ts";
 * console.log(decimalText(-5n, 2), decimalText(12n, -2)); // "-0.05" "1200"
 * ```
 */
export function decimalText(v: bigint, scale: number): string {
  const neg = v < 0n;
  let s = (neg ? -v : v).toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, "0");
    s = `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
  } else if (scale < 0 && v !== 0n) s += "0".repeat(-scale);
  return neg ? `-${s}` : s;
}

/**
 * A day-time interval value.
 *
 * @example
 * ```ts
 * import { type DayTime } from "./column.ts";
 * const v: DayTime = { days: 1, milliseconds: 500 };
 * console.log(v.days); // 1
 * ```
 */
export interface DayTime {
  /** Days. */
  days: number;
  /** Milliseconds. */
  milliseconds: number;
}

/**
 * A month-day-nano interval value.
 *
 * @example
 * ```ts
 * import { type MonthDayNano } from "./column.ts";
 * const v: MonthDayNano = { months: 1, days: 2, nanoseconds: 3n };
 * console.log(v.nanoseconds); // 3n
 * ```
 */
export interface MonthDayNano {
  /** Months. */
  months: number;
  /** Days. */
  days: number;
  /** Nanoseconds. */
  nanoseconds: bigint;
}

/**
 * Int32 words per interval value, by {@link IntervalUnit}.
 *
 * @example
 * ```ts
 * import { IntervalUnit } from "@avila/arrow";
 * import { INTERVAL_WORDS } from "./column.ts";
 * console.log(INTERVAL_WORDS[IntervalUnit.MONTH_DAY_NANO]); // 4
 * ```
 */
export const INTERVAL_WORDS: readonly number[] = [1, 2, 4];

/**
 * Calendar intervals: `get` returns months (year-month), a {@link DayTime} or a
 * {@link MonthDayNano}.
 *
 * @example
 * ```ts
 * import { columnFromValues, IntervalUnit, types } from "@avila/arrow";
 * const c = columnFromValues([{ months: 1, days: 2, nanoseconds: 3n }], types.interval(IntervalUnit.MONTH_DAY_NANO));
 * console.log(c.get(0)); // { months: 1, days: 2, nanoseconds: 3n }
 * ```
 */
export class IntervalColumn extends Column<number | DayTime | MonthDayNano> {
  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): number | DayTime | MonthDayNano {
    const w = this.data.values as Int32Array;
    const unit = (this.type as IntervalType).unit;
    const k = (this.data.offset + i) * INTERVAL_WORDS[unit];
    if (unit === IntervalUnit.YEAR_MONTH) return w[k];
    if (unit === IntervalUnit.DAY_TIME) return { days: w[k], milliseconds: w[k + 1] };
    const nanoseconds = (BigInt(w[k + 3]) << 32n) | BigInt(w[k + 2] >>> 0);
    return { months: w[k], days: w[k + 1], nanoseconds };
  }
}

const MS_PER_DAY = 86_400_000;
const TIMESTAMP_TO_MS = [1000, 1, 1e-3, 1e-6];

/**
 * Dates, times, timestamps and durations. `get` returns a number: milliseconds since the epoch
 * for dates and timestamps (whatever the unit), and the stored count in the type's own unit
 * for times and durations. The raw integers stay available in `data.values`.
 *
 * @example
 * ```ts
 * import { columnFromValues, TimeUnit, types } from "@avila/arrow";
 * const c = columnFromValues(new BigInt64Array([1_500_000n]), types.timestamp(TimeUnit.MICROSECOND));
 * console.log(c.get(0)); // 1500
 * ```
 */
export class TemporalColumn extends Column<number> {
  #factor: number;

  /** Wraps temporal column data. */
  constructor(data: ColumnData) {
    super(data);
    const t = data.type;
    this.#factor = t.typeId === Type.Date
      ? (t.unit === DateUnit.DAY ? MS_PER_DAY : 1)
      : t.typeId === Type.Timestamp
      ? TIMESTAMP_TO_MS[t.unit]
      : 1;
  }

  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): number {
    const raw = this.data.values![this.data.offset + i];
    return typeof raw === "bigint" ? Number(raw) * this.#factor : raw * this.#factor;
  }

  /** Element `i` as a `Date` (dates and timestamps only), or null. */
  getDate(i: number): Date | null {
    const t = this.type.typeId;
    if (t !== Type.Date && t !== Type.Timestamp) {
      throw new ArrowError("invalid", "getDate needs a date or timestamp column");
    }
    const v = this.get(i);
    return v === null ? null : new Date(v);
  }
}

const decoder = new TextDecoder("utf-8");
/** Character codes of one short ASCII string, reused across calls. */
const codes: number[] = [];
/** Longest string decoded through `codes`; longer ones go to TextDecoder. */
const SHORT_ASCII = 64;

/**
 * Decodes UTF-8 bytes [start, end) of `bytes`; short ASCII strings are built with one
 * `String.fromCharCode` call, avoiding TextDecoder's call cost.
 *
 * @example
 * ```ts
 * import { decodeUtf8 } from "./column.ts";
 * console.log(decodeUtf8(new TextEncoder().encode("xyz"), 1, 3)); // "yz"
 * ```
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= SHORT_ASCII) {
    if (n <= 0) return "";
    codes.length = n;
    for (let k = 0; k < n; k++) {
      const c = bytes[start + k];
      if (c >= 0x80) return decoder.decode(bytes.subarray(start, end));
      codes[k] = c;
    }
    return String.fromCharCode.apply(null, codes);
  }
  return decoder.decode(bytes.subarray(start, end));
}

/**
 * The variable-size layouts (utf8, binary and their large forms): `offsets` into one byte
 * buffer. Subclasses only say how element bytes become a value.
 */
abstract class VariableBytesColumn<T> extends Column<T> {
  readonly #offsets: Int32Array | BigInt64Array;
  readonly #bytes: Uint8Array;

  /** Wraps variable-size column data. */
  constructor(data: ColumnData) {
    super(data);
    this.#offsets = rawOffsets(data);
    this.#bytes = data.values as Uint8Array;
  }

  /** The value of bytes [start, end) of `bytes`. */
  protected abstract decode(bytes: Uint8Array, start: number, end: number): T;

  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): T {
    const o = this.#offsets;
    const j = this.data.offset + i;
    const start = Number(o[j]);
    const end = Number(o[j + 1]);
    // checked per access: the offsets may come from a reader that deferred its bulk check
    if (!(start >= 0 && start <= end && end <= this.#bytes.length)) badOffsets(j);
    return this.decode(this.#bytes, start, end);
  }
}

/**
 * UTF-8 strings (utf8 and large utf8).
 *
 * @example
 * ```ts
 * import { columnFromValues } from "@avila/arrow";
 * console.log(columnFromValues(["ψ", "ω"]).get(1)); // "ω"
 * ```
 */
export class Utf8Column extends VariableBytesColumn<string> {
  /** Decodes the element's bytes as UTF-8. */
  protected decode(bytes: Uint8Array, start: number, end: number): string {
    return decodeUtf8(bytes, start, end);
  }
}

/**
 * Variable-size bytes (binary and large binary); `get` returns a zero-copy subarray.
 *
 * @example
 * ```ts
 * import { columnFromValues } from "@avila/arrow";
 * console.log(columnFromValues([new Uint8Array([7])]).get(0)); // Uint8Array(1) [ 7 ]
 * ```
 */
export class BinaryColumn extends VariableBytesColumn<Uint8Array> {
  /** The element's bytes, without copying. */
  protected decode(bytes: Uint8Array, start: number, end: number): Uint8Array {
    return bytes.subarray(start, end);
  }
}

/**
 * Fixed-size bytes; `get` returns a zero-copy subarray.
 *
 * @example
 * ```ts
 * import { columnFromValues, types } from "@avila/arrow";
 * console.log(columnFromValues([new Uint8Array([1, 2])], types.fixedSizeBinary(2)).get(0)); // Uint8Array(2) [ 1, 2 ]
 * ```
 */
export class FixedSizeBinaryColumn extends Column<Uint8Array> {
  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): Uint8Array {
    const w = (this.type as FixedSizeBinaryType).byteWidth;
    const k = (this.data.offset + i) * w;
    return (this.data.values as Uint8Array).subarray(k, k + w);
  }
}

/**
 * Variable-size lists; `get` returns a plain array, {@link ListColumn.valuesAt} a column.
 *
 * @example
 * ```ts
 * import { columnFromValues } from "@avila/arrow";
 * import { type ListColumn } from "./column.ts";
 * const c = columnFromValues([[1, 2], [3]]) as ListColumn<number>;
 * console.log(c.get(0), c.valuesAt(1).get(0)); // [ 1, 2 ] 3
 * ```
 */
export class ListColumn<T = unknown> extends Column<(T | null)[]> {
  readonly #offsets: Int32Array | BigInt64Array;

  /** Wraps list column data. */
  constructor(data: ColumnData) {
    super(data);
    this.#offsets = rawOffsets(data);
  }

  /** The child column holding every list's elements. */
  get child(): Column<T> {
    return this.data.children[0] as Column<T>;
  }

  /** Elements of list `i` as a zero-copy child slice. */
  valuesAt(i: number): Column<T> {
    if (!(i >= 0 && i < this.length)) return this.child.slice(0, 0);
    const o = this.#offsets;
    const j = this.data.offset + i;
    const start = Number(o[j]);
    const end = Number(o[j + 1]);
    if (!(start >= 0 && start <= end && end <= this.child.length)) badOffsets(j);
    return this.child.slice(start, end - start);
  }

  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): (T | null)[] {
    return Array.from(this.valuesAt(i));
  }
}

/**
 * Fixed-size lists; `get` returns a plain array, {@link FixedSizeListColumn.valuesAt} a column.
 *
 * @example
 * ```ts
 * import { columnFromValues, types } from "@avila/arrow";
 * import { type FixedSizeListColumn } from "./column.ts";
 * const c = columnFromValues([[1, 2]], types.fixedSizeList(types.float64(), 2)) as FixedSizeListColumn<number>;
 * console.log(c.listSize, c.get(0)); // 2 [ 1, 2 ]
 * ```
 */
export class FixedSizeListColumn<T = unknown> extends Column<(T | null)[]> {
  /** The child column holding every list's elements. */
  get child(): Column<T> {
    return this.data.children[0] as Column<T>;
  }

  /** Elements per list. */
  get listSize(): number {
    return (this.type as FixedSizeListType).listSize;
  }

  /** Elements of list `i` as a zero-copy child slice. */
  valuesAt(i: number): Column<T> {
    const n = this.listSize;
    return this.child.slice((this.data.offset + i) * n, n);
  }

  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): (T | null)[] {
    return Array.from(this.valuesAt(i));
  }
}

/**
 * List views (list view and large list view): an offset and a size per list into the child;
 * `get` returns a plain array, {@link ListViewColumn.valuesAt} a column.
 *
 * @example
 * ```ts
 * import { columnFromValues, types } from "@avila/arrow";
 * const c = columnFromValues([[1, 2], null, [3]], types.listView(types.int32()));
 * console.log(c.get(0), c.get(2)); // [ 1, 2 ] [ 3 ]
 * ```
 */
export class ListViewColumn<T = unknown> extends Column<(T | null)[]> {
  /** The child column holding every list's elements. */
  get child(): Column<T> {
    return this.data.children[0] as Column<T>;
  }

  /** Elements of list `i` as a zero-copy child slice. */
  valuesAt(i: number): Column<T> {
    if (!(i >= 0 && i < this.length)) return this.child.slice(0, 0);
    const j = this.data.offset + i;
    const start = Number(this.data.offsets![j]);
    const size = Number(this.data.values![j]);
    if (!(start >= 0 && size >= 0 && start + size <= this.child.length)) badOffsets(j);
    return this.child.slice(start, size);
  }

  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): (T | null)[] {
    return Array.from(this.valuesAt(i));
  }
}

/**
 * Maps; `get` returns the entries as `[key, value]` pairs (keys may repeat and need not be
 * strings, so not a JS `Map`).
 *
 * @example
 * ```ts
 * import { columnFromValues, types } from "@avila/arrow";
 * const c = columnFromValues([{ a: 1, b: 2 }], types.map(types.utf8(), types.int32()));
 * console.log(c.get(0)); // [ [ "a", 1 ], [ "b", 2 ] ]
 * ```
 */
export class MapColumn<K = unknown, V = unknown> extends Column<[K, V | null][]> {
  readonly #list: ListColumn<Record<string, unknown>>;

  /** Wraps map column data. */
  constructor(data: ColumnData) {
    super(data);
    this.#list = new ListColumn(data);
  }

  /** The entries column (`struct<key, value>`) of every map. */
  get entries(): StructColumn {
    return this.data.children[0] as StructColumn;
  }

  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): [K, V | null][] {
    const e = this.#list.valuesAt(i);
    const keys = e.data.children[0];
    const values = e.data.children[1];
    const out: [K, V | null][] = new Array(e.length);
    for (let k = 0; k < e.length; k++) {
      const j = e.data.offset + k;
      out[k] = [keys.get(j) as K, values.get(j) as V | null];
    }
    return out;
  }
}

/**
 * Unions; `get` returns the value of the child chosen by the type code (null when that child's
 * value is null). {@link UnionColumn.childIndex} tells which child.
 *
 * @example
 * ```ts
 * import { columnFromValues, types } from "@avila/arrow";
 * const c = columnFromValues([1, "a", null], types.denseUnion({ i: types.int32(), s: types.utf8() }));
 * console.log(c.toArray()); // [ 1, "a", null ]
 * ```
 */
export class UnionColumn extends Column<unknown> {
  readonly #childOf: Int8Array;

  /** Wraps union column data. */
  constructor(data: ColumnData) {
    super(data);
    const ids = (data.type as UnionType).typeIds;
    this.#childOf = new Int8Array(128).fill(-1);
    ids.forEach((id, k) => (this.#childOf[id] = k));
  }

  /** The type codes as a zero-copy `Int8Array`. */
  get typeCodes(): Int8Array {
    const d = this.data;
    return (d.values as Int8Array).subarray(d.offset, d.offset + d.length);
  }

  /** Index (in `type.children`) of the child holding element `i`. */
  childIndex(i: number): number {
    const code = (this.data.values as Int8Array)[this.data.offset + i];
    const k = code >= 0 ? this.#childOf[code] : -1;
    if (k < 0) throw new ArrowError("corrupt", `union type code ${code} is not declared`);
    return k;
  }

  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): unknown {
    const k = this.childIndex(i);
    const j = this.data.offset + i;
    const at = this.data.offsets === null ? j : (this.data.offsets as Int32Array)[j];
    return this.data.children[k].get(at);
  }
}

/**
 * Run-end encoded values; `get(i)` finds the run holding element `i` by binary search.
 *
 * @example
 * ```ts
 * import { columnFromValues, types } from "@avila/arrow";
 * import { type RunEndEncodedColumn } from "./column.ts";
 * const c = columnFromValues(["a", "a", "b"], types.runEndEncoded(types.int32(), types.utf8())) as RunEndEncodedColumn;
 * console.log(c.runEnds.toArray(), c.get(2)); // Int32Array(2) [ 2, 3 ] "b"
 * ```
 */
export class RunEndEncodedColumn<T = unknown> extends Column<T> {
  /** The run ends (strictly increasing int16/32/64). */
  get runEnds(): Column<number | bigint> {
    return this.data.children[0] as Column<number | bigint>;
  }

  /** One value per run. */
  get values(): Column<T> {
    return this.data.children[1] as Column<T>;
  }

  /** Index of the run holding logical element `j` (with the column's offset applied). */
  runIndex(j: number): number {
    const e = this.runEnds.data;
    const ends = e.values!;
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Number(ends[e.offset + mid]) <= j) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): T {
    return this.values.get(this.runIndex(this.data.offset + i)) as T;
  }
}

/**
 * Structs; `get` returns a plain object, {@link StructColumn.child} a child column.
 *
 * @example
 * ```ts
 * import { columnFromValues } from "@avila/arrow";
 * import { type StructColumn } from "./column.ts";
 * const c = columnFromValues([{ x: 1, y: "a" }]) as StructColumn;
 * console.log(c.get(0), c.child("y")?.get(0)); // { x: 1, y: "a" } "a"
 * ```
 */
export class StructColumn extends Column<Record<string, unknown>> {
  /** Child column called `name`, sliced to this column's range, or undefined. */
  child(name: string): Column | undefined {
    const i = (this.type as StructType).children.findIndex((f) => f.name === name);
    return i < 0 ? undefined : this.data.children[i].slice(this.data.offset, this.length);
  }

  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): Record<string, unknown> {
    const fields = (this.type as StructType).children;
    const out: Record<string, unknown> = {};
    const j = this.data.offset + i;
    for (let k = 0; k < fields.length; k++) out[fields[k].name] = this.data.children[k].get(j);
    return out;
  }
}

/**
 * Dictionary-encoded values; `get` returns the decoded value.
 *
 * @example
 * ```ts
 * import { columnFromValues, types } from "@avila/arrow";
 * import { type DictionaryColumn } from "./column.ts";
 * const c = columnFromValues(["H1", "L1", "H1"], types.dictionary()) as DictionaryColumn<string>;
 * console.log(c.indices, c.get(2)); // Int32Array(3) [ 0, 1, 0 ] "H1"
 * ```
 */
export class DictionaryColumn<T = unknown> extends Column<T> {
  /** The dictionary of distinct values. */
  get dictionary(): Column<T> {
    return this.data.dictionary as Column<T>;
  }

  /** The indices as a zero-copy typed subarray. */
  get indices(): TypedArray {
    const d = this.data;
    return d.values!.subarray(d.offset, d.offset + d.length);
  }

  /** Element `i` (in range and valid) as a JS value. */
  protected override value(i: number): T {
    return this.dictionary.get(Number(this.data.values![this.data.offset + i])) as T;
  }
}

/**
 * Wraps column data in the class of its type.
 *
 * @example
 * ```ts
 * import { makeColumn, types } from "@avila/arrow";
 * const c = makeColumn({
 *   type: types.int32(), length: 2, offset: 0, nullCount: 0, validity: null,
 *   values: new Int32Array([7, 8]), offsets: null, children: [], dictionary: null,
 * });
 * console.log(c.get(1)); // 8
 * ```
 */
export function makeColumn(data: ColumnData): Column {
  const t = data.type;
  switch (t.typeId) {
    case Type.Null:
      return new NullColumn(data);
    case Type.Bool:
      return new BoolColumn(data);
    case Type.Int:
      return t.bitWidth === 64 ? new BigIntColumn(data) : new NumberColumn(data);
    case Type.Float:
      return t.precision === Precision.HALF ? new Float16Column(data) : new NumberColumn(data);
    case Type.Decimal:
      return new DecimalColumn(data);
    case Type.Interval:
      return new IntervalColumn(data);
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
      return new TemporalColumn(data);
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
      return new Utf8Column(data);
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView:
      return new BinaryColumn(data);
    case Type.FixedSizeBinary:
      return new FixedSizeBinaryColumn(data);
    case Type.List:
    case Type.LargeList:
      return new ListColumn(data);
    case Type.FixedSizeList:
      return new FixedSizeListColumn(data);
    case Type.Struct:
      return new StructColumn(data);
    case Type.Dictionary:
      return new DictionaryColumn(data);
    case Type.ListView:
    case Type.LargeListView:
      return new ListViewColumn(data);
    case Type.Map:
      return new MapColumn(data);
    case Type.Union:
      return new UnionColumn(data);
    case Type.RunEndEncoded:
      return new RunEndEncodedColumn(data);
  }
}
