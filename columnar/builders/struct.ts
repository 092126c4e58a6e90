/**
 * Builder for structs.
 *
 * @module
 */

import { type Column, StructColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import type { StructType } from "../types.ts";
import { type Builder, builtColumnData, describe, ValidityBuilder } from "./builder.ts";
import { makeBuilder } from "./make.ts";

/**
 * Appends objects; each child field takes the property of its name (missing: null).
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { StructBuilder } from "./struct.ts";
 * const b = new StructBuilder(types.struct({ x: types.float64(), tag: types.utf8() }));
 * b.append({ x: 1, tag: "a" });
 * console.log(b.finish().get(0)); // { x: 1, tag: "a" }
 * ```
 */
export class StructBuilder implements Builder<Record<string, unknown>> {
  /** The struct type. */
  readonly type: StructType;
  /** Values appended. */
  length = 0;
  #children: Builder[];
  #names: string[];
  #validity = new ValidityBuilder();

  /**
   * Creates an empty builder.
   *
   * @param type a struct type
   */
  constructor(type: StructType) {
    this.type = type;
    this.#children = type.children.map((f) => makeBuilder(f.type));
    this.#names = type.children.map((f) => f.name);
  }

  /** Appends an object or null. */
  append(value: Record<string, unknown> | null | undefined): void {
    const i = this.length++;
    const c = this.#children;
    if (value === null || value === undefined) {
      this.#validity.set(i, false);
      for (let k = 0; k < c.length; k++) c[k].append(null);
      return;
    }
    if (typeof value !== "object" || Array.isArray(value) || ArrayBuffer.isView(value)) {
      throw new ArrowError("invalid", `struct column cannot hold a ${describe(value)}`);
    }
    this.#validity.set(i, true);
    for (let k = 0; k < c.length; k++) c[k].append(value[this.#names[k]]);
  }

  /** The struct column. */
  finish(): Column {
    return new StructColumn(
      builtColumnData(this.type, this.length, this.#validity, {
        children: this.#children.map((b) => b.finish()),
      }),
    );
  }
}
