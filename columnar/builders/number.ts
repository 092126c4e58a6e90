/**
 * Builder for fixed-width numeric types read as JS numbers (int8–32, uint8–32, float16/32/64).
 *
 * @module
 */

import { type Column, makeColumn, numberToFloat16, type TypedArray } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type FloatType, type IntType, Precision, Type } from "../types.ts";
import { type Builder, describe, grow, ValidityBuilder } from "./builder.ts";

type NumberArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;
type NumberArrayCtor = { new (n: number): NumberArray };

// The typed array constructor storing `type` (64-bit ints excluded).
function numberArrayFor(type: IntType | FloatType): NumberArrayCtor {
  if (type.typeId === Type.Float) {
    return type.precision === Precision.DOUBLE
      ? Float64Array
      : type.precision === Precision.SINGLE
      ? Float32Array
      : Uint16Array;
  }
  switch (type.bitWidth) {
    case 8:
      return type.signed ? Int8Array : Uint8Array;
    case 16:
      return type.signed ? Int16Array : Uint16Array;
    case 32:
      return type.signed ? Int32Array : Uint32Array;
    default:
      throw new ArrowError("invalid", "64-bit integers need a BigIntBuilder");
  }
}

/**
 * Appends numbers into a growing typed array (values are coerced like typed array stores:
 * integers truncate and wrap). Float16 values are rounded to half precision.
 *
 * @example
 * ```ts
 * import { NumberBuilder, int16 } from "@avila/avx-http/columnar";
 * const b = new NumberBuilder(int16());
 * b.append(7);
 * console.log(b.finish().get(0)); // 7
 * ```
 */
export class NumberBuilder implements Builder<number> {
  /** An int (≤ 32 bits) or float type. */
  readonly type: IntType | FloatType;
  /** Values appended. */
  length = 0;
  #ctor: NumberArrayCtor;
  #values: NumberArray;
  #half: boolean;
  #validity = new ValidityBuilder();

  /**
   * Creates an empty builder.
   *
   * @param type int8–32, uint8–32 or float16/32/64
   */
  constructor(type: IntType | FloatType) {
    this.type = type;
    this.#ctor = numberArrayFor(type);
    this.#values = new this.#ctor(64);
    this.#half = type.typeId === Type.Float && type.precision === Precision.HALF;
  }

  /** Appends a number or null. */
  append(value: number | null | undefined): void {
    const i = this.length++;
    if (i >= this.#values.length) {
      const n = new this.#ctor(grow(this.#values.length, i + 1));
      n.set(this.#values as never);
      this.#values = n;
    }
    if (value === null || value === undefined) {
      this.#validity.set(i, false);
      return;
    }
    if (typeof value !== "number") {
      throw new ArrowError("invalid", `numeric column cannot hold a ${describe(value)}`);
    }
    this.#validity.set(i, true);
    this.#values[i] = this.#half ? numberToFloat16(value) : value;
  }

  /** The numeric column. */
  finish(): Column {
    const n = this.length;
    return makeColumn({
      type: this.type,
      length: n,
      offset: 0,
      nullCount: this.#validity.nullCount,
      validity: this.#validity.finish(n),
      values: this.#values.subarray(0, n) as TypedArray,
      offsets: null,
      children: [],
      dictionary: null,
    });
  }
}
