/**
 * Builder for the null type.
 *
 * @module
 */

import { type Column, NullColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type NullType, Type } from "../types.ts";
import { type Builder, describe } from "./builder.ts";

/**
 * Counts nulls; any non-null value is rejected.
 *
 * @example
 * ```ts
 * import { NullBuilder } from "./null.ts";
 * const b = new NullBuilder();
 * b.append(null);
 * console.log(b.finish().length); // 1
 * ```
 */
export class NullBuilder implements Builder<null> {
  /** The null type. */
  readonly type: NullType = { typeId: Type.Null };
  /** Values appended. */
  length = 0;

  /** Appends a null; anything else throws `invalid`. */
  append(value: null | undefined): void {
    if (value !== null && value !== undefined) {
      throw new ArrowError("invalid", `null column cannot hold a ${describe(value)}`);
    }
    this.length++;
  }

  /** The all-null column. */
  finish(): Column {
    return new NullColumn({
      type: this.type,
      length: this.length,
      offset: 0,
      nullCount: this.length,
      validity: null,
      values: null,
      offsets: null,
      children: [],
      dictionary: null,
    });
  }
}
