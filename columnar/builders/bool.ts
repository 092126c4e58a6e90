/**
 * Builder for booleans (bit-packed).
 *
 * @module
 */

import { BoolColumn, type Column } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type BoolType, Type } from "../types.ts";
import { type Builder, builtColumnData, describe, growTyped, ValidityBuilder } from "./builder.ts";

/**
 * Packs booleans eight to a byte.
 *
 * @example
 * ```ts
 * import { BoolBuilder } from "./bool.ts";
 * const b = new BoolBuilder();
 * b.append(true);
 * b.append(false);
 * console.log(b.finish().toArray()); // [ true, false ]
 * ```
 */
export class BoolBuilder implements Builder<boolean> {
  /** The bool type. */
  readonly type: BoolType = { typeId: Type.Bool };
  /** Values appended. */
  length = 0;
  #bits = new Uint8Array(64);
  #validity = new ValidityBuilder();

  /** Appends a boolean or null. */
  append(value: boolean | null | undefined): void {
    const i = this.length++;
    if ((i >> 3) >= this.#bits.length) this.#bits = growTyped(this.#bits, (i >> 3) + 1);
    if (value === null || value === undefined) {
      this.#validity.set(i, false);
      return;
    }
    if (typeof value !== "boolean") {
      throw new ArrowError("invalid", `bool column cannot hold a ${describe(value)}`);
    }
    this.#validity.set(i, true);
    if (value) this.#bits[i >> 3] |= 1 << (i & 7);
  }

  /** The boolean column. */
  finish(): Column {
    const n = this.length;
    return new BoolColumn(
      builtColumnData(this.type, n, this.#validity, {
        values: this.#bits.subarray(0, Math.ceil(n / 8)),
      }),
    );
  }
}
