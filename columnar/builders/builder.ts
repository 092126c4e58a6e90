/**
 * The builder contract and the growable buffers every builder uses.
 *
 * @module
 */

import type { Column, ColumnData, TypedArray } from "../column.ts";
import { ArrowError } from "../errors.ts";
import type { DataType } from "../types.ts";

/**
 * Accumulates values of one type, then produces an immutable column. `null` and `undefined`
 * append a null. Values of the wrong kind throw `ArrowError` with code `invalid`.
 *
 * @example
 * ```ts
 * import { makeBuilder, types } from "@avila/arrow";
 * const b = makeBuilder(types.float64());
 * b.append(1.5);
 * b.append(null);
 * console.log(b.finish().toArray()); // [ 1.5, null ]
 * ```
 */
export interface Builder<T = unknown> {
  /** The type of the column being built. */
  readonly type: DataType;
  /** Values appended so far. */
  readonly length: number;
  /** Appends one value (null/undefined: a null). */
  append(value: T | null | undefined): void;
  /** Returns the column; the builder must not be used afterwards. */
  finish(): Column;
}

/** Largest element count a builder accepts (keeps offsets in int32 and allocations sane). */
export const MAX_BUILDER_LENGTH = 0x7fff_ffff;

/** Next capacity ≥ `need`, growing geometrically. */
export function grow(current: number, need: number): number {
  if (need > MAX_BUILDER_LENGTH * 8) throw new ArrowError("limit", "column too large");
  let c = Math.max(current, 64);
  while (c < need) c *= 2;
  return c;
}

/**
 * A larger array of `values`' own type holding its contents, for at least `need` elements.
 * Builders call it only when an append does not fit, so their append path stays inline.
 *
 * @example
 * ```ts
 * import { growTyped } from "./builder.ts";
 * const a = growTyped(new BigInt64Array([1n, 2n]), 3);
 * console.log(a instanceof BigInt64Array, a.length, a[1]); // true 64 2n
 * ```
 */
export function growTyped<T extends TypedArray>(values: T, need: number): T {
  const n = new (values.constructor as new (length: number) => T)(grow(values.length, need));
  n.set(values as never);
  return n;
}

/** `bytes` when it holds `need` bytes, else a larger buffer with its first `used` bytes. */
export function growBytes(
  bytes: Uint8Array<ArrayBuffer>,
  used: number,
  need: number,
): Uint8Array<ArrayBuffer> {
  if (need <= bytes.length) return bytes;
  const n = new Uint8Array(grow(bytes.length, need));
  n.set(bytes.subarray(0, used));
  return n;
}

/**
 * The data of a built column: `length` elements from offset 0, the nulls `validity` recorded
 * (`null`: no validity, no nulls), and the layout's buffers (an absent one is empty).
 *
 * @example
 * ```ts
 * import { builtColumnData } from "./builder.ts";
 * import { int32 } from "../types.ts";
 * const d = builtColumnData(int32(), 2, null, { values: new Int32Array([1, 2]) });
 * console.log(d.nullCount, d.offsets, d.children.length); // 0 null 0
 * ```
 */
export function builtColumnData(
  type: DataType,
  length: number,
  validity: ValidityBuilder | null,
  buffers: Partial<Pick<ColumnData, "values" | "offsets" | "children">>,
): ColumnData {
  return {
    type,
    length,
    offset: 0,
    nullCount: validity === null ? 0 : validity.nullCount,
    validity: validity === null ? null : validity.finish(length),
    values: buffers.values ?? null,
    offsets: buffers.offsets ?? null,
    children: buffers.children ?? [],
    dictionary: null,
  };
}

/** Offsets as a column stores them: int64 for the large types, else the int32 `offsets`. */
export function columnOffsets(offsets: Int32Array, large: boolean): Int32Array | BigInt64Array {
  return large ? BigInt64Array.from(offsets, BigInt) : offsets;
}

/**
 * The int32 offsets of a variable-size column being built (binary, utf8, list): value `i` ends
 * at offset `i + 1`. {@link columnOffsets} widens them for the large types.
 */
export class OffsetsBuilder {
  #offsets = new Int32Array(64);

  /** Records that value `i` (appended in order) ends at `end`. */
  set(i: number, end: number): void {
    if (i + 2 > this.#offsets.length) this.#offsets = growTyped(this.#offsets, i + 2);
    this.#offsets[i + 1] = end;
  }

  /** The `length + 1` offsets of `length` values. */
  finish(length: number): Int32Array {
    return this.#offsets.subarray(0, length + 1);
  }
}

/**
 * What a binary or utf8 builder accumulates: the value bytes, their offsets and the validity.
 * The builders differ only in how a value's bytes are written between {@link begin} and
 * {@link end}.
 */
export class VarBytesParts {
  /** Value bytes; `bytes[0, pos)` are written. */
  bytes: Uint8Array<ArrayBuffer> = new Uint8Array(1024);
  /** End of the written bytes. */
  pos = 0;
  #offsets = new OffsetsBuilder();
  #validity = new ValidityBuilder();

  /** Records value `i` as null. */
  appendNull(i: number): void {
    this.#validity.set(i, false);
    this.#offsets.set(i, this.pos);
  }

  /**
   * Starts non-null value `i` of at most `maxBytes` bytes; returns `bytes`, with room for them.
   *
   * @throws {ArrowError} `limit` when the column would pass 2 GiB (`message` says so)
   */
  begin(i: number, maxBytes: number, message: string): Uint8Array {
    this.#validity.set(i, true);
    const need = this.pos + maxBytes;
    if (need > this.bytes.length) {
      if (need > MAX_BUILDER_LENGTH) throw new ArrowError("limit", message);
      this.bytes = growBytes(this.bytes, this.pos, need);
    }
    return this.bytes;
  }

  /** Ends value `i` at byte `end`. */
  end(i: number, end: number): void {
    this.pos = end;
    this.#offsets.set(i, end);
  }

  /** The data of a column of `type` with `length` values (int64 offsets when `large`). */
  finish(type: DataType, length: number, large: boolean): ColumnData {
    return builtColumnData(type, length, this.#validity, {
      values: this.bytes.subarray(0, this.pos),
      offsets: columnOffsets(this.#offsets.finish(length), large),
    });
  }
}

/**
 * What a fixed-width builder accumulates: `width` elements of `values` per value, and the
 * validity. The builders (numbers, 64-bit integers, temporal, decimal, interval) differ only
 * in how a value is checked and stored between {@link next} and the next append.
 *
 * @example
 * ```ts
 * import { FixedWidthParts } from "./builder.ts";
 * import { int32 } from "../types.ts";
 * const parts = new FixedWidthParts(new Int32Array(64));
 * parts.next(0, true)[0] = 7;
 * parts.next(1, false);
 * const d = parts.finish(int32(), 2);
 * console.log(d.values, d.nullCount); // Int32Array(2) [ 7, 0 ] 1
 * ```
 */
export class FixedWidthParts<T extends TypedArray> {
  /** The values, `width` elements per value; {@link next} grows them. */
  values: T;
  #width: number;
  #validity = new ValidityBuilder();

  /**
   * Starts with `values` as the first buffer.
   *
   * @param values an empty buffer of the storage type (its length is the first capacity)
   * @param width elements per value
   */
  constructor(values: T, width = 1) {
    this.values = values;
    this.#width = width;
  }

  /** Makes room for value `i` (appended in order) and records its validity; returns `values`. */
  next(i: number, valid: boolean): T {
    const need = (i + 1) * this.#width;
    if (need > this.values.length) this.values = growTyped(this.values, need);
    this.#validity.set(i, valid);
    return this.values;
  }

  /** The data of a column of `type` holding the first `length` values. */
  finish(type: DataType, length: number): ColumnData {
    return builtColumnData(type, length, this.#validity, {
      values: this.values.subarray(0, length * this.#width) as TypedArray,
    });
  }
}

/** Tracks validity; the bitmap is only allocated once the first null arrives. */
export class ValidityBuilder {
  /** Bitmap (bit set = valid), or null while everything is valid. */
  bits: Uint8Array | null = null;
  /** Nulls appended. */
  nullCount = 0;

  /** Records element `i` as valid or not. */
  set(i: number, valid: boolean): void {
    if (valid) {
      if (this.bits !== null) {
        this.#ensure(i);
        this.bits[i >> 3] |= 1 << (i & 7);
      }
      return;
    }
    this.nullCount++;
    if (this.bits === null) {
      this.bits = new Uint8Array(grow(0, (i >> 3) + 1));
      // every earlier element was valid
      this.bits.fill(0xff, 0, i >> 3);
      for (let k = i & ~7; k < i; k++) this.bits[k >> 3] |= 1 << (k & 7);
    } else this.#ensure(i);
  }

  #ensure(i: number): void {
    const need = (i >> 3) + 1;
    if (need > this.bits!.length) {
      const n = new Uint8Array(grow(this.bits!.length, need));
      n.set(this.bits!);
      this.bits = n;
    }
  }

  /** The bitmap trimmed to `length` elements, or null when there were no nulls. */
  finish(length: number): Uint8Array | null {
    if (this.bits === null) return null;
    const n = Math.ceil(length / 8);
    if (this.bits.length < n) {
      const b = new Uint8Array(n);
      b.set(this.bits);
      this.bits = b;
    }
    return this.bits.subarray(0, n);
  }
}

/** Describes a value for error messages without echoing large inputs. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Date) return "Date";
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}

/**
 * Options of the builders of integer, temporal and decimal types.
 *
 * @example
 * ```ts
 * import { type BuilderOptions, makeBuilder, types } from "@avila/arrow";
 * const options: BuilderOptions = { overflow: "wrap" };
 * const b = makeBuilder(types.int8(), options);
 * b.append(200);
 * console.log(b.finish().get(0)); // -56
 * ```
 */
export interface BuilderOptions {
  /**
   * What an integer or temporal builder does with a value its type cannot hold exactly:
   * `"error"` (default) throws `ArrowError("invalid")` for out-of-range and non-integral
   * values, leaving the builder as it was; `"wrap"` stores them as a typed array would
   * (truncated toward zero, then wrapped modulo 2^bits). Decimals are always checked.
   */
  overflow?: "error" | "wrap";
}

/** The `invalid` error for a value a type cannot hold. */
export function cannotHold(value: unknown, what: string, why: string): ArrowError {
  const shown = typeof value === "number" || typeof value === "bigint"
    ? String(value).slice(0, 40)
    : describe(value);
  return new ArrowError("invalid", `${what} cannot hold ${shown}: ${why}`);
}
