/**
 * Builders for variable-size and fixed-size lists.
 *
 * @module
 */

import { type Column, FixedSizeListColumn, ListColumn } from "../column.ts";
import { ArrowError } from "../errors.ts";
import { type FixedSizeListType, type ListType, Type } from "../types.ts";
import {
  type Builder,
  builtColumnData,
  columnOffsets,
  describe,
  OffsetsBuilder,
  ValidityBuilder,
} from "./builder.ts";
import { makeBuilder } from "./make.ts";

function isListValue(v: unknown): v is ArrayLike<unknown> & Iterable<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/**
 * Appends arrays (or typed arrays) as lists (list or large list); elements go to the child
 * builder.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { ListBuilder } from "./list.ts";
 * const b = new ListBuilder(types.list(types.int32()));
 * b.append([1, 2]);
 * b.append([]);
 * console.log(b.finish().toArray()); // [ [ 1, 2 ], [] ]
 * ```
 */
export class ListBuilder implements Builder<ArrayLike<unknown>> {
  /** The list type. */
  readonly type: ListType;
  /** Lists appended. */
  length = 0;
  #child: Builder;
  #offsets = new OffsetsBuilder();
  #validity = new ValidityBuilder();

  /**
   * Creates an empty builder.
   *
   * @param type a list type
   */
  constructor(type: ListType) {
    this.type = type;
    this.#child = makeBuilder(type.child.type);
  }

  /** Appends a list or null. */
  append(value: ArrayLike<unknown> | null | undefined): void {
    const i = this.length++;
    if (value === null || value === undefined) {
      this.#validity.set(i, false);
      this.#offsets.set(i, this.#child.length);
      return;
    }
    if (!isListValue(value)) {
      throw new ArrowError("invalid", `list column cannot hold a ${describe(value)}`);
    }
    this.#validity.set(i, true);
    for (let k = 0; k < value.length; k++) this.#child.append(value[k]);
    if (this.#child.length > 0x7fffffff) throw new ArrowError("limit", "list child too long");
    this.#offsets.set(i, this.#child.length);
  }

  /** The list column. */
  finish(): Column {
    return new ListColumn(
      builtColumnData(this.type, this.length, this.#validity, {
        offsets: columnOffsets(
          this.#offsets.finish(this.length),
          this.type.typeId === Type.LargeList,
        ),
        children: [this.#child.finish()],
      }),
    );
  }
}

/**
 * Appends arrays of exactly `listSize` elements; a null list appends `listSize` child nulls.
 *
 * @example
 * ```ts
 * import { types } from "@avila/arrow";
 * import { FixedSizeListBuilder } from "./list.ts";
 * const b = new FixedSizeListBuilder(types.fixedSizeList(types.float64(), 2));
 * b.append([1, 2]);
 * console.log(b.finish().get(0)); // [ 1, 2 ]
 * ```
 */
export class FixedSizeListBuilder implements Builder<ArrayLike<unknown>> {
  /** The fixed-size list type. */
  readonly type: FixedSizeListType;
  /** Lists appended. */
  length = 0;
  #child: Builder;
  #validity = new ValidityBuilder();

  /**
   * Creates an empty builder.
   *
   * @param type a fixed-size list type
   */
  constructor(type: FixedSizeListType) {
    this.type = type;
    this.#child = makeBuilder(type.child.type);
  }

  /** Appends a list of `listSize` elements or null. */
  append(value: ArrayLike<unknown> | null | undefined): void {
    const n = this.type.listSize;
    const i = this.length++;
    if (value === null || value === undefined) {
      this.#validity.set(i, false);
      for (let k = 0; k < n; k++) this.#child.append(null);
      return;
    }
    if (!isListValue(value) || value.length !== n) {
      throw new ArrowError("invalid", `fixed-size list column needs ${n} elements per value`);
    }
    this.#validity.set(i, true);
    for (let k = 0; k < n; k++) this.#child.append(value[k]);
  }

  /** The fixed-size list column. */
  finish(): Column {
    return new FixedSizeListColumn(
      builtColumnData(this.type, this.length, this.#validity, { children: [this.#child.finish()] }),
    );
  }
}
