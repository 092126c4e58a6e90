/**
 * Builder for 64-bit integers read as `bigint` (int64, uint64).
 *
 * @module
 */

import { BigIntColumn, type Column } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type IntType, typeToString } from "../types.ts";
import {
  type Builder,
  type BuilderOptions,
  cannotHold,
  describe,
  FixedWidthParts,
} from "./builder.ts";

/**
 * Appends `bigint`s (or integral numbers) into a growing `BigInt64Array`/`BigUint64Array`.
 * Values outside the type's range wrap like typed array stores.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { BigIntBuilder } from "./bigint.ts";
 * const b = new BigIntBuilder(types.int64());
 * b.append(2n ** 40n);
 * console.log(b.finish().get(0)); // 1099511627776n
 * ```
 */
export class BigIntBuilder implements Builder<bigint | number> {
  /** int64 or uint64. */
  readonly type: IntType;
  /** Values appended. */
  length = 0;
  #parts: FixedWidthParts<BigInt64Array | BigUint64Array>;
  #wrap: boolean;

  /**
   * Creates an empty builder.
   *
   * @param type int64 or uint64
   * @param options `overflow`: `"error"` (default) or `"wrap"` (modulo 2^64)
   */
  constructor(type: IntType, options: BuilderOptions = {}) {
    if (type.bitWidth !== 64) throw new ArrowError("invalid", "BigIntBuilder needs a 64-bit type");
    this.type = type;
    this.#parts = new FixedWidthParts(type.signed ? new BigInt64Array(64) : new BigUint64Array(64));
    this.#wrap = options.overflow === "wrap";
  }

  /** Appends a bigint, an integral number, or null; out of range is an error by default. */
  append(value: bigint | number | null | undefined): void {
    let v = 0n;
    if (value !== null && value !== undefined) {
      if (typeof value === "bigint") v = value;
      else if (typeof value === "number" && Number.isInteger(value)) v = BigInt(value);
      else {
        throw new ArrowError("invalid", `64-bit integer column cannot hold a ${describe(value)}`);
      }
      const fits = this.type.signed ? BigInt.asIntN(64, v) === v : BigInt.asUintN(64, v) === v;
      if (!fits && !this.#wrap) {
        throw cannotHold(v, typeToString(this.type), "out of range");
      }
    }
    const i = this.length++;
    const values = this.#parts.next(i, value !== null && value !== undefined);
    values[i] = v; // 0 for a null; wraps modulo 2^64 (only reachable with overflow: "wrap")
  }

  /** The 64-bit integer column. */
  finish(): Column {
    return new BigIntColumn(this.#parts.finish(this.type, this.length));
  }
}
