/**
 * Builder for fixed-width numeric types read as JS numbers (int8–32, uint8–32, float16/32/64).
 *
 * @module
 */

import { type Column, makeColumn, type NumberColumn, numberToFloat16 } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type FloatType, type IntType, Precision, Type, typeToString } from "../types.ts";
import {
  type Builder,
  type BuilderOptions,
  cannotHold,
  describe,
  FixedWidthParts,
} from "./builder.ts";

/** The typed arrays of the int8–32, uint8–32 and float types, as the column hands them out. */
type NumberArray = NumberColumn["values"];
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
 * Appends numbers into a growing typed array. Integer types take only integers in their
 * range (anything else is an `invalid` error, unless `{ overflow: "wrap" }` asks for typed
 * array coercion); float32 and float16 values are rounded to nearest even.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { NumberBuilder } from "./number.ts";
 * const b = new NumberBuilder(types.int16());
 * b.append(7);
 * console.log(b.finish().get(0)); // 7
 * ```
 */
export class NumberBuilder implements Builder<number> {
  /** An int (≤ 32 bits) or float type. */
  readonly type: IntType | FloatType;
  /** Values appended. */
  length = 0;
  #parts: FixedWidthParts<NumberArray>;
  #half: boolean;
  #checked: boolean;
  #min = 0;
  #max = 0;

  /**
   * Creates an empty builder.
   *
   * @param type int8–32, uint8–32 or float16/32/64
   * @param options `overflow`: `"error"` (default) or `"wrap"`
   */
  constructor(type: IntType | FloatType, options: BuilderOptions = {}) {
    this.type = type;
    this.#parts = new FixedWidthParts(new (numberArrayFor(type))(64));
    this.#half = type.typeId === Type.Float && type.precision === Precision.HALF;
    this.#checked = type.typeId === Type.Int && options.overflow !== "wrap";
    if (type.typeId === Type.Int) {
      this.#min = type.signed ? -(2 ** (type.bitWidth - 1)) : 0;
      this.#max = type.signed ? 2 ** (type.bitWidth - 1) - 1 : 2 ** type.bitWidth - 1;
    }
  }

  /** Appends a number or null. */
  append(value: number | null | undefined): void {
    if (value !== null && value !== undefined) {
      if (typeof value !== "number") {
        throw new ArrowError("invalid", `numeric column cannot hold a ${describe(value)}`);
      }
      if (this.#checked) {
        const what = typeToString(this.type);
        if (!Number.isInteger(value)) throw cannotHold(value, what, "not an integer");
        if (value < this.#min || value > this.#max) {
          throw cannotHold(value, what, `outside ${this.#min}..${this.#max}`);
        }
      }
    }
    const i = this.length++;
    const values = this.#parts.next(i, value !== null && value !== undefined);
    if (value === null || value === undefined) return;
    values[i] = this.#half ? numberToFloat16(value) : value;
  }

  /** The numeric column. */
  finish(): Column {
    return makeColumn(this.#parts.finish(this.type, this.length));
  }
}
